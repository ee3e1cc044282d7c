using System;
using System.Numerics;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// The integer formulas of benchmarks/c-reference/c/common.h, ported exactly, so that every peer
/// (C, the two C# baselines, the generated networks) starts from the same weights and sees the same data.
/// </summary>
public static class ReferenceFormulas
{
    /// <summary>Weight of layer <paramref name="layer"/> from input unit <paramref name="i"/> to output unit <paramref name="j"/>; <paramref name="fanIn"/> = inputs of that layer.</summary>
    public static double WeightInit(int layer, int i, int j, int fanIn) =>
        ((double)((layer * 131 + i * 31 + j * 17) % 97) / 97.0 - 0.5) * 2.0 / Math.Sqrt(fanIn);

    /// <summary>Bias of unit <paramref name="j"/> of layer <paramref name="layer"/>.</summary>
    public static double BiasInit(int layer, int j) => (double)((j % 5) - 2) * 0.01 + 0.0 * layer;

    /// <summary>Feature <paramref name="i"/> of synthetic sample <paramref name="s"/>.</summary>
    public static double Data(int s, int i) => (double)((s * 37 + i * 11) % 101) / 101.0;
}

/// <summary>
/// One benchmark workload: the network, its data and how many operations one repetition performs
/// (the op counts of peers_c.c, so that a repetition here is a repetition there).
/// </summary>
public sealed class Workload<T> where T : IFloatingPointIeee754<T>
{
    /// <summary>The number of samples in one minibatch (batch32).</summary>
    public const int BatchSize = 32;

    public required string Name { get; init; }
    public required int[] Sizes { get; init; }
    /// <summary>One activation per weight layer.</summary>
    public required Activation[] Activations { get; init; }
    public required LossFunction Loss { get; init; }
    public required T LearningRate { get; init; }
    /// <summary>Samples, row-major (<see cref="SampleCount"/> x input size); the ops cycle through them.</summary>
    public required T[] Inputs { get; init; }
    /// <summary>Targets, row-major; one-hot rows for cross-entropy.</summary>
    public required T[] Targets { get; init; }
    public required int SampleCount { get; init; }
    /// <summary>Train calls per repetition of "step".</summary>
    public required int StepOps { get; init; }
    /// <summary>Predict calls per repetition of "infer".</summary>
    public required int InferOps { get; init; }
    /// <summary>Minibatches of 32 per repetition of "batch32"; 0 when the workload has no batch32 cell.</summary>
    public int BatchOps { get; init; }
    /// <summary>Full-batch epochs of the "job" cell; 0 when the workload has no job.</summary>
    public int JobEpochs { get; init; }

    public int InputSize => Sizes[0];
    public int OutputSize => Sizes[^1];
    public int LayerCount => Sizes.Length - 1;

    /// <summary>Total weights and biases.</summary>
    public int ParameterCount
    {
        get
        {
            int n = 0;
            for (int l = 0; l < LayerCount; l++) n += Sizes[l + 1] * (Sizes[l] + 1);
            return n;
        }
    }

    public ReadOnlySpan<T> Input(int sample) => Inputs.AsSpan(sample * InputSize, InputSize);
    public ReadOnlySpan<T> Target(int sample) => Targets.AsSpan(sample * OutputSize, OutputSize);

    /// <summary>Input rows as separate arrays, for the tutorial-style baseline.</summary>
    public T[] InputRow(int sample) => Input(sample).ToArray();
    public T[] TargetRow(int sample) => Target(sample).ToArray();

    /// <summary>First sample of minibatch <paramref name="k"/>: peers_c.c takes samples (k * 32 + b) % 64, i.e. rows 0-31 or 32-63, which are contiguous.</summary>
    public int BatchStart(int k) => k * BatchSize % SampleCount;

    /// <summary>Weight of layer <paramref name="layer"/> (0-based) connecting input <paramref name="i"/> to output <paramref name="j"/>, as C's <c>(T)winit(l, i, j, ni)</c>.</summary>
    public T Weight(int layer, int i, int j) => T.CreateChecked(ReferenceFormulas.WeightInit(layer, i, j, Sizes[layer]));

