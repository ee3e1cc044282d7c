using System;

namespace NetGen;

/// <summary>What one epoch of <see cref="NetworkTraining">Fit</see> achieved.</summary>
public sealed record EpochReport
{
    /// <summary>The epoch just completed, counting from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>The number of epochs asked for.</summary>
    public required int Epochs { get; init; }

    /// <summary>
    /// Mean per-sample loss over the epoch's training rows, each measured just before the step it fed
    /// (the running loss PyTorch loops and Keras report, not a second pass at the epoch's final weights).
    /// </summary>
    public required double TrainingLoss { get; init; }

    /// <summary>Mean per-sample loss on the validation rows at the end of the epoch; null without validation rows.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>
    /// Fraction of training rows classified correctly at the end of the epoch; null unless the network is a
    /// classifier (<see cref="NetworkDescription.IsClassifier"/>) and <see cref="TrainingOptions{T}.MeasureTrainingAccuracy"/> is on.
    /// </summary>
    public double? TrainingAccuracy { get; init; }

    /// <summary>Fraction of validation rows classified correctly at the end of the epoch; null unless the network is a classifier with validation rows.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>The optimizer's learning rate at the epoch's last step (with a <see cref="TrainingOptions{T}.LearningRateSchedule"/>, the scheduled rate).</summary>
    public double LearningRate { get; init; }

    /// <summary>Time since training started, including this epoch's evaluation.</summary>
    public required TimeSpan Elapsed { get; init; }
}
