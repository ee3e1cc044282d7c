using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetGen;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Fit from class labels and from slices, the history's CSV and JSON, and the divergence-guard modes.</summary>
public class FitExtrasTests
{
    [Fact]
    public void Training_from_class_labels_equals_training_from_one_hot_rows()
    {
        (float[] inputs, int[] labels) = ParallelFitTests.Blobs(rows: 40, seed: 1);
        var fromLabels = new ParallelClassifierNet(seed: 3);
        var fromOneHot = new ParallelClassifierNet(seed: 3);
        var options = new TrainingOptions<float> { Epochs = 2, BatchSize = 8, MaxDegreeOfParallelism = 1 };

        fromLabels.Fit(inputs, labels, options);
        fromOneHot.Fit(inputs, ParallelFitTests.OneHot(labels, 3), options);

        Assert.Equal(fromOneHot.Parameters.ToArray(), fromLabels.Parameters.ToArray());
    }

    [Fact]
    public void A_label_out_of_range_names_its_row_and_the_valid_range()
    {
        var error = Assert.Throws<ArgumentException>(() => new ParallelClassifierNet(1).Fit(new float[12], new[] { 0, 3 }));

        Assert.Equal("labels", error.ParamName);
        Assert.Contains("row 1 is 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_labels_are_evaluated_like_one_hot_validation_targets()
    {
        (float[] inputs, int[] labels) = ParallelFitTests.Blobs(rows: 40, seed: 1);
        (float[] validationInputs, int[] validationLabels) = ParallelFitTests.Blobs(rows: 12, seed: 2);

        TrainingHistory withLabels = new ParallelClassifierNet(3).Fit(inputs, labels, new TrainingOptions<float> { ValidationInputs = validationInputs, ValidationLabels = validationLabels });
        TrainingHistory withTargets = new ParallelClassifierNet(3).Fit(inputs, labels, new TrainingOptions<float> { ValidationInputs = validationInputs, ValidationTargets = ParallelFitTests.OneHot(validationLabels, 3) });

        Assert.Equal(withTargets.Last.ValidationLoss, withLabels.Last.ValidationLoss);
        Assert.Equal(withTargets.Last.ValidationAccuracy, withLabels.Last.ValidationAccuracy);
    }

    [Fact]
    public void Fit_on_a_slice_of_one_array_trains_on_those_rows_only()
    {
        (double[] x, double[] y) = TrainingData.Linear(10);
        var sliced = new SingleLayerNetwork(2, 1);
        var copied = new SingleLayerNetwork(2, 1);
        var options = new TrainingOptions<double> { Epochs = 2, BatchSize = 3, LearningRate = 0.001 };

        sliced.Fit(x.AsMemory(0, 16), y.AsMemory(0, 8), options);
        copied.Fit(x[..16], y[..8], options);

        Assert.Equal(copied.Snapshot(), sliced.Snapshot());
    }

    [Fact]
    public void History_exports_one_CSV_line_per_epoch_with_empty_cells_for_what_was_not_measured()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 2, LearningRate = 0.125 });

        string[] lines = history.ToCsv().Split('\n');

