using System;
using System.Numerics;
using System.Threading;

namespace NetGen;

/// <summary>
/// The passes of a Fit epoch's report over a data set (the validation rows' loss and accuracy, the training rows'
/// accuracy) on the calling thread and the Fit call's workers (<see cref="FitThreads"/>), with results that do not depend
/// on how many threads there are.
/// </summary>
/// <remarks>
/// <para>
/// The rows go out in blocks of <see cref="BlockRows"/> from a shared counter, so a worker that wakes late leaves its
/// share to the others. A block's rows are classified with one <c>PredictBatch</c> into the participant's own buffer, and
/// the count of right ones is added to the pass's total (integers: any order gives the same sum). The losses are written
/// per row and added up on the calling thread in row order, <see cref="RoundRows"/> at a time, so the sum has the bits of
/// <see cref="Evaluation.SumLoss{T}"/>'s one thread adding them in order.
/// </para>
/// <para>
/// Why: with the passes on the calling thread alone, an epoch of 784-128-10 on 8,000 MNIST rows (batch 32, two threads)
/// spent about a third of its time in the accuracy pass with the second core idle. The network is not training during a
/// report, and its <c>Loss</c> and <c>PredictBatch</c> are thread-safe then (generated networks, the only ones Fit gives
/// threads to).
/// </para>
/// </remarks>
internal sealed class EpochEvaluation<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Rows per block: the rows of one <c>PredictBatch</c> into a participant's buffer.</summary>
    public const int BlockRows = 256;

    /// <summary>Rows whose losses are kept before the calling thread adds them: the size of the loss buffer.</summary>
    public const int RoundRows = 16 * BlockRows;

    /// <summary>The most participants a report's pass over <paramref name="rows"/> rows can use: one per block, at most four.</summary>
    public static int Participants(int rows) => Math.Clamp((rows + BlockRows - 1) / BlockRows, 1, ShardedBackward<T>.MaxShards);

    private readonly INetwork<T> _network;
    private readonly FitThreads? _threads;
    private readonly Action<int> _runBlocks;
    // Each participant's predictions (the caller's first), and the losses of the round in progress.
    private readonly T[][] _predictions;
    private readonly double[] _losses;

    // The pass in progress: its rows, what it computes, the round's first row and row count, the next block to take and
    // the count of rows classified right so far.
    private DataSet<T> _data;
    private bool _computesLoss;
    private bool _countsCorrect;
    private int _roundStart;
    private int _roundRows;
    private int _nextBlock;
    private int _correct;

    /// <param name="network">The trained network.</param>
    /// <param name="threads">The Fit call's worker threads, or null for the calling thread alone.</param>
    /// <param name="largestRows">The most rows a pass gets: it sizes the buffers.</param>
    public EpochEvaluation(INetwork<T> network, FitThreads? threads, int largestRows)
    {
        _network = network;
        _threads = threads;
        _runBlocks = RunBlocks;
        int participants = 1 + (threads?.WorkerCount ?? 0);
        int blockRows = Math.Min(largestRows, BlockRows);
        _predictions = new T[participants][];
        for (int i = 0; i < participants; i++)
            _predictions[i] = new T[blockRows * network.OutputSize];
        _losses = new double[Math.Min(largestRows, RoundRows)];
    }

    /// <summary>
    /// The sum of the per-row losses of <paramref name="data"/> (when <paramref name="computesLoss"/>; else 0) and the
    /// count of its rows that the network classifies as their target does (when <paramref name="countsCorrect"/>; else 0).
    /// </summary>
    public (double LossSum, int Correct) Run(DataSet<T> data, bool computesLoss, bool countsCorrect)
    {
        _data = data;
        _computesLoss = computesLoss;
        _countsCorrect = countsCorrect;
        _correct = 0;
        double lossSum = 0.0;
        for (_roundStart = 0; _roundStart < data.Rows; _roundStart += _roundRows)
        {
            _roundRows = Math.Min(_losses.Length, data.Rows - _roundStart);
            _nextBlock = 0;
            if (_threads is null || _roundRows <= BlockRows)
                RunBlocks(0);
            else
                _threads.Run(_runBlocks);
            if (computesLoss)
            {
                for (int row = 0; row < _roundRows; row++)
                    lossSum += _losses[row];
            }
        }
        _data = default;
        return (lossSum, _correct);
    }

    /// <summary>One participant's part of a round: blocks from the shared counter until none are left.</summary>
    private void RunBlocks(int participant)
    {
        int blocks = (_roundRows + BlockRows - 1) / BlockRows;
        Span<T> predictions = _predictions[participant];
        for (int block; (block = Interlocked.Increment(ref _nextBlock) - 1) < blocks;)
        {
            int first = block * BlockRows, rows = Math.Min(BlockRows, _roundRows - first);
            ReadOnlySpan<T> inputs = _data.Inputs.Span.Slice((_roundStart + first) * _data.InputSize, rows * _data.InputSize);
            ReadOnlySpan<T> targets = _data.Targets.Span.Slice((_roundStart + first) * _data.OutputSize, rows * _data.OutputSize);
            if (_computesLoss)
                Evaluation.WriteLosses(_network, inputs, targets, _losses.AsSpan(first, rows));
            if (_countsCorrect)
                Interlocked.Add(ref _correct, Evaluation.CountCorrect(_network, inputs, targets, predictions));
        }
    }
}
