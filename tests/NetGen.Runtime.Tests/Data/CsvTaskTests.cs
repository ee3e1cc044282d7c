using System;
using System.Globalization;
using System.Linq;
using System.Text;
using NetGen;

namespace NetGen.Runtime.Tests.Data;

/// <summary>
/// The CSV loader never guesses the task: a label that is not a small class index is an error naming
/// the option to set, sizes read from the file are checked before anything is allocated by them, and
/// unlabelled rows, several targets and missing values each have an explicit mode.
/// </summary>
public sealed class CsvTaskTests
{
    [Fact]
    public void A_regression_target_read_as_classes_is_an_error_naming_Labels_Values()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("x,price\n1,3\n2,10.5\n"));

        Assert.Equal(3, exception.Line);
        Assert.Equal("CSV text, line 3, column 2 ('price'): the label '10.5' is not a class index (a whole number from 0); to regress on this column set Labels = CsvLabels.Values.", exception.Message);
    }

    [Fact]
    public void A_huge_class_index_in_a_tiny_file_is_rejected_before_anything_is_sized_by_it()
    {
        // 13 bytes once asked for 30,000,000 one-hot classes (228 MB).
        const string Csv = "1.5,29999999\n";
        CsvDataLoader.Parse<double>("1.5,2\n"); // warm up the JIT so its allocations are not counted
        long before = GC.GetAllocatedBytesForCurrentThread();

        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>(Csv));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 256 * 1024, "the rejected file allocated more than 256 KB");
        Assert.Equal(1, exception.Line);
        Assert.Contains("the class index 29999999 is beyond MaxClassCount (1000, so indexes run from 0 to 999)", exception.Message);
        Assert.Contains("set Labels = CsvLabels.Values", exception.Message);
        Assert.Contains("set ClassCount (or MaxClassCount)", exception.Message);
    }

    [Fact]
    public void Many_rows_of_a_class_index_near_two_to_the_thirty_do_not_overflow()
    {
        // Once rows x classes multiplied as an int: OverflowException.
        var csv = new StringBuilder();
        for (int row = 0; row < 3; row++)
            csv.Append(CultureInfo.InvariantCulture, $"{row},{(1 << 30) + row}\n");

        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<float>(csv.ToString()));

        Assert.Equal(1, exception.Line);
        Assert.Contains("the class index 1073741824 is beyond MaxClassCount", exception.Message);
    }

    [Fact]
    public void The_largest_int_as_a_class_index_names_the_limit_it_breaks()
    {
        var inferred = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2147483647\n"));
        var explicitCount = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,2147483647\n", new CsvOptions { ClassCount = int.MaxValue }));

        Assert.Contains("the class index 2147483647 is beyond MaxClassCount (1000", inferred.Message);
        Assert.Contains("the class index 2147483647 is out of range: ClassCount is 2147483647, so indexes run from 0 to 2147483646.", explicitCount.Message);
        Assert.DoesNotContain("-2147483648", inferred.Message + explicitCount.Message);
    }

    [Fact]
    public void An_explicit_class_count_too_large_for_the_targets_is_an_error_not_an_overflow()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,0\n2,1\n", new CsvOptions { ClassCount = int.MaxValue }));

        Assert.Contains("one-hot targets for 2 rows of 2147483647 classes would need 4294967294 values, more than an array holds; lower ClassCount.", exception.Message);
    }

    [Fact]
    public void More_classes_than_the_default_limit_load_when_MaxClassCount_is_raised()
    {
        var data = CsvDataLoader.Parse<float>("1,0\n2,1499\n", new CsvOptions { MaxClassCount = 1500 });

        Assert.Equal(1500, data.ClassCount);
        Assert.Equal([0, 1499], data.Labels!);
    }

    [Fact]
    public void More_distinct_class_names_than_the_limit_are_rejected_on_the_line_of_the_first_extra_name()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,a\n2,b\n3,a\n4,c\n", new CsvOptions { MaxClassCount = 2 }));

        Assert.Equal(4, exception.Line);
        Assert.Contains("the class 'c' is class 3, more than MaxClassCount (2); set ClassCount (or MaxClassCount) for that many classes.", exception.Message);
    }

    [Fact]
    public void Class_names_mixed_with_class_indexes_are_rejected_naming_both_lines()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,cat\n2,0\n"));

        Assert.Equal(2, exception.Line);
        Assert.Contains("the label '0' is a number but the label on line 1 is a name", exception.Message);
    }

    [Fact]
    public void Class_options_out_of_range_are_argument_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataLoader.Parse<double>("1,0\n", new CsvOptions { MaxClassCount = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataLoader.Parse<double>("1,0\n", new CsvOptions { ClassCount = -1 }));
    }

    [Fact]
    public void Unlabelled_rows_make_every_column_an_input_and_no_targets()
    {
        var data = CsvDataLoader.Parse<double>("a,b,c\n1,2,3\n4,5,6\n", new CsvOptions { Labels = CsvLabels.None });

        Assert.Equal(2, data.Rows);
        Assert.Equal(3, data.InputSize);
        Assert.Equal(0, data.TargetSize);
        Assert.False(data.HasTargets);
        Assert.Empty(data.Targets);
        Assert.Null(data.Labels);
        Assert.Equal(["a", "b", "c"], data.InputNames);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.Inputs);
        Assert.Equal([4.0, 5, 6], data.Slice(1, 1).Inputs);
    }

    [Fact]
    public void A_single_column_without_labels_is_one_input()
    {
        var data = CsvDataLoader.Parse<float>("0.5\n1.5\n", new CsvOptions { Labels = CsvLabels.None });

        Assert.Equal(1, data.InputSize);
        Assert.Equal([0.5f, 1.5f], data.Inputs);
    }

    [Fact]
    public void Label_columns_with_unlabelled_rows_are_an_argument_error()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>("a,b\n1,2\n", new CsvOptions { Labels = CsvLabels.None, LabelColumnName = "b" }));

        Assert.Contains("Labels is CsvLabels.None", exception.Message);
    }

    [Fact]
    public void Several_target_columns_form_each_target_row_in_the_order_given()
    {
        var byIndex = CsvDataLoader.Parse<double>("1,10,2,20\n3,30,4,40\n",
            new CsvOptions { Labels = CsvLabels.Values, LabelColumns = [-1, 1] });
        var byName = CsvDataLoader.Parse<double>("a,y1,b,y2\n1,10,2,20\n3,30,4,40\n",
            new CsvOptions { Labels = CsvLabels.Values, LabelColumnNames = ["y2", "y1"] });

        foreach (LabeledDataSet<double> data in new[] { byIndex, byName })
        {
            Assert.Equal(2, data.InputSize);
            Assert.Equal(2, data.TargetSize);
            Assert.Equal([1.0, 2, 3, 4], data.Inputs);
            Assert.Equal([20.0, 10, 40, 30], data.Targets);
        }
        Assert.Equal(["a", "b"], byName.InputNames);
    }

    [Fact]
    public void Several_label_columns_for_classes_are_an_argument_error()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>("1,0,1\n", new CsvOptions { LabelColumns = [1, 2] }));

        Assert.Contains("only Labels = CsvLabels.Values takes several", exception.Message);
    }

    [Fact]
    public void A_label_column_by_index_and_by_name_is_an_argument_error_not_a_silent_choice()
    {
        var byName = Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>("a,b,c\n1,2,0\n", new CsvOptions { LabelColumn = 0, LabelColumnName = "c" }));
        var byList = Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>("1,2,0\n", new CsvOptions { Labels = CsvLabels.Values, LabelColumn = -1, LabelColumns = [0, 1] }));
        var unlabelled = Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>("1,2,0\n", new CsvOptions { Labels = CsvLabels.None, LabelColumn = 2 }));

        Assert.Contains("LabelColumn is 0 and LabelColumnName is \"c\" too", byName.Message);
        Assert.Contains("LabelColumn is -1 and LabelColumns is set too", byList.Message);
        Assert.Contains("Labels is CsvLabels.None", unlabelled.Message);
    }

    [Fact]
    public void A_null_missing_value_marker_is_an_argument_error()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>("1,2,0\n", new CsvOptions { MissingValueMarkers = ["NA", null!] }));

        Assert.Contains("MissingValueMarkers[1] is null", exception.Message);
    }

    [Fact]
    public void A_label_column_named_twice_is_rejected()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,2,3\n", new CsvOptions { Labels = CsvLabels.Values, LabelColumns = [2, -1] }));

        Assert.Contains("a label column is named twice (columns 3, 3)", exception.Message);
    }

    [Fact]
    public void DropRow_leaves_out_rows_with_a_missing_input_or_label()
    {
        var data = CsvDataLoader.Parse<double>("a,b,label\n1,2,0\nNA,4,1\n5,6,\n7,?,1\n9,10,1\n",
            new CsvOptions { MissingValues = CsvMissingValues.DropRow });

        Assert.Equal(2, data.Rows);
        Assert.Equal([1.0, 2, 9, 10], data.Inputs);
        Assert.Equal([0, 1], data.Labels!);
        Assert.Null(data.InputFillValues);
    }

    [Fact]
    public void FillWithMean_fills_missing_inputs_with_the_column_mean_and_keeps_the_means()
    {
        var data = CsvDataLoader.Parse<double>("a,b,y\n1,NA,10\n,4,20\n5,8,30\n",
            new CsvOptions { Labels = CsvLabels.Values, MissingValues = CsvMissingValues.FillWithMean });

        Assert.Equal([1.0, 6, 3, 4, 5, 8], data.Inputs);
        Assert.Equal([10.0, 20, 30], data.Targets);
        Assert.Equal([3.0, 6], data.InputFillValues!);
        Assert.Equal([3.0, 6], data.Slice(0, 1).InputFillValues!);
    }

    [Fact]
    public void FillWithMean_does_not_invent_a_missing_label()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,0\n2,NA\n", new CsvOptions { MissingValues = CsvMissingValues.FillWithMean }));

        Assert.Equal(2, exception.Line);
        Assert.Contains("set MissingValues = CsvMissingValues.DropRow", exception.Message);
    }

    [Fact]
    public void FillWithMean_rejects_a_column_with_no_values_at_all()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("a,b,label\n1,,0\n2,NA,1\n", new CsvOptions { MissingValues = CsvMissingValues.FillWithMean }));

        Assert.Contains("input column 'b' has no values at all", exception.Message);
    }

    [Fact]
    public void Missing_value_markers_can_be_chosen_and_do_not_make_a_first_line_a_header()
    {
        var data = CsvDataLoader.Parse<float>("NA,1,0\n-,2,1\n3,4,1\n",
            new CsvOptions { MissingValues = CsvMissingValues.DropRow, MissingValueMarkers = ["NA", "-"] });

        Assert.Null(data.InputNames);
        Assert.Equal([3f, 4f], data.Inputs);
    }

    [Fact]
    public void A_missing_label_under_the_default_policy_names_the_option_to_set()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,0\n2,\n"));

        Assert.Contains("line 2, column 2: the label is empty; missing values are an error unless MissingValues is set (CsvMissingValues.DropRow).", exception.Message);
    }

    [Fact]
    public void Every_class_label_path_checks_its_bound_before_allocating_targets_for_a_long_file()
    {
        // Many valid rows, then one label far beyond the limit on the last line: rejected with that line.
        string csv = string.Concat(Enumerable.Range(0, 1000).Select(row => $"{row},{row % 3}\n")) + "1,5000\n";

        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>(csv));

        Assert.Equal(1001, exception.Line);
    }
}
