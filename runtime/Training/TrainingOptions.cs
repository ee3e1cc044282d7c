using System;
using System.Numerics;

namespace NetGen;

/// <summary>How <see cref="NetworkTraining">Fit</see> trains: epochs, batches, shuffling, validation, early stopping, optimizer and progress.</summary>
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
    /// Fraction of the rows, in [0, 1), held out for validation (the count is rounded to the nearest row).
    /// Which rows is <see cref="ValidationSplitMode"/>'s choice: by default the END of the data set in file order,
    /// as Keras does. Default 0: no split. Cannot be combined with <see cref="ValidationInputs"/>.
    /// </summary>
    /// <remarks>
    /// Taking the end of a file that is sorted by class (many public data sets are) gives a validation set of
    /// one class; use <see cref="ValidationSplitMode.Stratified"/> or <see cref="ValidationSplitMode.Shuffled"/> then.
    /// </remarks>
    public double ValidationSplit { get; set; }

    /// <summary>
    /// Which rows <see cref="ValidationSplit"/> holds out: the last ones (<see cref="ValidationSplitMode.Last"/>, the
    /// default), a seeded random sample (<see cref="ValidationSplitMode.Shuffled"/>) or a seeded random sample that
    /// keeps each class's share (<see cref="ValidationSplitMode.Stratified"/>, classifiers only). The random modes use
    /// <see cref="Seed"/> and copy the rows once, when training starts.
    /// </summary>
    public ValidationSplitMode ValidationSplitMode { get; set; }

    /// <summary>
    /// Validation rows given explicitly (row-major, <c>InputSize</c> per row); set together with <see cref="ValidationTargets"/>.
    /// Any memory will do, an array or a slice of one (<c>data.AsMemory(start, length)</c>), so holding out the end of one
    /// array needs no copy.
    /// </summary>
    public ReadOnlyMemory<T>? ValidationInputs { get; set; }

    /// <summary>Targets of <see cref="ValidationInputs"/> (row-major, <c>OutputSize</c> per row); an array or a slice of one.</summary>
    public ReadOnlyMemory<T>? ValidationTargets { get; set; }

    /// <summary>
    /// For a classifier, the class index of each row of <see cref="ValidationInputs"/>, instead of <see cref="ValidationTargets"/>
    /// (as <see cref="NetworkTraining.Fit{T}(INetwork{T}, ReadOnlyMemory{T}, ReadOnlyMemory{int}, TrainingOptions{T}?, System.Threading.CancellationToken)"/> takes them).
    /// </summary>
    public ReadOnlyMemory<int>? ValidationLabels { get; set; }

    /// <summary>
    /// One weight per class for a classifier's training loss (null, the default: every row counts 1). A row of class c
    /// counts <c>ClassWeights[c]</c> times in the loss and so in the gradient, which lets a rare class weigh as much as a
    /// common one. Weights are finite and 0 or more, at least one above 0; the targets must be hard (one-hot rows, or 0/1
    /// for a single output, as class indices give them).
    /// </summary>
    /// <remarks>
    /// <para>
    /// <see cref="LossFunction.CrossEntropy"/>: one weight per output, PyTorch's <c>CrossEntropyLoss(weight=w)</c> with its
    /// mean reduction: each step's gradient and loss are the weighted sum over the batch divided by the SUM OF THE ROWS'
    /// WEIGHTS, <c>sum_n w[y_n] l_n / sum_n w[y_n]</c> (not by the row count), so scaling every weight by the same factor
    /// changes nothing.
    /// </para>
    /// <para>
    /// <see cref="LossFunction.BinaryCrossEntropy"/> with one sigmoid output: two weights, for class 0 and class 1, PyTorch's
    /// <c>BCEWithLogitsLoss(weight=w[y])</c> with mean reduction: the weighted sum divided by the ROW COUNT. With
    /// <c>ClassWeights = [1, p]</c> that is exactly <c>BCEWithLogitsLoss(pos_weight=p)</c>. Networks with several sigmoid
    /// outputs (multi-label) are not supported.
    /// </para>
    /// <para>
    /// The epoch's reported training loss is reduced the same way over the whole epoch; validation loss and accuracy are
    /// not weighted. Fit steps through the gradient block (not the fused generated <c>Train</c>) and computes each class's
    /// rows with one BackwardBatch, so the rounding differs slightly from training without weights.
    /// </para>
    /// </remarks>
    public T[]? ClassWeights { get; set; }

    /// <summary>
    /// Changes the optimizer's learning rate as training goes (see <see cref="NetGen.LearningRateSchedule"/>'s factories:
    /// step decay, exponential, cosine with warm-up, one-cycle, reduce-on-plateau). Null (the default) keeps it constant.
    /// </summary>
    public LearningRateSchedule? LearningRateSchedule { get; set; }

    /// <summary>
    /// Clip each step's mean gradient to this global L2 norm before the optimizer sees it, as PyTorch's
    /// <c>clip_grad_norm_</c> (see <see cref="GradientClipping.ClipByGlobalNorm{T}"/>). Null (the default) never clips.
    /// Clipping needs the gradient block, so plain SGD then steps through it instead of the fused generated <c>Train</c>.
    /// </summary>
    public double? MaxGradientNorm { get; set; }

    /// <summary>
    /// The most threads a training step may use; -1 (the default) for as many as there are processors, 1 for one
    /// (Fit then starts no threads of its own).
    /// Batches of <see cref="MinimumParallelBatch"/> rows or more are split into a fixed number of shards that
    /// depends only on the batch size; each shard's gradient is computed on its own replica of the network and the
    /// shards are summed in shard order, so the trained parameters are the same bit for bit whatever this is.
    /// Needs a network that implements <see cref="IReplicableNetwork{T}"/>; others train on one thread.
    /// Every step waits for its slowest shard, so on a machine whose cores are busy with other work a second
    /// thread can make training slower; set 1 there.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>The smallest batch that is split into shards (see <see cref="MaxDegreeOfParallelism"/>): 16 rows.</summary>
    public const int MinimumParallelBatch = 16;

    /// <summary>
    /// How Fit guards against divergence (a loss or weight that becomes NaN or infinite); see <see cref="NetGen.DivergenceGuard"/>.
    /// Default <see cref="DivergenceGuard.EveryStep"/>.
    /// </summary>
    public DivergenceGuard DivergenceGuard { get; set; } = DivergenceGuard.EveryStep;

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

    /// <summary>
    /// Whether each epoch ends with a pass over rows for its report: validation rows to evaluate (given, or split off), or
    /// a classifier's training accuracy to measure.
    /// </summary>
    internal bool HasReportPass(bool isClassifier) =>
        ValidationInputs is not null || ValidationSplit > 0.0 || (isClassifier && MeasureTrainingAccuracy);

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
        if (ValidationTargets is not null && ValidationLabels is not null)
            throw new ArgumentException("Set ValidationTargets or ValidationLabels, not both.", nameof(ValidationLabels));
        bool hasValidationAnswers = ValidationTargets is not null || ValidationLabels is not null;
        if ((ValidationInputs is null) != !hasValidationAnswers)
            throw new ArgumentException("Set both ValidationInputs and ValidationTargets (or ValidationLabels), or neither.", ValidationInputs is null ? (ValidationTargets is null ? nameof(ValidationLabels) : nameof(ValidationTargets)) : nameof(ValidationTargets));
        if (MaxGradientNorm is double maxNorm && !(double.IsFinite(maxNorm) && maxNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), maxNorm, "MaxGradientNorm must be a finite number above 0, or null for no clipping.");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be 1 or more, or -1 for no limit.");
        if (!Enum.IsDefined(ValidationSplitMode))
            throw new ArgumentOutOfRangeException(nameof(ValidationSplitMode), ValidationSplitMode, "Unknown ValidationSplitMode.");
        if (!Enum.IsDefined(DivergenceGuard))
            throw new ArgumentOutOfRangeException(nameof(DivergenceGuard), DivergenceGuard, "Unknown DivergenceGuard.");
        if (ValidationInputs is not null && ValidationSplit > 0.0)
            throw new ArgumentException("Use either ValidationSplit or ValidationInputs/ValidationTargets, not both.", nameof(ValidationSplit));
    }
}

