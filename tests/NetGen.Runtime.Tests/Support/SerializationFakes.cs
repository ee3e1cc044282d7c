using System;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using NetGen;

namespace NetGen.Runtime.Tests.Support;

/// <summary>
/// A hand-written <see cref="INetwork{T}"/> of any shape for the save/load tests: a parameter block,
/// a description, and a plain forward pass (so a loaded state_dict can be checked by its outputs).
/// Training members are not needed by serialization and throw.
/// </summary>
internal sealed class FakeNetwork<T> : INetwork<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _parameters;
    private readonly T[] _gradients;

    public FakeNetwork(int[] layerSizes, Activation[]? activations = null, LossFunction loss = LossFunction.MeanSquaredError, int seed = 1)
    {
        activations ??= DefaultActivations(layerSizes.Length - 1);
        Precision precision = typeof(T) == typeof(double) ? Precision.Double : Precision.Single;
        Description = new NetworkDescription(layerSizes, activations, loss, precision);
        _parameters = new T[Description.ParameterCount];
        _gradients = new T[Description.ParameterCount];
        var random = new Random(seed);
        // Values with every mantissa bit in use, so a lossy round trip cannot pass by luck.
        for (int i = 0; i < _parameters.Length; i++)
            _parameters[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
    }

    public NetworkDescription Description { get; }

    public int InputSize => Description.InputSize;

    public int OutputSize => Description.OutputSize;

    public int ParameterCount => Description.ParameterCount;

    public Span<T> Parameters => _parameters;

    public Span<T> Gradients => _gradients;

    /// <summary>A copy of the parameters, for before/after comparisons.</summary>
    public T[] Snapshot() => (T[])_parameters.Clone();

    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        T[] activation = input.ToArray();
        for (int layer = 0; layer < Description.LayerCount; layer++)
        {
            int inputs = Description.LayerSizes[layer];
            int outputs = Description.LayerSizes[layer + 1];
            int weights = Description.WeightOffset(layer);
            int biases = Description.BiasOffset(layer);
            var next = new T[outputs];
            for (int o = 0; o < outputs; o++)
            {
                T z = _parameters[biases + o];
                for (int i = 0; i < inputs; i++)
                    z += _parameters[weights + o * inputs + i] * activation[i];
                next[o] = Apply(Description.Activations[layer], z);
            }
            activation = next;
        }
        activation.CopyTo(output);
    }

    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs) => throw new NotSupportedException();

    public T Loss(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => throw new NotSupportedException();

    public T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => throw new NotSupportedException();

    public T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets) => throw new NotSupportedException();

    public void ZeroGradients() => Array.Clear(_gradients);

    public void ApplyGradients(T learningRate) => throw new NotSupportedException();

    public T Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate) => throw new NotSupportedException();

    public T TrainBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate) => throw new NotSupportedException();

    private static Activation[] DefaultActivations(int layers)
    {
        var activations = new Activation[layers];
        Array.Fill(activations, Activation.ReLU);
        activations[^1] = Activation.Identity;
        return activations;
    }

    private static T Apply(Activation activation, T z) => activation switch
    {
        Activation.Identity => z,
        Activation.ReLU => T.Max(z, T.Zero),
        Activation.Sigmoid => T.One / (T.One + T.Exp(-z)),
        Activation.Tanh => T.Tanh(z),
        _ => throw new NotSupportedException(activation.ToString()),
    };
}

/// <summary>A stream that passes writes through until a byte budget is spent, then throws, like a disk that fills up mid-save.</summary>
internal sealed class FailingStream(Stream inner, long failAfterBytes) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long allowed = Math.Max(0, failAfterBytes - _written);
        if (buffer.Length > allowed)
        {
            // Part of the data reaches the file first, as with a real short write.
            inner.Write(buffer[..(int)allowed]);
            _written += allowed;
            throw new IOException($"Simulated disk failure after {failAfterBytes} bytes.");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netgen-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The names of every file in the directory, hidden ones included, sorted.</summary>
    public string[] FileNames()
    {
        string[] names = Directory.GetFiles(Path);
        for (int i = 0; i < names.Length; i++)
            names[i] = System.IO.Path.GetFileName(names[i]);
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Finds files checked in under tests/NetGen.Runtime.Tests/Fixtures without copying them to the output.</summary>
internal static class FixtureFiles
{
    public static string PathOf(string name, [CallerFilePath] string callerFile = "")
    {
        // The caller's source file sits one folder below the test project; when the compiler's paths
        // are mapped (deterministic CI builds) fall back to walking up from the output folder.
        string? fromSource = System.IO.Path.GetDirectoryName(callerFile);
        if (fromSource is not null)
        {
            string candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(fromSource, "..", "Fixtures", name));
            if (File.Exists(candidate))
                return candidate;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = System.IO.Path.Combine(directory.FullName, "tests", "NetGen.Runtime.Tests", "Fixtures", name);
            if (File.Exists(candidate))
                return candidate;
            candidate = System.IO.Path.Combine(directory.FullName, "Fixtures", name);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"Fixture '{name}' not found near '{callerFile}' or above '{AppContext.BaseDirectory}'.");
    }
}
