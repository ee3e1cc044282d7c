using System;
using System.Linq;
using NetGen;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Training;

[Network(3, 3, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class WeightedSoftmaxNet { }

[Network(2, 1, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class WeightedLogisticNet { }

[Network(2, 2, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class MultiLabelNet { }

[Network(2, 1, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError)]
public partial class RegressionNet { }

/// <summary>
/// <see cref="TrainingOptions{T}.ClassWeights"/>: PyTorch's <c>CrossEntropyLoss(weight)</c> (mean over the rows' weights)
/// and <c>BCEWithLogitsLoss(weight=w[y])</c> / <c>pos_weight</c> (mean over the rows), checked against those formulas
/// written out by hand, and every bad value rejected with a message naming what was expected and what was given.
/// </summary>
public class ClassWeightTests
{
    // Six rows of three inputs; classes 0, 1, 2, 2, 0, 2.
    private static readonly double[] Inputs = [0.5, -1.0, 0.25, 1.5, 0.5, -0.75, -0.5, 2.0, 1.0, 0.1, 0.2, 0.3, -1.2, 0.4, 0.9, 0.7, -0.3, -0.6];
    private static readonly int[] Labels = [0, 1, 2, 2, 0, 2];
    private static readonly double[] Weights = [0.5, 3.0, 1.25];

    private static double[] OneHot(int[] labels, int classes)
    {
        double[] targets = new double[labels.Length * classes];
        for (int row = 0; row < labels.Length; row++)
            targets[row * classes + labels[row]] = 1.0;
        return targets;
    }

    /// <summary>The softmax probabilities of a one-layer network, from its parameters by hand (W row-major, then b).</summary>
    private static double[] SoftmaxByHand(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, int classes)
    {
        int inputs = input.Length;
        double[] z = new double[classes];
        for (int k = 0; k < classes; k++)
        {
            z[k] = parameters[classes * inputs + k];
            for (int i = 0; i < inputs; i++)
                z[k] += parameters[k * inputs + i] * input[i];
        }
        double max = z.Max();
        double sum = z.Sum(value => Math.Exp(value - max));
        return z.Select(value => Math.Exp(value - max) / sum).ToArray();
    }

    [Fact]
    public void CrossEntropy_loss_is_PyTorchs_weighted_mean_over_the_rows_weights()
    {
        var network = new WeightedSoftmaxNet(3);
        // PyTorch: CrossEntropyLoss(weight=w)(z, y) = sum_n w[y_n] * -log softmax(z_n)[y_n] / sum_n w[y_n].
        double numerator = 0, denominator = 0;
        for (int row = 0; row < Labels.Length; row++)
        {
            double[] p = SoftmaxByHand(network.Parameters, Inputs.AsSpan(row * 3, 3), 3);
            numerator += Weights[Labels[row]] * -Math.Log(p[Labels[row]]);
            denominator += Weights[Labels[row]];
        }

        TrainingHistory history = network.Fit(Inputs, Labels, new TrainingOptions<double> { BatchSize = 0, ClassWeights = Weights, LearningRate = 0.1 });

        Assert.Equal(numerator / denominator, history.Last.TrainingLoss, 1e-14);
    }

    [Fact]
    public void Weighted_losses_match_values_computed_by_PyTorch()
    {
        // torch.nn.functional.cross_entropy(X @ W.T + b, y, weight=[0.5, 3.0, 1.25]) in float64, for these parameters.
        var softmax = new WeightedSoftmaxNet(3);
        double[] softmaxParameters = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, -0.7, 0.8, 0.9, 0.05, -0.1, 0.2];
        softmaxParameters.CopyTo(softmax.Parameters);
        TrainingHistory crossEntropy = softmax.Fit(Inputs, Labels, new TrainingOptions<double> { BatchSize = 0, ClassWeights = Weights });
        Assert.Equal(0.7747423344403728, crossEntropy.Last.TrainingLoss, 1e-14);

        // torch.nn.BCEWithLogitsLoss(pos_weight=3.0)(x @ W.T + b, t) in float64.
        var logistic = new WeightedLogisticNet(3);
        double[] logisticParameters = [0.3, -0.8, 0.1];
        logisticParameters.CopyTo(logistic.Parameters);
        TrainingHistory binary = logistic.Fit([0.5, -1.0, 1.5, 0.5, -0.5, 2.0, 0.1, 0.2, -1.2, 0.4], [1.0, 0.0, 1.0, 0.0, 0.0],
            new TrainingOptions<double> { BatchSize = 0, ClassWeights = [1.0, 3.0] });
        Assert.Equal(1.654207228946052, binary.Last.TrainingLoss, 1e-14);
    }

    [Fact]
    public void A_CrossEntropy_step_is_the_weighted_gradient_sum_over_the_sum_of_the_weights()
    {
        var network = new WeightedSoftmaxNet(3);
        var reference = new WeightedSoftmaxNet(3);
        double[] targets = OneHot(Labels, 3);
        double[] weighted = new double[WeightedSoftmaxNet.ParameterCount];
        double weightSum = 0;
        for (int row = 0; row < Labels.Length; row++)
        {
            reference.ZeroGradients();
            reference.Backward(Inputs.AsSpan(row * 3, 3), targets.AsSpan(row * 3, 3));
            double weight = Weights[Labels[row]];
            for (int p = 0; p < weighted.Length; p++)
                weighted[p] += weight * reference.Gradients[p];
            weightSum += weight;
        }
        double[] expected = reference.Parameters.ToArray();
        for (int p = 0; p < expected.Length; p++)
            expected[p] -= 0.1 * weighted[p] / weightSum;

        network.Fit(Inputs, targets, new TrainingOptions<double> { BatchSize = 0, ClassWeights = Weights, LearningRate = 0.1 });

        AssertClose(expected, network.Parameters, 1e-14);
    }

    [Fact]
    public void Scaling_every_CrossEntropy_weight_by_one_factor_changes_nothing()
    {
        var once = new WeightedSoftmaxNet(3);
        var scaled = new WeightedSoftmaxNet(3);
        var options = new TrainingOptions<double> { Epochs = 3, BatchSize = 4, ClassWeights = Weights, LearningRate = 0.2, Shuffle = false };
        once.Fit(Inputs, Labels, options);
        options.ClassWeights = Weights.Select(weight => weight * 8).ToArray();
        scaled.Fit(Inputs, Labels, options);

        AssertClose(once.Parameters, scaled.Parameters, 1e-14);
    }

    [Fact]
    public void A_CrossEntropy_class_of_weight_0_is_as_if_its_rows_were_not_there()
    {
        var weighted = new WeightedSoftmaxNet(3);
        var filtered = new WeightedSoftmaxNet(3);
        weighted.Fit(Inputs, Labels, new TrainingOptions<double> { Epochs = 4, BatchSize = 0, ClassWeights = [1.0, 0.0, 1.0], LearningRate = 0.3 });
        int[] kept = Enumerable.Range(0, Labels.Length).Where(row => Labels[row] != 1).ToArray();
        double[] keptInputs = kept.SelectMany(row => Inputs.Skip(row * 3).Take(3)).ToArray();
        int[] keptLabels = kept.Select(row => Labels[row]).ToArray();
        filtered.Fit(keptInputs, keptLabels, new TrainingOptions<double> { Epochs = 4, BatchSize = 0, LearningRate = 0.3 });

        AssertClose(filtered.Parameters, weighted.Parameters, 1e-14);
    }

    private static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int p = 0; p < expected.Length; p++)
            Assert.True(Math.Abs(expected[p] - actual[p]) <= tolerance, $"parameter {p}: expected {expected[p]:R}, got {actual[p]:R}");
    }

    [Fact]
    public void BinaryCrossEntropy_weights_are_PyTorchs_weight_per_row_and_pos_weight_averaged_over_the_row_count()
    {
        double[] inputs = [0.5, -1.0, 1.5, 0.5, -0.5, 2.0, 0.1, 0.2, -1.2, 0.4];
        double[] labels = [1, 0, 1, 0, 0];
        var network = new WeightedLogisticNet(4);
        double w0 = network.Parameters[0], w1 = network.Parameters[1], b = network.Parameters[2];
        // PyTorch: BCEWithLogitsLoss(pos_weight=3)(x, y) = mean_n -[3 y log s(x) + (1 - y) log(1 - s(x))],
        // the same as BCEWithLogitsLoss(weight=[1, 3][y]) for labels 0 and 1: divided by the row count, not the weights.
        double sum = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            double s = 1 / (1 + Math.Exp(-(w0 * inputs[row * 2] + w1 * inputs[row * 2 + 1] + b)));
            sum += -(3 * labels[row] * Math.Log(s) + (1 - labels[row]) * Math.Log(1 - s));
        }

        TrainingHistory history = network.Fit(inputs, labels, new TrainingOptions<double> { BatchSize = 0, ClassWeights = [1.0, 3.0], LearningRate = 0.1 });

        Assert.Equal(sum / labels.Length, history.Last.TrainingLoss, 1e-14);
    }

    [Fact]
    public void BinaryCrossEntropy_weights_of_2_for_both_classes_double_the_step()
    {
        double[] inputs = [0.5, -1.0, 1.5, 0.5, -0.5, 2.0, 0.1, 0.2];
        double[] labels = [1, 0, 1, 0];
        var weighted = new WeightedLogisticNet(4);
        var doubledRate = new WeightedLogisticNet(4);
        weighted.Fit(inputs, labels, new TrainingOptions<double> { BatchSize = 0, ClassWeights = [2.0, 2.0], LearningRate = 0.1 });
        doubledRate.Fit(inputs, labels, new TrainingOptions<double> { BatchSize = 0, LearningRate = 0.2 });

        AssertClose(doubledRate.Parameters, weighted.Parameters, 1e-15);
    }

    [Fact]
    public void Sharded_class_weighted_training_gives_the_same_parameters_on_one_and_two_threads()
    {
        (float[] inputs, int[] labels) = ParallelFitTests.Blobs(rows: 300, seed: 7);
        float[] TrainWith(int threads)
        {
            var network = new ParallelClassifierNet(seed: 2);
            network.Fit(inputs, labels, new TrainingOptions<float>
            {
                Epochs = 2, BatchSize = 100, ClassWeights = [1f, 4f, 0.5f], Optimizer = new Adam<float>(0.01f), MaxDegreeOfParallelism = threads,
            });
            return network.Parameters.ToArray();
        }

        Assert.Equal(TrainWith(1), TrainWith(2));
    }

    [Fact]
    public void A_class_weighted_step_allocates_nothing()
    {
        (float[] inputs, int[] labels) = ParallelFitTests.Blobs(rows: 64, seed: 7);
        var network = new ParallelClassifierNet(seed: 2);
        var options = new TrainingOptions<float> { Epochs = 1, BatchSize = 8, ClassWeights = [1f, 4f, 0.5f], MeasureTrainingAccuracy = false, DivergenceGuard = DivergenceGuard.Off };
        network.Fit(inputs, labels, options);
        // One epoch of 8 steps against one of 80: what grows with the steps is what a step allocates.
        long oneEpoch = Allocations.Fewest(() => network.Fit(inputs, labels, options));
        options.Epochs = 11;
        long elevenEpochs = Allocations.Fewest(() => network.Fit(inputs, labels, options));
        // Each epoch adds its report to the history; nothing else may grow with the steps.
        Assert.True(elevenEpochs - oneEpoch < 10 * 1024, $"10 more epochs of class-weighted steps allocated {elevenEpochs - oneEpoch} bytes");
    }

    [Theory]
    [InlineData(new[] { 1.0, 2.0 }, "ClassWeights has 2 weights; expected one per class: 3.")]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, "ClassWeights has 4 weights; expected one per class: 3.")]
    [InlineData(new[] { 1.0, -2.0, 3.0 }, "ClassWeights[1] is -2; expected a finite number of 0 or more.")]
    [InlineData(new[] { 1.0, double.NaN, 3.0 }, "ClassWeights[1] is NaN; expected a finite number of 0 or more.")]
    [InlineData(new[] { double.PositiveInfinity, 1.0, 3.0 }, "ClassWeights[0] is ∞; expected a finite number of 0 or more.")]
    [InlineData(new[] { 0.0, 0.0, 0.0 }, "ClassWeights are all 0; expected at least one weight above 0.")]
    public void Bad_class_weights_are_rejected_naming_expected_and_actual(double[] weights, string message)
    {
        var network = new WeightedSoftmaxNet(3);
        double[] before = network.Parameters.ToArray();

        var error = Assert.Throws<ArgumentException>(() => network.Fit(Inputs, Labels, new TrainingOptions<double> { ClassWeights = weights }));

        Assert.StartsWith(message.Replace("∞", double.PositiveInfinity.ToString(), StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.Equal("ClassWeights", error.ParamName);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Class_weights_need_a_classification_loss()
    {
        var error = Assert.Throws<ArgumentException>(() => new RegressionNet(1).Fit([0.1, 0.2], [0.3], new TrainingOptions<double> { ClassWeights = [1.0, 2.0] }));
        Assert.Contains("loss is MeanSquaredError", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_weights_for_several_sigmoid_outputs_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiLabelNet(1).Fit([0.1, 0.2], [1.0, 0.0], new TrainingOptions<double> { ClassWeights = [1.0, 2.0] }));
        Assert.Contains("this network has 2 outputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_weights_need_hard_targets()
    {
        double[] soft = OneHot(Labels, 3);
        soft[3] = 0.9;
        soft[4] = 0.1;
        var error = Assert.Throws<ArgumentException>(() => new WeightedSoftmaxNet(3).Fit(Inputs, soft, new TrainingOptions<double> { ClassWeights = Weights }));
        Assert.Contains("row 1 is not", error.Message, StringComparison.Ordinal);

        var binary = Assert.Throws<ArgumentException>(() => new WeightedLogisticNet(3).Fit([0.1, 0.2, 0.3, 0.4], [1.0, 0.7], new TrainingOptions<double> { ClassWeights = [1.0, 2.0] }));
        Assert.Contains("the target of row 1 is 0.7", binary.Message, StringComparison.Ordinal);
    }
}
