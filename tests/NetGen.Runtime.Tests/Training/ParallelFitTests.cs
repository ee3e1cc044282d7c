using System;
using System.Collections.Generic;
using System.Threading;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

// A generated network opts in to data-parallel training through its partial class.
[Network(6, 16, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class ParallelClassifierNet { }

/// <summary>Fit's sharded data-parallel step: same bits for any thread count, the sum of the shards' gradients, and the fallbacks.</summary>
public class ParallelFitTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(37)] // shards of unequal size, and a short last batch
    public void One_and_two_threads_give_the_same_parameters_bit_for_bit(int batchSize)
    {
        (float[] inputs, int[] labels) = Blobs(rows: 300, seed: 3);

        float[] TrainWith(int threads)
        {
            var network = new ParallelClassifierNet(seed: 11);
            network.Fit(inputs, labels, new TrainingOptions<float>
            {
                Epochs = 3, BatchSize = batchSize, Optimizer = new AdamW<float>(learningRate: 0.01f), MaxDegreeOfParallelism = threads, Seed = 5,
            });
            return network.Parameters.ToArray();
        }

        float[] oneThread = TrainWith(1);
        float[] twoThreads = TrainWith(2);
        float[] unlimited = TrainWith(-1);

        Assert.Equal(oneThread, twoThreads);
        Assert.Equal(oneThread, unlimited);
        Assert.NotEqual(new ParallelClassifierNet(seed: 11).Parameters.ToArray(), oneThread);
    }

    [Fact]
    public void The_step_uses_the_sum_of_the_shards_gradients_computed_on_the_replicas()
    {
        (float[] inputs, int[] labels) = Blobs(rows: 128, seed: 4);
        float[] targets = OneHot(labels, 3);
        var network = new CountingReplicableNetwork(new ParallelClassifierNet(seed: 2));
        var recorder = new RecordingStep();

        network.Fit(inputs, targets, new TrainingOptions<float> { BatchSize = 0, Optimizer = recorder, MaxDegreeOfParallelism = 2 });

        // A batch of 128 is cut into 4 shards of 32: the network and three replicas each ran BackwardBatch once.
        Assert.Equal(3, network.Replicas.Count);
        Assert.Equal(1, network.BackwardBatchCalls);
        Assert.All(network.Replicas, replica => Assert.Equal(1, replica.BackwardBatchCalls));

        var reference = new ParallelClassifierNet(seed: 2);
        reference.BackwardBatch(inputs, targets);
        float[] expected = reference.Gradients.ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i] / 128, recorder.Gradients![i], 1e-5f);
    }

    [Fact]
    public void An_exception_on_a_shard_worker_reaches_the_caller_and_a_later_Fit_still_trains()
    {
        (float[] inputs, int[] labels) = Blobs(rows: 128, seed: 4);
        float[] targets = OneHot(labels, 3);
        var failing = new CountingReplicableNetwork(new ParallelClassifierNet(seed: 2), () => new ThrowingReplica(new ParallelClassifierNet(0)));

        var error = Assert.Throws<InvalidOperationException>(() =>
            failing.Fit(inputs, targets, new TrainingOptions<float> { BatchSize = 64, MaxDegreeOfParallelism = 2 }));
        Assert.Equal(ThrowingReplica.Message, error.Message);

        var network = new CountingReplicableNetwork(new ParallelClassifierNet(seed: 2));
        network.Fit(inputs, targets, new TrainingOptions<float> { BatchSize = 64, Epochs = 2, MaxDegreeOfParallelism = 2 });
        Assert.Equal(4, network.BackwardBatchCalls);
        Assert.All(network.Replicas, replica => Assert.Equal(4, replica.BackwardBatchCalls));
    }

    /// <summary>A replica whose BackwardBatch throws, as a broken hand-written network might.</summary>
    private sealed class ThrowingReplica(INetwork<float> inner) : DelegatingNetwork<float>(inner)
    {
        public const string Message = "replica failed";

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => throw new InvalidOperationException(Message);
    }

    [Theory]
    [InlineData(16, 2)]
    [InlineData(63, 2)]
    [InlineData(64, 2)]
    [InlineData(96, 3)]
    [InlineData(1000, 4)]
    public void The_shard_count_depends_on_the_batch_size_only(int batchSize, int shards)
    {
        Assert.Equal(shards, ShardedBackward<float>.ShardCount(batchSize));
    }

    [Fact]
    public void Batches_below_16_rows_train_on_the_network_alone()
    {
        (float[] inputs, int[] labels) = Blobs(rows: 30, seed: 4);
        var network = new CountingReplicableNetwork(new ParallelClassifierNet(seed: 2));

        network.Fit(inputs, labels, new TrainingOptions<float> { BatchSize = 15, Optimizer = new Adam<float>() });

        Assert.Empty(network.Replicas);
    }

    [Fact]
    public void A_replica_of_another_shape_is_refused_with_a_message_naming_the_network()
    {
        var network = new CountingReplicableNetwork(new ParallelClassifierNet(seed: 2), replicaOverride: () => new SingleLayerFloat());
        (float[] inputs, int[] labels) = Blobs(rows: 32, seed: 4);

        var error = Assert.Throws<InvalidOperationException>(() => network.Fit(inputs, labels, new TrainingOptions<float> { BatchSize = 32 }));
        Assert.Contains("CreateReplica", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxDegreeOfParallelism_must_be_positive_or_minus_one()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ParallelClassifierNet(1).Fit(new float[6], new float[3], new TrainingOptions<float> { MaxDegreeOfParallelism = 0 }));
        Assert.Equal("MaxDegreeOfParallelism", error.ParamName);
    }

    /// <summary>Three Gaussian blobs in 6 dimensions, one per class.</summary>
    internal static (float[] Inputs, int[] Labels) Blobs(int rows, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var inputs = new float[rows * 6];
        var labels = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            labels[row] = row % 3;
            for (int i = 0; i < 6; i++)
                inputs[row * 6 + i] = (float)(random.NextNormal() + (i % 3 == labels[row] ? 1.5 : 0.0));
        }
        return (inputs, labels);
    }

    internal static float[] OneHot(int[] labels, int classes)
    {
        var targets = new float[labels.Length * classes];
        for (int row = 0; row < labels.Length; row++)
            targets[row * classes + labels[row]] = 1f;
        return targets;
    }

    /// <summary>Remembers the gradient of its first step.</summary>
    private sealed class RecordingStep : IOptimizer<float>
    {
        public float[]? Gradients { get; private set; }

        public float LearningRate { get; set; } = 0.01f;

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => Gradients ??= gradients.ToArray();

        public void Reset()
        {
        }
    }

    /// <summary>A wrong replica for the shape check: a 1-input, 1-output network.</summary>
    private sealed class SingleLayerFloat : INetwork<float>
    {
        private readonly float[] _values = new float[2];

        public NetworkDescription Description { get; } = new([1, 1], [Activation.Identity], LossFunction.MeanSquaredError, Precision.Single);

        public int InputSize => 1;

        public int OutputSize => 1;

        public int ParameterCount => 2;

        public Span<float> Parameters => _values;

        public Span<float> Gradients => _values;

        public void Predict(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

        public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs) => throw new NotSupportedException();

        public float Loss(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => throw new NotSupportedException();

        public float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => throw new NotSupportedException();

        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) => throw new NotSupportedException();

        public void ZeroGradients() => throw new NotSupportedException();

        public void ApplyGradients(float learningRate) => throw new NotSupportedException();

        public float Train(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate) => throw new NotSupportedException();

        public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate) => throw new NotSupportedException();
    }
}

/// <summary>A replicable network that counts BackwardBatch calls on itself and on each replica it made.</summary>
internal sealed class CountingReplicableNetwork : DelegatingNetwork<float>, IReplicableNetwork<float>
{
    private readonly Func<INetwork<float>>? _replicaOverride;
    private int _backwardBatchCalls;

    public CountingReplicableNetwork(INetwork<float> inner, Func<INetwork<float>>? replicaOverride = null)
        : base(inner) => _replicaOverride = replicaOverride;

    public List<CountingReplicableNetwork> Replicas { get; } = new();

    public int BackwardBatchCalls => Volatile.Read(ref _backwardBatchCalls);

    public INetwork<float> CreateReplica()
    {
        if (_replicaOverride is not null)
            return _replicaOverride();
        var replica = new CountingReplicableNetwork(new ParallelClassifierNet(0));
        Replicas.Add(replica);
        return replica;
    }

    public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        Interlocked.Increment(ref _backwardBatchCalls);
        return Inner.BackwardBatch(inputs, targets);
    }
}
