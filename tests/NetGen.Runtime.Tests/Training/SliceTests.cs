using System;
using System.Linq;
using NetGen;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// A train/test split of one array needs no copy: Fit takes its training rows and its validation rows
/// (<see cref="TrainingOptions{T}.ValidationInputs"/>, <see cref="TrainingOptions{T}.ValidationTargets"/>,
/// <see cref="TrainingOptions{T}.ValidationLabels"/>) as slices of memory, and every metric takes spans, and each gives
/// exactly what it gives for copies of the same rows.
/// </summary>
public class SliceTests
{
    private const int Rows = 120, TrainingRows = 90;

    private static (float[] Inputs, int[] Labels, float[] Targets) Data()
    {
        (float[] inputs, int[] labels) = ParallelFitTests.Blobs(rows: Rows, seed: 9);
        return (inputs, labels, ParallelFitTests.OneHot(labels, 3));
    }

    private static TrainingOptions<float> Options() => new() { Epochs = 3, BatchSize = 16, Optimizer = new Adam<float>(0.01f), Seed = 4 };

    [Fact]
    public void Fit_on_slices_of_one_array_trains_and_validates_exactly_as_on_copies()
    {
        (float[] inputs, _, float[] targets) = Data();
        const int In = 6, Out = 3;

        var onSlices = new ParallelClassifierNet(seed: 1);
        TrainingOptions<float> sliceOptions = Options();
        sliceOptions.ValidationInputs = inputs.AsMemory(TrainingRows * In);
        sliceOptions.ValidationTargets = targets.AsMemory(TrainingRows * Out);
        TrainingHistory sliceHistory = onSlices.Fit(inputs.AsMemory(0, TrainingRows * In), targets.AsMemory(0, TrainingRows * Out), sliceOptions);

        var onCopies = new ParallelClassifierNet(seed: 1);
        TrainingOptions<float> copyOptions = Options();
        copyOptions.ValidationInputs = inputs[(TrainingRows * In)..];
        copyOptions.ValidationTargets = targets[(TrainingRows * Out)..];
        TrainingHistory copyHistory = onCopies.Fit(inputs[..(TrainingRows * In)], targets[..(TrainingRows * Out)], copyOptions);

        Assert.Equal(onCopies.Parameters.ToArray(), onSlices.Parameters.ToArray());
        Assert.Equal(copyHistory.Epochs.Select(e => e.ValidationLoss), sliceHistory.Epochs.Select(e => e.ValidationLoss));
        Assert.Equal(copyHistory.Epochs.Select(e => e.ValidationAccuracy), sliceHistory.Epochs.Select(e => e.ValidationAccuracy));
        Assert.NotNull(sliceHistory.Last.ValidationLoss);
    }

    [Fact]
    public void Validation_labels_may_be_a_slice_too()
    {
        (float[] inputs, int[] labels, _) = Data();
        const int In = 6;

        var onSlices = new ParallelClassifierNet(seed: 1);
        TrainingOptions<float> sliceOptions = Options();
        sliceOptions.ValidationInputs = inputs.AsMemory(TrainingRows * In);
        sliceOptions.ValidationLabels = labels.AsMemory(TrainingRows);
        TrainingHistory sliceHistory = onSlices.Fit(inputs.AsMemory(0, TrainingRows * In), labels.AsMemory(0, TrainingRows), sliceOptions);

        var onCopies = new ParallelClassifierNet(seed: 1);
        TrainingOptions<float> copyOptions = Options();
        copyOptions.ValidationInputs = inputs[(TrainingRows * In)..];
        copyOptions.ValidationLabels = labels[TrainingRows..];
        TrainingHistory copyHistory = onCopies.Fit(inputs[..(TrainingRows * In)], labels[..TrainingRows], copyOptions);

        Assert.Equal(copyHistory.Epochs.Select(e => e.ValidationLoss), sliceHistory.Epochs.Select(e => e.ValidationLoss));
        Assert.Equal(onCopies.Parameters.ToArray(), onSlices.Parameters.ToArray());
    }

    [Fact]
    public void A_validation_slice_of_the_wrong_length_is_rejected_naming_it()
    {
        (float[] inputs, _, float[] targets) = Data();
        TrainingOptions<float> options = Options();
        options.ValidationInputs = inputs.AsMemory(0, 7); // not whole rows of 6
        options.ValidationTargets = targets.AsMemory(0, 3);

        var error = Assert.Throws<ArgumentException>(() => new ParallelClassifierNet(seed: 1).Fit(inputs, targets, options));

        Assert.Equal("ValidationInputs", error.ParamName);
    }

    [Fact]
    public void Every_metric_of_a_test_slice_equals_that_of_a_copy()
    {
        (float[] inputs, int[] labels, float[] targets) = Data();
        var network = new ParallelClassifierNet(seed: 1);
        network.Fit(inputs, labels, Options());
        const int In = 6, Out = 3;
        ReadOnlySpan<float> testInputs = inputs.AsSpan(TrainingRows * In);
        ReadOnlySpan<float> testTargets = targets.AsSpan(TrainingRows * Out);
        float[] inputCopy = testInputs.ToArray(), targetCopy = testTargets.ToArray();
        int[] labelCopy = labels[TrainingRows..];

        Assert.Equal(network.MeanLoss(inputCopy, targetCopy), network.MeanLoss(testInputs, testTargets));
        Assert.Equal(network.Accuracy(inputCopy, targetCopy), network.Accuracy(testInputs, testTargets));
        Assert.Equal(network.MeanAbsoluteError(inputCopy, targetCopy), network.MeanAbsoluteError(testInputs, testTargets));
        Assert.Equal(network.RootMeanSquaredError(inputCopy, targetCopy), network.RootMeanSquaredError(testInputs, testTargets));
        Assert.Equal(network.R2Score(inputCopy, targetCopy), network.R2Score(testInputs, testTargets));
        Assert.Equal(
            ConfusionMatrix.Compute(network, inputCopy, labelCopy).ToString(),
            ConfusionMatrix.Compute(network, testInputs, labels.AsSpan(TrainingRows)).ToString());
        Assert.Equal(
            ConfusionMatrix.Compute(network, inputCopy, targetCopy).ToString(),
            ConfusionMatrix.Compute(network, testInputs, testTargets).ToString());

        // ROC AUC of a binary classifier: scores and labels are spans too.
        double[] scores = Enumerable.Range(0, Rows).Select(row => (double)inputs[row * In]).ToArray();
        int[] binary = labels.Select(label => label == 0 ? 1 : 0).ToArray();
        Assert.Equal(ClassificationMetrics.RocAuc(scores[TrainingRows..], binary[TrainingRows..]), ClassificationMetrics.RocAuc(scores.AsSpan(TrainingRows), binary.AsSpan(TrainingRows)));
    }
}
