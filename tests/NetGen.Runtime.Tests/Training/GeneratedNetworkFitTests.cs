using System;
using System.Collections.Generic;
using NetGen;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Training;

[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class XorClassifier { }

[Network(2, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class QuadrantClassifier { }

[Network(3, 5, 2, Hidden = Activation.Sigmoid, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError)]
public partial class SmallRegressor { }

/// <summary>Fit on networks the generator wrote, through the same INetwork contract the fakes implement.</summary>
public class GeneratedNetworkFitTests
{
    private static readonly double[] XorInputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly double[] XorTargets = [0, 1, 1, 0];

    [Fact]
    public void A_generated_classifier_learns_XOR()
    {
        var network = new XorClassifier(seed: 1);

        TrainingHistory history = network.Fit(XorInputs, XorTargets, new TrainingOptions<double> { Epochs = 2000, BatchSize = 0, Optimizer = new Adam<double>(learningRate: 0.05) });

        Assert.Equal(1.0, history.Last.TrainingAccuracy);
        Assert.True(history.Last.TrainingLoss < 0.05, $"final loss {history.Last.TrainingLoss}");
        Assert.Equal(1.0, network.Accuracy(XorInputs, XorTargets));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fit_on_a_generated_network_steps_exactly_as_the_flat_contract(int batchSize)
    {
        var network = new SmallRegressor(seed: 3);
        var reference = new SmallRegressor(seed: 3);
        (double[] x, double[] y) = RegressionData(7);
        const double lr = 0.05;

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 4, BatchSize = batchSize, Shuffle = false, LearningRate = lr });
        for (int epoch = 0; epoch < 4; epoch++)
        {
            for (int start = 0; start < 7; start += batchSize)
            {
                int n = Math.Min(batchSize, 7 - start);
                reference.ZeroGradients();
                reference.BackwardBatch(x.AsSpan(start * 3, n * 3), y.AsSpan(start * 2, n * 2));
                reference.ApplyGradients(lr / n);
            }
        }

        for (int i = 0; i < SmallRegressor.ParameterCount; i++)
            Assert.Equal(reference.Parameters[i], network.Parameters[i], 1e-12);
    }

    [Fact]
    public void Adam_on_a_generated_network_steps_as_Backward_then_Step()
    {
        var network = new SmallRegressor(seed: 4);
        var reference = new SmallRegressor(seed: 4);
        var referenceAdam = new Adam<double>(learningRate: 0.01);
        (double[] x, double[] y) = RegressionData(6);

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 3, Shuffle = false, Optimizer = new Adam<double>(learningRate: 0.01) });
        for (int step = 0; step < 6; step++)
        {
            int start = step % 2 * 3;
            reference.ZeroGradients();
            reference.BackwardBatch(x.AsSpan(start * 3, 9), y.AsSpan(start * 2, 6));
            for (int i = 0; i < SmallRegressor.ParameterCount; i++)
                reference.Gradients[i] /= 3;
            referenceAdam.Step(reference.Parameters, reference.Gradients);
        }

        for (int i = 0; i < SmallRegressor.ParameterCount; i++)
            Assert.Equal(reference.Parameters[i], network.Parameters[i], 1e-12);
    }

    [Fact]
    public void A_single_precision_softmax_network_learns_to_name_quadrants()
    {
        // Points in the four quadrants, labelled 0 (x > 0, y > 0), 1 (x < 0), 2 (x > 0, y < 0).
        var random = new Random(11);
        const int rows = 400;
        var x = new float[rows * 2];
        var y = new float[rows * 3];
        for (int row = 0; row < rows; row++)
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            x[2 * row] = a;
            x[2 * row + 1] = b;
            int label = a < 0 ? 1 : b > 0 ? 0 : 2;
            y[3 * row + label] = 1;
        }
        var network = new QuadrantClassifier(seed: 2);

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<float> { Epochs = 60, BatchSize = 8, ValidationSplit = 0.25f, Optimizer = new Adam<float>(learningRate: 0.01f) });

        Assert.True(history.Last.ValidationAccuracy >= 0.95, $"validation accuracy {history.Last.ValidationAccuracy}");
        ConfusionMatrix matrix = ConfusionMatrix.Compute<float>(network, x.AsSpan(300 * 2), y.AsSpan(300 * 3));
        Assert.Equal(history.Last.ValidationAccuracy, matrix.Accuracy);
    }

    [Fact]
    public void Steps_on_a_generated_network_allocate_nothing()
    {
        (double[] x, double[] y) = RegressionData(600);
        var allocatedAtEpochEnd = new List<long>();

        new SmallRegressor(seed: 5).Fit(x, y, new TrainingOptions<double>
        {
            Epochs = 5,
            BatchSize = 1,
            LearningRate = 0.01,
            EpochCompleted = _ => allocatedAtEpochEnd.Add(GC.GetAllocatedBytesForCurrentThread()),
        });

        // An epoch from the third on (the quietest, see Allocations): 600 steps and one EpochReport object.
        long allocated = Allocations.FewestBetween(allocatedAtEpochEnd, first: 1);
        Assert.True(allocated < 512, $"an epoch of 600 steps allocated {allocated} bytes");
    }

    [Fact]
    public void A_diverging_generated_network_keeps_finite_weights()
    {
        (double[] x, double[] y) = RegressionData(20);
        for (int i = 0; i < y.Length; i++)
            y[i] *= 1e6;
        var network = new SmallRegressor(seed: 6);

        Assert.Throws<TrainingDivergedException>(() => network.Fit(x, y, new TrainingOptions<double> { Epochs = 1000, BatchSize = 1, LearningRate = 10 }));

        foreach (double value in network.Parameters)
            Assert.True(double.IsFinite(value));
    }

    private static (double[] Inputs, double[] Targets) RegressionData(int rows)
    {
        var x = new double[rows * 3];
        var y = new double[rows * 2];
        for (int row = 0; row < rows; row++)
        {
            double a = Math.Sin(row), b = Math.Cos(0.7 * row), c = (row % 5) / 5.0;
            (x[3 * row], x[3 * row + 1], x[3 * row + 2]) = (a, b, c);
            (y[2 * row], y[2 * row + 1]) = (a * b + c, a - 0.5 * c);
        }
        return (x, y);
    }
}