/// <summary>Which rows <see cref="TrainingOptions{T}.ValidationSplit"/> holds out for validation.</summary>
public enum ValidationSplitMode
{
    /// <summary>The last rows in file order (Keras's <c>validation_split</c>); no copy is made.</summary>
    Last,

    /// <summary>A random sample of the rows, drawn with <see cref="TrainingOptions{T}.Seed"/> (see <see cref="DataSplit.Shuffled"/>).</summary>
    Shuffled,

    /// <summary>
    /// A random sample that holds each class's share of the rows (see <see cref="DataSplit.Stratified"/>), drawn with
    /// <see cref="TrainingOptions{T}.Seed"/>; the class of a row is its target's (<see cref="NetworkMetrics.ClassOf{T}"/>). Classifiers only.
    /// </summary>
    Stratified,
}

/// <summary>How <see cref="NetworkTraining">Fit</see> watches for a loss or weight that becomes NaN or infinite.</summary>
public enum DivergenceGuard
{
    /// <summary>
    /// Copy the weights before every step and check the loss and every weight after it; a step that diverges is undone,
    /// so the network keeps the weights from before that batch. Costs a copy and a scan of all weights per step
    /// (noticeable at batch size 1 on wide networks: 784-128-10 with plain SGD took 24.8 us a step against 8.4 with
    /// <see cref="EveryEpoch"/> and 8.5 with <see cref="Off"/>, benchmarks/NetGen.FitScaling).
    /// </summary>
    EveryStep,

    /// <summary>
    /// Copy the weights once per epoch; check each step's loss (free) and every weight at the end of the epoch. On
    /// divergence the network gets back the weights it had when that epoch started. A NaN weight makes the next loss
    /// NaN, so divergence is still caught at the step after it at the latest.
    /// </summary>
    EveryEpoch,

    /// <summary>No checks and no copies: a diverging run trains on with NaN weights and a NaN loss in its reports.</summary>
    Off,
}