    public T Bias(int layer, int j) => T.CreateChecked(ReferenceFormulas.BiasInit(layer, j));

    /// <summary>
    /// Writes the starting parameters in NetGen's (PyTorch's) layout: per layer W (out x in, row-major)
    /// then b. C keeps its first layer input-major, but the value of each weight (i -> j) is the same.
    /// </summary>
    public void WriteParameters(Span<T> parameters)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"Expected {ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        int p = 0;
        for (int l = 0; l < LayerCount; l++)
        {
            int fanIn = Sizes[l], fanOut = Sizes[l + 1];
            for (int j = 0; j < fanOut; j++)
                for (int i = 0; i < fanIn; i++)
                    parameters[p++] = Weight(l, i, j);
            for (int j = 0; j < fanOut; j++)
                parameters[p++] = Bias(l, j);
        }
    }
}

/// <summary>The six workloads of benchmarks/c-reference (README.md there), with peers_c.c's data and op counts.</summary>
public static class Workloads
{
    private const int SyntheticSamples = 64; // NS in peers_c.c
    private const int SmallOps = 2000;       // N_SMALL

    public static readonly string[] Names = ["W1", "W2", "W3", "W4", "W5", "W6", "W6d"];

    /// <summary>W1: the 4-3-1 tutorial net on its three rows; sigmoid/sigmoid, half squared error, double.</summary>
    public static Workload<double> W1() => new()
    {
        Name = "W1",
        Sizes = [4, 3, 1],
        Activations = [Activation.Sigmoid, Activation.Sigmoid],
        Loss = LossFunction.HalfSquaredError,
        LearningRate = 0.1,
        Inputs = [1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1],
        Targets = [1, 1, 0],
        SampleCount = 3,
        StepOps = SmallOps,
        InferOps = SmallOps,
        JobEpochs = 5000,
    };

    /// <summary>W2: 2-2-2 sigmoid/sigmoid, half squared error, double.</summary>
    public static Workload<double> W2() => new()
    {
        Name = "W2",
        Sizes = [2, 2, 2],
        Activations = [Activation.Sigmoid, Activation.Sigmoid],
        Loss = LossFunction.HalfSquaredError,
        LearningRate = 0.5,
        Inputs = Synthetic<double>(2),
        Targets = Rows<double>(2, (s, k) => k == 0 ? 0.01 + 0.98 * (s % 2) : 0.99 - 0.98 * (s % 2)),
        SampleCount = SyntheticSamples,
        StepOps = SmallOps,
        InferOps = SmallOps,
    };

    /// <summary>W3: 3-4-1 ReLU/sigmoid, binary cross-entropy, double.</summary>
    public static Workload<double> W3() => new()
    {
        Name = "W3",
        Sizes = [3, 4, 1],
        Activations = [Activation.ReLU, Activation.Sigmoid],
        Loss = LossFunction.BinaryCrossEntropy,
        LearningRate = 0.1,
        Inputs = Synthetic<double>(3),
        Targets = Rows<double>(1, (s, _) => s % 2),
        SampleCount = SyntheticSamples,
        StepOps = SmallOps,
        InferOps = SmallOps,
    };

    /// <summary>W4: 64-32-10 ReLU/softmax, cross-entropy, single; class s % 10 as a one-hot row.</summary>
    public static Workload<float> W4() => new()
    {
        Name = "W4",
        Sizes = [64, 32, 10],
        Activations = [Activation.ReLU, Activation.Softmax],
        Loss = LossFunction.CrossEntropy,
        LearningRate = 0.01f,
        Inputs = Synthetic<float>(64),
        Targets = Rows<float>(10, (s, k) => k == s % 10 ? 1 : 0),
        SampleCount = SyntheticSamples,
        StepOps = 1000,
        InferOps = 1000,
        BatchOps = 50,
    };

