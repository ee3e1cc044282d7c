using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NetGen;

/// <summary>Trains any generated network on a data set held in flat row-major arrays.</summary>
public static class NetworkTraining
{
    /// <summary>
    /// Trains <paramref name="network"/> for <see cref="TrainingOptions{T}.Epochs"/> epochs and reports each one.
    /// </summary>
    /// <param name="network">The network to train in place.</param>
    /// <param name="inputs">Training inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Training targets, row-major, <see cref="INetwork{T}.OutputSize"/> values per row (one-hot for a softmax classifier).</param>
    /// <param name="options">How to train; null for the defaults.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>One report per completed epoch, the best epoch and whether training stopped early.</returns>
    /// <remarks>
    /// <para>
    /// A step over a batch of <c>n</c> rows is exactly: <see cref="INetwork{T}.ZeroGradients"/>;
    /// <see cref="INetwork{T}.BackwardBatch"/> (or <see cref="INetwork{T}.Backward"/> for one row); the gradients
    /// divided by <c>n</c>; <see cref="IOptimizer{T}.Step"/>. For plain SGD that is
    /// <c>ApplyGradients(learningRate / n)</c>, so Fit then calls the generated <see cref="INetwork{T}.Train"/> /
    /// <see cref="INetwork{T}.TrainBatch"/>, which compute the same step without the gradient round trip.
    /// With <see cref="TrainingOptions{T}.ClassWeights"/>, the batch's rows are grouped by class, each class's summed
    /// gradient is scaled by its weight, and the sum is divided as that option says.
    /// </para>
    /// <para>
    /// All buffers are allocated once per call; a step on one thread allocates nothing. Every value of every data set is
    /// checked before training starts. With the default <see cref="DivergenceGuard.EveryStep"/> the weights are copied
    /// aside before each step, so a step whose loss or weights stop being finite is undone before
    /// <see cref="TrainingDivergedException"/> is thrown (<see cref="TrainingOptions{T}.DivergenceGuard"/> has cheaper forms).
    /// On cancellation the network keeps the weights of the last completed step.
    /// </para>
    /// <para>
    /// For a network that implements <see cref="IReplicableNetwork{T}"/>, a batch of
    /// <see cref="TrainingOptions{T}.MinimumParallelBatch"/> rows or more is cut into shards whose gradients are computed
    /// on replicas on up to <see cref="TrainingOptions{T}.MaxDegreeOfParallelism"/> threads and summed in shard order:
    /// the result does not depend on the thread count (it differs in rounding from one unsharded
    /// <see cref="INetwork{T}.BackwardBatch"/>). The rest of the step is split by fixed ranges of parameters over the
    /// same threads: the sum and the mean, the divergence guard's copy and check, the step of a built-in optimizer
    /// (<see cref="Sgd{T}"/>, <see cref="Adam{T}"/>, <see cref="AdamW{T}"/>, <see cref="RmsProp{T}"/>, whose updates
    /// are element-wise) and the new parameters' copy into the replicas; for clipping, each range's sum of squares is
    /// added in range order. Another <see cref="IOptimizer{T}"/> steps the whole block on the calling thread. The shards
    /// and ranges run on the calling thread and on worker threads that Fit rents when it starts and gives back when it
    /// returns. The same threads run each epoch's report (the training accuracy, the validation loss and accuracy) in
    /// blocks of rows, also for smaller batches, which train on the calling thread: the losses are added in row order,
    /// so the report too does not depend on the thread count.
    /// </para>
    /// <para>
    /// A generated network whose first layer is large and holds most of the weights (784-128-10, say; it is then an
    /// <see cref="IUnitSplitNetwork{T}"/>) is not sharded: its first layer's units are cut into fixed blocks, each thread
    /// computes its blocks' forward products and gradients and updates its blocks' parameters, and the later layers run
    /// on the calling thread between them. The batch's gradient is then exactly <see cref="INetwork{T}.BackwardBatch"/>'s
    /// where the blocks take the layer's kernel paths, and again the same on any number of threads. With clipping or an
    /// optimizer that is not built in, the update runs by ranges after the blocks, as above.
    /// </para>
    /// <para>
    /// Fit writes the network's parameters and gradients: nothing else may use the network while it runs.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/>, <paramref name="inputs"/> or <paramref name="targets"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A data set is not whole rows, inputs and targets differ in row count, a value is NaN or infinite, a target of a
    /// (binary) cross-entropy network is outside [0, 1]
    /// (the message names row and column), or an option is out of range.
    /// </exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit<T>(
        this INetwork<T> network,
        T[] inputs,
        T[] targets,
        TrainingOptions<T>? options = null,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        return Fit(network, inputs.AsMemory(), targets.AsMemory(), options, cancellationToken);
    }

    /// <summary>
    /// Trains <paramref name="network"/> on rows held in any memory, for example a slice of a larger array, so that a
    /// train/test split of one array needs no copy. Otherwise the same as <see cref="Fit{T}(INetwork{T}, T[], T[], TrainingOptions{T}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="network">The network to train in place.</param>
    /// <param name="inputs">Training inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Training targets, row-major, <see cref="INetwork{T}.OutputSize"/> values per row.</param>
    /// <param name="options">How to train; null for the defaults.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>One report per completed epoch, the best epoch and whether training stopped early.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">As for the array overload.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit<T>(
        this INetwork<T> network,
        ReadOnlyMemory<T> inputs,
        ReadOnlyMemory<T> targets,
        TrainingOptions<T>? options = null,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        // A background warm-up of a network type (NetworkWarmUp) stops at its next call while this runs.
        using NetworkWarmUp.FitInProgress fitInProgress = NetworkWarmUp.EnterFit();
        options ??= new TrainingOptions<T>();
        options.Validate();

        int inputSize = network.InputSize;
        int outputSize = network.OutputSize;
        int rows = DataSetChecks.RowCount(inputs.Span, targets.Span, inputSize, outputSize, nameof(inputs), nameof(targets));
        // The threads of a sharded Fit, or of one whose epoch report passes over many rows, are rented first, so the data
        // check runs on them too.
        int largestBatch = options.BatchSize == 0 ? rows : Math.Min(options.BatchSize, rows);
        int shards = ShardedBackward<T>.ShardCount(largestBatch);
        bool reports = options.HasReportPass(network.Description.IsClassifier);
        using FitThreads? threads = network is IReplicableNetwork<T>
            ? FitThreads.Rent(Math.Max(shards, reports ? EpochEvaluation<T>.Participants(rows) : 1), options.MaxDegreeOfParallelism)
            : null;
        // Under the JIT, the first worker of a sharded Fit compiles the step's kernels while this thread checks the data
        // and sets up (once per process). A Fit of smaller batches trains row by row on this thread, through other code.
        // A worker busy compiling is left out of the data check, which then runs on the threads that are free.
        int parameterCount = network.ParameterCount;
        if (shards > 1)
            threads?.Begin(() => PrepareFirstEpoch(network, parameterCount));
        DataSetChecks.CheckFinite(inputs, inputSize, nameof(inputs), threads);
        DataSetChecks.CheckFinite(targets.Span, outputSize, nameof(targets));
        DataSetChecks.CheckTargetsInDomain(targets.Span, outputSize, network.Description.Loss, nameof(targets));

        DataSet<T> training;
        DataSet<T>? validation = null;
        if (options.ValidationInputs is { } validationInputs)
        {
            ReadOnlyMemory<T> validationTargets = options.ValidationTargets
                ?? TargetsFromLabels(network, options.ValidationLabels!.Value.Span, nameof(options.ValidationLabels));
            int validationRows = DataSetChecks.RowCount(validationInputs.Span, validationTargets.Span, inputSize, outputSize, nameof(options.ValidationInputs), nameof(options.ValidationTargets));
            DataSetChecks.CheckFinite(validationInputs.Span, inputSize, nameof(options.ValidationInputs));
            DataSetChecks.CheckFinite(validationTargets.Span, outputSize, nameof(options.ValidationTargets));
            DataSetChecks.CheckTargetsInDomain(validationTargets.Span, outputSize, network.Description.Loss, nameof(options.ValidationTargets));
            training = new DataSet<T>(inputs, targets, rows, inputSize, outputSize);
            validation = new DataSet<T>(validationInputs, validationTargets, validationRows, inputSize, outputSize);
        }
        else if (options.ValidationSplit > 0.0)
        {
            int validationRows = (int)Math.Round(rows * options.ValidationSplit, MidpointRounding.AwayFromZero);
            if (validationRows < 1 || validationRows >= rows)
                throw new ArgumentException(
                    $"ValidationSplit {options.ValidationSplit} of {rows} rows gives {validationRows} validation rows; it must leave at least 1 validation row and 1 training row.",
                    nameof(options));
            (training, validation) = SplitValidation(network, inputs, targets, rows, validationRows, options);
        }
        else
        {
            training = new DataSet<T>(inputs, targets, rows, inputSize, outputSize);
        }

        return new TrainingLoop<T>(network, options, training, validation, threads).Run(cancellationToken);
    }

    /// <summary>
    /// The first worker's background job in a Fit under the JIT: the kernels of a training step and of the epoch's report
    /// (<see cref="Kernels.PrepareTrainingStep{T}"/>), then the network's own <c>PredictBatch</c>, which the report's
    /// passes call on every thread. Given no rows, <c>PredictBatch</c> reads and writes nothing, so the calling thread
    /// may train meanwhile.
    /// </summary>
    private static void PrepareFirstEpoch<T>(INetwork<T> network, int parameterCount)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Kernels.PrepareTrainingStep<T>(parameterCount);
        if (RuntimeFeature.IsDynamicCodeCompiled)
            network.PredictBatch(ReadOnlySpan<T>.Empty, Span<T>.Empty);
    }

    /// <summary>
    /// Trains a classifier from class indices, one <see cref="int"/> per row, as PyTorch's <c>CrossEntropyLoss</c> takes
    /// them: each label becomes a one-hot target row (for a single sigmoid output, the label 0 or 1 itself).
    /// Otherwise the same as <see cref="Fit{T}(INetwork{T}, ReadOnlyMemory{T}, ReadOnlyMemory{T}, TrainingOptions{T}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="network">The classifier to train in place.</param>
    /// <param name="inputs">Training inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="labels">The class of each row, from 0 to the class count - 1 (<see cref="NetworkMetrics.ClassCount"/>).</param>
    /// <param name="options">How to train; null for the defaults.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>One report per completed epoch, the best epoch and whether training stopped early.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">A label out of range (the message names the row), or as for the other overloads.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit<T>(
        this INetwork<T> network,
        ReadOnlyMemory<T> inputs,
        ReadOnlyMemory<int> labels,
        TrainingOptions<T>? options = null,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Fit(network, inputs, TargetsFromLabels(network, labels.Span, nameof(labels)), options, cancellationToken);
    }

    /// <summary>
    /// One target row per label: one-hot over the network's outputs, or for a single output the label itself (0 or 1).
    /// </summary>
    /// <exception cref="ArgumentException">A label outside [0, class count).</exception>
    internal static T[] TargetsFromLabels<T>(INetwork<T> network, ReadOnlySpan<int> labels, string parameterName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int outputSize = network.OutputSize;
        int classes = NetworkMetrics.ClassCount(outputSize);
        var targets = new T[labels.Length * outputSize];
        for (int row = 0; row < labels.Length; row++)
        {
            int label = labels[row];
            if ((uint)label >= (uint)classes)
                throw new ArgumentException($"Label of row {row} is {label}; expected a class index from 0 to {classes - 1}.", parameterName);
            if (outputSize == 1)
                targets[row] = T.CreateTruncating(label);
            else
                targets[row * outputSize + label] = T.One;
        }
        return targets;
    }

    /// <summary>The training and validation rows for <see cref="TrainingOptions{T}.ValidationSplit"/>, as its mode picks them.</summary>
    private static (DataSet<T> Training, DataSet<T> Validation) SplitValidation<T>(
        INetwork<T> network, ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int rows, int validationRows, TrainingOptions<T> options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int inputSize = network.InputSize;
        int outputSize = network.OutputSize;
        int trainingRows = rows - validationRows;
        if (options.ValidationSplitMode == ValidationSplitMode.Last)
        {
            return (
                new DataSet<T>(inputs[..(trainingRows * inputSize)], targets[..(trainingRows * outputSize)], trainingRows, inputSize, outputSize),
                new DataSet<T>(inputs[(trainingRows * inputSize)..], targets[(trainingRows * outputSize)..], validationRows, inputSize, outputSize));
        }

        // The fraction is passed as the exact row count over rows, so the split holds exactly validationRows rows.
        double fraction = (double)validationRows / rows;
        DataSplit split;
        if (options.ValidationSplitMode == ValidationSplitMode.Stratified)
        {
            if (!network.Description.IsClassifier)
                throw new ArgumentException(
                    $"ValidationSplitMode.Stratified needs a classifier (softmax or sigmoid output with a cross-entropy loss); this network's loss is {network.Description.Loss}. Use ValidationSplitMode.Shuffled.",
                    nameof(options));
            split = DataSplit.Stratified(DataSplit.ClassesOf(targets.Span, outputSize), fraction, 0, options.Seed);
        }
        else
        {
            split = DataSplit.Shuffled(rows, fraction, 0, options.Seed);
        }
        return (
            new DataSet<T>(DataSplit.Gather(inputs.Span, inputSize, split.Training), DataSplit.Gather(targets.Span, outputSize, split.Training), split.Training.Length, inputSize, outputSize),
            new DataSet<T>(DataSplit.Gather(inputs.Span, inputSize, split.Validation), DataSplit.Gather(targets.Span, outputSize, split.Validation), split.Validation.Length, inputSize, outputSize));
    }
}
