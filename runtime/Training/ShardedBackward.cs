using System;
using System.Numerics;
using System.Threading.Tasks;

namespace NetGen;

/// <summary>
/// Computes the summed gradient of a batch on several threads so that the result does not depend on how many
/// threads there are: the batch is cut into a number of shards that depends only on its size, each shard's
/// gradient is computed from zero on its own network (shard 0 on the trained network, shard k on replica k - 1),
/// and the shards are added in shard order. Which thread computes a shard changes nothing in its bits. A network with
/// dropout (<see cref="IDropoutNetwork"/>) gives each replica its step and the batch index of the shard's first row, so
/// every row is dropped exactly as one unsharded call would drop it.
/// </summary>
internal sealed class ShardedBackward<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
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
    private readonly ParallelOptions _parallelOptions;
    private readonly bool _sequential;
    private readonly Action<int> _runShard;
    private readonly Action<int> _sumChunk;

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
        _sequential = maxDegreeOfParallelism == 1;
        _parallelOptions = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        _runShard = RunShard;
        _sumChunk = SumChunk;
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
        int parameters = _network.ParameterCount;
        int chunks = (parameters + ReductionChunk - 1) / ReductionChunk;
        if (_sequential)
        {
            for (int shard = 0; shard < _shards; shard++)
                RunShard(shard);
            for (int chunk = 0; chunk < chunks; chunk++)
                SumChunk(chunk);
        }
        else
        {
            Parallel.For(0, _shards, _parallelOptions, _runShard);
            Parallel.For(0, chunks, _parallelOptions, _sumChunk);
        }

        T loss = _shardLosses[0];
        for (int shard = 1; shard < _shards; shard++)
            loss += _shardLosses[shard];
        _inputs = default;
        _targets = default;
        return loss;
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
}
