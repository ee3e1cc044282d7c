using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// <see cref="TrainingOptions{T}.ClassWeights"/> for one run of Fit: checks the weights against the network and the
/// targets, and sorts each batch's rows by class into contiguous blocks, so that each class's summed gradient comes
/// from one BackwardBatch (or one sharded step) and is scaled by its weight once. No generated hook is needed: a row's
/// weighted loss is its weight times its loss, so its gradient is its weight times its gradient.
/// </summary>
internal sealed class ClassWeighting<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _weights;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly T[] _inputs;
    private readonly T[] _targets;
    private readonly int[] _starts;
    private readonly int[] _next;
    private readonly int[] _rowClasses;

    public ClassWeighting(INetwork<T> network, T[] weights, DataSet<T> training, int batchSize)
    {
        LossFunction loss = network.Description.Loss;
        int outputSize = network.OutputSize;
        if (loss is not (LossFunction.CrossEntropy or LossFunction.BinaryCrossEntropy))
            throw new ArgumentException(
                $"ClassWeights needs a CrossEntropy or BinaryCrossEntropy network; this network's loss is {loss}.", nameof(TrainingOptions<T>.ClassWeights));
        if (loss == LossFunction.BinaryCrossEntropy && outputSize > 1)
            throw new ArgumentException(
                $"ClassWeights with BinaryCrossEntropy needs a single sigmoid output (weights for class 0 and class 1); this network has {outputSize} outputs, and per-output weights of a multi-label network are not supported.",
                nameof(TrainingOptions<T>.ClassWeights));
        int classes = NetworkMetrics.ClassCount(outputSize);
        if (weights.Length != classes)
            throw new ArgumentException(
                $"ClassWeights has {weights.Length} weights; expected one per class: {classes}.", nameof(TrainingOptions<T>.ClassWeights));
        bool anyPositive = false;
        for (int c = 0; c < classes; c++)
        {
            if (!T.IsFinite(weights[c]) || T.IsNegative(weights[c]))
                throw new ArgumentException(
                    $"ClassWeights[{c}] is {weights[c]}; expected a finite number of 0 or more.", nameof(TrainingOptions<T>.ClassWeights));
            anyPositive |= weights[c] > T.Zero;
        }
        if (!anyPositive)
            throw new ArgumentException("ClassWeights are all 0; expected at least one weight above 0.", nameof(TrainingOptions<T>.ClassWeights));
        CheckHardTargets(training, outputSize);

        _weights = (T[])weights.Clone();
        DividesByWeightSum = loss == LossFunction.CrossEntropy;
        _inputSize = network.InputSize;
        _outputSize = outputSize;
        _inputs = new T[batchSize * _inputSize];
        _targets = new T[batchSize * outputSize];
        _starts = new int[classes + 1];
        _next = new int[classes];
        _rowClasses = new int[batchSize];
    }

    /// <summary>
    /// True for CrossEntropy: PyTorch's <c>CrossEntropyLoss(weight=...)</c> with mean reduction divides by the sum of the
    /// rows' weights. False for BinaryCrossEntropy, whose <c>weight</c> and <c>pos_weight</c> mean divides by the row count.
    /// </summary>
    public bool DividesByWeightSum { get; }

    public int ClassCount => _weights.Length;

    public T Weight(int classIndex) => _weights[classIndex];

    /// <summary>Copies the batch's rows into blocks by class (stable: rows keep their order within a class).</summary>
    public void Group(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int count)
    {
        Array.Clear(_starts);
        for (int row = 0; row < count; row++)
        {
            int classIndex = NetworkMetrics.ClassOf(targets.Slice(row * _outputSize, _outputSize));
            _rowClasses[row] = classIndex;
            _starts[classIndex + 1]++;
        }
        for (int c = 0; c < ClassCount; c++)
            _starts[c + 1] += _starts[c];
        _starts.AsSpan(0, ClassCount).CopyTo(_next);
        for (int row = 0; row < count; row++)
        {
            int place = _next[_rowClasses[row]]++;
            inputs.Slice(row * _inputSize, _inputSize).CopyTo(_inputs.AsSpan(place * _inputSize, _inputSize));
            targets.Slice(row * _outputSize, _outputSize).CopyTo(_targets.AsSpan(place * _outputSize, _outputSize));
        }
    }

    /// <summary>The number of rows of class <paramref name="classIndex"/> in the last grouped batch.</summary>
    public int RowsOf(int classIndex) => _starts[classIndex + 1] - _starts[classIndex];

    public ReadOnlyMemory<T> InputsOf(int classIndex) =>
        _inputs.AsMemory(_starts[classIndex] * _inputSize, RowsOf(classIndex) * _inputSize);

    public ReadOnlyMemory<T> TargetsOf(int classIndex) =>
        _targets.AsMemory(_starts[classIndex] * _outputSize, RowsOf(classIndex) * _outputSize);

    /// <summary>
    /// Every target row must stand for one class: one-hot for CrossEntropy, 0 or 1 for a single BinaryCrossEntropy output.
    /// (A soft target has no one class whose weight applies: PyTorch weights each of its terms, which a per-row scale cannot.)
    /// </summary>
    private static void CheckHardTargets(DataSet<T> training, int outputSize)
    {
        for (int row = 0; row < training.Rows; row++)
        {
            ReadOnlySpan<T> target = training.TargetRow(row);
            int ones = 0;
            bool hard = true;
            foreach (T value in target)
            {
                if (value == T.One)
                    ones++;
                else if (value != T.Zero)
                    hard = false;
            }
            if (!hard || (outputSize > 1 && ones != 1))
                throw new ArgumentException(
                    outputSize == 1
                        ? $"With ClassWeights every target must be 0 or 1; the target of row {row} is {target[0]}."
                        : $"With ClassWeights every target row must be one-hot (one 1, the rest 0); row {row} is not.",
                    "targets");
        }
    }
}
