using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace NetGen;

/// <summary>
/// Counts of (actual class, predicted class) pairs over a data set, with total accuracy and per-class
/// precision and recall. Rows are actual classes, columns predicted ones, as in scikit-learn.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    /// <summary>The most classes a matrix takes: a network has at most 32,768 neurons after its input, so at most that many outputs.</summary>
    public const int MaxClassCount = 32_768;

    /// <summary>Creates an empty matrix for <paramref name="classCount"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 2 or above <see cref="MaxClassCount"/>.</exception>
    public ConfusionMatrix(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, MaxClassCount);
        ClassCount = classCount;
        _counts = new int[classCount * classCount];
    }

    /// <summary>
    /// Classifies every row with <paramref name="network"/> and tallies it against its target, with classes
    /// read as <see cref="NetworkMetrics.ClassOf{T}"/> reads them (argmax, or a 0.5 threshold for one output).
    /// </summary>
    /// <param name="network">The classifier.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major: one-hot rows, or one 0/1 label per row for a single output.</param>
    /// <exception cref="ArgumentException">Not whole rows, different row counts, no rows, or a NaN or infinite input or target.</exception>
    public static ConfusionMatrix Compute<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = NetworkMetrics.CheckedRowCount(network, inputs, targets);
        var matrix = new ConfusionMatrix(NetworkMetrics.ClassCount(network.OutputSize));
        Evaluation.CountCorrect(network, inputs, targets, NetworkMetrics.PredictionBuffer(network, rows), matrix);
        return matrix;
    }

    /// <summary>
    /// Classifies every row with <paramref name="network"/> and tallies it against its class index, as
    /// <see cref="NetworkTraining">Fit</see> takes labels (PyTorch's class-index targets).
    /// </summary>
    /// <param name="network">The classifier.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="labels">The class of each row, from 0 to the class count - 1.</param>
    /// <exception cref="ArgumentException">Not whole rows, a row count other than the labels', no rows, or a label out of range.</exception>
    public static ConfusionMatrix Compute<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Compute(network, inputs, NetworkTraining.TargetsFromLabels(network, labels, nameof(labels)));
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>How many rows of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, <see cref="ClassCount"/>).</exception>
    public int this[int actual, int predicted] => _counts[Index(actual, predicted)];

    /// <summary>How many rows were tallied.</summary>
    public int Total { get; private set; }

    /// <summary>How many rows were predicted as their actual class (the diagonal).</summary>
    public int Correct { get; private set; }

    /// <summary>The fraction of rows predicted correctly; NaN when nothing was tallied.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Tallies one row.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, <see cref="ClassCount"/>).</exception>
    public void Add(int actual, int predicted)
    {
        _counts[Index(actual, predicted)]++;
        Total++;
        if (actual == predicted)
            Correct++;
    }

    /// <summary>Of the rows predicted as <paramref name="predictedClass"/>, the fraction that are of it; NaN when none were predicted as it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, <see cref="ClassCount"/>).</exception>
    public double Precision(int predictedClass)
    {
        int predicted = 0;
        for (int actual = 0; actual < ClassCount; actual++)
            predicted += this[actual, predictedClass];
        return predicted == 0 ? double.NaN : (double)this[predictedClass, predictedClass] / predicted;
    }

    /// <summary>Of the rows of class <paramref name="actualClass"/>, the fraction predicted as it; NaN when there are none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, <see cref="ClassCount"/>).</exception>
    public double Recall(int actualClass)
    {
        int actual = 0;
        for (int predicted = 0; predicted < ClassCount; predicted++)
            actual += this[actualClass, predicted];
        return actual == 0 ? double.NaN : (double)this[actualClass, actualClass] / actual;
    }

    /// <summary>
    /// The F1 score of one class, the harmonic mean of its precision and recall: <c>2 TP / (2 TP + FP + FN)</c>.
    /// NaN when the class was neither present nor predicted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A class outside [0, <see cref="ClassCount"/>).</exception>
    public double F1(int classIndex)
    {
        int truePositives = this[classIndex, classIndex];
        int predicted = 0, actual = 0;
        for (int other = 0; other < ClassCount; other++)
        {
            predicted += this[other, classIndex];
            actual += this[classIndex, other];
        }
        int denominator = predicted + actual; // = 2 TP + FP + FN
        return denominator == 0 ? double.NaN : 2.0 * truePositives / denominator;
    }

    /// <summary>
    /// The unweighted mean of <see cref="F1"/> over the classes that were present or predicted (scikit-learn's
    /// <c>f1_score(average="macro")</c>); NaN when nothing was tallied.
    /// </summary>
    public double MacroF1
    {
        get
        {
            double sum = 0;
            int classes = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                double f1 = F1(c);
                if (!double.IsNaN(f1))
                {
                    sum += f1;
                    classes++;
                }
            }
            return classes == 0 ? double.NaN : sum / classes;
        }
    }

    /// <summary>The matrix as a text table with classes numbered from 0, recall per row, precision per column and the accuracy.</summary>
    public override string ToString() => ToString(null);

    /// <summary>The matrix as a text table with recall per row, precision per column and the accuracy.</summary>
    /// <param name="classNames">A name per class (e.g. "setosa"), or null to number them from 0.</param>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> does not hold one name per class.</exception>
    public string ToString(IReadOnlyList<string>? classNames)
    {
        if (classNames is not null && classNames.Count != ClassCount)
            throw new ArgumentException($"Expected {ClassCount} class names, got {classNames.Count}.", nameof(classNames));
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string Name(int c) => classNames?[c] ?? c.ToString(invariant);
        static string Percent(double value) =>
            double.IsNaN(value) ? "-" : (100.0 * value).ToString("0.0", CultureInfo.InvariantCulture) + "%";

        const string Corner = "actual \\ predicted";
        const string PrecisionLabel = "precision";
        const string RecallLabel = "recall";
        int labelWidth = Math.Max(Corner.Length, PrecisionLabel.Length);
        int cellWidth = "100.0%".Length;
        for (int c = 0; c < ClassCount; c++)
        {
            labelWidth = Math.Max(labelWidth, Name(c).Length);
            cellWidth = Math.Max(cellWidth, Name(c).Length);
        }
        foreach (int count in _counts)
            cellWidth = Math.Max(cellWidth, count.ToString(invariant).Length);

        var text = new StringBuilder();
        text.Append(Corner.PadLeft(labelWidth));
        for (int c = 0; c < ClassCount; c++)
            text.Append(' ').Append(Name(c).PadLeft(cellWidth));
        text.Append(" | ").Append(RecallLabel).AppendLine();

        for (int actual = 0; actual < ClassCount; actual++)
        {
            text.Append(Name(actual).PadLeft(labelWidth));
            for (int predicted = 0; predicted < ClassCount; predicted++)
                text.Append(' ').Append(this[actual, predicted].ToString(invariant).PadLeft(cellWidth));
            text.Append(" | ").Append(Percent(Recall(actual))).AppendLine();
        }

        text.Append(PrecisionLabel.PadLeft(labelWidth));
        for (int predicted = 0; predicted < ClassCount; predicted++)
            text.Append(' ').Append(Percent(Precision(predicted)).PadLeft(cellWidth));
        text.AppendLine();
        text.Append(invariant, $"accuracy {Percent(Accuracy)} ({Correct} of {Total})");
        return text.ToString();
    }

    private int Index(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actual, ClassCount);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, ClassCount);
        return actual * ClassCount + predicted;
    }
}
