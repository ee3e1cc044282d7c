using System;
using NetGen;

namespace NetGen.Runtime.Tests.Data;

/// <summary>Standardisation and min-max scaling, fitted on one set and applied to others.</summary>
public sealed class FeatureScalerTests
{
    // Feature 0: 1, 2, 3, 4 (mean 2.5, population std sqrt(1.25)); feature 1: constant 7.
    private static readonly LabeledDataSet<double> Train = new([1, 7, 2, 7, 3, 7, 4, 7], [0, 0, 0, 0], 2, 1);

    [Fact]
    public void Standardization_gives_each_feature_mean_zero_and_unit_population_deviation_on_the_fitted_set()
    {
        var scaled = FeatureScaler<double>.FitStandardization(Train).Transform(Train);

        double mean = 0, squares = 0;
        for (int row = 0; row < 4; row++)
            mean += scaled.Inputs[2 * row] / 4;
        for (int row = 0; row < 4; row++)
            squares += Math.Pow(scaled.Inputs[2 * row] - mean, 2) / 4;
        Assert.Equal(0, mean, 1e-15);
        Assert.Equal(1, squares, 1e-15);
        Assert.Equal(-1.5 / Math.Sqrt(1.25), scaled.Inputs[0], 1e-15);
    }

    [Fact]
    public void Standardization_only_centres_a_constant_feature()
    {
        var scaled = FeatureScaler<double>.FitStandardization(Train).Transform(Train);

        Assert.Equal(0, scaled.Inputs[1]);
        Assert.True(double.IsFinite(scaled.Inputs[3]));
    }

    [Fact]
    public void Standardization_applies_the_training_statistics_to_another_set()
    {
        var scaler = FeatureScaler<double>.FitStandardization(Train);
        var test = new LabeledDataSet<double>([2.5, 9], [0], 2, 1);

        var scaled = scaler.Transform(test);

        Assert.Equal(0, scaled.Inputs[0], 1e-15);
        Assert.Equal(2, scaled.Inputs[1]);
        Assert.Equal(2.5, scaler.Center[0]);
    }

    [Fact]
    public void Min_max_maps_the_fitted_range_onto_zero_to_one()
    {
        var scaled = FeatureScaler<double>.FitMinMax(Train).Transform(Train);

        Assert.Equal([0.0, 0, 1.0 / 3, 0, 2.0 / 3, 0, 1, 0], scaled.Inputs);
    }

    [Fact]
    public void Min_max_maps_onto_a_chosen_range_and_past_it_for_values_outside_the_fitted_range()
    {
        var scaler = FeatureScaler<double>.FitMinMax(Train, -1, 1);
        var test = new LabeledDataSet<double>([7, 7], [0], 2, 1);

        var scaled = scaler.Transform(test);

        Assert.Equal(3, scaled.Inputs[0], 1e-15);
    }

    [Fact]
    public void Min_max_with_lower_not_below_upper_is_rejected() =>
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitMinMax(Train, 1, 1));

    [Fact]
    public void Transform_leaves_the_original_set_unchanged()
    {
        double[] before = (double[])Train.Inputs.Clone();

        FeatureScaler<double>.FitStandardization(Train).Transform(Train);

        Assert.Equal(before, Train.Inputs);
    }

    [Fact]
    public void TransformInPlace_scales_one_row_like_Transform()
    {
        var scaler = FeatureScaler<float>.FitMinMax(new LabeledDataSet<float>([0, 10, 4, 20], [0, 0], 2, 1));
        float[] row = [2, 15];

        scaler.TransformInPlace(row);

        Assert.Equal([0.5f, 0.5f], row);
    }

    [Fact]
    public void Transform_of_a_set_with_another_feature_count_names_both() =>
        Assert.Contains("fitted on 2 features; the data set has 3",
            Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitStandardization(Train).Transform(new LabeledDataSet<double>(new double[3], [0], 3, 1))).Message);

    [Fact]
    public void Fitting_on_an_empty_set_is_rejected() =>
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitStandardization(new LabeledDataSet<double>([], [], 2, 1)));
}