        Assert.Equal(TrainingHistory.CsvHeader, lines[0]);
        Assert.Equal("", lines[^1]);
        string[] cells = lines[2].Split(',');
        Assert.Equal("2", cells[0]);
        Assert.Equal(history.Epochs[1].TrainingLoss, double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["", "", ""], cells[2..5]); // no validation rows; not a classifier
        Assert.Equal("0.125", cells[5]);
    }

    [Fact]
    public void History_JSON_holds_every_epoch_and_null_for_what_was_not_measured()
    {
        (float[] inputs, int[] labels) = ParallelFitTests.Blobs(rows: 30, seed: 1);
        TrainingHistory history = new ParallelClassifierNet(1).Fit(inputs, labels, new TrainingOptions<float> { Epochs = 3, ValidationSplit = 0.2 });

        using JsonDocument json = JsonDocument.Parse(history.ToJson());

        JsonElement root = json.RootElement;
        Assert.Equal(history.BestEpoch, root.GetProperty("best_epoch").GetInt32());
        Assert.False(root.GetProperty("stopped_early").GetBoolean());
        JsonElement[] epochs = [.. root.GetProperty("epochs").EnumerateArray()];
        Assert.Equal(3, epochs.Length);
        Assert.Equal(history.Epochs[2].ValidationAccuracy, epochs[2].GetProperty("validation_accuracy").GetDouble());
        Assert.Equal(history.Epochs[2].TrainingLoss, epochs[2].GetProperty("training_loss").GetDouble());

        TrainingHistory regression = new SingleLayerNetwork(2, 1).Fit(TrainingData.ScaledLinear(4).Inputs, TrainingData.ScaledLinear(4).Targets);
        using JsonDocument regressionJson = JsonDocument.Parse(regression.ToJson());
        Assert.Equal(JsonValueKind.Null, regressionJson.RootElement.GetProperty("epochs")[0].GetProperty("validation_loss").ValueKind);
    }

    [Fact]
    public void WriteJson_writes_the_same_UTF8_as_ToJson()
    {
        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(TrainingData.ScaledLinear(4).Inputs, TrainingData.ScaledLinear(4).Targets);
        using var stream = new MemoryStream();

        history.WriteJson(stream);

        Assert.Equal(history.ToJson(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void EveryEpoch_guard_restores_the_weights_from_the_start_of_the_diverging_epoch()
    {
        (double[] x, double[] y) = TrainingData.Linear(8); // inputs up to 7: a huge rate overflows quickly
        var network = new SingleLayerNetwork(2, 1);
        double[]? startOfEpoch = null;
        int epochsDone = 0;

        var error = Assert.Throws<TrainingDivergedException>(() => network.Fit(x, y, new TrainingOptions<double>
        {
            Epochs = 50,
            BatchSize = 1,
            LearningRate = 0.5,
            DivergenceGuard = DivergenceGuard.EveryEpoch,
            EpochCompleted = _ => { startOfEpoch = network.Snapshot(); epochsDone++; },
        }));

        Assert.Equal(epochsDone + 1, error.Epoch);
        Assert.Equal(startOfEpoch ?? new double[network.ParameterCount], network.Snapshot());
        Assert.Contains("start of that epoch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEpoch_guard_trains_exactly_as_the_EveryStep_guard_when_nothing_diverges()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var everyStep = new SingleLayerNetwork(2, 1);
        var everyEpoch = new SingleLayerNetwork(2, 1);
        var off = new SingleLayerNetwork(2, 1);

        everyStep.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 1 });
        everyEpoch.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 1, DivergenceGuard = DivergenceGuard.EveryEpoch });
        off.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 1, DivergenceGuard = DivergenceGuard.Off });

        Assert.Equal(everyStep.Snapshot(), everyEpoch.Snapshot());
        Assert.Equal(everyStep.Snapshot(), off.Snapshot());
    }

    [Fact]
    public void With_the_guard_off_a_diverging_run_finishes_and_reports_the_non_finite_loss()
    {
        (double[] x, double[] y) = TrainingData.Linear(8);
        var network = new SingleLayerNetwork(2, 1);

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double> { Epochs = 50, BatchSize = 1, LearningRate = 0.5, DivergenceGuard = DivergenceGuard.Off });

        Assert.Equal(50, history.Epochs.Count);
        Assert.False(double.IsFinite(history.Last.TrainingLoss));
        Assert.Contains("null", history.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_with_a_schedule_clipping_and_the_epoch_guard_allocate_nothing()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(1000);
        var network = new SingleLayerNetwork(2, 1);
        var allocatedAtEpochEnd = new System.Collections.Generic.List<long>();

        network.Fit(x, y, new TrainingOptions<double>
        {
            Epochs = 5,
            BatchSize = 4,
            Optimizer = new AdamW<double>(),
            LearningRateSchedule = LearningRateSchedule.OneCycle(0.01),
            MaxGradientNorm = 0.5,
            DivergenceGuard = DivergenceGuard.EveryEpoch,
            EpochCompleted = _ => allocatedAtEpochEnd.Add(GC.GetAllocatedBytesForCurrentThread()),
        });

        // An epoch from the third on: 250 steps and one EpochReport object (the quietest epoch, see Allocations).
        long allocated = Allocations.FewestBetween(allocatedAtEpochEnd, first: 1);
        Assert.True(allocated < 512, $"an epoch allocated {allocated} bytes");
    }
}
