#if NETGEN
using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.Intrinsics;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// <c>--packs</c>: what the planner's pack rule (ActivationInfo.MinPackedUnits, PlanLimits.PackBreakEvenNanoseconds) is
/// measured from. For GELU, SiLU, ELU and Softplus in both precisions and 2 to 7 units: k scalar calls on values taken from
/// a running value, their sum feeding the next iteration (a layer's units, which the next layer waits for), against one
/// call of the packed vector form on the same values. Fastest of five runs of 400,000 iterations, in ns an iteration.
/// </summary>
public static class PackCosts
{
    private const int Iterations = 400_000;

    private interface IKind
    {
        static abstract double Scalar(double z);
        static abstract float Scalar(float z);
        static abstract Vector128<double> Pack(Vector128<double> z);
        static abstract Vector256<double> Pack(Vector256<double> z);
        static abstract Vector512<double> Pack(Vector512<double> z);
        static abstract Vector128<float> Pack(Vector128<float> z);
        static abstract Vector256<float> Pack(Vector256<float> z);
    }

    private readonly struct Gelu : IKind
    {
        public static double Scalar(double z) => Kernels.GELU(z);
        public static float Scalar(float z) => Kernels.GELU(z);
        public static Vector128<double> Pack(Vector128<double> z) => Kernels.GELU(z);
        public static Vector256<double> Pack(Vector256<double> z) => Kernels.GELU(z);
        public static Vector512<double> Pack(Vector512<double> z) => Kernels.GELU(z);
        public static Vector128<float> Pack(Vector128<float> z) => Kernels.GELU(z);
        public static Vector256<float> Pack(Vector256<float> z) => Kernels.GELU(z);
    }

    private readonly struct Silu : IKind
    {
        public static double Scalar(double z) => Kernels.SiLU(z);
        public static float Scalar(float z) => Kernels.SiLU(z);
        public static Vector128<double> Pack(Vector128<double> z) => Kernels.SiLU(z);
        public static Vector256<double> Pack(Vector256<double> z) => Kernels.SiLU(z);
        public static Vector512<double> Pack(Vector512<double> z) => Kernels.SiLU(z);
        public static Vector128<float> Pack(Vector128<float> z) => Kernels.SiLU(z);
        public static Vector256<float> Pack(Vector256<float> z) => Kernels.SiLU(z);
    }

    private readonly struct Elu : IKind
    {
        public static double Scalar(double z) => Kernels.ELU(z);
        public static float Scalar(float z) => Kernels.ELU(z);
        public static Vector128<double> Pack(Vector128<double> z) => Kernels.ELU(z);
        public static Vector256<double> Pack(Vector256<double> z) => Kernels.ELU(z);
        public static Vector512<double> Pack(Vector512<double> z) => Kernels.ELU(z);
        public static Vector128<float> Pack(Vector128<float> z) => Kernels.ELU(z);
        public static Vector256<float> Pack(Vector256<float> z) => Kernels.ELU(z);
    }

    private readonly struct Softplus : IKind
    {
        public static double Scalar(double z) => Kernels.Softplus(z);
        public static float Scalar(float z) => Kernels.Softplus(z);
        public static Vector128<double> Pack(Vector128<double> z) => Kernels.Softplus(z);
        public static Vector256<double> Pack(Vector256<double> z) => Kernels.Softplus(z);
        public static Vector512<double> Pack(Vector512<double> z) => Kernels.Softplus(z);
        public static Vector128<float> Pack(Vector128<float> z) => Kernels.Softplus(z);
        public static Vector256<float> Pack(Vector256<float> z) => Kernels.Softplus(z);
    }

    public static int Run(TextWriter output)
    {
        output.WriteLine("ns an iteration, scalar calls / one pack, for 2 to 7 units (d: double, f: float)");
        Row<Gelu>(output, "GELU");
        Row<Silu>(output, "SiLU");
        Row<Elu>(output, "ELU");
        Row<Softplus>(output, "Softplus");
        return 0;
    }

    private static void Row<TKind>(TextWriter output, string name) where TKind : IKind
    {
        int[] units = [2, 3, 4, 5, 7];
        foreach (int k in units)
        {
            ScalarDouble<TKind>(k);
            PackDouble<TKind>(k);
            ScalarSingle<TKind>(k);
            PackSingle<TKind>(k);
        }
        string line = $"{name,-9}";
        foreach (int k in units)
            line += $" d{k} {Fastest(() => ScalarDouble<TKind>(k)),5:F1}/{Fastest(() => PackDouble<TKind>(k)),5:F1}";
        foreach (int k in units)
            line += $" f{k} {Fastest(() => ScalarSingle<TKind>(k)),5:F1}/{Fastest(() => PackSingle<TKind>(k)),5:F1}";
        output.WriteLine(line);
    }

    private static double Fastest(Func<double> run)
    {
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
            best = Math.Min(best, run());
        return best;
    }

    private static double ScalarDouble<TKind>(int units) where TKind : IKind
    {
        double x = 0.3;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Iterations; i++)
        {
            double sum = 0;
            for (int j = 0; j < units; j++)
                sum += TKind.Scalar(x + 0.1 * j);
            x = 0.3 + sum * 1e-3;
        }
        return Elapsed(clock, x);
    }

    private static double ScalarSingle<TKind>(int units) where TKind : IKind
    {
        float x = 0.3f;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Iterations; i++)
        {
            float sum = 0;
            for (int j = 0; j < units; j++)
                sum += TKind.Scalar(x + 0.1f * j);
            x = 0.3f + sum * 1e-3f;
        }
        return Elapsed(clock, x);
    }

    // The vector the generator packs that many units into: the smallest that holds them, padded with zeros.
    private static double PackDouble<TKind>(int units) where TKind : IKind
    {
        double x = 0.3;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Iterations; i++)
        {
            double sum = units <= 2 ? Vector128.Sum(TKind.Pack(Vector128.Create(x, x + 0.1)))
                : units <= 4 ? Vector256.Sum(TKind.Pack(Vector256.Create(x, x + 0.1, x + 0.2, x + 0.3)))
                : Vector512.Sum(TKind.Pack(Vector512.Create(x, x + 0.1, x + 0.2, x + 0.3, x + 0.4, x + 0.5, x + 0.6, 0)));
            x = 0.3 + sum * 1e-3;
        }
        return Elapsed(clock, x);
    }

    private static double PackSingle<TKind>(int units) where TKind : IKind
    {
        float x = 0.3f;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Iterations; i++)
        {
            float sum = units <= 4 ? Vector128.Sum(TKind.Pack(Vector128.Create(x, x + 0.1f, x + 0.2f, x + 0.3f)))
                : Vector256.Sum(TKind.Pack(Vector256.Create(x, x + 0.1f, x + 0.2f, x + 0.3f, x + 0.4f, x + 0.5f, x + 0.6f, 0)));
            x = 0.3f + sum * 1e-3f;
        }
        return Elapsed(clock, x);
    }

    // The running value is returned (scaled to nothing) so that the loop's work cannot be dropped.
    private static double Elapsed(Stopwatch clock, double last) => clock.Elapsed.TotalNanoseconds / Iterations + last * 1e-300;
}
#endif
