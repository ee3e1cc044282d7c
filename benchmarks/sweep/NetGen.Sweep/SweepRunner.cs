using System;
using System.Diagnostics;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using NetGen.Benchmarks.Harness;

namespace NetGen.Sweep;

/// <summary>One line of shapes.txt with the op counts gen.py chose, and how to build its runner.</summary>
/// <param name="Id">The shape's id (d01, f01, ...).</param>
/// <param name="Sizes">Layer sizes, input first.</param>
/// <param name="Activations">One activation name per weight layer, as in shapes.txt.</param>
/// <param name="Loss">Loss name, as in shapes.txt.</param>
/// <param name="Single">Whether the network is single precision.</param>
/// <param name="StepOps">Train calls per repetition of "step" (the C side's count).</param>
/// <param name="InferOps">Predict calls per repetition of "infer".</param>
/// <param name="BatchOps">Minibatches of 32 per repetition of "batch32" and "trainbatch".</param>
/// <param name="Create">Builds the runner (a fresh network at the starting parameters).</param>
public sealed record ShapeSpec(string Id, int[] Sizes, string[] Activations, string Loss, bool Single,
    int StepOps, int InferOps, int BatchOps, Func<ShapeSpec, ShapeRunner> Create);

/// <summary>Runs one shape's ops; one call of an op method is one repetition of the C side's cell.</summary>
public abstract class ShapeRunner
{
    /// <summary>The learning rate of every shape (gen.py's LEARNING_RATE).</summary>
    public const double LearningRate = 0.01;
    /// <summary>Synthetic samples, cycled (NS in peers_c.c).</summary>
    public const int Samples = 64;
    /// <summary>Rows per minibatch.</summary>
    public const int Batch = 32;

    /// <summary>Restores the starting parameters (untimed before every repetition, as C does).</summary>
    public abstract void Reset();
    /// <summary>StepOps calls of Train, cycling through the samples.</summary>
    public abstract void Steps();
    /// <summary>InferOps calls of Predict; returns the sum of one output per call, each output in turn (every output kept live, as on the C side).</summary>
    public abstract double Infers();
    /// <summary>BatchOps minibatches through the per-row contract: ZeroGradients, Backward per row, ApplyGradients(lr / 32).</summary>
    public abstract void Batches();
    /// <summary>BatchOps minibatches through one TrainBatch call each.</summary>
    public abstract void TrainBatches();
    /// <summary>Sum, sum of |.| and sum of |p - start| over every parameter.</summary>
    public abstract (double Sum, double AbsSum, double Change) ParameterChecksum();
    /// <summary>Sum over InferOps forward passes of sum_j (j + 1) o_j, and its sum of |.|.</summary>
    public abstract (double Sum, double AbsSum) InferChecksum();
}

/// <summary>The sweep's starting parameters and inputs, from the C reference's formulas.</summary>
public static class SweepData
{
    /// <summary>winit / binit in NetGen's layout: per layer W (out x in, row-major), then b.</summary>
    public static T[] StartingParameters<T>(int[] sizes) where T : IFloatingPointIeee754<T>
    {
        int count = 0;
        for (int l = 0; l + 1 < sizes.Length; l++) count += sizes[l + 1] * (sizes[l] + 1);
        var parameters = new T[count];
        int p = 0;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            for (int j = 0; j < sizes[l + 1]; j++)
                for (int i = 0; i < sizes[l]; i++)
                    parameters[p++] = T.CreateChecked(ReferenceFormulas.WeightInit(l, i, j, sizes[l]));
            for (int j = 0; j < sizes[l + 1]; j++)
                parameters[p++] = T.CreateChecked(ReferenceFormulas.BiasInit(l, j));
        }
        return parameters;
    }

    /// <summary>Rows of xdata(s, i) - 0.5, row-major: centred, so about half of a ReLU layer is active.</summary>
    public static T[] CentredInputs<T>(int rows, int width) where T : IFloatingPointIeee754<T>
    {
        var inputs = new T[rows * width];
        for (int s = 0; s < rows; s++)
            for (int i = 0; i < width; i++)
                inputs[s * width + i] = T.CreateChecked(ReferenceFormulas.Data(s, i) - 0.5);
        return inputs;
    }
}

