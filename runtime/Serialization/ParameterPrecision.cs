using System;
using System.Numerics;

namespace NetGen;

/// <summary>Maps the element type of a network to its <see cref="Precision"/> and byte size.</summary>
internal static class ParameterPrecision
{
    /// <summary>The precision <typeparamref name="T"/> stands for.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <see cref="double"/> nor <see cref="float"/>.</exception>
    public static Precision Of<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // typeof comparisons on a generic argument fold away at JIT and AOT time.
        if (typeof(T) == typeof(double))
            return Precision.Double;
        if (typeof(T) == typeof(float))
            return Precision.Single;
        throw new NotSupportedException($"Networks of {typeof(T).Name} cannot be saved or loaded; only Double and Single are supported.");
    }

    /// <summary>Bytes per parameter in the binary format.</summary>
    public static int SizeOf(Precision precision) => precision == Precision.Double ? sizeof(double) : sizeof(float);

    /// <summary>The index of the first parameter that is NaN or infinite, or -1.</summary>
    public static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i]))
                return i;
        return -1;
    }

    /// <summary>Checks the network can be saved: a supported element type, a parameter block of the described length, and only finite values.</summary>
    public static void EnsureSavable<T>(INetwork<T> network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Precision precision = Of<T>();
        NetworkDescription description = network.Description;
        if (description.Precision != precision)
            throw new InvalidOperationException($"The network describes itself as {description.Precision} but computes in {precision}.");
        ReadOnlySpan<T> parameters = network.Parameters;
        if (parameters.Length != description.ParameterCount)
            throw new InvalidOperationException($"The network describes {description.ParameterCount} parameters but its Parameters span holds {parameters.Length}.");
        // A model with NaN weights is a training failure, not a model; saving it would only move the
        // problem to whoever loads it (and JSON cannot represent NaN at all).
        int bad = IndexOfNonFinite(parameters);
        if (bad >= 0)
            throw new InvalidOperationException($"Parameter {bad} ({Describe(description, bad)}) is {parameters[bad]}; only finite parameters can be saved.");
    }

    /// <summary>Names the weight or bias at <paramref name="index"/> in the flat block, e.g. <c>layer 2 weight [1, 3]</c>.</summary>
    public static string Describe(NetworkDescription description, int index)
    {
        for (int layer = 0; layer < description.LayerCount; layer++)
        {
            int inputs = description.LayerSizes[layer];
            int weights = description.WeightOffset(layer);
            int biases = description.BiasOffset(layer);
            int outputs = description.LayerSizes[layer + 1];
            if (index >= weights && index < biases)
                return $"layer {layer + 1} weight [{(index - weights) / inputs}, {(index - weights) % inputs}]";
            if (index >= biases && index < biases + outputs)
                return $"layer {layer + 1} bias [{index - biases}]";
        }
        return $"index {index}";
    }
}
