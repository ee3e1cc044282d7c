using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime;
using NetGen;

namespace NetGen.ColdStart;

/// <summary>784-128-10, ReLU / softmax, cross-entropy, single: the MNIST network of issue 13.</summary>
[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public sealed partial class MnistNet { }

/// <summary>
/// One measurement per process, so every number is a first call:
/// <list type="bullet">
/// <item><c>predict</c>: the first <c>Predict</c> of a new network;</item>
/// <item><c>train</c>: the first <c>Train</c> (one SGD step);</item>
/// <item><c>fit DATA_DIR</c>: <c>Fit</c> on the first 8,000 MNIST digits of DATA_DIR (IDX, gzip): 10 epochs,
/// batch 32, Adam (learning rate 0.001), default options otherwise; every epoch's time. The network is constructed
/// first, then the data is read;</item>
/// <item><c>fit-late DATA_DIR</c>: the same with the network constructed after the data is read, just before <c>Fit</c>,
/// which a warm-up started by the constructor (<see cref="NetworkWarmUp"/>) would have nothing to overlap with.</item>
/// </list>
/// <c>MnistNet</c> is the assembly's only network, so NetGen starts its background warm-up when the assembly loads,
/// before <c>Main</c>; <c>run.sh --cold</c> turns it off for one column with a runtime configuration that sets
/// <see cref="NetworkWarmUp.DisableSwitchName"/>.
/// Prints <c>C mode startup_ms main_to_done_ms call_ms ...</c>: the runtime's start-up before Main (from the
/// process start time), Main's entry to the end of the measured call, and the call itself; for fit, the
/// call times are the epochs. Before it, <c>J mode jit_ms ...</c>: the JIT's time (every thread) during the
/// call, or per epoch; for fit also <c>P fit cpu_ms ...</c>: the process's CPU time per epoch, and <c>S fit ms</c>: the
/// time from the Fit call to the end of epoch 1 (the epochs' times start where Fit's setup, such as its data check, ends).
/// </summary>
public static class Program
{
    /// <summary>Entry point; see the type's remarks.</summary>
    public static int Main(string[] args)
    {
        long mainEntry = Stopwatch.GetTimestamp();
        double startupMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        string mode = args.Length > 0 ? args[0] : "";
        bool late = mode == "fit-late";
        MnistNet? network = late ? null : new MnistNet(seed: 1);
        float[] input = new float[MnistNet.InputSize], target = new float[MnistNet.OutputSize], output = new float[MnistNet.OutputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (i * 11 % 101) / 101f;
        target[3] = 1;
        string timings;
        switch (mode)
        {
            case "predict":
            {
                double jit = JitMs();
                long a = Stopwatch.GetTimestamp();
                network!.Predict(input, output);
                timings = Ms(a).ToString("F2", CultureInfo.InvariantCulture);
                Console.WriteLine(FormattableString.Invariant($"J\tpredict\t{JitMs() - jit:F1}"));
                break;
            }
            case "train":
            {
                double jit = JitMs();
                long a = Stopwatch.GetTimestamp();
                network!.Train(input, target, 0.01f);
                timings = Ms(a).ToString("F2", CultureInfo.InvariantCulture);
                Console.WriteLine(FormattableString.Invariant($"J\ttrain\t{JitMs() - jit:F1}"));
                break;
            }
            case "fit" or "fit-late" when args.Length == 2:
            {
                const int rows = 8000;
                long load = Stopwatch.GetTimestamp();
                float[] images = Idx.ReadImages(Path.Combine(args[1], "mnist-10k-images-idx3-ubyte.gz"), rows);
                float[] labels = Idx.ReadOneHotLabels(Path.Combine(args[1], "mnist-10k-labels-idx1-ubyte.gz"), rows, MnistNet.OutputSize);
                Console.Error.WriteLine($"loaded {rows} digits in {Ms(load):F0} ms");
                network ??= new MnistNet(seed: 1);
                var epochs = new EpochMeter(10);
                double callToFirstEpochMs = 0;
                long fitCall = Stopwatch.GetTimestamp();
                network.Fit(images, labels, new TrainingOptions<float>
                {
                    Epochs = epochs.Count,
                    BatchSize = 32,
                    Optimizer = new Adam<float>(learningRate: 0.001f),
                    Seed = 1,
                    EpochCompleted = report =>
                    {
                        if (report.Epoch == 1)
                            callToFirstEpochMs = Ms(fitCall);
                        epochs.Record(report.Epoch - 1, report.Elapsed.TotalMilliseconds);
                        Console.Error.WriteLine($"epoch {report.Epoch}: loss {report.TrainingLoss:F4}, accuracy {report.TrainingAccuracy:P1}, {epochs.Describe(report.Epoch - 1)}");
                    },
                });
                Console.WriteLine(FormattableString.Invariant($"S\t{mode}\t{callToFirstEpochMs:F1}"));
                Console.WriteLine($"P\t{mode}\t" + Join(epochs.CpuMs));
                Console.WriteLine($"J\t{mode}\t" + Join(epochs.JitMs));
                timings = Join(epochs.WallMs);
                break;
            }
            default:
                Console.Error.WriteLine("usage: NetGen.ColdStart predict | train | fit MNIST_DIR | fit-late MNIST_DIR");
                return 2;
        }
        Console.WriteLine(FormattableString.Invariant($"C\t{mode}\t{startupMs:F1}\t{Ms(mainEntry):F2}\t{timings}"));
        return 0;
    }

    private static double Ms(long since) => (Stopwatch.GetTimestamp() - since) * 1000.0 / Stopwatch.Frequency;

    private static double JitMs() => JitInfo.GetCompilationTime().TotalMilliseconds;

    private static string Join(double[] values) => string.Join('\t', values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
}

/// <summary>
/// Per epoch of a Fit: wall time (from the reports' <c>Elapsed</c>), the process's CPU time (every
/// thread: the shards, the JIT's background compiles; steadier than wall time on a shared machine) and
/// the time spent in the JIT (<see cref="JitInfo.GetCompilationTime"/>, every thread).
/// </summary>
public sealed class EpochMeter(int count)
{
    private double _lastElapsed;
    private double _lastCpu = CpuNow();
    private double _lastJit = JitInfo.GetCompilationTime().TotalMilliseconds;

    /// <summary>Number of epochs measured.</summary>
    public int Count => count;

    /// <summary>Wall milliseconds per epoch.</summary>
    public double[] WallMs { get; } = new double[count];

    /// <summary>Process CPU milliseconds per epoch.</summary>
    public double[] CpuMs { get; } = new double[count];

    /// <summary>JIT milliseconds per epoch.</summary>
    public double[] JitMs { get; } = new double[count];

    /// <summary>Records epoch <paramref name="index"/> (from 0), which ended at <paramref name="elapsedMs"/> into the run.</summary>
    public void Record(int index, double elapsedMs)
    {
        double cpu = CpuNow(), jit = JitInfo.GetCompilationTime().TotalMilliseconds;
        WallMs[index] = elapsedMs - _lastElapsed;
        CpuMs[index] = cpu - _lastCpu;
        JitMs[index] = jit - _lastJit;
        (_lastElapsed, _lastCpu, _lastJit) = (elapsedMs, cpu, jit);
    }

    /// <summary>One epoch's numbers as text.</summary>
    public string Describe(int index) => FormattableString.Invariant($"{WallMs[index]:F0} ms, CPU {CpuMs[index]:F0} ms, JIT {JitMs[index]:F0} ms");

    private static double CpuNow()
    {
        using Process process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}

/// <summary>A minimal reader of MNIST's IDX files (gzip): big-endian header, then one byte per value.</summary>
public static class Idx
{
    /// <summary>The first <paramref name="rows"/> 28 x 28 images, pixels / 255, row-major.</summary>
    public static float[] ReadImages(string path, int rows)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var reader = new BinaryReader(stream);
        Expect(path, "magic", 2051, BigEndian(reader));
        int count = BigEndian(reader), height = BigEndian(reader), width = BigEndian(reader);
        Expect(path, "image height", 28, height);
        Expect(path, "image width", 28, width);
        if (count < rows) throw new InvalidDataException($"{path}: {count} images, {rows} needed.");
        byte[] pixels = reader.ReadBytes(rows * 784);
        if (pixels.Length != rows * 784) throw new InvalidDataException($"{path}: truncated after {pixels.Length} of {rows * 784} pixels.");
        return pixels.Select(b => b / 255f).ToArray();
    }

    /// <summary>The first <paramref name="rows"/> labels as one-hot rows of <paramref name="classes"/>.</summary>
    public static float[] ReadOneHotLabels(string path, int rows, int classes)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var reader = new BinaryReader(stream);
        Expect(path, "magic", 2049, BigEndian(reader));
        int count = BigEndian(reader);
        if (count < rows) throw new InvalidDataException($"{path}: {count} labels, {rows} needed.");
        byte[] labels = reader.ReadBytes(rows);
        if (labels.Length != rows) throw new InvalidDataException($"{path}: truncated after {labels.Length} of {rows} labels.");
        var oneHot = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] >= classes) throw new InvalidDataException($"{path}: label {labels[r]} at row {r}, expected 0-{classes - 1}.");
            oneHot[r * classes + labels[r]] = 1;
        }
        return oneHot;
    }

    private static int BigEndian(BinaryReader reader)
    {
        byte[] b = reader.ReadBytes(4);
        if (b.Length != 4) throw new InvalidDataException("IDX header truncated.");
        return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    }

    private static void Expect(string path, string what, int expected, int actual)
    {
        if (actual != expected) throw new InvalidDataException($"{path}: {what} {actual}, expected {expected}.");
    }
}
