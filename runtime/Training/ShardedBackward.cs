using System;
using System.Numerics;
using System.Threading;

namespace NetGen;

/// <summary>
/// Computes the summed gradient of a batch on several threads so that the result does not depend on how many
/// threads there are: the batch is cut into a number of shards that depends only on its size, each shard's
/// gradient is computed from zero on its own network (shard 0 on the trained network, shard k on replica k - 1),
/// and the shards are added in shard order. Which thread computes a shard changes nothing in its bits. A network with
/// dropout (<see cref="IDropoutNetwork"/>) gives each replica its step and the batch index of the shard's first row, so
/// every row is dropped exactly as one unsharded call would drop it.
/// </summary>
/// <remarks>
/// The shards run on the calling thread and on dedicated worker threads that live as long as this object (one Fit):
/// a step of a 784-128-10 network at batch 64 takes well under a millisecond, and handing its halves to the thread
/// pool (Parallel.For) cost about as much as it saved, its wake-ups and work stealing making two threads anywhere from
/// 0.96x to 1.8x one thread from step to step. A worker spins briefly before it blocks, so the hand-off between steps
/// costs microseconds. Shards and reduction chunks go to the participants (the caller, then the workers) round-robin,
/// so which thread does what depends only on the shard and worker counts, and no result depends on it at all.
/// </remarks>
internal sealed class ShardedBackward<T> : IDisposable where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The most shards a batch is cut into: the most cores one step can use, and the number of gradient blocks to add.</summary>
    public const int MaxShards = 4;

    /// <summary>
    /// Rows per shard to aim for: the generated BackwardBatch runs its first layer 32 rows at a time, and each shard
    /// beyond the first costs a copy of the weights and a sum of the gradients, so shards are kept this large
    /// except that a batch of 16 to 63 rows still gets two.
    /// </summary>
    public const int TargetShardRows = 32;

    // Parameters summed per parallel work item in the reduction, so that each item streams a few cache-sized blocks.
    private const int ReductionChunk = 16 * 1024;

    private readonly INetwork<T> _network;
    private readonly INetwork<T>[] _replicas;
    private readonly T[] _shardLosses = new T[MaxShards];
    // Threads that run shards and reduction chunks besides the caller: at most one per core the options allow, less one
    // for the caller, and no more than there are shards to give them. Started on the first sharded step.
    private readonly int _workerCount;
    private ShardWorker[]? _workers;
    private bool _summing;

    // The batch of the step in progress, read by the work items.
    private ReadOnlyMemory<T> _inputs;
    private ReadOnlyMemory<T> _targets;
    private int _rows;
    private int _shards;

    // The dropout state of the trained network when the step started (when it has dropout): every replica draws its
    // rows' masks from it, for the rows' indices in the whole batch, so a row gets the mask one call would give it.
    private readonly IDropoutNetwork? _dropout;
    private ulong _dropoutSeed;
    private ulong _dropoutStep;
    private int _dropoutFirstRow;

    public ShardedBackward(IReplicableNetwork<T> network, int largestBatch, int maxDegreeOfParallelism)
    {
        _network = network;
        _replicas = new INetwork<T>[ShardCount(largestBatch) - 1];
        for (int i = 0; i < _replicas.Length; i++)
        {
            INetwork<T> replica = network.CreateReplica();
            if (replica is null || ReferenceEquals(replica, network) || replica.ParameterCount != network.ParameterCount
                || replica.InputSize != network.InputSize || replica.OutputSize != network.OutputSize)
                throw new InvalidOperationException(
                    $"{network.GetType().Name}.CreateReplica() must return a new network of the same shape ({network.InputSize} inputs, {network.OutputSize} outputs, {network.ParameterCount} parameters).");
            _replicas[i] = replica;
        }
        _dropout = network as IDropoutNetwork;
        int cores = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        _workerCount = Math.Clamp(Math.Min(cores, ShardCount(largestBatch)) - 1, 0, MaxShards - 1);
    }

    /// <summary>The number of shards a batch of <paramref name="rows"/> rows is cut into (1 below <see cref="TrainingOptions{T}.MinimumParallelBatch"/>).</summary>
    public static int ShardCount(int rows) =>
        rows < TrainingOptions<T>.MinimumParallelBatch ? 1 : Math.Clamp(rows / TargetShardRows, 2, MaxShards);

    /// <summary>Sets the trained network's gradients to the batch's summed gradient; returns the summed loss.</summary>
    public T Run(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int rows)
    {
        _inputs = inputs;
        _targets = targets;
        _rows = rows;
        _shards = ShardCount(rows);
        if (_dropout is not null)
        {
            // Read before shard 0 runs: its BackwardBatch moves the trained network's step on.
            _dropoutSeed = _dropout.DropoutSeed;
            _dropoutStep = _dropout.DropoutStep;
            _dropoutFirstRow = _dropout.DropoutFirstRow;
        }
        if (_workerCount == 0)
        {
            RunPhase(0, 1, summing: false);
            RunPhase(0, 1, summing: true);
        }
        else
        {
            ShardWorker[] workers = _workers ??= StartWorkers();
            RunPhaseEverywhere(workers, summing: false);
            RunPhaseEverywhere(workers, summing: true);
        }

        T loss = _shardLosses[0];
        for (int shard = 1; shard < _shards; shard++)
            loss += _shardLosses[shard];
        _inputs = default;
        _targets = default;
        return loss;
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        if (_workers is null)
            return;
        foreach (ShardWorker worker in _workers)
            worker.Stop();
        _workers = null;
    }

    private ShardWorker[] StartWorkers()
    {
        var workers = new ShardWorker[_workerCount];
        for (int i = 0; i < workers.Length; i++)
            workers[i] = new ShardWorker(this, i + 1, workers.Length + 1);
        return workers;
    }

    /// <summary>
    /// One phase on the caller and every worker at once. Every worker has finished before it returns, also when a
    /// shard throws; then the caller's exception, or else the first worker's, is rethrown.
    /// </summary>
    private void RunPhaseEverywhere(ShardWorker[] workers, bool summing)
    {
        _summing = summing;
        foreach (ShardWorker worker in workers)
            worker.Start();
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        try
        {
            RunPhase(0, workers.Length + 1, summing);
        }
        catch (Exception exception)
        {
            failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception);
        }
        foreach (ShardWorker worker in workers)
        {
            var workerFailure = worker.WaitUntilDone(); // always waited, even after a failure
            failure ??= workerFailure;
        }
        failure?.Throw();
    }

    /// <summary>One participant's part of a phase: every <paramref name="participants"/>-th shard or reduction chunk from <paramref name="first"/> on.</summary>
    private void RunPhase(int first, int participants, bool summing)
    {
        if (summing)
        {
            int chunks = (_network.ParameterCount + ReductionChunk - 1) / ReductionChunk;
            for (int chunk = first; chunk < chunks; chunk += participants)
                SumChunk(chunk);
        }
        else
        {
            for (int shard = first; shard < _shards; shard += participants)
                RunShard(shard);
        }
    }

    private void RunShard(int shard)
    {
        INetwork<T> network = shard == 0 ? _network : _replicas[shard - 1];
        if (shard > 0)
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
        network.ZeroGradients();
        _shardLosses[shard] = network.BackwardBatch(
            _inputs.Span.Slice(start * inputSize, count * inputSize),
            _targets.Span.Slice(start * outputSize, count * outputSize));
    }

    /// <summary>Adds the replicas' gradients into the network's over one range of parameters, in shard order.</summary>
    private void SumChunk(int chunk)
    {
        int start = chunk * ReductionChunk;
        int length = Math.Min(ReductionChunk, _network.ParameterCount - start);
        Span<T> sum = _network.Gradients.Slice(start, length);
        for (int shard = 1; shard < _shards; shard++)
            Kernels.AddInPlace<T>(sum, _replicas[shard - 1].Gradients.Slice(start, length));
    }

    /// <summary>
    /// A dedicated thread that runs its share of each phase when started and signals when it is done; an exception it
    /// throws is handed to the caller's thread by <see cref="WaitUntilDone"/>.
    /// </summary>
    private sealed class ShardWorker
    {
        // Spin about this many iterations before blocking: long enough to cover the optimizer step between two
        // sharded steps of a small network, short enough not to burn a core through an epoch's validation pass.
        private const int SpinCount = 2000;

        private readonly ShardedBackward<T> _owner;
        private readonly int _first;
        private readonly int _participants;
        private readonly ManualResetEventSlim _go = new(false, SpinCount);
        private readonly ManualResetEventSlim _done = new(false, SpinCount);
        private readonly Thread _thread;
        private volatile bool _stopping;
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;

        public ShardWorker(ShardedBackward<T> owner, int first, int participants)
        {
            _owner = owner;
            _first = first;
            _participants = participants;
            _thread = new Thread(Loop) { IsBackground = true, Name = "NetGen Fit shard worker" };
            _thread.Start();
        }

        public void Start() => _go.Set();

        /// <summary>Waits for the phase to end; returns the exception it threw, if any.</summary>
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? WaitUntilDone()
        {
            _done.Wait();
            _done.Reset();
            var failure = _failure;
            _failure = null;
            return failure;
        }

        public void Stop()
        {
            _stopping = true;
            _go.Set();
        }

        private void Loop()
        {
            while (true)
            {
                _go.Wait();
                _go.Reset();
                if (_stopping)
                    return;
                try
                {
                    _owner.RunPhase(_first, _participants, _owner._summing);
                }
                catch (Exception exception)
                {
                    _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception);
                }
                _done.Set();
            }
        }
    }
}
