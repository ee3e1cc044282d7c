using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NetGen;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Training;

// A generated network opts in to data-parallel training through its partial class.
[Network(6, 16, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class ParallelClassifierNet { }

// 64 * 80 + 80 + 80 * 3 + 3 = 5,443 parameters: two ranges of the parallel update, the second one short.
[Network(64, 80, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class ParallelWideNet { }

[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
public partial class ParallelRegressionNet { }

// Double: its losses have all their bits, so adding them in another order would show in the sum.
[Network(6, 16, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Double)]
public partial class ParallelDoubleClassifierNet { }

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

    [Theory]
    [InlineData(128)] // 4 shards: up to 3 workers, each with its own shard
    [InlineData(100)] // 3 shards: more threads allowed than shards
    public void Every_thread_count_up_to_the_shard_count_and_beyond_gives_the_same_parameters_bit_for_bit(int batchSize)
    {
        // Each participant takes its own block of shards and of ranges first and then the others' leftovers; with 5,443
        // parameters (2 ranges) and 4 participants, two of them have no range of their own and only ever steal.
        (float[] inputs, int[] labels) = Blobs(rows: 400, seed: 13, features: 64);

        float[] TrainWith(int threads)
        {
            var network = new ParallelWideNet(seed: 14);
            network.Fit(inputs, labels, new TrainingOptions<float>
            {
                Epochs = 2, BatchSize = batchSize, Optimizer = new Adam<float>(learningRate: 0.01f), MaxGradientNorm = 0.5,
                MaxDegreeOfParallelism = threads, Seed = 3,
            });
            return network.Parameters.ToArray();
        }

        float[] oneThread = TrainWith(1);
        for (int threads = 2; threads <= 5; threads++)
            Assert.Equal(oneThread, TrainWith(threads));
        Assert.NotEqual(new ParallelWideNet(seed: 14).Parameters.ToArray(), oneThread);
    }

    [Fact]
    public void The_epoch_reports_are_the_same_with_one_and_two_threads_and_equal_the_metrics_afterwards()
    {
        (TrainingHistory one, TrainingHistory two, ParallelDoubleClassifierNet network, double[] validationInputs, double[] validationTargets,
            double[] trainingInputs, double[] trainingTargets) = TrainTwiceForReports(batchSize: 64);
        // The last report is of the final parameters: the public metrics, one thread adding in row order, give the same bits.
        Assert.Equal(network.MeanLoss(validationInputs, validationTargets), two.Last.ValidationLoss!.Value);
        Assert.Equal(network.Accuracy(validationInputs, validationTargets), two.Last.ValidationAccuracy!.Value);
        Assert.Equal(network.Accuracy(trainingInputs, trainingTargets), two.Last.TrainingAccuracy!.Value);
        Assert.InRange(two.Last.ValidationAccuracy!.Value, 0.7, 1.0); // the blobs are separable enough to learn
        Assert.Equal(one.Last.ValidationLoss, two.Last.ValidationLoss);
    }

    [Theory]
    [InlineData(1)] // the fused per-row path: the threads are rented for the report alone
    [InlineData(8)]
    public void Small_batches_train_on_one_thread_and_report_on_all_with_the_same_bits(int batchSize)
    {
        (TrainingHistory one, TrainingHistory two, _, _, _, _, _) = TrainTwiceForReports(batchSize, trainingRows: 700, validationRows: 600);
        Assert.Equal(one.Last.ValidationLoss, two.Last.ValidationLoss);
        Assert.NotNull(two.Last.TrainingAccuracy);
    }

    /// <summary>
    /// Trains <see cref="ParallelDoubleClassifierNet"/> on one, two and four threads, with validation rows and the training
    /// accuracy on; checks that every epoch's report and the final parameters are the same bits, and returns the histories of
    /// one and two threads, the network trained on two and its data.
    /// </summary>
    private static (TrainingHistory One, TrainingHistory Two, ParallelDoubleClassifierNet Network, double[] ValidationInputs, double[] ValidationTargets,
        double[] TrainingInputs, double[] TrainingTargets) TrainTwiceForReports(int batchSize, int trainingRows = 5000, int validationRows = 4500)
    {
        // By default more rows than one round of the report's passes (EpochEvaluation.RoundRows), in many blocks, so both
        // threads take blocks and the losses are added in several rounds; in double, so that any other order of adding
        // them would change the sum's last bits.
        (float[] blobs, int[] labels) = Blobs(rows: trainingRows + validationRows, seed: 21);
        double[] inputs = Array.ConvertAll(blobs, value => (double)value);
        double[] targets = Array.ConvertAll(OneHot(labels, 3), value => (double)value);
        double[] trainingInputs = inputs[..(trainingRows * 6)], trainingTargets = targets[..(trainingRows * 3)];
        double[] validationInputs = inputs[(trainingRows * 6)..], validationTargets = targets[(trainingRows * 3)..];

        (TrainingHistory History, ParallelDoubleClassifierNet Network) TrainWith(int threads)
        {
            var network = new ParallelDoubleClassifierNet(seed: 4);
            TrainingHistory history = network.Fit(trainingInputs, trainingTargets, new TrainingOptions<double>
            {
                Epochs = 2, BatchSize = batchSize, Optimizer = new Adam<double>(learningRate: 0.01), MaxDegreeOfParallelism = threads, Seed = 8,
                ValidationInputs = validationInputs, ValidationTargets = validationTargets,
            });
            return (history, network);
        }

        (TrainingHistory one, ParallelDoubleClassifierNet first) = TrainWith(1);
        (TrainingHistory two, ParallelDoubleClassifierNet network) = TrainWith(2);
        (TrainingHistory four, ParallelDoubleClassifierNet fourth) = TrainWith(4); // more participants than this machine may have cores

        foreach (TrainingHistory other in new[] { two, four })
        {
            for (int epoch = 0; epoch < 2; epoch++)
            {
                Assert.Equal(one.Epochs[epoch].TrainingLoss, other.Epochs[epoch].TrainingLoss);
                Assert.Equal(one.Epochs[epoch].ValidationLoss, other.Epochs[epoch].ValidationLoss);
                Assert.Equal(one.Epochs[epoch].ValidationAccuracy, other.Epochs[epoch].ValidationAccuracy);
                Assert.Equal(one.Epochs[epoch].TrainingAccuracy, other.Epochs[epoch].TrainingAccuracy);
            }
        }
        Assert.Equal(first.Parameters.ToArray(), network.Parameters.ToArray());
        Assert.Equal(first.Parameters.ToArray(), fourth.Parameters.ToArray());
        return (one, two, network, validationInputs, validationTargets, trainingInputs, trainingTargets);
    }

    public static IEnumerable<object[]> StepKinds() =>
        from kind in new[] { "Adam clipped", "AdamW guarded every step", "RmsProp", "Sgd", "Sgd momentum clipped", "custom optimizer clipped", "class weights" }
        from batchSize in new[] { 16, 100 }
        select new object[] { kind, batchSize };

    [Theory]
    [MemberData(nameof(StepKinds))]
    public void Every_kind_of_step_gives_the_same_parameters_bit_for_bit_on_one_and_two_threads(string kind, int batchSize)
    {
        (float[] inputs, int[] labels) = Blobs(rows: 300, seed: 6, features: 64);

        float[] TrainWith(int threads)
        {
            var network = new ParallelWideNet(seed: 12);
            var options = new TrainingOptions<float> { Epochs = 2, BatchSize = batchSize, MaxDegreeOfParallelism = threads, Seed = 7 };
            options.Optimizer = kind switch
            {
                "Adam clipped" => new Adam<float>(learningRate: 0.01f),
                "AdamW guarded every step" => new AdamW<float>(learningRate: 0.01f),
                "RmsProp" => new RmsProp<float>(learningRate: 0.001f, momentum: 0.5f),
                "Sgd" => new Sgd<float>(0.1f),
                "Sgd momentum clipped" => new Sgd<float>(0.1f, momentum: 0.9f),
                "custom optimizer clipped" => new WholeBlockOnly(new Adam<float>(learningRate: 0.01f)),
                _ => new Adam<float>(learningRate: 0.01f),
            };
            if (kind.EndsWith("clipped", StringComparison.Ordinal))
                options.MaxGradientNorm = 0.05;
            options.DivergenceGuard = kind.StartsWith("AdamW", StringComparison.Ordinal) ? DivergenceGuard.EveryStep : DivergenceGuard.Off;
            if (kind == "class weights")
                options.ClassWeights = [1f, 2f, 0.5f];
            network.Fit(inputs, labels, options);
            return network.Parameters.ToArray();
        }

        float[] oneThread = TrainWith(1);
        Assert.Equal(oneThread, TrainWith(2));
        Assert.NotEqual(new ParallelWideNet(seed: 12).Parameters.ToArray(), oneThread);
    }

    [Fact]
    public void Clipping_on_the_shard_threads_scales_the_mean_gradient_to_the_norm()
    {
        (float[] inputs, int[] labels) = Blobs(rows: 128, seed: 4, features: 64);
        float[] targets = OneHot(labels, 3);
        var recorder = new RecordingStep();

        new ParallelWideNet(seed: 2).Fit(inputs, targets, new TrainingOptions<float> { BatchSize = 0, Optimizer = recorder, MaxDegreeOfParallelism = 2, MaxGradientNorm = 0.01 });

        var reference = new ParallelWideNet(seed: 2);
        reference.BackwardBatch(inputs, targets);
        double[] mean = reference.Gradients.ToArray().Select(g => g / 128.0).ToArray();
        double norm = Math.Sqrt(mean.Sum(g => g * g));
        Assert.True(norm > 0.1, $"the case must need clipping (norm {norm})");
        for (int i = 0; i < mean.Length; i++)
            Assert.Equal(mean[i] * 0.01 / norm, recorder.Gradients![i], 1e-6);
        Assert.Equal(0.01, Math.Sqrt(recorder.Gradients!.Sum(g => (double)g * g)), 1e-6);
    }

    [Fact]
    public void Parameters_changed_by_an_epoch_callback_reach_the_replicas()
    {
        (float[] inputs, int[] labels) = Blobs(rows: 128, seed: 8, features: 64);
        static void Shrink(INetwork<float> network)
        {
            foreach (ref float parameter in network.Parameters)
                parameter *= 0.5f;
        }
        TrainingOptions<float> Options(int epochs, IOptimizer<float> optimizer, Action<EpochReport>? epochCompleted = null) =>
            new() { Epochs = epochs, BatchSize = 64, Shuffle = false, Optimizer = optimizer, MaxDegreeOfParallelism = 2, EpochCompleted = epochCompleted };

        // Two epochs in one Fit, the weights halved in between by the callback...
        var network = new ParallelWideNet(seed: 3);
        network.Fit(inputs, labels, Options(2, new Adam<float>(0.01f), report =>
        {
            if (report.Epoch == 1)
                Shrink(network);
        }));

        // ...train as two Fits (new replicas each) with the weights halved between them.
        var reference = new ParallelWideNet(seed: 3);
        var adam = new Adam<float>(0.01f);
        reference.Fit(inputs, labels, Options(1, adam));
        Shrink(reference);
        reference.Fit(inputs, labels, Options(1, adam));

        Assert.Equal(reference.Parameters.ToArray(), network.Parameters.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_parameter_that_overflows_on_the_shard_threads_is_caught_and_the_step_undone(int threads)
    {
        // Targets of 1000 give gradients far above 1, which a learning rate of float.MaxValue takes to infinity,
        // while the step's loss (computed before the step) is finite: the parameter check must catch it.
        var inputs = new float[32 * 2];
        var targets = new float[32];
        for (int row = 0; row < 32; row++)
        {
            inputs[2 * row] = row / 32f;
            inputs[2 * row + 1] = 1f - row / 32f;
            targets[row] = 1000f;
        }
        var network = new ParallelRegressionNet(seed: 4);
        float[] before = network.Parameters.ToArray();

        var error = Assert.Throws<TrainingDivergedException>(() => network.Fit(inputs, targets, new TrainingOptions<float>
        {
            BatchSize = 32, Optimizer = new Sgd<float>(float.MaxValue, momentum: 0.5f), MaxDegreeOfParallelism = threads,
        }));

        Assert.Equal((1, 1), (error.Epoch, error.Batch));
        Assert.True(double.IsFinite(error.Loss));
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Sharded_steps_allocate_nothing_on_the_calling_thread()
    {
        // 20 steps an epoch, so a step that allocates even one small object (24 bytes) adds at least 480 bytes to every epoch.
        (float[] inputs, int[] labels) = Blobs(rows: 1280, seed: 9, features: 64);
        var allocatedAtEpochEnd = new long[5];

        new ParallelWideNet(seed: 5).Fit(inputs, labels, new TrainingOptions<float>
        {
            Epochs = allocatedAtEpochEnd.Length, BatchSize = 64, Optimizer = new Adam<float>(), MaxGradientNorm = 1.0,
            MaxDegreeOfParallelism = 2, MeasureTrainingAccuracy = false,
            EpochCompleted = report => allocatedAtEpochEnd[report.Epoch - 1] = GC.GetAllocatedBytesForCurrentThread(),
        });

        // An epoch past the first allocates its EpochReport and nothing else (the quietest epoch, see Allocations).
        long allocated = Allocations.FewestBetween(allocatedAtEpochEnd);
        Assert.True(allocated < 256, $"an epoch allocated {allocated} bytes");
    }

    [Fact]
    public void Steps_on_the_calling_thread_keep_the_replicas_up_to_date()
    {
        (float[] inputs, int[] labels) = Blobs(rows: 256, seed: 10, features: 64);
        float[] TrainWith(IOptimizer<float> optimizer, float[]? classWeights = null)
        {
            var network = new ParallelWideNet(seed: 6);
            network.Fit(inputs, labels, new TrainingOptions<float>
            {
                Epochs = 3, BatchSize = 64, Optimizer = optimizer, ClassWeights = classWeights, MaxDegreeOfParallelism = 2, Seed = 2,
            });
            return network.Parameters.ToArray();
        }

        float[] ranged = TrainWith(new Adam<float>(0.01f));

        // A custom optimizer's whole-block step computes what the ranges compute, and the replicas get its result.
        Assert.Equal(ranged, TrainWith(new WholeBlockOnly(new Adam<float>(0.01f))));
        // Weights of 1 group the rows by class (other shards, so other rounding) but give the same mean gradient.
        float[] weighted = TrainWith(new Adam<float>(0.01f), [1f, 1f, 1f]);
        for (int i = 0; i < ranged.Length; i++)
            Assert.Equal(ranged[i], weighted[i], 2e-5f);
    }

    /// <summary>An optimizer Fit cannot split into ranges: it steps the whole block on the calling thread.</summary>
    private sealed class WholeBlockOnly(IOptimizer<float> inner) : IOptimizer<float>
    {
        public float LearningRate { get => inner.LearningRate; set => inner.LearningRate = value; }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => inner.Step(parameters, gradients);

        public void Reset() => inner.Reset();
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

    /// <summary>Three Gaussian blobs in <paramref name="features"/> dimensions, one per class.</summary>
    [Theory]
    [InlineData(0, 0)]        // the first block of the check
    [InlineData(4_999, 63)]   // the last value of the last block
    [InlineData(2_100, 17)]   // inside a middle block
    public void A_non_finite_input_in_a_large_data_set_is_found_on_the_workers_too_and_named_before_any_training(int row, int column)
    {
        // 5,000 rows of 64 values: 320,000 values, two blocks of the check that Fit shares out between its threads.
        (float[] inputs, int[] labels) = Blobs(rows: 5_000, seed: 21, features: 64);
        inputs[row * 64 + column] = float.NaN;
        inputs[4_999 * 64 + 63] = row == 4_999 ? float.NaN : float.PositiveInfinity; // a second culprit later on
        foreach (int threads in new[] { 1, 2 })
        {
            var network = new ParallelWideNet(seed: 3);
            float[] before = network.Parameters.ToArray();
            var error = Assert.Throws<ArgumentException>(() => network.Fit(inputs, labels, new TrainingOptions<float>
            {
                Epochs = 1, BatchSize = 64, MaxDegreeOfParallelism = threads,
            }));
            Assert.Equal("inputs", error.ParamName);
            Assert.Contains($"NaN at row {row}, column {column}", error.Message); // the first one, whichever thread saw it
            Assert.Equal(before, network.Parameters.ToArray());
        }
    }

    internal static (float[] Inputs, int[] Labels) Blobs(int rows, int seed, int features = 6)
    {
        var random = new SeededRandom((ulong)seed);
        var inputs = new float[rows * features];
        var labels = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            labels[row] = row % 3;
            for (int i = 0; i < features; i++)
                inputs[row * features + i] = (float)(random.NextNormal() + (i % 3 == labels[row] ? 1.5 : 0.0));
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
