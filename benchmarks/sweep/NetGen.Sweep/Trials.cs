using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace NetGen.Sweep;

/// <summary>
/// Trials of changes that were measured and not made, kept so that RESULTS.md's numbers for them can be reproduced
/// (<c>--trial NAME</c>). Each times every variant with the sweep's own loop (<see cref="Bench"/>: a warm-up until the JIT's
/// code is final, then 0.3 s of repetitions of a few thousand calls) and prints the fastest repetition's ns per call, all
/// in one process; compare the variants of one run with each other only.
/// <list type="bullet">
/// <item><c>checked-copy</c>: the first layer of f21 (130 x 9 floats) in <c>Train</c> read from the checked input-major copy
/// (<see cref="Kernels.ColumnCopyProduct{T}"/>) instead of along its rows, with the upkeep a step would then owe the copy:
/// the copy of W1 and the update of its transpose, done with the public kernels.</item>
/// <item><c>fma-predict</c>: d03's (3-5-2 ReLU, double) generated <c>Predict</c> against a copy of it that fuses every
/// product into its sum (<see cref="Math.FusedMultiplyAdd(double, double, double)"/>), called and inlined.</item>
/// </list>
/// </summary>
public static class Trials
{
    private static double sink;

    /// <summary>The trials' names, as <c>--trial</c> takes them.</summary>
    public static readonly string[] Names = ["checked-copy", "fma-predict"];

    /// <summary>Runs the trial <paramref name="name"/>; returns false when there is no such trial.</summary>
    public static bool Run(TextWriter output, string name)
    {
        switch (name)
        {
            case "checked-copy": CheckedCopy(output); return true;
            case "fma-predict": FusedPredict(output); return true;
            default: return false;
        }
    }

    private static void CheckedCopy(TextWriter output)
    {
        const int rows = 130, columns = 9;
        var w = new AlignedBuffer<float>(rows * columns);
        var b = new AlignedBuffer<float>(rows);
        var z = new AlignedBuffer<float>(rows);
        var d = new AlignedBuffer<float>(rows);
        var factors = new AlignedBuffer<float>(rows);
        var copy = new AlignedBuffer<float>(Kernels.ColumnCopyLength<float>(rows, columns));
        var random = new Random(1);
        for (int i = 0; i < rows * columns; i++) w.Span[i] = (float)(random.NextDouble() - 0.5);
        for (int j = 0; j < rows; j++) d.Span[j] = (float)(random.NextDouble() - 0.5) * 1e-6f;
        var x = new float[columns];
        for (int i = 0; i < columns; i++) x[i] = (float)(random.NextDouble() - 0.5);
        const float step = -0.01f;
        const int calls = 2000;
        int stride = Kernels.ColumnStride<float>(rows), transposeStart = copy.Span.Length - columns * stride;

        void Forward() => Kernels.MatrixVector<float>(w.Span, x, b.Span, z.Span);
        void Update() => Kernels.AddScaledOuterProduct<float>(w.Span, d.Span, x, step);
        void ForwardFromCopy() => Kernels.ColumnCopyProduct<float>(w.Span, b.Span, x, columns, z.Span, rows, copy.Span);
        void CopyUpkeep()
        {
            // What a step would owe the copy after W1 -= lr d x^T: the copy of W1 (so that the next check passes) and the
            // same update of its transpose, column i += x_i (-lr d).
            w.Span.CopyTo(copy.Span);
            factors.Span.Clear();
            Kernels.AddScaled<float>(step, d.Span, factors.Span);
            Span<float> transpose = copy.Span.Slice(transposeStart);
            for (int i = 0; i < columns; i++)
                Kernels.AddScaled<float>(x[i], factors.Span, transpose.Slice(i * stride, rows));
        }

        output.WriteLine($"f21's first layer, {rows} x {columns} floats, ns a call (fastest repetition of {calls:N0} calls):");
        output.WriteLine($"  forward along the rows          {Fastest(Repeat(Forward, calls), calls):F1}");
        output.WriteLine($"  forward from a current copy     {Fastest(Repeat(ForwardFromCopy, calls), calls):F1}");
        output.WriteLine($"  update of W1                    {Fastest(Repeat(Update, calls), calls):F1}");
        output.WriteLine($"  rows: forward + update          {Fastest(Repeat(() => { Forward(); Update(); }, calls), calls):F1}");
        output.WriteLine($"  copy: forward + update + upkeep {Fastest(Repeat(() => { ForwardFromCopy(); Update(); CopyUpkeep(); }, calls), calls):F1}");
    }

