using System;
using System.Numerics;

namespace NetGen;

/// <summary>Fills a network's flat parameter block according to an <see cref="Initializer"/> scheme.</summary>
public static class ParameterInitializer
{
    /// <summary>A fresh seed for networks constructed without one.</summary>
    public static int NewSeed() => Random.Shared.Next();

    /// <summary>The scheme <see cref="Initializer.Default"/> stands for: He after ReLU-like hidden layers, Xavier otherwise.</summary>
    public static Initializer Resolve(Initializer scheme, NetworkDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (scheme != Initializer.Default)
            return scheme;
        return DefaultAfter(description.Activations[0]);
    }

    /// <summary>
    /// What <see cref="Initializer.Default"/> means after a first hidden layer of <paramref name="activation"/>:
    /// He for the ReLU family (their gain is 2), Xavier for the rest. One row per activation, as the
    /// generator's descriptor table has it (a test checks they agree); an unknown activation is an error.
    /// </summary>
    private static Initializer DefaultAfter(Activation activation) => activation switch
    {
        Activation.ReLU or Activation.LeakyReLU => Initializer.HeUniform,
        Activation.Identity or Activation.Sigmoid or Activation.Tanh or Activation.Softmax => Initializer.XavierUniform,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No default initializer is defined for this activation."),
    };

    /// <summary>
    /// Overwrites <paramref name="parameters"/> (laid out as <paramref name="description"/> says) with
    /// values drawn by <paramref name="scheme"/> from the sequence of <paramref name="seed"/>: the same
    /// seed always gives the same parameters.
    /// </summary>
    /// <exception cref="ArgumentException">The span's length is not the description's parameter count, or the scheme is unknown.</exception>
    public static void Initialize<T>(Span<T> parameters, NetworkDescription description, Initializer scheme, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(description);
        if (parameters.Length != description.ParameterCount)
            ThrowHelper.ThrowLengthMismatch(nameof(parameters), description.ParameterCount, parameters.Length);
        scheme = Resolve(scheme, description);
        if (!Enum.IsDefined(scheme))
            throw new ArgumentException($"Unknown initializer {(int)scheme}; expected one of {string.Join(", ", Enum.GetNames<Initializer>())}.", nameof(scheme));

        var random = new SeededRandom(unchecked((ulong)seed));
        for (int layer = 0; layer < description.LayerCount; layer++)
        {
            int fanIn = description.LayerSizes[layer];
            int fanOut = description.LayerSizes[layer + 1];
            Span<T> weights = parameters.Slice(description.WeightOffset(layer), fanIn * fanOut);
            Span<T> biases = parameters.Slice(description.BiasOffset(layer), fanOut);
            switch (scheme)
            {
                case Initializer.Uniform01:
                    FillUniform(weights, 0.0, 1.0, ref random);
                    FillUniform(biases, 0.0, 1.0, ref random);
                    break;
                case Initializer.XavierUniform:
                    double xavierLimit = Math.Sqrt(6.0 / (fanIn + fanOut));
                    FillUniform(weights, -xavierLimit, xavierLimit, ref random);
                    biases.Clear();
                    break;
                case Initializer.HeUniform:
                    double heLimit = Math.Sqrt(6.0 / fanIn);
                    FillUniform(weights, -heLimit, heLimit, ref random);
                    biases.Clear();
                    break;
                case Initializer.HeNormal:
                    FillNormal(weights, Math.Sqrt(2.0 / fanIn), ref random);
                    biases.Clear();
                    break;
                case Initializer.XavierNormal:
                    FillNormal(weights, Math.Sqrt(2.0 / (fanIn + fanOut)), ref random);
                    biases.Clear();
                    break;
            }
        }
    }

    private static void FillUniform<T>(Span<T> values, double low, double high, ref SeededRandom random)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T upper = T.CreateTruncating(high);
        for (int i = 0; i < values.Length; i++)
        {
            T value = T.CreateTruncating(low + (high - low) * random.NextDouble());
            // A draw just below `high` can round up to it (in double arithmetic, or when narrowed to float):
            // step back one ulp so the interval stays half-open, as documented.
            values[i] = value < upper ? value : T.BitDecrement(upper);
        }
    }

    private static void FillNormal<T>(Span<T> values, double standardDeviation, ref SeededRandom random)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = T.CreateTruncating(standardDeviation * random.NextNormal());
    }
}
