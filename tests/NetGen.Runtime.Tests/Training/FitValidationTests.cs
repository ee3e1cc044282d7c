using System;
using System.Collections.Generic;
using System.Linq;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Validation data, accuracy in the reports, and early stopping.</summary>
public class FitValidationTests
{
    [Fact]
    public void A_validation_split_holds_out_rows_from_the_end_in_file_order()
    {
        (double[] x, double[] y) = TrainingData.Linear(10); // the first input is the row index
        var network = new SingleLayerNetwork(2, 1);
        var seen = new HashSet<int>();
        network.RowSeen = row => seen.Add((int)row);

        network.Fit(x, y, new TrainingOptions<double> { Epochs = 3, BatchSize = 1, ValidationSplit = 0.2, LearningRate = 0.0 });

        Assert.Equal(Enumerable.Range(0, 8), seen.Order());
    }

    [Fact]
    public void Validation_loss_is_the_mean_loss_of_the_held_out_rows_at_the_end_of_the_epoch()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        var network = new SingleLayerNetwork(2, 1);
        var validationLossAtEpochEnd = new List<double>();

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double>
        {
            Epochs = 2,
            BatchSize = 2,
            ValidationSplit = 0.3,
            EpochCompleted = _ => validationLossAtEpochEnd.Add(network.MeanLoss(x.AsSpan(14), y.AsSpan(7))),
        });

        Assert.Equal(validationLossAtEpochEnd[0], history.Epochs[0].ValidationLoss!.Value, 1e-15);
        Assert.Equal(validationLossAtEpochEnd[1], history.Epochs[1].ValidationLoss!.Value, 1e-15);
    }

    [Fact]
    public void Explicit_validation_arrays_are_evaluated_and_not_trained_on()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);
        double[] validationX = [0.5, 0.25, 0.1, 0.9];
        double[] validationY = [1.0, -3.0];
        var network = new SingleLayerNetwork(2, 1);

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double> { BatchSize = 1, ValidationInputs = validationX, ValidationTargets = validationY });

        Assert.Equal(10, network.TrainCalls);
        Assert.Equal(network.MeanLoss(validationX, validationY), history.Last.ValidationLoss!.Value, 1e-15);
    }

    [Fact]
    public void Without_validation_data_the_validation_entries_are_null()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);

        EpochReport report = new SingleLayerNetwork(2, 1).Fit(x, y).Last;

        Assert.Null(report.ValidationLoss);
        Assert.Null(report.ValidationAccuracy);
    }

    [Fact]
    public void A_classifier_reports_training_and_validation_accuracy_at_the_end_of_the_epoch()
    {
        // One input, label 1 when it is positive; the sigmoid output is thresholded at 0.5.
        double[] x = [-2, -1, -0.5, 0.5, 1, 2, -3, 3, 0.25, -0.25];
        double[] y = x.Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        var network = new SingleLayerNetwork(1, 1, Activation.Sigmoid);

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double> { Epochs = 5, BatchSize = 2, LearningRate = 0.5, ValidationSplit = 0.4 });

        Assert.Equal(network.Accuracy(x.AsSpan(0, 6), y.AsSpan(0, 6)), history.Last.TrainingAccuracy);
        Assert.Equal(network.Accuracy(x.AsSpan(6), y.AsSpan(6)), history.Last.ValidationAccuracy);
        Assert.Equal(1.0, history.Last.TrainingAccuracy);
    }

    [Fact]
    public void Training_accuracy_can_be_turned_off()
    {
        double[] x = [-1, 1];
        double[] y = [0, 1];

        EpochReport report = new SingleLayerNetwork(1, 1, Activation.Sigmoid).Fit(x, y, new TrainingOptions<double> { MeasureTrainingAccuracy = false }).Last;

        Assert.Null(report.TrainingAccuracy);
    }

    [Fact]
    public void A_regression_network_reports_no_accuracy()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);

        EpochReport report = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { ValidationSplit = 0.2 }).Last;

        Assert.Null(report.TrainingAccuracy);
        Assert.Null(report.ValidationAccuracy);
    }

    /// <summary>Training pulls w toward +1 while the validation rows want -1: validation loss only gets worse.</summary>
    private static (double[] X, double[] Y, double[] ValidationX, double[] ValidationY) Conflicting() =>
        ([1.0, 2.0, -1.0], [1.0, 2.0, -1.0], [1.0, 2.0], [-1.0, -2.0]);

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement_and_restores_the_best_weights()
    {
        (double[] x, double[] y, double[] vx, double[] vy) = Conflicting();
        var network = new SingleLayerNetwork(1, 1);
        var weightsAfterEpoch = new List<double[]>();

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double>
        {
            Epochs = 50,
            BatchSize = 1,
            Shuffle = false,
            LearningRate = 0.05,
            ValidationInputs = vx,
            ValidationTargets = vy,
            EarlyStoppingPatience = 2,
            EpochCompleted = _ => weightsAfterEpoch.Add(network.Snapshot()),
        });

        Assert.True(history.StoppedEarly);
        Assert.Equal(3, history.Epochs.Count); // epoch 1 is the best; 2 and 3 do not improve on it
        Assert.Equal(1, history.BestEpoch);
        Assert.Equal(weightsAfterEpoch[0], network.Snapshot());
    }

    [Fact]
    public void Early_stopping_without_restoring_keeps_the_last_weights()
    {
        (double[] x, double[] y, double[] vx, double[] vy) = Conflicting();
        var network = new SingleLayerNetwork(1, 1);
        var weightsAfterEpoch = new List<double[]>();

        TrainingHistory history = network.Fit(x, y, new TrainingOptions<double>
        {
            Epochs = 50,
            BatchSize = 1,
            LearningRate = 0.05,
            ValidationInputs = vx,
            ValidationTargets = vy,
            EarlyStoppingPatience = 2,
            RestoreBestWeights = false,
            EpochCompleted = _ => weightsAfterEpoch.Add(network.Snapshot()),
        });

        Assert.True(history.StoppedEarly);
        Assert.Equal(weightsAfterEpoch[^1], network.Snapshot());
    }

    [Fact]
    public void Early_stopping_without_validation_data_watches_the_training_loss()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(10);

        // A learning rate of 0 never improves the training loss after the first epoch (without shuffling,
        // not even by rounding: the losses are summed in the same order).
        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 10, LearningRate = 0.0, Shuffle = false, EarlyStoppingPatience = 1 });

        Assert.True(history.StoppedEarly);
        Assert.Equal(2, history.Epochs.Count);
    }

    [Fact]
    public void An_improvement_smaller_than_the_minimum_delta_does_not_reset_the_patience()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(20);
        var options = new TrainingOptions<double> { Epochs = 10, BatchSize = 4, LearningRate = 0.1, EarlyStoppingPatience = 1 };

        TrainingHistory keepsGoing = new SingleLayerNetwork(2, 1).Fit(x, y, options);
        options.EarlyStoppingMinDelta = 1e6; // far more than any epoch can gain
        TrainingHistory stops = new SingleLayerNetwork(2, 1).Fit(x, y, options);

        Assert.Equal(10, keepsGoing.Epochs.Count);
        Assert.Equal(2, stops.Epochs.Count);
    }

    [Fact]
    public void Training_that_keeps_improving_runs_every_epoch()
    {
        (double[] x, double[] y) = TrainingData.ScaledLinear(20);

        TrainingHistory history = new SingleLayerNetwork(2, 1).Fit(x, y, new TrainingOptions<double> { Epochs = 8, BatchSize = 4, LearningRate = 0.1, EarlyStoppingPatience = 2 });

        Assert.False(history.StoppedEarly);
        Assert.Equal(8, history.Epochs.Count);
        Assert.Equal(8, history.BestEpoch);
    }
}
