using System;
using System.IO;

namespace NetGen.Sweep;

/// <summary>
/// Issue 13, item 3's measurement: GFLOP/s of <c>TrainBatch</c> and <c>BackwardBatch</c> for 784-128-10
/// (ReLU / softmax, cross-entropy, single: sweep shape f01) with dense activity (centred inputs, about
/// half of the 128 ReLUs active) at batch 32, 128 and 512, single thread.
/// </summary>
/// <remarks>
/// Flops per row are the three matrix products' multiply-adds counted as 2: forward 2 (784 x 128 + 128 x 10),
/// weight gradients the same, and the delta into the hidden layer 2 x 128 x 10 (none into the input):
/// 409,088. Activations, softmax, biases and the parameter update are not counted (under 1%).
/// Each line gives the median of repetitions after a warm-up (<see cref="Bench"/>) and the fastest repetition, each as ns
/// and GFLOP/s; TrainBatch repetitions start from the same parameters. The fastest is compared with the FMA peak's
/// fastest run (c/fma_peak.c): on a shared host both are what the code does when nothing else slows the core down.
/// </remarks>
public static class Gflops
{
    /// <summary>Flops per row, see the remarks.</summary>
    public const double FlopsPerRow = 2.0 * (784 * 128 + 128 * 10) * 2 + 2.0 * 128 * 10;

    /// <summary>Writes one <c>G OP BATCH median_ns GFLOP/s fastest_ns GFLOP/s</c> line per operation and batch size.</summary>
    public static void Run(TextWriter output, double seconds, double warmup)
    {
        const int maxRows = 512, inputSize = 784, outputSize = 10;
        var network = new F01Net();
        float[] start = SweepData.StartingParameters<float>([784, 128, 10]);
        float[] inputs = SweepData.CentredInputs<float>(maxRows, inputSize), targets = new float[maxRows * outputSize];
        for (int s = 0; s < maxRows; s++)
            targets[s * outputSize + s % outputSize] = 1;
        foreach (int rows in new[] { 32, 128, 512 })
        {
            ReadOnlySpan<float> Inputs() => inputs.AsSpan(0, rows * inputSize);
            ReadOnlySpan<float> Targets() => targets.AsSpan(0, rows * outputSize);
            void Write(string op, (double Median, double Fastest) ns) =>
                output.WriteLine(FormattableString.Invariant(
                    $"G\t{op}\t{rows}\t{ns.Median:F0}\t{FlopsPerRow * rows / ns.Median:F1}\t{ns.Fastest:F0}\t{FlopsPerRow * rows / ns.Fastest:F1}"));
            Write("TrainBatch", Bench.RunWithFastest(output, "f01", $"trainbatch{rows}", () => start.CopyTo(network.Parameters),
                () => network.TrainBatch(Inputs(), Targets(), 0.01f), 1, seconds, warmup));
            Write("BackwardBatch", Bench.RunWithFastest(output, "f01", $"backwardbatch{rows}", network.ZeroGradients,
                () => network.BackwardBatch(Inputs(), Targets()), 1, seconds, warmup));
        }
    }
}
