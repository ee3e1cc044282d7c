using System;
using System.Collections.Generic;
using System.Linq;
using NetGen;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Fit's steps are exactly the flat contract: ZeroGradients, BackwardBatch over n rows, gradient / n, Step.</summary>
public class FitBatchingTests
{
    private const double LearningRate = 0.1;

    /// <summary>The contract's batch loop written out: the reference Fit must reproduce.</summary>
    private static void ReferenceEpochs(SingleLayerNetwork network, double[] inputs, double[] targets, int batchSize, int epochs)
    {
        int rows = targets.Length / network.OutputSize;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int start = 0; start < rows; start += batchSize)
            {
                int n = Math.Min(batchSize, rows - start);
                network.ZeroGradients();
                network.BackwardBatch(inputs.AsSpan(start * network.InputSize, n * network.InputSize), targets.AsSpan(start * network.OutputSize, n * network.OutputSize));
                network.ApplyGradients(LearningRate / n);
            }
        }
    }

    private static IOptimizer<double> Optimizer(bool generatedTrainPath) =>
        generatedTrainPath ? new Sgd<double>(LearningRate) : new RecordingOptimizer(LearningRate);

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 1e-13);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Batch_size_one_without_shuffling_is_per_sample_SGD_in_file_order(bool generatedTrainPath)
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, -0.2, 0.3);
        var reference = network.Clone();

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 1, Shuffle = false, Optimizer = Optimizer(generatedTrainPath) });
        ReferenceEpochs(reference, x, y, batchSize: 1, epochs: 3);

        AssertClose(reference.Snapshot(), network.Snapshot());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Batch_size_n_steps_with_the_mean_gradient_and_a_smaller_last_batch(bool generatedTrainPath)
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10); // batches of 4, 4 and 2 rows
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, -0.2, 0.3);
        var reference = network.Clone();

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 4, Shuffle = false, Optimizer = Optimizer(generatedTrainPath) });
        ReferenceEpochs(reference, x, y, batchSize: 4, epochs: 3);

        AssertClose(reference.Snapshot(), network.Snapshot());
    }

    [Fact]
    public void The_optimizer_receives_the_mean_of_the_batchs_gradients()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(6);
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, -0.2, 0.3);
        var reference = network.Clone();
        reference.ZeroGradients();
        reference.BackwardBatch(x.AsSpan(0, 3 * 2), y.AsSpan(0, 3));
        double[] meanGradient = reference.Gradients.ToArray().Select(g => g / 3).ToArray();
        var optimizer = new RecordingOptimizer(LearningRate);

        network.Fit(x, y, new TrainingOptions<double> { BatchSize = 3, Shuffle = false, Optimizer = optimizer });

        AssertClose(meanGradient, optimizer.FirstGradients!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(1000)]
    public void Batch_size_zero_or_at_least_the_row_count_is_one_full_batch_step_per_epoch(int batchSize)
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = new SingleLayerNetwork(2, 1);
        var reference = network.Clone();
        var optimizer = new RecordingOptimizer(LearningRate);

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 4, BatchSize = batchSize, Optimizer = optimizer });
        ReferenceEpochs(reference, x, y, batchSize: 10, epochs: 4);

        Assert.Equal(4, optimizer.Steps);
        AssertClose(reference.Snapshot(), network.Snapshot()); // full batch: shuffling changes nothing
    }

    [Fact]
    public void Plain_SGD_takes_the_generated_Train_path_and_other_optimizers_the_Backward_path()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(8);
        var plain = new SingleLayerNetwork(2, 1);
        var adam = new SingleLayerNetwork(2, 1);

        plain.Fit(x, y, new TrainingOptions<double> { BatchSize = 1 });
        adam.Fit(x, y, new TrainingOptions<double> { BatchSize = 1, Optimizer = new Adam<double>() });

        Assert.Equal((8, 0), (plain.TrainCalls, plain.BackwardCalls));
        Assert.Equal((0, 8), (adam.TrainCalls, adam.BackwardCalls));
    }

    [Fact]
    public void The_default_optimizer_is_plain_SGD_with_the_LearningRate_option()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, -0.2, 0.3);
        var reference = network.Clone();

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 2, BatchSize = 5, Shuffle = false, LearningRate = LearningRate });
        ReferenceEpochs(reference, x, y, batchSize: 5, epochs: 2);

        AssertClose(reference.Snapshot(), network.Snapshot());
    }

    [Fact]
    public void A_given_optimizer_is_used_and_keeps_its_state_between_calls()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(4);
        var network = new SingleLayerNetwork(2, 1);
        var adam = new Adam<double>();

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 2, BatchSize = 2, Optimizer = adam });
        network.Fit(x, y, new TrainingOptions<double> { Epochs = 1, BatchSize = 2, Optimizer = adam });

        Assert.Equal(6, adam.StepCount);
    }

    [Fact]
    public void Shuffling_visits_every_training_row_once_per_epoch_in_a_new_order()
    {
        (double[] x, double[] y) = TrainingData.Linear(20); // the first input is the row index
        var network = new SingleLayerNetwork(2, 1);
        var seen = new List<int>();
        network.RowSeen = row => seen.Add((int)row);

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 2, BatchSize = 3, LearningRate = 0.0, Seed = 5 });

        int[] first = seen.Take(20).ToArray(), second = seen.Skip(20).ToArray();
        Assert.Equal(Enumerable.Range(0, 20), first.Order());
        Assert.Equal(Enumerable.Range(0, 20), second.Order());
        Assert.NotEqual(Enumerable.Range(0, 20), first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Without_shuffling_rows_are_visited_in_file_order()
    {
        (double[] x, double[] y) = TrainingData.Linear(7);
        var network = new SingleLayerNetwork(2, 1);
        var seen = new List<int>();
        network.RowSeen = row => seen.Add((int)row);

        network.Fit(x, y, new TrainingOptions<double> { BatchSize = 3, Shuffle = false, LearningRate = 0.0 });

        Assert.Equal(Enumerable.Range(0, 7), seen);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_other_weights()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(30);
        double[] Train(int seed)
        {
            var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, -0.2, 0.3);
            network.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 4, Seed = seed });
            return network.Snapshot();
        }

        Assert.Equal(Train(1), Train(1));
        Assert.NotEqual(Train(1), Train(2));
    }

    [Fact]
    public void Training_loss_is_the_mean_per_sample_loss_before_each_step()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, -0.2, 0.3);
        double lossAtStart = network.MeanLoss(x, y);

        // With a learning rate of 0 no step changes the weights, so every step sees the starting loss.
        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double> { Epochs = 2, BatchSize = 3, LearningRate = 0.0 });

        Assert.Equal(lossAtStart, history.Epochs[0].TrainingLoss, 1e-14);
        Assert.Equal(lossAtStart, history.Epochs[1].TrainingLoss, 1e-14);
    }

    [Fact]
    public void Training_reduces_the_loss_of_a_learnable_problem()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(50);
        var network = new SingleLayerNetwork(2, 1);

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double> { Epochs = 200, BatchSize = 5, LearningRate = 0.2 });

        Assert.True(history.Last.TrainingLoss < 1e-3 * history.Epochs[0].TrainingLoss, $"loss went from {history.Epochs[0].TrainingLoss} to {history.Last.TrainingLoss}");
        Assert.Equal(2.0, network.Parameters[0], 1e-2);
        Assert.Equal(-1.0, network.Parameters[1], 1e-2);
        Assert.Equal(0.5, network.Parameters[2], 1e-2);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(4, false)]
    public void Steps_allocate_nothing(int batchSize, bool plainSgd)
    {
        // 900 training rows: were a step to allocate even one 24-byte object, the 900 or 225 steps of an
        // epoch would allocate kilobytes.
        (double[] x, double[] y) = TrainingData.ScaledLinear(1000);
        double[] labels = y.Select(v => v > 1.0 ? 1.0 : 0.0).ToArray();
        var network = new SingleLayerNetwork(2, 1, Activation.Sigmoid);
        var allocatedAtEpochEnd = new List<long>();

        network.Fit(x, labels, new TrainingOptions<double>
        {
            Epochs = 5,
            BatchSize = batchSize,
            ValidationSplit = 0.1,
            Optimizer = plainSgd ? null : new Adam<double>(),
            EpochCompleted = _ => allocatedAtEpochEnd.Add(GC.GetAllocatedBytesForCurrentThread()),
        });

        // An epoch from the third on: shuffling, 900 steps, evaluation, and one EpochReport object (the quietest epoch, see Allocations).
        long allocated = Allocations.FewestBetween(allocatedAtEpochEnd, first: 1);
        Assert.True(allocated < 512, $"an epoch allocated {allocated} bytes");
    }
}
