using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using NetGen.Benchmarks.Harness;

namespace NetGen.Benchmarks.Aot;

/// <summary>
/// One cell's time per op over <see cref="Samples"/> repetitions: median, fastest and slowest by the
/// thread's CPU time (by wall-clock time where <see cref="ThreadClock"/> is not available), and the
/// wall-clock median.
/// </summary>
public readonly record struct CellTiming(double MedianNs, double MinNs, double MaxNs, double WallMedianNs, int Samples);

/// <summary>
/// Times one cell the way the BenchmarkDotNet suite samples it, with clocks read around the op instead
/// (it must run under Native AOT too): one sample is one repetition of the C cell (e.g. 2000 steps),
/// the starting parameters are restored untimed before each, and the median over the samples is
/// reported, none removed as outliers. Each sample is read on two clocks: the thread's CPU time, which
/// the machine's other work does not inflate, and the wall clock; the cost of reading them, measured
/// once, is subtracted. Before sampling, the cell runs for <see cref="WarmUp"/> of the thread's CPU
/// time, so that the JIT's tiering and dynamic PGO have reached their final code; a Native AOT binary
/// has nothing to tier up and only caches to warm, so it runs <see cref="WarmUpAot"/>. CPU time, not
/// wall time: on a machine busy with other work, 400 ms of wall time gave the thread 40 ms of CPU,
/// and W4's step was then timed in tier-0 code at 10 times its tier-1 time.
/// </summary>
/// <param name="budget">How long to keep sampling one cell, once it has <see cref="MinSamples"/> samples.</param>
public sealed class CellTimer(TimeSpan budget)
{
    /// <summary>Warm-up per cell under the JIT, in the thread's CPU time: the BenchmarkDotNet suite's per op (WorkloadBenchmarks.WarmUpPerOp).</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(400);

    /// <summary>Warm-up per cell of a Native AOT binary, in the thread's CPU time (at least 3 repetitions either way).</summary>
    public static readonly TimeSpan WarmUpAot = TimeSpan.FromMilliseconds(100);

    /// <summary>The most wall time a warm-up may take, however little CPU the machine gives the thread.</summary>
    public static readonly TimeSpan WarmUpWallLimit = TimeSpan.FromSeconds(30);

    /// <summary>Fewest samples per cell, however slow a repetition is (a slow build must still give a median).</summary>
    public const int MinSamples = 21;

    /// <summary>Most samples per cell: the 2001 repetitions the BenchmarkDotNet suite takes of the shortest cells.</summary>
    public const int MaxSamples = 2001;

    private readonly (double Cpu, double Wall) clockCost = MeasureClockCost();

    /// <summary>Collects the results of the timed ops, so no call can be dropped as unused.</summary>
    public double Sink { get; private set; }

    /// <summary>What reading both clocks around nothing costs, in ns (median of many reads).</summary>
    public (double Cpu, double Wall) ClockCostNs => clockCost;

    public CellTiming Measure(Cell cell, Runner runner)
    {
        double warmUpNs = (RuntimeFeature.IsDynamicCodeCompiled ? WarmUp : WarmUpAot).TotalNanoseconds;
        var warmUpWall = Stopwatch.StartNew();
        long warmUpStart = CpuOrWallNs();
        for (int repetition = 0; repetition < 3 || (CpuOrWallNs() - warmUpStart < warmUpNs && warmUpWall.Elapsed < WarmUpWallLimit); repetition++)
            Sink += cell.Checksum(runner);

        var cpuNsPerOp = new List<double>();
        var wallNsPerOp = new List<double>();
        var sampling = Stopwatch.StartNew();
        while (cpuNsPerOp.Count < MinSamples || (cpuNsPerOp.Count < MaxSamples && sampling.Elapsed < budget))
        {
            runner.Reset();
            var (cpu, wall) = Timed(() => Sink += cell.Run(runner));
            cpuNsPerOp.Add((cpu - clockCost.Cpu) / cell.OpsPerRepetition);
            wallNsPerOp.Add((wall - clockCost.Wall) / cell.OpsPerRepetition);
        }
        cpuNsPerOp.Sort();
        wallNsPerOp.Sort();
        List<double> primary = ThreadClock.IsAvailable ? cpuNsPerOp : wallNsPerOp;
        return new CellTiming(Median(primary), primary[0], primary[^1], Median(wallNsPerOp), primary.Count);
    }

    /// <summary>The median of sorted values (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> sorted)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("The median of no values is undefined.", nameof(sorted));
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static long CpuOrWallNs() =>
        ThreadClock.IsAvailable ? ThreadClock.NowNs() : (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <summary>Runs <paramref name="action"/> once; returns the thread CPU time (0 without <see cref="ThreadClock"/>) and wall time it took, in ns.</summary>
    private static (double CpuNs, double WallNs) Timed(Action action)
    {
        bool cpuClock = ThreadClock.IsAvailable;
        long cpuStart = cpuClock ? ThreadClock.NowNs() : 0;
        long wallStart = Stopwatch.GetTimestamp();
        action();
        long wallEnd = Stopwatch.GetTimestamp();
        long cpuEnd = cpuClock ? ThreadClock.NowNs() : 0;
        return (cpuEnd - cpuStart, (wallEnd - wallStart) * 1e9 / Stopwatch.Frequency);
    }

    private static (double Cpu, double Wall) MeasureClockCost()
    {
        var cpu = new List<double>();
        var wall = new List<double>();
        for (int i = 0; i < 1001; i++)
        {
            var (c, w) = Timed(static () => { });
            cpu.Add(c);
            wall.Add(w);
        }
        cpu.Sort();
        wall.Sort();
        return (Median(cpu), Median(wall));
    }
}
