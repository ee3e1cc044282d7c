using System;
using System.Numerics;
using System.Runtime.InteropServices;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>A valid input and what the target needs to judge a load of a mutation of it.</summary>
internal sealed record FuzzCase(byte[] Bytes, object State);

/// <summary>How one case ended: loaded or rejected, and what promise it broke, if any.</summary>
internal readonly record struct FuzzResult(bool Loaded, string? Problem)
{
    public static FuzzResult Rejected => new(false, null);

    public static FuzzResult Accepted => new(true, null);

    public static FuzzResult Broke(string problem, bool loaded = false) => new(loaded, problem);
}

/// <summary>
/// One input format under fuzzing. A new format (safetensors, say) is one subclass, usually of
/// <see cref="ModelFuzzTarget{T}"/>, and one line in <see cref="FuzzTargets.All"/>.
/// </summary>
internal abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>Text formats also get text-shaped edits (tokens, numbers replaced).</summary>
    public abstract bool IsText { get; }

    /// <summary>A valid input, drawn from <paramref name="random"/>.</summary>
    public abstract FuzzCase MakeValid(Random random);

    /// <summary>Loads <paramref name="input"/> (a mutation of <paramref name="valid"/>) and judges the outcome.</summary>
    public abstract FuzzResult Load(FuzzCase valid, byte[] input);

    /// <summary>The most a load of <paramref name="inputLength"/> bytes may allocate: what a file that size could hold, with headroom.</summary>
    public abstract long AllocationLimit(FuzzCase valid, int inputLength);
}

/// <summary>
/// A model file format: a mutated file must either load exactly the parameters an independent
/// reference reading finds in it, or throw <see cref="ModelFormatException"/> and leave the network
/// bit for bit as it was.
/// </summary>
internal abstract class ModelFuzzTarget<T> : FuzzTarget
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly int[][] Shapes = [[3, 4, 2], [2, 3, 3, 1], [1, 1], [5, 2], [4, 8, 3]];

    public override FuzzCase MakeValid(Random random)
    {
        int[] shape = Shapes[random.Next(Shapes.Length)];
        var source = new FakeNetwork<T>(shape, seed: random.Next());
        // Now and then the file is of another shape than the network: a mismatch, never a misreading.
        int[] networkShape = random.Next(8) == 0 ? Shapes[random.Next(Shapes.Length)] : shape;
        return new FuzzCase(Write(source, random), networkShape);
    }

    public override FuzzResult Load(FuzzCase valid, byte[] input)
    {
        var network = new FakeNetwork<T>((int[])valid.State, seed: 12345);
        T[] before = network.Snapshot();
        try
        {
            LoadInto(network, input);
        }
        catch (ModelFormatException)
        {
            return SameBits(before, network.Parameters)
                ? FuzzResult.Rejected
                : FuzzResult.Broke("threw ModelFormatException but changed the network");
        }
#pragma warning disable CA1031 // Any other exception is exactly what the fuzzer reports.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return FuzzResult.Broke($"threw {exception.GetType().Name} instead of ModelFormatException: {exception.Message}");
        }

        var expected = new T[network.ParameterCount];
        string? invalid = ReadReference(network.Description, input, expected);
        if (invalid is not null)
            return FuzzResult.Broke($"loaded an input the reference reading rejects: {invalid}", loaded: true);
        if (!SameBits(expected, network.Parameters))
            return FuzzResult.Broke("loaded parameters that differ from the reference reading of the input", loaded: true);
        return FuzzResult.Accepted;
    }

    public override long AllocationLimit(FuzzCase valid, int inputLength)
    {
        // Each loader may copy the input a few times and hold a parameter-sized scratch block; nothing more.
        int[] shape = (int[])valid.State;
        long parameters = 0;
        for (int i = 0; i + 1 < shape.Length; i++)
            parameters += (long)shape[i] * shape[i + 1] + shape[i + 1];
        return 64 * 1024 + 8L * inputLength + 4L * parameters * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
    }

    /// <summary>A valid file of <paramref name="source"/> in this format.</summary>
    protected abstract byte[] Write(FakeNetwork<T> source, Random random);

    /// <summary>The loader under test.</summary>
    protected abstract void LoadInto(INetwork<T> network, byte[] input);

    /// <summary>
    /// Reads <paramref name="input"/> for a network of <paramref name="description"/> without the loader
    /// under test: fills <paramref name="parameters"/> and returns null, or says why the input is invalid.
    /// </summary>
    protected abstract string? ReadReference(NetworkDescription description, byte[] input, T[] parameters);

    protected static Precision PrecisionOfT => typeof(T) == typeof(double) ? Precision.Double : Precision.Single;

    private static bool SameBits(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual) =>
        MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual));
}
