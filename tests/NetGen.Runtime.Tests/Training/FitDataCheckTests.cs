using System;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Bad data and bad options are rejected before any training, with a message that says what is wrong.</summary>
public class FitDataCheckTests
{
    private static readonly double[] Inputs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    private static readonly double[] Targets = [1.0, 0.0, 1.0];

    private static SingleLayerNetwork Network() => SingleLayerNetwork.With(2, 1, Activation.Identity, 0.5, -0.5, 0.1);

    [Fact]
    public void Null_inputs_are_an_ArgumentNullException()
    {
        var error = Assert.Throws<ArgumentNullException>(() => Network().Fit(null!, Targets));
        Assert.Equal("inputs", error.ParamName);
    }

    [Fact]
    public void Null_targets_are_an_ArgumentNullException()
    {
        var error = Assert.Throws<ArgumentNullException>(() => Network().Fit(Inputs, null!));
        Assert.Equal("targets", error.ParamName);
    }

    [Fact]
    public void A_null_network_is_an_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => NetworkTraining.Fit<double>(null!, Inputs, Targets));
    }

    [Fact]
    public void Inputs_that_are_not_whole_rows_are_rejected_naming_row_length_and_actual_length()
    {
        var error = Assert.Throws<ArgumentException>(() => Network().Fit([0.1, 0.2, 0.3, 0.4, 0.5], Targets));

        Assert.Equal("inputs", error.ParamName);
        Assert.Contains("rows of length 2", error.Message);
        Assert.Contains("got length 5", error.Message);
    }

    [Fact]
    public void Targets_with_another_row_count_are_rejected_naming_both_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, [1.0, 0.0]));

        Assert.Equal("targets", error.ParamName);
        Assert.Contains("Expected 3 rows, got 2", error.Message);
    }

    [Fact]
    public void An_empty_data_set_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Network().Fit([], []));
        Assert.Contains("at least 1 row", error.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_non_finite_input_is_rejected_naming_row_and_column_before_any_training(double bad)
    {
        double[] inputs = (double[])Inputs.Clone();
        inputs[5] = bad; // row 2, column 1
        SingleLayerNetwork network = Network();
        double[] before = network.Snapshot();

        var error = Assert.Throws<ArgumentException>(() => network.Fit(inputs, Targets));

        Assert.Equal("inputs", error.ParamName);
        Assert.Contains("row 2, column 1", error.Message);
        Assert.Equal(before, network.Snapshot());
        Assert.Equal(0, network.TrainCalls + network.TrainBatchCalls + network.BackwardCalls + network.BackwardBatchCalls);
    }

    [Fact]
    public void A_non_finite_target_is_rejected_naming_row_and_column()
    {
        double[] targets = [1.0, double.NaN, 1.0];

        var error = Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, targets));

        Assert.Equal("targets", error.ParamName);
        Assert.Contains("row 1, column 0", error.Message);
    }

    [Fact]
    public void A_non_finite_value_in_explicit_validation_data_is_rejected()
    {
        var options = new TrainingOptions<double> { ValidationInputs = new double[] { 0.1, double.PositiveInfinity }, ValidationTargets = new double[] { 1.0 } };

        var error = Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, Targets, options));

        Assert.Equal("ValidationInputs", error.ParamName);
        Assert.Contains("row 0, column 1", error.Message);
    }

    [Fact]
    public void Validation_data_of_the_wrong_width_is_rejected()
    {
        var options = new TrainingOptions<double> { ValidationInputs = new double[] { 0.1, 0.2, 0.3 }, ValidationTargets = new double[] { 1.0 } };

        var error = Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, Targets, options));

        Assert.Equal("ValidationInputs", error.ParamName);
    }

    [Fact]
    public void Validation_inputs_without_targets_are_rejected()
    {
        var options = new TrainingOptions<double> { ValidationInputs = new double[] { 0.1, 0.2 } };

        Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, Targets, options));
    }

    [Fact]
    public void A_validation_split_together_with_validation_arrays_is_rejected()
    {
        var options = new TrainingOptions<double> { ValidationSplit = 0.3, ValidationInputs = new double[] { 0.1, 0.2 }, ValidationTargets = new double[] { 1.0 } };

        var error = Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, Targets, options));

        Assert.Equal("ValidationSplit", error.ParamName);
    }

    [Fact]
    public void A_validation_split_that_leaves_no_validation_row_is_rejected()
    {
        var options = new TrainingOptions<double> { ValidationSplit = 0.1 }; // 0.1 * 3 rows rounds to 0

        var error = Assert.Throws<ArgumentException>(() => Network().Fit(Inputs, Targets, options));

        Assert.Contains("0 validation rows", error.Message);
    }

    [Theory]
    [InlineData(nameof(TrainingOptions<double>.Epochs))]
    [InlineData(nameof(TrainingOptions<double>.BatchSize))]
    [InlineData(nameof(TrainingOptions<double>.LearningRate))]
    [InlineData(nameof(TrainingOptions<double>.ValidationSplit))]
    [InlineData(nameof(TrainingOptions<double>.EarlyStoppingPatience))]
    public void An_option_out_of_range_is_rejected_by_name(string option)
    {
        var options = new TrainingOptions<double>();
        switch (option)
        {
            case nameof(options.Epochs): options.Epochs = 0; break;
            case nameof(options.BatchSize): options.BatchSize = -1; break;
            case nameof(options.LearningRate): options.LearningRate = -0.1; break;
            case nameof(options.ValidationSplit): options.ValidationSplit = 1.0; break;
            case nameof(options.EarlyStoppingPatience): options.EarlyStoppingPatience = 0; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Network().Fit(Inputs, Targets, options));

        Assert.Equal(option, error.ParamName);
    }
}
