using System;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Metrics;

public class NetworkMetricsTests
{
    /// <summary>A 3-class softmax classifier whose output is softmax(x): its predicted class is the index of the largest input.</summary>
    private static SingleLayerNetwork ArgmaxOfInput() =>
        SingleLayerNetwork.With(3, 3, Activation.Softmax, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);

    /// <summary>A single-output sigmoid classifier whose output is sigmoid(x): class 1 exactly when x &gt;= 0.</summary>
    private static SingleLayerNetwork SignOfInput() => SingleLayerNetwork.With(1, 1, Activation.Sigmoid, 1, 0);

    [Fact]
    public void Mean_loss_is_the_average_of_the_per_sample_losses()
    {
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 1, 1, 0); // o = x0 + x1
        double[] x = [1, 2, 0, 0, -1, 1];
        double[] y = [1, 2, 0];
        // errors 3 - 1 = 2, 0 - 2 = -2, 0 - 0 = 0: half squared errors 2, 2, 0; mean 4 / 3

        Assert.Equal(4.0 / 3.0, network.MeanLoss(x, y), 1e-15);
    }

    [Fact]
    public void Accuracy_with_several_outputs_compares_the_argmax_of_output_and_target()
    {
        double[] x = [5, 1, 0, /**/ 0, 3, 1, /**/ 0, 1, 2, /**/ 2, 1, 0]; // predicted 0, 1, 2, 0
        double[] y = [1, 0, 0, /**/ 0, 1, 0, /**/ 1, 0, 0, /**/ 0, 0, 1]; // actual    0, 1, 0, 2

        Assert.Equal(0.5, ArgmaxOfInput().Accuracy(x, y));
    }

    [Fact]
    public void Accuracy_with_one_output_thresholds_output_and_target_at_one_half()
    {
        double[] x = [2, -2, 0, -0.1, 3]; // sigmoid: 0.88, 0.12, 0.5, 0.475, 0.95 -> predicted 1, 0, 1, 0, 1
        double[] y = [1, 0, 1, 1, 0];     //                                           actual   1, 0, 1, 1, 0

        Assert.Equal(3.0 / 5.0, SignOfInput().Accuracy(x, y));
    }

    [Fact]
    public void Accuracy_covers_data_sets_larger_than_one_prediction_chunk()
    {
        const int rows = 1000; // more than the 256 rows predicted at a time
        double[] x = new double[rows];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            x[i] = i % 2 == 0 ? 1 : -1;
            y[i] = i < 600 ? (i % 2 == 0 ? 1 : 0) : (i % 2 == 0 ? 0 : 1); // the last 400 rows are all wrong
        }

        Assert.Equal(0.6, SignOfInput().Accuracy(x, y));
    }

    [Fact]
    public void ClassOf_picks_the_first_largest_value_on_a_tie()
    {
        Assert.Equal(1, NetworkMetrics.ClassOf<double>([0.2, 0.4, 0.4]));
    }

    [Theory]
    [InlineData(new[] { -0.0, 0.0 }, 1)]
    [InlineData(new[] { 0.0, -0.0 }, 0)]
    [InlineData(new[] { 1.0, double.NaN, double.NaN }, 1)]
    [InlineData(new[] { double.PositiveInfinity, 1.0, double.NaN }, 2)]
    [InlineData(new[] { double.NegativeInfinity, double.NegativeInfinity }, 0)]
    public void ClassOf_counts_positive_zero_above_negative_zero_and_a_NaN_above_all(double[] row, int expected)
    {
        Assert.Equal(expected, NetworkMetrics.ClassOf<double>(row));
    }

    /// <summary>
    /// ClassOf's own loop against TensorPrimitives.IndexOfMax, which it replaced, on rows of 2 to 40 values drawn from a
    /// few values (so ties, signed zeros, infinities and NaNs are common), in both precisions.
    /// </summary>
    [Fact]
    public void ClassOf_agrees_with_TensorPrimitives_IndexOfMax()
    {
        double[] pool = [double.NaN, double.NegativeInfinity, -1, -0.0, 0.0, 0.25, 1, double.PositiveInfinity];
        var random = new Random(13);
        for (int trial = 0; trial < 20_000; trial++)
        {
            var row = new double[random.Next(2, 41)];
            // Most rows without NaN, so the comparisons are exercised and not only the early return.
            int drawFrom = trial % 4 == 0 ? 0 : 1;
            for (int i = 0; i < row.Length; i++)
                row[i] = pool[random.Next(drawFrom, pool.Length)];
            float[] singles = Array.ConvertAll(row, value => (float)value);

            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax<double>(row), NetworkMetrics.ClassOf<double>(row));
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(singles), NetworkMetrics.ClassOf<float>(singles));
        }
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(0.4999, 0)]
    [InlineData(1.0, 1)]
    [InlineData(0.0, 0)]
    public void ClassOf_a_single_value_is_one_from_one_half_up(double value, int expected)
    {
        Assert.Equal(expected, NetworkMetrics.ClassOf<double>([value]));
    }

    [Fact]
    public void Metrics_reject_targets_with_another_row_count()
    {
        var error = Assert.Throws<ArgumentException>(() => ArgmaxOfInput().Accuracy(new double[6], new double[9]));

        Assert.Contains("Expected 2 rows, got 3", error.Message);
    }

    [Fact]
    public void Metrics_reject_inputs_that_are_not_whole_rows()
    {
        Assert.Throws<ArgumentException>(() => ArgmaxOfInput().MeanLoss(new double[4], new double[3]));
    }
}
