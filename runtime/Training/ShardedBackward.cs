using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NetGen;

/// <summary>
/// Runs a training step of a batch on several threads so that the result does not depend on how many threads there
/// are: the batch is cut into a number of shards that depends only on its size, each shard's gradient is computed from
/// zero on its own network (shard 0 on the trained network, shard k on replica k - 1), and the shards are added in
/// shard order. What follows the sum is element-wise over the parameters (the mean, the divergence guard's copy and
/// check, an element-wise optimizer's update, the new parameters' copy into the replicas), so it runs by fixed ranges
/// of <see cref="RangeLength"/> parameters; a value that needs the whole block (the gradient norm for clipping) is
/// summed per range and the ranges' sums added in range order. Which thread computes a shard or a range changes
/// nothing in its bits. A network with dropout (<see cref="IDropoutNetwork"/>) gives each replica its step and the
/// batch index of the shard's first row, so every row is dropped exactly as one unsharded call would drop it.
/// </summary>
/// <remarks>
/// <para>
/// A network whose first layer the generator marks for splitting (<see cref="IUnitSplitNetwork{T}"/>: a large first layer
/// that holds most of the weights) is not sharded: the trained network computes the whole batch, chunk by chunk as its
/// BackwardBatch does, with layer 1's forward product and gradients cut into a fixed number of blocks of units
/// (<see cref="UnitSplit.BlockCount"/>) that the threads share, and the later layers on the calling thread between
/// them. Each thread zeroes, fills and, with a ranged optimizer and no clipping, updates its own blocks' gradients and
/// parameters, so W1's rows, their gradients and their optimizer state stay in its core's cache; only the chunk's
/// activations and deltas cross between cores, not a gradient and a copy of the parameters per replica. The result is
/// BackwardBatch's sum, whatever the thread count. 784-128-10 at batch 64 on the 2-vCPU AMD host of 3 December: two
/// threads took 26.9-34.7 ms an epoch split against 35.0-37.9 sharded where the cores shared no cache, and about the
/// same where they did (benchmarks/NetGen.FitScaling).
/// </para>
/// <para>
/// A step is two phases (three with gradient clipping): the shards, each copying its own shuffled rows into the batch
/// buffers first, then the ranges. Only the shard losses' sum, the clipping coefficient and the optimizer's per-step
/// scalars are computed between them, on the calling thread. Before, the rows' copy, the sum of the shards, the mean,
/// the optimizer and the guard's copy and scan ran on the calling thread, together about two thirds as long as a shard of
/// 784-128-10 at batch 64, which held two threads to 1.2x one.
/// </para>
/// <para>
/// The phases run on the calling thread and on the worker threads of the Fit call (<see cref="FitThreads"/>):
/// a step of a 784-128-10 network at batch 64 takes well under a millisecond, and handing its halves to the thread
/// pool (Parallel.For) cost about as much as it saved. Both sides of a hand-off spin before they block
/// (<see cref="HandOff"/>), so a hand-off between phases costs microseconds. Each participant takes the shards or ranges of its own block of the phase first
/// (shard k and the k-th block of ranges on participant k, the caller being participant 0), so that its network and its
/// ranges' optimizer state stay in its core's cache from step to step, then what is left of the other blocks, so a late
/// worker leaves its share to the others instead of holding the step up. Taking any range anywhere (before) made the
/// ranges of a 2-thread step of 784-128-10 take 91 us on each thread against 90 us for all of them on one (the
/// optimizer state moved between the cores); own blocks first, 66 to 71 us.
/// </para>
/// <para>
/// A replica's parameters are brought up to date by the ranges of the step that changed the trained network's (each
/// range copies its new values), so the next step's shards start at once. Anything else that changes the trained
/// network's parameters must call <see cref="ParametersChanged"/>: the next shards then copy them first.
/// </para>
/// </remarks>
internal sealed class ShardedBackward<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The most shards a batch is cut into: the most cores one step can use, and the number of gradient blocks to add.</summary>
    public const int MaxShards = 4;

    /// <summary>
    /// Rows per shard to aim for: the generated BackwardBatch runs its first layer 32 rows at a time, and each shard
    /// beyond the first costs a sum of the gradients and a copy of the new weights, so shards are kept this large
    /// except that a batch of 16 to 63 rows still gets two.
    /// </summary>
    public const int TargetShardRows = 32;

    /// <summary>
    /// Parameters per range: a multiple of every vector width, so a range's values take the same vector path as in one
    /// whole-block call; small enough that 100,000 parameters make 25 ranges to share out between threads; large
    /// enough that taking one is cheap against its work.
    /// </summary>
    public const int RangeLength = 4096;

    private readonly INetwork<T> _network;
    private readonly INetwork<T>[] _replicas;
    // The trained network as a network whose first layer's units are split between the threads, or null (shards).
    private readonly IUnitSplitNetwork<T>? _split;
    private readonly int _unitBlocks;
    // Layer 1's parameters, W1's rows then b1, which come first in Parameters: the split's blocks own them.
    private readonly int _firstLayerParameters;
    private readonly T[] _shardLosses = new T[MaxShards];
    private readonly T[] _rangeSquares;
    // The threads that run shards and ranges besides the caller (null: the caller alone), and how many there are.
    private readonly FitThreads? _threads;
    private readonly int _workerCount;
    private readonly Action<int> _runItems;
    // False until the replicas hold the trained network's parameters; then the shards copy them first.
    private bool _replicasCurrent;

    // The phase in progress (shards, ranges, or a split step's rows or units), and how many items it has. Its items are
    // cut into one block per participant (the caller is participant 0, worker k participant k): each takes its own
    // block's items first, then the next blocks'.
    // So a participant gets the same shard (the same network) and the same ranges (the same optimizer state) step after
    // step, which stay in its core's cache, and a late one still leaves its items to the others.
    private Phase _phase;
    private int _itemCount;
    // The next item of each participant's block, taken by an interlocked increment; one cache line apart.
    private readonly int[] _nextInBlock;
    private const int CounterSpacing = 16;

    // The batch of the step in progress, read by the shards.
    private ReadOnlyMemory<T> _inputs;
    private ReadOnlyMemory<T> _targets;
    private Action<int, int>? _copyRows;
    private int _rows;
    private int _shards;
    // A split step's chunks: the one whose layer-1 gradients the next unit phase adds (length 0: none) and the one
    // whose layer-1 forward product it computes (length 0: none), each as its first row and row count.
    private (int Start, int Count) _gradientChunk;
    private (int Start, int Count) _forwardChunk;
    // True in a SplitStep: the last unit phase also updates each block's parameters.
    private bool _updatesInBlocks;

    // What each range does in the range phase in progress, in this order: sum the shards' gradients into the
    // network's and divide them by _divisor; then either record their sum of squares, or (_update) scale them,
    // copy the parameters aside, step them, check them and copy them into the replicas.
    private bool _reduce;
    private T _divisor;
    private bool _sumSquares;
    private bool _update;
    private T _scale;
    private T[]? _guardCopy;
    private IRangedOptimizer<T>? _rangedOptimizer;
    private volatile bool _nonFinite;
    // Each participant's mean gradient of the range it is updating, when only the optimizer reads it (see RunRange).
    private readonly T[][] _meanScratch;

    // The dropout state of the trained network when the step started (when it has dropout): every replica draws its
    // rows' masks from it, for the rows' indices in the whole batch, so a row gets the mask one call would give it.
    private readonly IDropoutNetwork? _dropout;
    private ulong _dropoutSeed;
    private ulong _dropoutStep;
    private int _dropoutFirstRow;

    /// <param name="network">The trained network, shard 0's.</param>
    /// <param name="largestBatch">The most rows a step gets: it fixes the number of shards, and so of replicas.</param>
    /// <param name="threads">The Fit call's worker threads, or null for the calling thread alone; any number of them gives the same bits.</param>
    public ShardedBackward(IReplicableNetwork<T> network, int largestBatch, FitThreads? threads)
    {
        _network = network;
        if (network is IUnitSplitNetwork<T> split && network is not IDropoutNetwork)
        {
            int blocks = UnitSplit.BlockCount(split.SplitUnits, network.InputSize, Unsafe.SizeOf<T>(), MaxShards);
            (_split, _unitBlocks) = blocks >= 2 ? (split, blocks) : (null, 0);
            _firstLayerParameters = split.SplitUnits * (network.InputSize + 1);
        }
        _replicas = new INetwork<T>[_split is null ? ShardCount(largestBatch) - 1 : 0];
        for (int i = 0; i < _replicas.Length; i++)
        {
            INetwork<T> replica = network.CreateReplica();
            if (replica is null || ReferenceEquals(replica, network) || replica.ParameterCount != network.ParameterCount
                || replica.InputSize != network.InputSize || replica.OutputSize != network.OutputSize)
                throw new InvalidOperationException(
                    $"{network.GetType().Name}.CreateReplica() must return a new network of the same shape ({network.InputSize} inputs, {network.OutputSize} outputs, {network.ParameterCount} parameters).");
            _replicas[i] = replica;
        }
        _rangeSquares = new T[RangeCount(network.ParameterCount)];
        _dropout = network as IDropoutNetwork;
        _threads = threads;
        _workerCount = threads?.WorkerCount ?? 0;
        _runItems = RunItems;
        _nextInBlock = new int[(_workerCount + 1) * CounterSpacing];
        _meanScratch = new T[_workerCount + 1][];
        for (int i = 0; i < _meanScratch.Length; i++)
            _meanScratch[i] = new T[RangeLength];
    }

    /// <summary>The number of shards a batch of <paramref name="rows"/> rows is cut into (1 below <see cref="TrainingOptions{T}.MinimumParallelBatch"/>).</summary>
    public static int ShardCount(int rows) =>
        rows < TrainingOptions<T>.MinimumParallelBatch ? 1 : Math.Clamp(rows / TargetShardRows, 2, MaxShards);

    /// <summary>The number of ranges <paramref name="parameterCount"/> parameters are cut into: it depends on nothing else.</summary>
    public static int RangeCount(int parameterCount) => (parameterCount + RangeLength - 1) / RangeLength;

    /// <summary>Says that the trained network's parameters changed outside <see cref="Step"/>: the replicas copy them before their next shards.</summary>
    public void ParametersChanged() => _replicasCurrent = false;

    /// <summary>Sets the trained network's gradients to the batch's summed gradient; returns the summed loss.</summary>
    public T SumGradients(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int rows)
    {
        T loss = RunShards(inputs, targets, rows, copyRows: null);
        RunRanges(reduce: true, divisor: T.One, sumSquares: false, update: false);
        return loss;
    }

    /// <summary>
    /// One training step on the batch, whose rows <paramref name="copyRows"/>, when given, copies into
    /// <paramref name="inputs"/> and <paramref name="targets"/> (the batch's first row, the row count) for each shard
    /// before it runs: the summed gradient divided by <paramref name="rows"/>, clipped to
    /// <paramref name="maxGradientNorm"/> when that is set, and <paramref name="optimizer"/>'s step (by ranges when it
    /// is an <see cref="IRangedOptimizer{T}"/>, else one call on this thread). With <paramref name="guardCopy"/>, the
    /// parameters are copied into it before they change and checked after.
    /// </summary>
    /// <returns>The batch's summed loss; <c>parametersFinite</c> is false when <paramref name="guardCopy"/> is given and a new parameter is NaN or infinite.</returns>
    public T Step(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int rows, Action<int, int>? copyRows, IOptimizer<T> optimizer,
        double? maxGradientNorm, T[]? guardCopy, out bool parametersFinite)
    {
        if (_split is not null && maxGradientNorm is null && optimizer is IRangedOptimizer<T> ranged)
            return SplitStep(inputs, targets, rows, copyRows, ranged, guardCopy, out parametersFinite);
        T loss = RunShards(inputs, targets, rows, copyRows);
        T divisor = T.CreateTruncating(rows);
        bool reduced = false;
        _scale = T.One;
        if (maxGradientNorm is double maxNorm)
        {
            RunRanges(reduce: true, divisor, sumSquares: true, update: false);
            reduced = true;
            double squares = 0.0;
            foreach (T rangeSquares in _rangeSquares)
                squares += double.CreateTruncating(rangeSquares);
            if (GradientClipping.Coefficient(Math.Sqrt(squares), maxNorm) is double coefficient)
                _scale = T.CreateTruncating(coefficient);
        }

        _nonFinite = false;
        _replicasCurrent = false; // until every range has copied its new values
        try
        {
            _guardCopy = guardCopy;
            _rangedOptimizer = optimizer as IRangedOptimizer<T>;
            _rangedOptimizer?.BeginStep(_network.ParameterCount);
            RunRanges(reduce: !reduced, divisor, sumSquares: false, update: true);
            if (_rangedOptimizer is null)
            {
                optimizer.Step(_network.Parameters, _network.Gradients);
                parametersFinite = guardCopy is null || Kernels.AllFinite<T>(_network.Parameters);
            }
            else
            {
                parametersFinite = !_nonFinite;
                _replicasCurrent = true;
            }
        }
        finally
        {
            _guardCopy = null;
            _rangedOptimizer = null;
        }
        return loss;
    }

    /// <summary>
    /// <see cref="Step"/> of a split network with a ranged optimizer and no clipping: each unit block's parameters (its
    /// rows of W1 and values of b1) are updated by the participant that has just added the block's last gradients, while
    /// they are in its core's cache, and the later layers' parameters on this thread after the last block; the same
    /// element-wise update, by cuts that depend only on the blocks, so the bits do not depend on the thread count.
    /// </summary>
    private T SplitStep(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int rows, Action<int, int>? copyRows, IRangedOptimizer<T> optimizer,
        T[]? guardCopy, out bool parametersFinite)
    {
        _nonFinite = false;
        try
        {
            _guardCopy = guardCopy;
            _rangedOptimizer = optimizer;
            optimizer.BeginStep(_network.ParameterCount);
            _reduce = true;
            _divisor = T.CreateTruncating(rows);
            _sumSquares = false;
            _update = true;
            _scale = T.One;
            _updatesInBlocks = true;
            T loss = RunShards(inputs, targets, rows, copyRows);
            UpdateParameters(_firstLayerParameters, _network.ParameterCount - _firstLayerParameters, participant: 0);
            parametersFinite = !_nonFinite;
            return loss;
        }
        finally
        {
            _updatesInBlocks = false;
            _guardCopy = null;
            _rangedOptimizer = null;
        }
    }

    /// <summary>The mean gradient and update of <paramref name="length"/> parameters from <paramref name="start"/> on.</summary>
    private void UpdateParameters(int start, int length, int participant)
    {
        if (length > 0)
            UpdateRange(start, ReduceRange(start, length, participant));
    }

    /// <summary>Sets each shard's network's gradients to its shard's summed gradient; returns the summed loss, added in shard order.</summary>
    private T RunShards(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int rows, Action<int, int>? copyRows)
    {
        _copyRows = copyRows;
        _inputs = inputs;
        _targets = targets;
        _rows = rows;
        try
        {
            if (_split is not null)
                return RunSplit(_split);
            _shards = ShardCount(rows);
            if (_dropout is not null)
            {
                // Read before shard 0 runs: its BackwardBatch moves the trained network's step on.
                _dropoutSeed = _dropout.DropoutSeed;
                _dropoutStep = _dropout.DropoutStep;
                _dropoutFirstRow = _dropout.DropoutFirstRow;
            }
            RunPhase(Phase.Shards, _shards);
            _replicasCurrent = true;
        }
        finally
        {
            _copyRows = null;
            _inputs = default;
            _targets = default;
        }

        T loss = _shardLosses[0];
        for (int shard = 1; shard < _shards; shard++)
            loss += _shardLosses[shard];
        return loss;
    }

    private void RunRanges(bool reduce, T divisor, bool sumSquares, bool update)
    {
        _reduce = reduce;
        _divisor = divisor;
        _sumSquares = sumSquares;
        _update = update;
        RunPhase(Phase.Ranges, _rangeSquares.Length);
    }

    /// <summary>
    /// The batch's summed gradient and loss on the trained network alone, its first layer split by units: the rows'
    /// copy by blocks of rows, then each chunk's layer 1 by blocks of units (with the chunk before's layer-1
    /// gradients in the same items) and the rest of the chunk on this thread, then the last chunk's layer-1 gradients.
    /// The chunks are BackwardBatch's, so the sums are too.
    /// </summary>
    private T RunSplit(IUnitSplitNetwork<T> split)
    {
        _shards = 1; // the range phase has one gradient block to read
        // Zeroed where they are written: each block's gradients of layer 1 by the participant that adds them, before
        // the step's first chunk (zeroed here, the lines of the other participants' blocks moved to this core and back,
        // 200 KB per step for 784-128-10); the later layers' here. Reading Gradients adds and ends any deferred
        // per-row gradients, so there is nothing else to drop.
        Span<T> gradients = _network.Gradients;
        gradients.Slice(_firstLayerParameters).Clear();
        if (_copyRows is not null)
            RunPhase(Phase.SplitRows, MaxShards);
        int rows = _rows, chunkRows = split.SplitChunkRows, outputSize = _network.OutputSize;
        // The fewest chunks of at most chunkRows rows, as even as the rows split: BackwardBatch's chunks.
        int chunks = rows / chunkRows + (rows % chunkRows == 0 ? 0 : 1);
        T loss = T.Zero;
        _gradientChunk = default;
        for (int chunk = 0, start = 0; chunk < chunks; chunk++)
        {
            int count = (rows - start) / (chunks - chunk);
            _forwardChunk = (start, count);
            RunPhase(Phase.SplitUnits, _unitBlocks);
            loss += split.BackwardAfterSplitLayer(_targets.Span.Slice(start * outputSize, count * outputSize));
            _gradientChunk = _forwardChunk;
            start += count;
        }
        _forwardChunk = default;
        RunPhase(Phase.SplitUnits, _unitBlocks);
        _gradientChunk = default;
        return loss;
    }

    /// <summary>A split step's unit block <paramref name="block"/>: the layer-1 gradients of the chunk before, then the layer-1 forward product of the next.</summary>
    private void RunUnitBlock(IUnitSplitNetwork<T> split, int block, int participant)
    {
        int units = split.SplitUnits, inputSize = _network.InputSize;
        int firstUnit = UnitSplit.BlockStart(block, _unitBlocks, units);
        int unitCount = UnitSplit.BlockStart(block + 1, _unitBlocks, units) - firstUnit;
        // The block's parameters: its rows of W1, then its values of b1 (layer 1's weights come first in Parameters).
        int weights = firstUnit * inputSize, biases = units * inputSize + firstUnit;
        ReadOnlySpan<T> inputs = _inputs.Span;
        if (_gradientChunk.Count > 0 && _gradientChunk.Start == 0)
        {
            Span<T> gradients = _network.Gradients;
            gradients.Slice(weights, unitCount * inputSize).Clear();
            gradients.Slice(biases, unitCount).Clear();
        }
        if (_gradientChunk.Count > 0)
            split.AddSplitUnitGradients(inputs.Slice(_gradientChunk.Start * inputSize, _gradientChunk.Count * inputSize), firstUnit, unitCount);
        if (_forwardChunk.Count > 0)
            split.ForwardSplitUnits(inputs.Slice(_forwardChunk.Start * inputSize, _forwardChunk.Count * inputSize), firstUnit, unitCount);
        else if (_updatesInBlocks)
        {
            // The step's last blocks: the update of the block's parameters.
            UpdateParameters(weights, unitCount * inputSize, participant);
            UpdateParameters(biases, unitCount, participant);
        }
    }

    /// <summary>
    /// A split step's block <paramref name="block"/> of the batch's rows (one of <see cref="MaxShards"/>), copied into the
    /// batch buffers, which every block of units then reads. (Each participant copying every row into inputs of its own
    /// instead took 10-20% longer on two threads in the minutes the cores shared a cache.)
    /// </summary>
    private void CopyRowBlock(int block)
    {
        int start = (int)((long)block * _rows / MaxShards), end = (int)((long)(block + 1) * _rows / MaxShards);
        if (end > start)
            _copyRows!(start, end - start);
    }

    private enum Phase
    {
        SplitRows,
        Shards,
        Ranges,
        SplitUnits,
    }

    /// <summary>
    /// One phase on the caller and every worker at once. Every worker has finished before it returns, also when an
    /// item throws; then the caller's exception, or else the first worker's, is rethrown.
    /// </summary>
    private void RunPhase(Phase phase, int items)
    {
        _phase = phase;
        _itemCount = items;
        for (int participant = 0; participant <= _workerCount; participant++)
            _nextInBlock[participant * CounterSpacing] = BlockStart(participant);
        if (_threads is null)
            RunItems(participant: 0);
        else
            _threads.Run(_runItems);
    }

    /// <summary>The first item of <paramref name="participant"/>'s block of the phase in progress (the item count for one past the last).</summary>
    private int BlockStart(int participant) => (int)((long)participant * _itemCount / (_workerCount + 1));

    /// <summary>One participant's part of a phase: its own block's items, then whatever is left in the others'.</summary>
    private void RunItems(int participant)
    {
        int participants = _workerCount + 1;
        for (int i = 0; i < participants; i++)
        {
            int block = (participant + i) % participants;
            int end = BlockStart(block + 1);
            while (true)
            {
                int item = Interlocked.Increment(ref _nextInBlock[block * CounterSpacing]) - 1;
                if (item >= end)
                    break;
                switch (_phase)
                {
                    case Phase.Shards: RunShard(item); break;
                    case Phase.Ranges: RunRange(item, participant); break;
                    case Phase.SplitRows: CopyRowBlock(item); break;
                    default: RunUnitBlock(_split!, item, participant); break;
                }
            }
        }
    }

    private void RunShard(int shard)
    {
        INetwork<T> network = shard == 0 ? _network : _replicas[shard - 1];
        if (shard > 0 && !_replicasCurrent)
            _network.Parameters.CopyTo(network.Parameters);
        // The first rows % shards shards take one row more, so every row belongs to exactly one shard.
        int baseRows = _rows / _shards, extra = _rows % _shards;
        int start = shard * baseRows + Math.Min(shard, extra);
        int count = baseRows + (shard < extra ? 1 : 0);
        int inputSize = _network.InputSize, outputSize = _network.OutputSize;
        if (shard > 0 && _dropout is not null)
        {
            if (network is not IDropoutNetwork replica)
                throw new InvalidOperationException($"{_network.GetType().Name}.CreateReplica() must return a network with the same dropout (an {nameof(IDropoutNetwork)}).");
            replica.DropoutSeed = _dropoutSeed;
            replica.DropoutStep = _dropoutStep;
            replica.DropoutFirstRow = _dropoutFirstRow + start;
        }
        _copyRows?.Invoke(start, count);
        network.ZeroGradients();
        _shardLosses[shard] = network.BackwardBatch(
            _inputs.Span.Slice(start * inputSize, count * inputSize),
            _targets.Span.Slice(start * outputSize, count * outputSize));
    }

    /// <summary>The range phase's work on one range of parameters (see the fields it reads), on <paramref name="participant"/>'s thread.</summary>
    private void RunRange(int range, int participant)
    {
        int start = range * RangeLength;
        int length = Math.Min(RangeLength, _network.ParameterCount - start);
        Span<T> gradients = ReduceRange(start, length, participant);
        if (_sumSquares)
            _rangeSquares[range] = TensorPrimitives.SumOfSquares<T>(gradients);
        if (_update)
            UpdateRange(start, gradients);
    }

    /// <summary>The range's gradient as the update reads it: with <see cref="_reduce"/>, the shards' sum divided by <see cref="_divisor"/>.</summary>
    private Span<T> ReduceRange(int start, int length, int participant)
    {
        Span<T> gradients = _network.Gradients.Slice(start, length);
        if (_reduce)
        {
            // When a ranged optimizer is the mean's only reader, the mean goes to this participant's scratch, which
            // stays in its core's L1, instead of over the trained network's gradients: shard 0 wrote those on the
            // caller's core and zeroes them again next step, so a worker writing them moved the lines twice.
            Span<T> mean = _update && _rangedOptimizer is not null && _shards > 1
                ? _meanScratch[participant].AsSpan(0, length)
                : gradients;
            if (_shards > 1)
                Kernels.Add<T>(gradients, _replicas[0].Gradients.Slice(start, length), mean);
            for (int shard = 2; shard < _shards; shard++)
                Kernels.AddInPlace<T>(mean, _replicas[shard - 1].Gradients.Slice(start, length));
            if (_divisor != T.One)
                Kernels.DivideInPlace(mean, _divisor); // the mean gradient
            gradients = mean;
        }
        return gradients;
    }

    /// <summary>The update of the parameters from <paramref name="start"/> on whose gradient is <paramref name="gradients"/>: scaled, copied aside for the guard, stepped, copied into the replicas and checked.</summary>
    private void UpdateRange(int start, Span<T> gradients)
    {
        int length = gradients.Length;
        if (_scale != T.One)
            TensorPrimitives.Multiply(gradients, _scale, gradients);
        Span<T> parameters = _network.Parameters.Slice(start, length);
        if (_guardCopy is not null)
            parameters.CopyTo(_guardCopy.AsSpan(start, length));
        if (_rangedOptimizer is not { } optimizer)
            return; // the optimizer steps the whole block after the phase
        optimizer.StepRange(parameters, gradients, start);
        // The new values go to every replica; the first copy also checks them for the guard, in the same pass.
        bool finite = _replicas.Length == 0
            ? _guardCopy is null || Kernels.AllFinite<T>(parameters)
            : Kernels.CopyAllFinite<T>(parameters, _replicas[0].Parameters.Slice(start, length));
        for (int i = 1; i < _replicas.Length; i++)
            parameters.CopyTo(_replicas[i].Parameters.Slice(start, length));
        if (_guardCopy is not null && !finite)
            _nonFinite = true;
    }
}

