using System;
using NetGen;

namespace NetGen.Runtime.Tests.Data;

/// <summary>FeatureScaler.Create rebuilds a scaler from its numbers, and rejects numbers no fitted scaler has.</summary>
public sealed class FeatureScalerCreateTests
{
    private static readonly LabeledDataSet<double> Train = new([1, 10, 3, 20, 5, 60], [0, 0, 0], 2, 1);

    [Fact]
    public void A_scaler_rebuilt_from_a_fitted_one_s_numbers_scales_every_row_bit_for_bit_alike()
    {
        var fitted = FeatureScaler<double>.FitStandardization(Train);

        var rebuilt = FeatureScaler<double>.Create(fitted.Center, fitted.Factor, fitted.Shift);

        Assert.Equal(fitted.Transform(Train).Inputs, rebuilt.Transform(Train).Inputs);
    }

    [Fact]
    public void Create_copies_its_arguments()
    {
        double[] center = [1, 2];
        double[] factor = [3, 4];
        var scaler = FeatureScaler<double>.Create(center, factor, 0.5);
        center[0] = 100;
        factor[0] = 100;

        Assert.Equal([1.0, 2.0], scaler.Center.ToArray());
        Assert.Equal([3.0, 4.0], scaler.Factor.ToArray());
        Assert.Equal(0.5, scaler.Shift);
        Assert.Equal(2, scaler.FeatureCount);
    }

    [Fact]
    public void Transform_into_a_destination_leaves_the_row_and_matches_TransformInPlace()
    {
        var scaler = FeatureScaler<float>.Create([1, 2], [0.5f, 4], -1);
        float[] row = [3, 5];
        float[] destination = new float[2];

        scaler.Transform(row, destination);

        Assert.Equal([3f, 5f], row);
        Assert.Equal([0f, 11f], destination);
    }

    [Fact]
    public void Create_with_lengths_that_differ_names_both() =>
        Assert.Contains("center has 2 values, factor has 3", Assert.Throws<ArgumentException>(() => FeatureScaler<double>.Create([1, 2], [1, 2, 3], 0)).Message);

    [Fact]
    public void Create_with_no_features_is_rejected() =>
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.Create([], [], 0));

    [Theory]
    [InlineData(0.0, "nonzero factor for feature 1, got 0")]
    [InlineData(double.PositiveInfinity, "nonzero factor for feature 1, got ∞")]
    [InlineData(double.NaN, "nonzero factor for feature 1, got NaN")]
    public void Create_with_a_factor_that_is_zero_or_not_finite_names_the_feature(double factor, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => FeatureScaler<double>.Create([0, 0], [1, factor], 0)).Message.Replace("Infinity", "∞"));

    [Fact]
    public void Create_with_a_center_that_is_not_finite_names_the_feature() =>
        Assert.Contains("finite center for feature 0", Assert.Throws<ArgumentException>(() => FeatureScaler<double>.Create([double.NaN], [1], 0)).Message);

    [Fact]
    public void Create_with_a_shift_that_is_not_finite_is_rejected() =>
        Assert.Contains("finite shift", Assert.Throws<ArgumentException>(() => FeatureScaler<double>.Create([0], [1], double.NegativeInfinity)).Message);

    [Fact]
    public void Transform_into_a_destination_of_the_wrong_length_names_both_lengths() =>
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.Create([0, 0], [1, 1], 0).Transform([1.0, 2.0], new double[3]));
}
