using System;
using System.Collections.Generic;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Samples held as two flat row-major blocks, the shape the batch members of <see cref="INetwork{T}"/>
/// take: <see cref="Inputs"/> (<see cref="Rows"/> x <see cref="InputSize"/>) and <see cref="Targets"/>
/// (<see cref="Rows"/> x <see cref="TargetSize"/>). For classification, <see cref="Targets"/> is one-hot
/// and <see cref="Labels"/> holds the class index of each row. Rows to predict have no targets
/// (<see cref="TargetSize"/> 0, <see cref="HasTargets"/> false).
/// </summary>
/// <remarks>
/// The transformations (<see cref="Split"/>, <see cref="Scale"/>, <see cref="FeatureScaler{T}.Transform(LabeledDataSet{T})"/>)
/// return new data sets and leave this one as it is, so a test set can never be scaled twice by accident.
/// The arrays themselves are exposed for speed; writing into them changes the data set.
/// </remarks>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed class LabeledDataSet<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Wraps existing arrays (not copied).</summary>
    /// <param name="inputs">Row-major inputs, a whole number of rows of <paramref name="inputSize"/>.</param>
    /// <param name="targets">Row-major targets, the same number of rows of <paramref name="targetSize"/>.</param>
    /// <param name="inputSize">Values per input row, 1 or more.</param>
    /// <param name="targetSize">Values per target row, 1 or more; 0 for inputs without targets (then <paramref name="targets"/> is empty).</param>
    /// <param name="labels">For classification, one class index per row in [0, <paramref name="targetSize"/>); null for regression.</param>
    /// <param name="inputNames">Optional names of the input columns, one per input value.</param>
    /// <param name="classNames">Optional names of the classes, one per class, for classification.</param>
    /// <param name="inputFillValues">Optional value per input column that stood in for missing values (see <see cref="InputFillValues"/>).</param>
    /// <exception cref="ArgumentException">A length, count or label that does not fit the others; the message names the expected and the actual value.</exception>
    public LabeledDataSet(T[] inputs, T[] targets, int inputSize, int targetSize, int[]? labels = null,
        IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? classNames = null, IReadOnlyList<T>? inputFillValues = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(targetSize);
        int rows;
        if (targetSize > 0)
            rows = ThrowHelper.MatchingRowCount(nameof(inputs), inputs.Length, inputSize, nameof(targets), targets.Length, targetSize);
        else
        {
            if (targets.Length != 0)
                throw new ArgumentException($"Expected no targets for a target size of 0, got {targets.Length} values.", nameof(targets));
            if (labels is not null)
                throw new ArgumentException("Labels need targets: a data set with target size 0 has no classes.", nameof(labels));
            rows = ThrowHelper.RowCount(nameof(inputs), inputs.Length, inputSize);
        }
        if (labels is not null)
        {
            if (labels.Length != rows)
                ThrowHelper.ThrowRowCountMismatch(nameof(labels), rows, labels.Length);
            for (int row = 0; row < rows; row++)
                if ((uint)labels[row] >= (uint)targetSize)
                    throw new ArgumentException($"Label of row {row} is {labels[row]}; expected a class index from 0 to {targetSize - 1}.", nameof(labels));
        }
        if (inputNames is not null && inputNames.Count != inputSize)
            throw new ArgumentException($"Expected {inputSize} input names, got {inputNames.Count}.", nameof(inputNames));
        if (classNames is not null && classNames.Count != targetSize)
            throw new ArgumentException($"Expected {targetSize} class names, got {classNames.Count}.", nameof(classNames));
        if (inputFillValues is not null && inputFillValues.Count != inputSize)
            throw new ArgumentException($"Expected {inputSize} input fill values, got {inputFillValues.Count}.", nameof(inputFillValues));

        Inputs = inputs;
        Targets = targets;
        InputSize = inputSize;
        TargetSize = targetSize;
        Rows = rows;
        Labels = labels;
        InputNames = inputNames;
        ClassNames = classNames;
        InputFillValues = inputFillValues;
    }

    /// <summary>All input rows, row-major: row <c>r</c> is <c>Inputs[r * InputSize .. (r + 1) * InputSize]</c>.</summary>
    public T[] Inputs { get; }

    /// <summary>All target rows, row-major; one-hot for classification.</summary>
    public T[] Targets { get; }

    /// <summary>Number of samples.</summary>
    public int Rows { get; }

    /// <summary>Values per input row.</summary>
    public int InputSize { get; }

    /// <summary>Values per target row: the class count for classification, the number of target columns for regression, 0 for rows without targets.</summary>
    public int TargetSize { get; }

    /// <summary>The class index of each row for classification; null for regression.</summary>
    public int[]? Labels { get; }

    /// <summary>False for inputs read without labels (<see cref="CsvLabels.None"/>): rows to predict, not to train on.</summary>
    public bool HasTargets => TargetSize > 0;

    /// <summary>True when the targets are one-hot classes (<see cref="Labels"/> is set).</summary>
    public bool IsClassification => Labels is not null;

    /// <summary>Number of classes for classification, 0 for regression.</summary>
    public int ClassCount => Labels is null ? 0 : TargetSize;

    /// <summary>The input columns' names from the CSV header, or null when there was none.</summary>
    public IReadOnlyList<string>? InputNames { get; }

    /// <summary>The class names when the labels were text (class <c>i</c> is <c>ClassNames[i]</c>), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>
    /// For data read with <see cref="CsvMissingValues.FillWithMean"/>: per input column, the mean that filled
    /// its missing values (computed over the values present), so that rows read later, such as inputs at
    /// prediction time, can be filled the same way. Null otherwise.
    /// </summary>
    public IReadOnlyList<T>? InputFillValues { get; }

    /// <summary>The input row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> Input(int row) => Inputs.AsSpan(CheckedRow(row) * InputSize, InputSize);

    /// <summary>The target row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> Target(int row) => Targets.AsSpan(CheckedRow(row) * TargetSize, TargetSize);

    /// <summary>
    /// Splits in file order: the first <paramref name="firstFraction"/> of the rows (rounded to the
    /// nearest row) and the rest. For example <c>Split(0.8)</c> gives the first 80% to train on and the
    /// last 20% to test on. Both parts are copies.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstFraction"/> is not in [0, 1].</exception>
    public (LabeledDataSet<T> First, LabeledDataSet<T> Remainder) Split(double firstFraction)
    {
        if (!(firstFraction >= 0 && firstFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(firstFraction), firstFraction, "Expected a fraction from 0 to 1.");
        int firstRows = (int)Math.Round(Rows * firstFraction, MidpointRounding.AwayFromZero);
        return (Slice(0, firstRows), Slice(firstRows, Rows - firstRows));
    }

    /// <summary>A copy of <paramref name="count"/> rows starting at <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the data set.</exception>
    public LabeledDataSet<T> Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + (long)count, Rows, nameof(count));
        return new LabeledDataSet<T>(
            Inputs.AsSpan(start * InputSize, count * InputSize).ToArray(),
            Targets.AsSpan(start * TargetSize, count * TargetSize).ToArray(),
            InputSize, TargetSize, Labels?.AsSpan(start, count).ToArray(), InputNames, ClassNames, InputFillValues);
    }

    /// <summary>A copy with every input multiplied by <paramref name="factor"/> (targets unchanged), e.g. <c>Scale(1f / 16)</c> for pixels in 0..16.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is NaN or infinite.</exception>
    public LabeledDataSet<T> Scale(T factor)
    {
        if (!T.IsFinite(factor))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Expected a finite factor; this one would make every input NaN or infinite.");
        T[] scaled = (T[])Inputs.Clone();
        for (int i = 0; i < scaled.Length; i++)
            scaled[i] *= factor;
        return WithInputs(scaled);
    }

    /// <summary>A data set with the same targets, labels and names but other inputs of the same shape.</summary>
    internal LabeledDataSet<T> WithInputs(T[] inputs) =>
        new(inputs, Targets, InputSize, TargetSize, Labels, InputNames, ClassNames, InputFillValues);

    private int CheckedRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return row;
    }
}