/// <summary>A generated network driven through <typeparamref name="TCalls"/> over the sweep's data.</summary>
public sealed class SweepRunner<T, TCalls> : ShapeRunner
    where T : IFloatingPointIeee754<T>
    where TCalls : struct, INetworkCalls<T>
{
    private readonly ShapeSpec spec;
    private readonly TCalls network;
    private readonly T[] start, inputs, targets, output;
    private readonly int inputSize, outputSize;

    /// <summary>Writes the starting parameters and data; <paramref name="target"/> is gen.py's target formula (sample, unit).</summary>
    public SweepRunner(ShapeSpec spec, TCalls network, Func<int, int, double> target)
    {
        this.spec = spec;
        this.network = network;
        int[] sizes = spec.Sizes;
        inputSize = sizes[0];
        outputSize = sizes[^1];
        start = SweepData.StartingParameters<T>(sizes);
        if (network.Parameters.Length != start.Length)
            throw new InvalidOperationException($"{spec.Id}: the network has {network.Parameters.Length} parameters, the shape {start.Length}.");
        inputs = SweepData.CentredInputs<T>(Samples, inputSize);
        targets = new T[Samples * outputSize];
        for (int s = 0; s < Samples; s++)
        {
            for (int k = 0; k < outputSize; k++)
                targets[s * outputSize + k] = T.CreateChecked(target(s, k));
        }
        output = new T[outputSize];
        Reset();
    }

    /// <inheritdoc/>
    public override void Reset() => start.CopyTo(network.Parameters);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Steps()
    {
        T learningRate = T.CreateChecked(LearningRate);
        T[] x = inputs, y = targets;
        int n = inputSize, m = outputSize, ops = spec.StepOps, s = 0;
        for (int k = 0; k < ops; k++)
        {
            network.Train(new ReadOnlySpan<T>(x, s * n, n), new ReadOnlySpan<T>(y, s * m, m), learningRate);
            if (++s == Samples) s = 0;
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override double Infers()
    {
        T[] x = inputs, o = output;
        int n = inputSize, ops = spec.InferOps, s = 0, j = 0;
        double sum = 0;
        for (int k = 0; k < ops; k++)
        {
            network.Predict(new ReadOnlySpan<T>(x, s * n, n), o);
            sum += double.CreateTruncating(o[j]); // the next output in turn, as the C side reads them (every output live)
            if (++j == o.Length) j = 0;
            if (++s == Samples) s = 0;
        }
        return sum;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Batches()
    {
        T scale = T.CreateChecked(LearningRate) / T.CreateChecked(Batch);
        T[] x = inputs, y = targets;
        int n = inputSize, m = outputSize, ops = spec.BatchOps;
        for (int k = 0; k < ops; k++)
        {
            int first = k * Batch % Samples;
            network.ZeroGradients();
            for (int b = first; b < first + Batch; b++)
                network.Backward(new ReadOnlySpan<T>(x, b * n, n), new ReadOnlySpan<T>(y, b * m, m));
            network.ApplyGradients(scale);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void TrainBatches()
    {
        T learningRate = T.CreateChecked(LearningRate);
        T[] x = inputs, y = targets;
        int n = inputSize, m = outputSize, ops = spec.BatchOps;
        for (int k = 0; k < ops; k++)
        {
            int first = k * Batch % Samples;
            network.TrainBatch(new ReadOnlySpan<T>(x, first * n, Batch * n), new ReadOnlySpan<T>(y, first * m, Batch * m), learningRate);
        }
    }

    /// <inheritdoc/>
    public override (double Sum, double AbsSum, double Change) ParameterChecksum()
    {
        Span<T> parameters = network.Parameters;
        double sum = 0, absSum = 0, change = 0;
        for (int k = 0; k < parameters.Length; k++)
        {
            double v = double.CreateTruncating(parameters[k]);
            sum += v;
            absSum += Math.Abs(v);
            change += Math.Abs(v - double.CreateTruncating(start[k]));
        }
        return (sum, absSum, change);
    }

    /// <inheritdoc/>
    public override (double Sum, double AbsSum) InferChecksum()
    {
        double sum = 0, absSum = 0;
        int s = 0;
        for (int k = 0; k < spec.InferOps; k++)
        {
            network.Predict(new ReadOnlySpan<T>(inputs, s * inputSize, inputSize), output);
            for (int j = 0; j < outputSize; j++)
            {
                double v = (j + 1) * double.CreateTruncating(output[j]);
                sum += v;
                absSum += Math.Abs(v);
            }
            if (++s == Samples) s = 0;
        }
        return (sum, absSum);
    }
}

/// <summary>
/// The timing loop of the C reference's <c>bench()</c> (c-reference/c/common.h), in C#: a warm-up, then
/// repetitions of (untimed reset, timed work) until the target time has passed and at least 11 ran;
/// prints the median, min and max ns per op.
/// </summary>
public static class Bench
{
    private const int MaxRepetitions = 4001;
    private static readonly double[] Times = new double[MaxRepetitions];

    /// <summary>
    /// Runs <paramref name="work"/> for at least <paramref name="minimumSeconds"/>, then in blocks of at
    /// least 11 repetitions and 50 ms until a block's median is no more than 3% below the previous
    /// block's (at most 10 s): the tiered JIT's final code is in place. A fixed wall-clock warm-up is not
    /// enough on a loaded machine, where the background JIT thread may not have run at all by then.
    /// </summary>
    private static void WarmUp(Action reset, Action work, double minimumSeconds)
    {
        long begin = Stopwatch.GetTimestamp();
        do { reset(); work(); } while (Elapsed(begin) < minimumSeconds);
        double previous = double.PositiveInfinity;
        while (Elapsed(begin) < 10)
        {
            long blockStart = Stopwatch.GetTimestamp();
            int reps = 0;
            while (reps < MaxRepetitions && (reps < 11 || Elapsed(blockStart) < 0.05))
            {
                reset();
                long a = Stopwatch.GetTimestamp();
                work();
                Times[reps++] = Stopwatch.GetTimestamp() - a;
            }
            Array.Sort(Times, 0, reps);
            double median = Times[reps / 2];
            if (median >= 0.97 * previous) return;
            previous = median;
        }
    }

    private static double Elapsed(long since) => (double)(Stopwatch.GetTimestamp() - since) / Stopwatch.Frequency;

    /// <summary>Times <paramref name="work"/>, writes one <c>R netgen ID OP median min max reps nops</c> line and returns the median ns per op.</summary>
    public static double Run(TextWriter output, string id, string op, Action reset, Action work, int ops, double targetSeconds, double warmupSeconds) =>
        RunWithFastest(output, id, op, reset, work, ops, targetSeconds, warmupSeconds).Median;

    /// <summary><see cref="Run"/>, returning the fastest repetition's ns per op too.</summary>
    public static (double Median, double Fastest) RunWithFastest(TextWriter output, string id, string op, Action reset, Action work, int ops, double targetSeconds, double warmupSeconds)
    {
        WarmUp(reset, work, warmupSeconds);
        int reps = 0;
        double total = 0;
        while (reps < MaxRepetitions && (reps < 11 || total < targetSeconds))
        {
            reset();
            long a = Stopwatch.GetTimestamp();
            work();
            long b = Stopwatch.GetTimestamp();
            double seconds = (double)(b - a) / Stopwatch.Frequency;
            Times[reps++] = seconds * 1e9 / ops;
            total += seconds;
        }
        Array.Sort(Times, 0, reps);
        output.WriteLine(FormattableString.Invariant($"R\tnetgen\t{id}\t{op}\t{Times[reps / 2]:F3}\t{Times[0]:F3}\t{Times[reps - 1]:F3}\t{reps}\t{ops}"));
        output.Flush();
        return (Times[reps / 2], Times[0]);
    }
}
