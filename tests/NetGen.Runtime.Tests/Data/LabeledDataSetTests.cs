using System;
using NetGen;

namespace NetGen.Runtime.Tests.Data;

/// <summary>The flat row-major data set: construction checks, rows, splits and scaling.</summary>
public sealed class LabeledDataSetTests
{
    private static LabeledDataSet<double> TenRows()
    {
        var inputs = new double[20];
        var targets = new double[20];
        var labels = new int[10];
        for (int row = 0; row < 10; row++)
        {
            inputs[2 * row] = row;
            inputs[2 * row + 1] = 100 + row;
            labels[row] = row % 2;
            targets[2 * row + labels[row]] = 1;
        }
        return new LabeledDataSet<double>(inputs, targets, 2, 2, labels);
    }

    [Fact]
    public void Split_keeps_file_order_first_fraction_then_the_rest()
    {
        var (first, rest) = TenRows().Split(0.8);

        Assert.Equal(8, first.Rows);
        Assert.Equal(2, rest.Rows);
        Assert.Equal([0.0, 100], first.Input(0).ToArray());
        Assert.Equal([8.0, 108, 9, 109], rest.Inputs);
        Assert.Equal([0, 1], rest.Labels!);
        Assert.Equal([1.0, 0, 0, 1], rest.Targets);
    }

    [Fact]
    public void Split_rounds_to_the_nearest_row()
    {
        var (first, rest) = TenRows().Split(0.25);

        Assert.Equal(3, first.Rows);
        Assert.Equal(7, rest.Rows);
    }

    [Fact]
    public void Split_copies_so_changing_a_part_leaves_the_whole_unchanged()
    {
        var data = TenRows();
        var (first, _) = data.Split(0.5);

        first.Inputs[0] = -1;

        Assert.Equal(0, data.Inputs[0]);
    }

    [Fact]
    public void Split_outside_zero_to_one_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TenRows().Split(1.5));

    [Fact]
    public void Scale_multiplies_inputs_only_and_returns_a_copy()
    {
        var data = TenRows();

        var scaled = data.Scale(0.5);

        Assert.Equal([0.5, 50.5], scaled.Input(1).ToArray());
        Assert.Equal(data.Targets, scaled.Targets);
        Assert.Equal([1.0, 101], data.Input(1).ToArray());
    }

    [Fact]
    public void Constructor_rejects_inputs_that_are_not_whole_rows()
    {
        var exception = Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>(new double[5], new double[2], 2, 1));

        Assert.Contains("whole number of rows of length 2, got length 5", exception.Message);
    }

    [Fact]
    public void Constructor_rejects_targets_with_another_row_count_naming_both()
    {
        var exception = Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>(new double[6], new double[2], 2, 1));

        Assert.Contains("Expected 3 rows, got 2", exception.Message);
    }

    [Fact]
    public void Constructor_rejects_labels_whose_count_does_not_match_the_rows()
    {
        var exception = Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>(new double[4], new double[4], 2, 2, [0]));

        Assert.Contains("Expected 2 rows, got 1", exception.Message);
        Assert.Equal("labels", exception.ParamName);
    }

    [Fact]
    public void Constructor_rejects_a_label_outside_the_classes()
    {
        var exception = Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>(new double[4], new double[4], 2, 2, [0, 2]));

        Assert.Contains("Label of row 1 is 2; expected a class index from 0 to 1", exception.Message);
    }

    [Fact]
    public void A_data_set_without_targets_holds_rows_to_predict()
    {
        var data = new LabeledDataSet<double>([1, 2, 3, 4, 5, 6], [], inputSize: 3, targetSize: 0);

        Assert.Equal(2, data.Rows);
        Assert.False(data.HasTargets);
        Assert.Equal(0, data.ClassCount);
        Assert.True(data.Target(1).IsEmpty);
        Assert.Equal([4.0, 5, 6], data.Scale(1).Slice(1, 1).Inputs);
    }

    [Fact]
    public void Target_size_0_rejects_targets_labels_and_a_partial_row()
    {
        var targets = Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>([1, 2], [1], 2, 0));
        var labels = Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>([1, 2], [], 2, 0, labels: [0]));
        Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>([1, 2, 3], [], 2, 0));

        Assert.Equal("targets", targets.ParamName);
        Assert.Equal("labels", labels.ParamName);
    }

    [Fact]
    public void Input_fill_values_must_match_the_inputs_and_survive_slicing()
    {
        Assert.Throws<ArgumentException>(() => new LabeledDataSet<double>([1, 2], [0], 2, 1, inputFillValues: [1.0]));

        var data = new LabeledDataSet<double>([1, 2, 3, 4], [0, 1], 2, 1, inputFillValues: [2.0, 3.0]);

        Assert.Equal([2.0, 3.0], data.Split(0.5).Remainder.InputFillValues!);
    }
}