    private static void FusedPredict(TextWriter output)
    {
        var network = new D03Net();
        SweepData.StartingParameters<double>([3, 5, 2]).CopyTo(network.Parameters);
        double[] parameters = network.Parameters.ToArray();
        double[] inputs = SweepData.CentredInputs<double>(ShapeRunner.Samples, 3);
        var generated = new double[2];
        var fused = new double[2];
        double largest = 0;
        for (int s = 0; s < ShapeRunner.Samples; s++)
        {
            network.Predict(inputs.AsSpan(s * 3, 3), generated);
            FusedD03.Predict(parameters, inputs.AsSpan(s * 3, 3), fused);
            largest = Math.Max(largest, Math.Max(Math.Abs(generated[0] - fused[0]), Math.Abs(generated[1] - fused[1])));
        }

        const int calls = 4096;
        var o = new double[2];
        double Generated()
        {
            double sum = 0;
            for (int k = 0; k < calls; k++) { network.Predict(inputs.AsSpan((k % ShapeRunner.Samples) * 3, 3), o); sum += o[k & 1]; }
            return sum;
        }
        double Called()
        {
            double sum = 0;
            for (int k = 0; k < calls; k++) { FusedD03.Predict(parameters, inputs.AsSpan((k % ShapeRunner.Samples) * 3, 3), o); sum += o[k & 1]; }
            return sum;
        }
        double Inlined()
        {
            double sum = 0;
            for (int k = 0; k < calls; k++) { FusedD03.PredictInlined(parameters, inputs.AsSpan((k % ShapeRunner.Samples) * 3, 3), o); sum += o[k & 1]; }
            return sum;
        }
        output.WriteLine($"d03 (3-5-2 ReLU, double) Predict, ns a call (fastest repetition of {calls:N0} calls, {ShapeRunner.Samples} inputs cycled);");
        output.WriteLine($"  the fused copy differs from the generated code by at most {largest:E1} over the inputs");
        output.WriteLine($"  generated            {Fastest(() => sink += Generated(), calls):F2}");
        output.WriteLine($"  fused, called        {Fastest(() => sink += Called(), calls):F2}");
        output.WriteLine($"  fused, inlined       {Fastest(() => sink += Inlined(), calls):F2}");
        GC.KeepAlive(sink);
    }

    /// <summary><paramref name="call"/> <paramref name="times"/> times over, as one round.</summary>
    private static Action Repeat(Action call, int times) => () =>
    {
        for (int i = 0; i < times; i++)
            call();
    };

    /// <summary>The fastest repetition of <paramref name="repetition"/> in ns per call, timed by <see cref="Bench"/>.</summary>
    private static double Fastest(Action repetition, int callsPerRepetition) =>
        Bench.RunWithFastest(TextWriter.Null, "trial", "trial", static () => { }, repetition, callsPerRepetition, 0.3, 0.5).Fastest;

    /// <summary>d03's generated <c>Predict</c> (3-5-2, ReLU then identity) with every product fused into its sum, in the same order.</summary>
    private static class FusedD03
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Predict(double[] parameters, ReadOnlySpan<double> input, Span<double> output) => PredictInlined(parameters, input, output);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void PredictInlined(double[] parameters, ReadOnlySpan<double> input, Span<double> output)
        {
            if (input.Length != 3 || output.Length != 2)
                throw new ArgumentException("3 inputs and 2 outputs");
            ReadOnlySpan<double> p = parameters.AsSpan(0, 32);
            ReadOnlySpan<double> w1 = p.Slice(0, 15), b1 = p.Slice(15, 5), w2 = p.Slice(20, 10), b2 = p.Slice(30, 2);
            double x0 = input[0], x1 = input[1], x2 = input[2];
            double a0 = Kernels.ReLU(Fma(w1[2], x2, Fma(w1[1], x1, Fma(w1[0], x0, b1[0]))));
            double a1 = Kernels.ReLU(Fma(w1[5], x2, Fma(w1[4], x1, Fma(w1[3], x0, b1[1]))));
            double a2 = Kernels.ReLU(Fma(w1[8], x2, Fma(w1[7], x1, Fma(w1[6], x0, b1[2]))));
            double a3 = Kernels.ReLU(Fma(w1[11], x2, Fma(w1[10], x1, Fma(w1[9], x0, b1[3]))));
            double a4 = Kernels.ReLU(Fma(w1[14], x2, Fma(w1[13], x1, Fma(w1[12], x0, b1[4]))));
            output[0] = Fma(w2[4], a4, Fma(w2[3], a3, Fma(w2[2], a2, Fma(w2[1], a1, Fma(w2[0], a0, b2[0])))));
            output[1] = Fma(w2[9], a4, Fma(w2[8], a3, Fma(w2[7], a2, Fma(w2[6], a1, Fma(w2[5], a0, b2[1])))));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
    }
}