    /// <summary>W5: 8-16-16-1 tanh, tanh / identity, half squared error, single; target 0.5 sin(0.1 s).</summary>
    public static Workload<float> W5() => new()
    {
        Name = "W5",
        Sizes = [8, 16, 16, 1],
        Activations = [Activation.Tanh, Activation.Tanh, Activation.Identity],
        Loss = LossFunction.HalfSquaredError,
        LearningRate = 0.01f,
        Inputs = Synthetic<float>(8),
        Targets = Rows<float>(1, (s, _) => 0.5 * Math.Sin(0.1 * s)),
        SampleCount = SyntheticSamples,
        StepOps = 1000,
        InferOps = 1000,
    };

    /// <summary>W6: 784-128-10 ReLU/softmax, cross-entropy, single.</summary>
    public static Workload<float> W6() => new()
    {
        Name = "W6",
        Sizes = [784, 128, 10],
        Activations = [Activation.ReLU, Activation.Softmax],
        Loss = LossFunction.CrossEntropy,
        LearningRate = 0.01f,
        Inputs = Synthetic<float>(784),
        Targets = Rows<float>(10, (s, k) => k == s % 10 ? 1 : 0),
        SampleCount = SyntheticSamples,
        StepOps = 100,
        InferOps = 100,
        BatchOps = 10,
    };

    /// <summary>
    /// W6d, W6 dense: W6 on centred inputs (xdata - 0.5), which leave about half of the 128 hidden ReLUs
    /// active, as real images do; W6's own inputs (all in [0, 1)) leave 0-2 of them active, so a kernel
    /// that skips inactive units looks faster on W6 than it is (issue 13). C: c-reference/c/w6_dense.c.
    /// </summary>
    public static Workload<float> W6Dense() => new()
    {
        Name = "W6d",
        Sizes = [784, 128, 10],
        Activations = [Activation.ReLU, Activation.Softmax],
        Loss = LossFunction.CrossEntropy,
        LearningRate = 0.01f,
        Inputs = Rows<float>(784, (s, i) => ReferenceFormulas.Data(s, i) - 0.5),
        Targets = Rows<float>(10, (s, k) => k == s % 10 ? 1 : 0),
        SampleCount = SyntheticSamples,
        StepOps = 100,
        InferOps = 100,
        BatchOps = 10,
    };

    /// <summary>
    /// Hidden units of the first layer with z &gt; 0 at the starting weights, per sample: mean, min and
    /// max over the samples (computed in double from the formulas; the report states it for W6 and W6d).
    /// </summary>
    public static (double Mean, int Min, int Max) ActiveFirstLayerUnits<T>(Workload<T> workload) where T : IFloatingPointIeee754<T>
    {
        int fanIn = workload.Sizes[0], units = workload.Sizes[1], min = int.MaxValue, max = 0;
        long total = 0;
        for (int s = 0; s < workload.SampleCount; s++)
        {
            int active = 0;
            ReadOnlySpan<T> x = workload.Input(s);
            for (int j = 0; j < units; j++)
            {
                double z = ReferenceFormulas.BiasInit(0, j);
                for (int i = 0; i < fanIn; i++)
                    z += ReferenceFormulas.WeightInit(0, i, j, fanIn) * double.CreateChecked(x[i]);
                if (z > 0) active++;
            }
            total += active;
            min = Math.Min(min, active);
            max = Math.Max(max, active);
        }
        return ((double)total / workload.SampleCount, min, max);
    }

    private static T[] Synthetic<T>(int width) where T : IFloatingPointIeee754<T> =>
        Rows<T>(width, ReferenceFormulas.Data);

    // Each value is computed in double and then rounded once, as C's (float)xdata(s, i).
    private static T[] Rows<T>(int width, Func<int, int, double> value) where T : IFloatingPointIeee754<T>
    {
        var rows = new T[SyntheticSamples * width];
        for (int s = 0; s < SyntheticSamples; s++)
            for (int k = 0; k < width; k++)
                rows[s * width + k] = T.CreateChecked(value(s, k));
        return rows;
    }
}
