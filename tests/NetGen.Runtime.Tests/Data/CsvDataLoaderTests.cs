using System;
using System.Globalization;
using System.IO;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Data;

/// <summary>Reading numeric data sets with a label column from CSV.</summary>
public sealed class CsvDataLoaderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Classification_labels_become_one_hot_targets_and_label_indexes()
    {
        var data = CsvDataLoader.Parse<double>("x,y,label\n1,2,0\n3,4,2\n5,6,1\n", new CsvOptions { ClassCount = 3 });

        Assert.Equal(3, data.Rows);
        Assert.Equal(2, data.InputSize);
        Assert.Equal(3, data.TargetSize);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], data.Inputs);
        Assert.Equal([1.0, 0, 0, 0, 0, 1, 0, 1, 0], data.Targets);
        Assert.Equal([0, 2, 1], data.Labels!);
    }

    [Fact]
    public void Class_count_from_the_options_widens_targets_beyond_the_largest_label_present()
    {
        var data = CsvDataLoader.Parse<float>("1,0\n2,1\n", new CsvOptions { ClassCount = 10 });

        Assert.Equal(10, data.TargetSize);
        Assert.Equal(10, data.ClassCount);
    }

    [Fact]
    public void Class_count_is_inferred_as_the_largest_label_plus_one()
    {
        var data = CsvDataLoader.Parse<float>("1,0\n2,3\n");

        Assert.Equal(4, data.ClassCount);
    }

    [Fact]
    public void Regression_keeps_the_raw_label_value_as_the_target()
    {
        var data = CsvDataLoader.Parse<double>("a,b,price\n1,2,10.5\n3,4,-7\n", new CsvOptions { Labels = CsvLabels.Values });

        Assert.Equal(1, data.TargetSize);
        Assert.Equal([10.5, -7], data.Targets);
        Assert.Null(data.Labels);
        Assert.False(data.IsClassification);
    }

    [Fact]
    public void Label_column_can_be_chosen_by_index_and_the_others_keep_their_order()
    {
        var data = CsvDataLoader.Parse<double>("1,10,20\n0,30,40\n", new CsvOptions { LabelColumn = 0 });

        Assert.Equal([1, 0], data.Labels!);
        Assert.Equal([10.0, 20, 30, 40], data.Inputs);
    }

    [Fact]
    public void Label_column_can_be_chosen_by_header_name()
    {
        var data = CsvDataLoader.Parse<double>("a,label,b\n1,1,2\n3,0,4\n", new CsvOptions { LabelColumnName = "label" });

        Assert.Equal([1, 0], data.Labels!);
        Assert.Equal([1.0, 2, 3, 4], data.Inputs);
        Assert.Equal(["a", "b"], data.InputNames);
    }

    [Fact]
    public void Header_is_detected_when_the_first_line_is_not_numeric_and_absent_otherwise()
    {
        var withHeader = CsvDataLoader.Parse<double>("a,b,label\n1,2,0\n", new CsvOptions { ClassCount = 2 });
        var withoutHeader = CsvDataLoader.Parse<double>("1,2,0\n3,4,1\n");

        Assert.Equal(1, withHeader.Rows);
        Assert.Equal(["a", "b"], withHeader.InputNames);
        Assert.Equal(2, withoutHeader.Rows);
        Assert.Null(withoutHeader.InputNames);
    }

    [Fact]
    public void Header_Present_treats_a_numeric_first_line_as_names()
    {
        var data = CsvDataLoader.Parse<double>("0,1,2\n5,6,1\n", new CsvOptions { Header = CsvHeader.Present });

        Assert.Equal(1, data.Rows);
        Assert.Equal(["0", "1"], data.InputNames);
    }

    [Fact]
    public void Text_class_names_are_numbered_in_ordinal_order()
    {
        var data = CsvDataLoader.Parse<double>("1,2,virginica\n3,4,setosa\n5,6,versicolor\n");

        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames);
        Assert.Equal([2, 0, 1], data.Labels!);
    }

    [Fact]
    public void Class_names_from_the_options_fix_the_numbering()
    {
        var options = new CsvOptions { ClassNames = ["no", "yes"] };

        var data = CsvDataLoader.Parse<double>("1,yes\n2,no\n", options);

        Assert.Equal([1, 0], data.Labels!);
    }

    [Fact]
    public void Whole_number_labels_written_with_a_decimal_point_are_class_indexes()
    {
        var data = CsvDataLoader.Parse<double>("1,2.0\n2,0.0\n");

        Assert.Equal([2, 0], data.Labels!);
    }

    [Fact]
    public void Blank_lines_quotes_spaces_and_another_separator_are_handled()
    {
        string csv = "\"first; col\" ; \"b\"\"q\" ; label\n\n 1.5 ; \"2\" ; 1 \n\n-3e-1;4;0\n";

        var data = CsvDataLoader.Parse<double>(csv, new CsvOptions { Separator = ';' });

        Assert.Equal(["first; col", "b\"q"], data.InputNames);
        Assert.Equal([1.5, 2, -0.3, 4], data.Inputs);
    }

    [Fact]
    public void Numbers_are_read_in_the_invariant_culture_whatever_the_current_culture()
    {
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");

            var data = CsvDataLoader.Parse<double>("1.5,-2.25,0\n", new CsvOptions { ClassCount = 2 });

            Assert.Equal([1.5, -2.25], data.Inputs);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void Float_values_are_parsed_straight_to_float()
    {
        // 16777217 is not a float; via double it would round to ...216 too, so test a value where
        // double rounding differs: the shortest float text for 0.1f parses back exactly.
        var data = CsvDataLoader.Parse<float>("0.1,16777217,0\n", new CsvOptions { ClassCount = 2 });

        Assert.Equal([0.1f, 16777216f], data.Inputs);
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        string path = _directory.File("bad.csv");
        File.WriteAllText(path, "a,b,label\n1,2,0\n1,x,1\n");

        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Load<double>(path));

        Assert.Equal($"{path}, line 3, column 2 ('b'): 'x' is not a number (expected invariant-culture notation such as 1.5 or -2e-3).", exception.Message);
        Assert.Equal(path, exception.FileName);
        Assert.Equal(3, exception.Line);
        Assert.Equal(2, exception.Column);
    }

    [Fact]
    public void Line_numbers_in_errors_count_blank_lines()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2,0\n\n\n1,2,3,0\n"));

        Assert.Equal(4, exception.Line);
        Assert.Contains("expected 3 fields (as on line 1), found 4", exception.Message);
    }

    [Fact]
    public void A_decimal_comma_is_reported_as_a_wrong_field_count()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("a,b,label\n1.5,2,0\n1,5,2,0\n"));

        Assert.Equal(3, exception.Line);
        Assert.Contains("expected 3 fields", exception.Message);
    }

    [Fact]
    public void An_empty_value_is_reported_with_its_column()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,,0\n"));

        Assert.Equal(2, exception.Column);
        Assert.Contains("the value is empty; missing values are an error unless MissingValues is set (CsvMissingValues.DropRow or CsvMissingValues.FillWithMean)", exception.Message);
    }

    [Fact]
    public void NaN_is_a_missing_value_and_infinity_is_rejected()
    {
        var nan = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2,0\nNaN,2,0\n"));
        var infinity = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2,0\nInfinity,2,0\n"));
        var overflow = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<float>("1,1e39,0\n"));

        Assert.Contains("line 2, column 1: the value is 'NaN', a missing-value marker", nan.Message);
        Assert.Contains("'Infinity' is not a finite Double", infinity.Message);
        Assert.Contains("'1e39' is not a finite Single", overflow.Message);
    }

    [Fact]
    public void A_class_index_at_or_above_the_class_count_names_the_line_and_the_range()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("a,label\n1,0\n2,3\n", new CsvOptions { ClassCount = 3 }));

        Assert.Equal("CSV text, line 3, column 2 ('label'): the class index 3 is out of range: ClassCount is 3, so indexes run from 0 to 2.", exception.Message);
    }

    [Fact]
    public void A_negative_class_index_is_rejected()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,0\n2,-1\n"));

        Assert.Equal(2, exception.Line);
        Assert.Contains("negative", exception.Message);
    }

    [Fact]
    public void A_class_name_outside_the_given_names_is_rejected_with_the_known_names()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,yes\n2,maybe\n", new CsvOptions { ClassNames = ["no", "yes"] }));

        Assert.Contains("line 2", exception.Message);
        Assert.Contains("the class 'maybe' is not one of the ClassNames (no, yes)", exception.Message);
    }

    [Fact]
    public void A_class_count_that_disagrees_with_the_names_found_is_rejected()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,a\n2,b\n", new CsvOptions { ClassCount = 3 }));

        Assert.Contains("expected 3 classes (ClassCount) but the label column names 2: a, b", exception.Message);
    }

    [Fact]
    public void A_label_column_name_not_in_the_header_lists_the_columns()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("a,b,target\n1,2,0\n", new CsvOptions { LabelColumnName = "label" }));

        Assert.Contains("the header has no column named 'label'; its columns are a, b, target", exception.Message);
    }

    [Fact]
    public void A_label_column_index_outside_the_line_is_rejected()
    {
        var exception = Assert.Throws<CsvFormatException>(() =>
            CsvDataLoader.Parse<double>("1,2,0\n", new CsvOptions { LabelColumn = 5 }));

        Assert.Contains("the label column 5 is outside the 3 columns", exception.Message);
    }

    [Fact]
    public void A_file_with_only_a_header_is_rejected()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("a,b,label\n"));

        Assert.Contains("there are no data lines after the header", exception.Message);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_with_its_column()
    {
        var exception = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,\"2,0\n"));

        Assert.Equal(2, exception.Column);
        Assert.Contains("no closing quote", exception.Message);
    }

    [Fact]
    public void Iris_loads_with_150_rows_4_inputs_and_3_named_classes()
    {
        var iris = CsvDataLoader.Load<double>(FixtureFiles.PathOf("iris.csv"), new CsvOptions { LabelColumnName = "species" });

        Assert.Equal(150, iris.Rows);
        Assert.Equal(4, iris.InputSize);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames);
        Assert.Equal([5.1, 3.5, 1.4, 0.2], iris.Input(0).ToArray());
        Assert.Equal(2, iris.Labels![149]);
    }
}
