using System;
using System.Globalization;
using System.Linq;

namespace NetGen.Sweep;

/// <summary>
/// The NetGen side of the shape sweep. Output lines match the C side (c/sweep_c.c):
/// <c>R netgen ID OP median_ns min_ns max_ns reps nops</c> and <c>K netgen ID OP sum abs_sum change</c>.
/// <list type="bullet">
/// <item><c>--check [ID ...]</c>: checksums only, one repetition of each op from the starting parameters.</item>
/// <item><c>--time SECONDS [--warmup SECONDS] [ID ...]</c>: time every op (step, infer, batch32, trainbatch), then the checksums.</item>
/// <item><c>--gflops [--time SECONDS] [--warmup SECONDS]</c>: <see cref="Gflops"/>.</item>
/// <item><c>--trial NAME</c>: <see cref="Trials"/>, changes measured and not made.</item>
/// </list>
/// </summary>
public static class Program
{
    private static double sink;

    /// <summary>Entry point; see the type's remarks.</summary>
    public static int Main(string[] args)
    {
        bool check = args.Contains("--check");
        double seconds = Option(args, "--time", 0.2), warmup = Option(args, "--warmup", 0.5);
        int trial = Array.IndexOf(args, "--trial");
        if (trial >= 0)
        {
            string name = trial + 1 < args.Length ? args[trial + 1] : "";
            if (Trials.Run(Console.Out, name))
                return 0;
            Console.Error.WriteLine($"no trial named '{name}': {string.Join(", ", Trials.Names)}");
            return 2;
        }
        if (args.Contains("--gflops"))
        {
            Gflops.Run(Console.Out, seconds, warmup);
            return 0;
        }
        // Shape ids are the arguments that are neither options nor the value of --time / --warmup.
        string[] ids = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] is not ("--time" or "--warmup"))).ToArray();
        var shapes = Registry.Shapes.Where(s => ids.Length == 0 || ids.Contains(s.Id)).ToArray();
        if (shapes.Length == 0)
        {
            Console.Error.WriteLine($"no shape matches {string.Join(' ', ids)}");
            return 2;
        }
        foreach (ShapeSpec spec in shapes)
        {
            ShapeRunner runner = spec.Create(spec);
            if (!check)
            {
                Bench.Run(Console.Out, spec.Id, "step", runner.Reset, runner.Steps, spec.StepOps, seconds, warmup);
                Bench.Run(Console.Out, spec.Id, "infer", runner.Reset, () => sink += runner.Infers(), spec.InferOps, seconds, warmup);
                Bench.Run(Console.Out, spec.Id, "batch32", runner.Reset, runner.Batches, spec.BatchOps, seconds, warmup);
                Bench.Run(Console.Out, spec.Id, "trainbatch", runner.Reset, runner.TrainBatches, spec.BatchOps, seconds, warmup);
            }
            runner.Reset();
            runner.Steps();
            WriteChecksum(spec.Id, "step", runner.ParameterChecksum());
            runner.Reset();
            var (sum, absSum) = runner.InferChecksum();
            WriteChecksum(spec.Id, "infer", (sum, absSum, 0));
            runner.Reset();
            runner.Batches();
            WriteChecksum(spec.Id, "batch32", runner.ParameterChecksum());
            runner.Reset();
            runner.TrainBatches();
            WriteChecksum(spec.Id, "trainbatch", runner.ParameterChecksum());
        }
        GC.KeepAlive(sink);
        return 0;
    }

    private static void WriteChecksum(string id, string op, (double Sum, double AbsSum, double Change) k) =>
        Console.WriteLine(FormattableString.Invariant($"K\tnetgen\t{id}\t{op}\t{k.Sum:R}\t{k.AbsSum:R}\t{k.Change:R}"));

    private static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
