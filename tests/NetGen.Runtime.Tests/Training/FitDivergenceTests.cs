using System;
using System.Threading;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Training that blows up or is cancelled leaves the network with finite, consistent weights.</summary>
public class FitDivergenceTests
{
    // Four identical rows x = (1, 1), target 0, starting from W = (1, 1), b = 1: with a learning rate of 10
    // each per-sample step multiplies the output by 1 - 10 * 3 = -29, so the half squared error overflows
    // to infinity after about a hundred steps.
    private static readonly double[] Inputs = [1, 1, 1, 1, 1, 1, 1, 1];
    private static readonly double[] Targets = [0, 0, 0, 0];

    private static SingleLayerNetwork Exploding() => SingleLayerNetwork.With(2, 1, Activation.Identity, 1, 1, 1);

    private static TrainingOptions<double> ExplodingOptions() =>
        new() { Epochs = 1000, BatchSize = 1, Shuffle = false, LearningRate = 10 };

    [Fact]
    public void A_loss_that_overflows_stops_training_with_an_exception_naming_epoch_and_batch()
    {
        // The same steps by hand: find the first step whose loss is not finite.
        var reference = Exploding();
        int step = 0;
        while (double.IsFinite(reference.Train(Inputs.AsSpan(0, 2), Targets.AsSpan(0, 1), 10)))
            step++;

        var error = Assert.Throws<TrainingDivergedException>(() => Exploding().Fit(Inputs, Targets, ExplodingOptions()));

        Assert.Equal(step / 4 + 1, error.Epoch);
        Assert.Equal(step % 4 + 1, error.Batch);
        Assert.Contains($"epoch {error.Epoch}, batch {error.Batch}", error.Message);
        Assert.False(double.IsFinite(error.Loss));
    }

    [Fact]
    public void After_divergence_the_network_keeps_the_weights_from_before_the_failing_step()
    {
        var reference = Exploding();
        double[] lastFinite = reference.Snapshot();
        while (double.IsFinite(reference.Train(Inputs.AsSpan(0, 2), Targets.AsSpan(0, 1), 10)))
            lastFinite = reference.Snapshot();
        SingleLayerNetwork network = Exploding();

        Assert.Throws<TrainingDivergedException>(() => network.Fit(Inputs, Targets, ExplodingOptions()));

        Assert.All(network.Snapshot(), value => Assert.True(double.IsFinite(value)));
        Assert.Equal(lastFinite, network.Snapshot());
    }

    [Fact]
    public void Divergence_on_the_optimizer_path_also_keeps_the_last_finite_weights()
    {
        SingleLayerNetwork network = Exploding();
        TrainingOptions<double> options = ExplodingOptions();
        options.Optimizer = new Sgd<double>(10, momentum: 0.5);

        Assert.Throws<TrainingDivergedException>(() => network.Fit(Inputs, Targets, options));

        Assert.All(network.Snapshot(), value => Assert.True(double.IsFinite(value)));
    }

    [Fact]
    public void A_token_cancelled_before_training_throws_and_leaves_the_weights_alone()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, 0.2, 0.3);

        Assert.Throws<OperationCanceledException>(() => network.Fit(x, y, cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal([0.1, 0.2, 0.3], network.Snapshot());
    }

    [Fact]
    public void Cancelling_mid_epoch_leaves_the_weights_of_the_last_completed_step()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = SingleLayerNetwork.With(2, 1, Activation.Identity, 0.1, 0.2, 0.3);
        var reference = network.Clone();
        for (int row = 0; row < 5; row++)
            reference.Train(x.AsSpan(2 * row, 2), y.AsSpan(row, 1), 0.1);
        using CancellationTokenSource cancellation = TrainingData.CancelAfterRows(network, 5);

        Assert.Throws<OperationCanceledException>(() => network.Fit(
            x, y, new TrainingOptions<double> { BatchSize = 1, Shuffle = false, LearningRate = 0.1 }, cancellation.Token));

        Assert.Equal(reference.Snapshot(), network.Snapshot());
    }

    [Fact]
    public void Cancelling_between_epochs_leaves_the_weights_of_the_finished_epoch()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = new SingleLayerNetwork(2, 1);
        using var cancellation = new CancellationTokenSource();
        double[]? afterEpoch2 = null;
        var options = new TrainingOptions<double>
        {
            Epochs = 5,
            EpochCompleted = report =>
            {
                if (report.Epoch == 2)
                {
                    afterEpoch2 = network.Snapshot();
                    cancellation.Cancel();
                }
            },
        };

        Assert.Throws<OperationCanceledException>(() => network.Fit(x, y, options, cancellation.Token));

        Assert.Equal(afterEpoch2, network.Snapshot());
    }
}
