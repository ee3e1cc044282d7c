using System;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetGen.Benchmarks.Harness;

namespace NetGen.Benchmarks.Aot;

/// <summary>
/// Entry point. Modes:
/// <list type="bullet">
/// <item><c>[--variant NAME] [--round N] [--seconds S] [--filter W4]</c>: checks every NetGen cell's
/// checksum against the C reference, then times each cell (<see cref="CellTimer"/>) and prints one
/// <c>T</c> line per cell, after an <c>I</c> line saying how this binary was compiled, what it
/// accelerates and which clock the medians are read on.</item>
/// <item><c>--check</c>: the checksums only, no timing (CI runs it so the AOT column keeps building and computing right).</item>
/// <item><c>--report ...</c>: writes the markdown table from the outputs of several variants (<see cref="AotReport"/>).</item>
/// </list>
/// Exit code 1 on a checksum mismatch: a build that computes something else is not timed.
/// </summary>
public static class Program
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Main(string[] args)
    {
        if (args.Contains("--report"))
            return AotReport.Run(args);

        string variant = OptionValue(args, "--variant") ?? (RuntimeFeature.IsDynamicCodeCompiled ? "jit" : "aot");
        string round = OptionValue(args, "--round") ?? "1";
        double seconds = double.Parse(OptionValue(args, "--seconds") ?? "1", Invariant);
        string? workloadFilter = OptionValue(args, "--filter");

        bool checkOnly = args.Contains("--check");
        var timer = new CellTimer(TimeSpan.FromSeconds(seconds));
        int checkedCells = 0;
        // I <variant> <code> <accelerated widths> <clock>: the report shows what each binary really ran and how it was timed.
        Console.WriteLine(string.Join('\t', "I", variant,
            RuntimeFeature.IsDynamicCodeCompiled ? "JIT" : "Native AOT",
            $"Vector128={Vector128.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector512={Vector512.IsHardwareAccelerated}",
            (ThreadClock.IsAvailable ? "thread CPU time" : "wall clock") +
            $" (reading the clocks costs {timer.ClockCostNs.Cpu.ToString("0", Invariant)} ns CPU, {timer.ClockCostNs.Wall.ToString("0", Invariant)} ns wall, subtracted)"));
        foreach (string workload in Workloads.Names.Where(w => workloadFilter is null || w == workloadFilter))
        {
            Runner runner = Runner.Create(workload, Implementation.NetGen);
            foreach (Cell cell in Checksums.Cells.Where(c => c.Workload == workload && c.AppliesTo(Implementation.NetGen)))
            {
                try
                {
                    Checksums.Verify(cell, runner, Implementation.NetGen);
                }
                catch (InvalidOperationException e)
                {
                    Console.Error.WriteLine($"{variant}: {e.Message}");
                    return 1;
                }
                checkedCells++;
                if (checkOnly) continue;
                CellTiming timing = timer.Measure(cell, runner);
                // T <variant> <round> <workload> <op> <median ns/op> <min> <max> <wall-clock median> <samples>
                Console.WriteLine(string.Join('\t', "T", variant, round, cell.Workload, cell.Op,
                    timing.MedianNs.ToString("R", Invariant), timing.MinNs.ToString("R", Invariant),
                    timing.MaxNs.ToString("R", Invariant), timing.WallMedianNs.ToString("R", Invariant),
                    timing.Samples.ToString(Invariant)));
            }
        }
        if (checkedCells == 0)
        {
            Console.Error.WriteLine($"{variant}: no cell matched (--filter {workloadFilter})");
            return 1;
        }
        if (checkOnly)
            Console.WriteLine($"{variant}: the checksums of all {checkedCells} cells agree with the C reference");
        return 0;
    }

    public static string? OptionValue(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
