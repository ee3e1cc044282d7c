using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>
/// The shape of a network as data: layer sizes, activations, loss and precision. Generated networks
/// expose one through <see cref="INetwork{T}.Description"/>; the generic runtime (initialisers,
/// save/load, training) reads shapes from it instead of knowing any layer size.
/// </summary>
public sealed class NetworkDescription : IEquatable<NetworkDescription>
{
    private readonly int[] _layerSizes;
    private readonly Activation[] _activations;

    /// <summary>Describes a network.</summary>
    /// <exception cref="ArgumentException">Fewer than two sizes, a size below 1, not one activation per weight layer, an
    /// activation, loss, precision or initializer that is not one of its enum's values, or more parameters than one array holds.</exception>
    public NetworkDescription(int[] layerSizes, Activation[] activations, LossFunction loss, Precision precision, Initializer initializer = Initializer.Default)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(activations);
        if (layerSizes.Length < 2)
            throw new ArgumentException($"A network needs at least 2 layer sizes, got {layerSizes.Length}.", nameof(layerSizes));
        foreach (int size in layerSizes)
            if (size < 1)
                throw new ArgumentException($"Every layer size must be 1 or more, got {size}.", nameof(layerSizes));
        if (activations.Length != layerSizes.Length - 1)
            throw new ArgumentException($"Expected {layerSizes.Length - 1} activations (one per weight layer), got {activations.Length}.", nameof(activations));
        foreach (Activation activation in activations)
            if (!Enum.IsDefined(activation))
                throw new ArgumentException($"Activation {(int)activation} is not one of the Activation values.", nameof(activations));
        if (!Enum.IsDefined(loss))
            throw new ArgumentException($"LossFunction {(int)loss} is not one of the LossFunction values.", nameof(loss));
        if (!Enum.IsDefined(precision))
            throw new ArgumentException($"Precision {(int)precision} is not one of the Precision values.", nameof(precision));
        if (!Enum.IsDefined(initializer))
            throw new ArgumentException($"Initializer {(int)initializer} is not one of the Initializer values.", nameof(initializer));

        _layerSizes = (int[])layerSizes.Clone();
        _activations = (Activation[])activations.Clone();
        Loss = loss;
        Precision = precision;
        Initializer = initializer;
        long count = 0;
        for (int layer = 0; layer < LayerCount; layer++)
            count += (long)_layerSizes[layer] * _layerSizes[layer + 1] + _layerSizes[layer + 1];
        if (count > Array.MaxLength)
            throw new ArgumentException($"Layer sizes [{string.Join(", ", layerSizes)}] make {count} parameters; one array holds at most {Array.MaxLength}.", nameof(layerSizes));
        ParameterCount = (int)count;
    }

    /// <summary>Layer sizes, input first.</summary>
    public IReadOnlyList<int> LayerSizes => _layerSizes;

    /// <summary>One activation per weight layer.</summary>
    public IReadOnlyList<Activation> Activations => _activations;

    /// <summary>The per-sample loss.</summary>
    public LossFunction Loss { get; }

    /// <summary>The floating-point type.</summary>
    public Precision Precision { get; }

    /// <summary>The initialiser chosen on the attribute.</summary>
    public Initializer Initializer { get; }

    /// <summary>Number of weight layers (one fewer than <see cref="LayerSizes"/>).</summary>
    public int LayerCount => _layerSizes.Length - 1;

    /// <summary>Size of one input row.</summary>
    public int InputSize => _layerSizes[0];

    /// <summary>Size of one output row.</summary>
    public int OutputSize => _layerSizes[^1];

    /// <summary>Length of the flat parameter block: per layer W (out x in, row-major) then b.</summary>
    public int ParameterCount { get; }

    /// <summary>True when the output is a class score: softmax with cross-entropy, or sigmoid with binary cross-entropy.</summary>
    public bool IsClassifier => Loss is LossFunction.CrossEntropy or LossFunction.BinaryCrossEntropy;

    /// <summary>Offset of layer <paramref name="layer"/>'s weight matrix in the flat parameter block (layer 0 is the first weight layer).</summary>
    public int WeightOffset(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, LayerCount);
        int offset = 0;
        for (int l = 0; l < layer; l++)
            offset += _layerSizes[l] * _layerSizes[l + 1] + _layerSizes[l + 1];
        return offset;
    }

    /// <summary>Offset of layer <paramref name="layer"/>'s bias vector in the flat parameter block.</summary>
    public int BiasOffset(int layer) => WeightOffset(layer) + _layerSizes[layer] * _layerSizes[layer + 1];

    /// <summary>A one-line summary such as <c>4-3-1 Sigmoid/Sigmoid HalfSquaredError Double</c>.</summary>
    public override string ToString() =>
        $"{string.Join("-", _layerSizes)} {string.Join("/", _activations)} {Loss} {Precision}";

    /// <summary>True when both describe the same shape, activations, loss and precision (the initialiser is not part of the shape).</summary>
    public bool Equals(NetworkDescription? other) =>
        other is not null
        && _layerSizes.AsSpan().SequenceEqual(other._layerSizes)
        && _activations.AsSpan().SequenceEqual(other._activations)
        && Loss == other.Loss
        && Precision == other.Precision;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NetworkDescription);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int size in _layerSizes) hash.Add(size);
        foreach (Activation activation in _activations) hash.Add(activation);
        hash.Add(Loss);
        hash.Add(Precision);
        return hash.ToHashCode();
    }
}
