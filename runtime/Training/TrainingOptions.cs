using System;
using System.Numerics;

namespace NetGen;

/// <summary>How <see cref="NetworkTraining.Fit{T}"/> trains: epochs, batches, shuffling, validation, early stopping, optimizer and progress.</summary>
/// <typeparam name="T">The network's floating-point type.</typeparam>
public sealed class TrainingOptions<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>How many passes over the training rows (default 1, as in Keras).</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>
    /// Rows per optimizer step: 1 is per-sample SGD, N steps with the mean gradient over N rows, and 0 (or
    /// anything at least the number of training rows) is full-batch descent. Default 32, as in Keras.
    /// The last batch of an epoch holds the rows left over and may be smaller.
    /// </summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The learning rate of the plain SGD used when <see cref="Optimizer"/> is not set (default 0.01).</summary>
    public T LearningRate { get; set; } = T.CreateTruncating(0.01);

    /// <summary>
    /// The optimizer; when null, plain SGD with <see cref="LearningRate"/>. Fit keeps its state between
    /// calls (as PyTorch and Keras do); call <see cref="IOptimizer{T}.Reset"/> for a fresh start.
    /// </summary>
    public IOptimizer<T>? Optimizer { get; set; }

    /// <summary>
    /// Visit the training rows in a new random order each epoch (default true). A full batch is never
    /// shuffled: the order of its rows cannot change the mean gradient.
    /// </summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>Seed of the shuffling order: the same seed, data and network give the same training (default 0).</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Fraction of the rows, in [0, 1), held out for validation; they are taken from the END of the data set
    /// in file order, before any shuffling (the count is rounded to the nearest row). Default 0: no split.
    /// Cannot be combined with <see cref="ValidationInputs"/>.
    /// </summary>
    public double ValidationSplit { get; set; }

    /// <summary>Validation rows given explicitly (row-major, <c>InputSize</c> per row); set together with <see cref="ValidationTargets"/>.</summary>
    public T[]? ValidationInputs { get; set; }

    /// <summary>Targets of <see cref="ValidationInputs"/> (row-major, <c>OutputSize</c> per row).</summary>
    public T[]? ValidationTargets { get; set; }

    /// <summary>
    /// Early stopping: stop once the monitored loss (validation loss when there are validation rows,
    /// training loss otherwise) has not improved for this many epochs in a row (1 or more), as Keras's
    /// <c>EarlyStopping(patience)</c>. Null (the default) never stops early.
    /// </summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>
    /// The least decrease of the monitored loss that counts as an improvement for early stopping (default 0,
    /// as Keras's <c>min_delta</c>); a small positive value keeps rounding noise from resetting the patience.
    /// </summary>
    public double EarlyStoppingMinDelta { get; set; }

    /// <summary>
    /// With early stopping, leave the network holding the weights of the epoch with the lowest monitored loss
    /// when training ends (stopped early or not), as Keras's <c>restore_best_weights</c>. Default true.
    /// </summary>
    public bool RestoreBestWeights { get; set; } = true;

    /// <summary>
    /// For classifiers, measure the accuracy on the training rows after each epoch. This costs one extra
    /// forward pass over them per epoch; turn it off when that matters. Default true.
    /// </summary>
    public bool MeasureTrainingAccuracy { get; set; } = true;

    /// <summary>Receives a report after each epoch (through its own synchronisation context, as <see cref="IProgress{T}"/> does).</summary>
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>Called synchronously on the training thread after each epoch.</summary>
    public Action<EpochReport>? EpochCompleted { get; set; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range.</summary>
    internal void Validate()
    {
        if (Epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be 1 or more.");
        if (BatchSize < 0)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be 1 or more, or 0 for full-batch training.");
        if (Optimizer is null && (!T.IsFinite(LearningRate) || T.IsNegative(LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be a finite number of 0 or more.");
        if (!(ValidationSplit >= 0.0 && ValidationSplit < 1.0))
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "ValidationSplit must be in [0, 1).");
        if (EarlyStoppingPatience is < 1)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must be 1 or more, or null for no early stopping.");
        if (!(EarlyStoppingMinDelta >= 0.0 && double.IsFinite(EarlyStoppingMinDelta)))
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "EarlyStoppingMinDelta must be a finite number of 0 or more.");
        if ((ValidationInputs is null) != (ValidationTargets is null))
            throw new ArgumentException("Set both ValidationInputs and ValidationTargets, or neither.", ValidationInputs is null ? nameof(ValidationInputs) : nameof(ValidationTargets));
        if (ValidationInputs is not null && ValidationSplit > 0.0)
            throw new ArgumentException("Use either ValidationSplit or ValidationInputs/ValidationTargets, not both.", nameof(ValidationSplit));
    }
}
