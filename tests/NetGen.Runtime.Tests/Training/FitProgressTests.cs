using System.Collections.Generic;
using System.Linq;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Per-epoch reports through the callback, IProgress and the returned history.</summary>
public class FitProgressTests
{
    [Fact]
    public void The_callback_hears_every_epoch_in_order_with_the_epoch_total()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var reports = new List<EpochReport>();

        new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 4, EpochCompleted = reports.Add });

        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(4, r.Epochs));
    }

    [Fact]
    public void IProgress_receives_the_same_reports_as_the_history()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var progress = new RecordingProgress<EpochReport>();

        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 3, Progress = progress });

        Assert.Equal(history.Epochs, progress.Reports);
    }

    [Fact]
    public void Elapsed_time_grows_from_epoch_to_epoch_and_the_history_holds_the_total()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(200);

        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 5, BatchSize = 1 });

        for (int i = 1; i < history.Epochs.Count; i++)
            Assert.True(history.Epochs[i].Elapsed >= history.Epochs[i - 1].Elapsed);
        Assert.True(history.Epochs[0].Elapsed.Ticks > 0);
        Assert.True(history.Elapsed >= history.Last.Elapsed);
    }

    [Fact]
    public void Without_early_stopping_the_history_has_every_epoch_and_did_not_stop_early()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);

        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 6, LearningRate = 0.0 });

        Assert.Equal(6, history.Epochs.Count);
        Assert.False(history.StoppedEarly);
    }
}
