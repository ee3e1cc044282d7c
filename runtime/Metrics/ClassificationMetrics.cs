using System;
using System.Numerics;

namespace NetGen;

/// <summary>Metrics of binary classifiers' scores: the area under the ROC curve.</summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// The area under the ROC curve: the probability that a random positive row scores higher than a random negative
    /// one, ties counting one half (the Mann-Whitney statistic, equal to scikit-learn's <c>roc_auc_score</c>).
    /// </summary>
    /// <param name="scores">A score per row; higher means more likely positive (a probability, or a logit).</param>
    /// <param name="labels">The class of each row: 1 positive, 0 negative.</param>
    /// <exception cref="ArgumentException">
    /// Different lengths, a label other than 0 or 1, a NaN score, or only one class present (the area is undefined then).
    /// </exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        if (labels.Length != scores.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(labels), scores.Length, labels.Length);
        long positives = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            if (labels[row] is not (0 or 1))
                throw new ArgumentException($"Label of row {row} is {labels[row]}; expected 0 or 1.", nameof(labels));
            if (double.IsNaN(scores[row]))
                throw new ArgumentException($"Score of row {row} is NaN.", nameof(scores));
            positives += labels[row];
        }
        long negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"ROC AUC needs both classes; got {positives} positive and {negatives} negative rows.", nameof(labels));

        // Rank the scores (ties share their average rank) and sum the positives' ranks.
        double[] sorted = scores.ToArray();
        int[] sortedLabels = labels.ToArray();
        Array.Sort(sorted, sortedLabels);
        double positiveRankSum = 0;
        for (int start = 0; start < sorted.Length;)
        {
            int end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[start])
                end++;
            double averageRank = (start + 1 + end) / 2.0; // ranks start..end-1, counted from 1
            for (int i = start; i < end; i++)
                positiveRankSum += sortedLabels[i] * averageRank;
            start = end;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// The ROC AUC of a binary classifier on a data set: the score of a row is the network's single output (a sigmoid's
    /// probability), or its second output for two outputs (the probability of class 1); the label is the target's class
    /// (<see cref="NetworkMetrics.ClassOf{T}"/>).
    /// </summary>
    /// <param name="network">A classifier with one or two outputs.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major: one 0/1 label per row, or one-hot rows of two.</param>
    /// <exception cref="ArgumentException">A network with more than two outputs, data that does not fit it, or only one class present.</exception>
    public static double RocAuc<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = NetworkMetrics.CheckedRowCount(network, inputs, targets);
        int outputSize = network.OutputSize;
        if (outputSize > 2)
            throw new ArgumentException($"ROC AUC is for binary classifiers (1 or 2 outputs); this network has {outputSize}.", nameof(network));
        var outputs = new T[rows * outputSize];
        network.PredictBatch(inputs, outputs);
        var scores = new double[rows];
        var labels = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            scores[row] = double.CreateTruncating(outputs[row * outputSize + outputSize - 1]);
            labels[row] = NetworkMetrics.ClassOf(targets.Slice(row * outputSize, outputSize));
        }
        return RocAuc(scores, labels);
    }
}
