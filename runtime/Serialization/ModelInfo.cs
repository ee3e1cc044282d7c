using System;
using System.Collections.Generic;
using System.Numerics;

namespace NetGen;

/// <summary>
/// What a saved model carries besides its parameters, so that a program holding only the file can
/// predict from raw input rows: the input scaling fitted at training time, the names of the classes
/// a classifier's outputs stand for, and free-form metadata. Saved and loaded with the binary
/// format (<see cref="NetworkSerialization.Save{T}(INetwork{T}, string, ModelInfo{T})"/>,
/// <see cref="NetworkSerialization.Load{T}(INetwork{T}, string)"/>).
/// </summary>
/// <example>
/// <code>
/// // Training process
/// var scaler = FeatureScaler&lt;double&gt;.FitStandardization(train);
/// network.Fit(scaler.Transform(train), options);
/// network.Save("iris.netgen", new ModelInfo&lt;double&gt;
/// {
///     Scaler = scaler,
///     ClassNames = ["setosa", "versicolor", "virginica"],
///     Name = "iris", Version = "1.0", TrainedAt = DateTimeOffset.UtcNow,
///     Metadata = { ["data"] = "UCI iris, 80% split, seed 7" },
/// });
///
/// // Any later process
/// var network = new IrisNet();
/// ModelInfo&lt;double&gt; info = network.Load("iris.netgen");
/// string species = info.PredictClassName(network, [5.1, 3.5, 1.4, 0.2]);  // raw, unscaled row
/// </code>
/// </example>
/// <typeparam name="T">The network's element type, <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed class ModelInfo<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Rows and outputs up to this many values live on the stack, so predicting a typical row
    // allocates nothing; wider ones get an array.
    private const int MaxStackValues = 256;

    /// <summary>The input scaling fitted on the training data, applied to every raw row before the network sees it; null when the network takes its inputs unscaled. Its <see cref="FeatureScaler{T}.FeatureCount"/> must be the network's input size.</summary>
    public FeatureScaler<T>? Scaler { get; init; }

    /// <summary>
    /// The name of the class each output stands for (output k is class k), or null. A network with a
    /// single output (a sigmoid's probability) has two names: class 0 below 0.5, class 1 from 0.5.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The model's name, or null.</summary>
    public string? Name { get; init; }

    /// <summary>The model's version, in whatever scheme its owner uses, or null.</summary>
    public string? Version { get; init; }

    /// <summary>When the model was trained (saved with its offset from UTC), or null.</summary>
    public DateTimeOffset? TrainedAt { get; init; }

    /// <summary>Any other facts worth keeping with the model (data set, metrics, commit), as string pairs; empty when there are none.</summary>
    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Scales <paramref name="rawInput"/> with <see cref="Scaler"/> (if any) and runs the network on it, as the training process did after scaling its data.</summary>
    /// <exception cref="ArgumentException">A span's length does not match the network.</exception>
    public void Predict(INetwork<T> network, ReadOnlySpan<T> rawInput, Span<T> output)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (Scaler is null)
        {
            network.Predict(rawInput, output);
            return;
        }
        if (rawInput.Length != Scaler.FeatureCount)
            ThrowHelper.ThrowLengthMismatch(nameof(rawInput), Scaler.FeatureCount, rawInput.Length);
        // Sized to the row: a stack buffer is zeroed, and a fixed MaxStackValues one cost more than the scaling.
        Span<T> scaled = rawInput.Length <= MaxStackValues ? stackalloc T[rawInput.Length] : new T[rawInput.Length];
        Scaler.Transform(rawInput, scaled);
        network.Predict(scaled, output);
    }

    /// <summary>
    /// The class the network predicts for a raw row: <see cref="NetworkMetrics.ClassOf{T}"/> of its outputs, the index of
    /// the largest output (the first on a tie, +0 above -0, a NaN above all), or for a single output 1 when it is at least
    /// 0.5 and 0 otherwise; so a deployed model picks the class that Fit's accuracy and the metrics counted.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="rawInput"/>'s length is not the network's input size.</exception>
    public int PredictClass(INetwork<T> network, ReadOnlySpan<T> rawInput)
    {
        ArgumentNullException.ThrowIfNull(network);
        Span<T> output = network.OutputSize <= MaxStackValues ? stackalloc T[network.OutputSize] : new T[network.OutputSize];
        Predict(network, rawInput, output);
        return NetworkMetrics.ClassOf<T>(output);
    }

    /// <summary>The name (from <see cref="ClassNames"/>) of the class the network predicts for a raw row; see <see cref="PredictClass"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="ClassNames"/> is null or does not fit the network's outputs.</exception>
    /// <exception cref="ArgumentException"><paramref name="rawInput"/>'s length is not the network's input size.</exception>
    public string PredictClassName(INetwork<T> network, ReadOnlySpan<T> rawInput)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (ClassNames is null)
            throw new InvalidOperationException("The model has no class names; save it with ModelInfo.ClassNames set, or use PredictClass for the index.");
        if (DescribeClassNameMismatch(network.OutputSize) is string mismatch)
            throw new InvalidOperationException(mismatch);
        return ClassNames[PredictClass(network, rawInput)];
    }

    /// <summary>Checks that this information fits <paramref name="description"/> and can be written, before any byte of a save is.</summary>
    internal void EnsureSavable(NetworkDescription description)
    {
        if (Scaler is not null)
        {
            if (Scaler.FeatureCount != description.InputSize)
                throw new InvalidOperationException($"The scaler was fitted on {Scaler.FeatureCount} features but the network {string.Join("-", description.LayerSizes)} takes {description.InputSize} inputs.");
            try
            {
                FeatureScaler<T>.Create(Scaler.Center, Scaler.Factor, Scaler.Shift);
            }
            catch (ArgumentException exception)
            {
                throw new InvalidOperationException($"The scaler cannot be saved: {exception.Message}", exception);
            }
        }
        if (ClassNames is not null)
        {
            if (DescribeClassNameMismatch(description.OutputSize) is string mismatch)
                throw new InvalidOperationException(mismatch);
            for (int k = 0; k < ClassNames.Count; k++)
                if (ClassNames[k] is null)
                    throw new InvalidOperationException($"Class name {k} is null.");
        }
        if (Metadata is null)
            throw new InvalidOperationException("Metadata is null; leave it empty instead.");
        foreach (KeyValuePair<string, string> pair in Metadata)
            if (pair.Value is null)
                throw new InvalidOperationException($"Metadata '{pair.Key}' has a null value.");
    }

    private string? DescribeClassNameMismatch(int outputSize)
    {
        int expected = outputSize == 1 ? 2 : outputSize;
        if (ClassNames!.Count == expected)
            return null;
        string why = outputSize == 1 ? "a network with one output (a probability) has 2 classes" : $"one per output";
        return $"Expected {expected} class names ({why}), got {ClassNames.Count}.";
    }
}
