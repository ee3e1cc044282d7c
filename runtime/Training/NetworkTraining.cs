using System;
using System.Numerics;
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
    /// </para>
    /// <para>
    /// All buffers are allocated once per call; a step allocates nothing. Every value of every data set is
    /// checked before training starts. Before each step the weights are copied aside, so a step whose loss or
    /// weights stop being finite is undone before <see cref="TrainingDivergedException"/> is thrown.
    /// On cancellation the network keeps the weights of the last completed step.
    /// </para>
    /// <para>
    /// Fit writes the network's parameters and gradients: nothing else may use the network while it runs.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/>, <paramref name="inputs"/> or <paramref name="targets"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A data set is not whole rows, inputs and targets differ in row count, a value is NaN or infinite
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
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        options ??= new TrainingOptions<T>();
        options.Validate();

        int inputSize = network.InputSize;
        int outputSize = network.OutputSize;
        int rows = DataSetChecks.RowCount<T>(inputs, targets, inputSize, outputSize, nameof(inputs), nameof(targets));
        DataSetChecks.CheckFinite<T>(inputs, inputSize, nameof(inputs));
        DataSetChecks.CheckFinite<T>(targets, outputSize, nameof(targets));

        DataSet<T> training;
        DataSet<T>? validation = null;
        if (options.ValidationInputs is { } validationInputs && options.ValidationTargets is { } validationTargets)
        {
            int validationRows = DataSetChecks.RowCount<T>(validationInputs, validationTargets, inputSize, outputSize, nameof(options.ValidationInputs), nameof(options.ValidationTargets));
            DataSetChecks.CheckFinite<T>(validationInputs, inputSize, nameof(options.ValidationInputs));
            DataSetChecks.CheckFinite<T>(validationTargets, outputSize, nameof(options.ValidationTargets));
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
            int trainingRows = rows - validationRows;
            training = new DataSet<T>(inputs.AsMemory(0, trainingRows * inputSize), targets.AsMemory(0, trainingRows * outputSize), trainingRows, inputSize, outputSize);
            validation = new DataSet<T>(inputs.AsMemory(trainingRows * inputSize), targets.AsMemory(trainingRows * outputSize), validationRows, inputSize, outputSize);
        }
        else
        {
            training = new DataSet<T>(inputs, targets, rows, inputSize, outputSize);
        }

        var loop = new TrainingLoop<T>(network, options, training, validation);
        return loop.Run(cancellationToken);
    }
}
