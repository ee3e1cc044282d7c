using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// What the benchmark classes W1-W6 share: the implementation parameter, a checksum check and a JIT
/// warm-up before anything is timed, and the restore of the starting parameters before every repetition.
/// </summary>
/// <remarks>
/// Sampling mirrors run-c.sh: one BenchmarkDotNet iteration is one invocation is one repetition of the
/// C cell (OperationsPerInvoke = its op count, so the tables show ns per op), the starting parameters
/// are restored untimed before each (C's prep), and the median over many repetitions is reported.
/// Short single-repetition samples also keep the comparison fair on a loaded machine: like C's, most
/// of them run without being preempted, where a long iteration would absorb every time slice lost.
/// </remarks>
public abstract class WorkloadBenchmarks
{
    /// <summary>Minimum time each op of the workload runs in <see cref="Setup"/>, so tiered JIT and dynamic PGO reach their final code before measuring.</summary>
    public static readonly TimeSpan WarmUpPerOp = TimeSpan.FromMilliseconds(400);

    private Runner runner = null!;

    /// <summary>The implementation measured.</summary>
    [ParamsSource(nameof(Implementations))]
    public Implementation Impl { get; set; }

    public static IEnumerable<Implementation> Implementations => Program.BuiltImplementations;

    protected abstract string WorkloadName { get; }

    [GlobalSetup]
    public void Setup()
    {
        runner = Runner.Create(WorkloadName, Impl);
        var reference = Program.CReference();
        var cells = Checksums.Cells.Where(c => c.Workload == WorkloadName && c.AppliesTo(Impl)).ToList();
        foreach (Cell cell in cells)
            Checksums.Verify(cell, runner, Impl, reference);
        foreach (Cell cell in cells)
        {
            var watch = Stopwatch.StartNew();
            for (int repetition = 0; repetition < 3 || watch.Elapsed < WarmUpPerOp; repetition++)
                cell.Checksum(runner);
        }
    }

    /// <summary>C's prep(): the starting parameters, untimed, before every repetition.</summary>
    [IterationSetup]
    public void RestoreParameters() => runner.Reset();

    protected Runner Runner => runner;
}

#pragma warning disable CS1591 // one method per cell; the names are the ops of benchmarks/c-reference/README.md
[IterationCount(2001)]
public class W1 : WorkloadBenchmarks
{
    protected override string WorkloadName => "W1";
    [Benchmark(OperationsPerInvoke = 2000)] public void Step() => Runner.Steps();
    [Benchmark(OperationsPerInvoke = 2000)] public double Infer() => Runner.Infers();
    [Benchmark(OperationsPerInvoke = 1)] public double Job() => Runner.Job();
}

[IterationCount(2001)]
public class W2 : WorkloadBenchmarks
{
    protected override string WorkloadName => "W2";
    [Benchmark(OperationsPerInvoke = 2000)] public void Step() => Runner.Steps();
    [Benchmark(OperationsPerInvoke = 2000)] public double Infer() => Runner.Infers();
}

[IterationCount(2001)]
public class W3 : WorkloadBenchmarks
{
    protected override string WorkloadName => "W3";
    [Benchmark(OperationsPerInvoke = 2000)] public void Step() => Runner.Steps();
    [Benchmark(OperationsPerInvoke = 2000)] public double Infer() => Runner.Infers();
}

[IterationCount(601)]
public class W4 : WorkloadBenchmarks
{
    protected override string WorkloadName => "W4";
    [Benchmark(OperationsPerInvoke = 1000)] public void Step() => Runner.Steps();
    [Benchmark(OperationsPerInvoke = 1000)] public double Infer() => Runner.Infers();
    [Benchmark(OperationsPerInvoke = 50)] public void Batch32() => Runner.Batches();
    [Benchmark(OperationsPerInvoke = 50)] public void Batch32Fused() => Runner.FusedBatches();
}

[IterationCount(601)]
public class W5 : WorkloadBenchmarks
{
    protected override string WorkloadName => "W5";
    [Benchmark(OperationsPerInvoke = 1000)] public void Step() => Runner.Steps();
    [Benchmark(OperationsPerInvoke = 1000)] public double Infer() => Runner.Infers();
}

public class W6 : WorkloadBenchmarks
{
    protected override string WorkloadName => "W6";
    [Benchmark(OperationsPerInvoke = 100)] public void Step() => Runner.Steps();
    [Benchmark(OperationsPerInvoke = 100)] public double Infer() => Runner.Infers();
    [Benchmark(OperationsPerInvoke = 10)] public void Batch32() => Runner.Batches();
    [Benchmark(OperationsPerInvoke = 10)] public void Batch32Fused() => Runner.FusedBatches();
}

/// <summary>W6 dense: W6's network and ops on centred inputs (about half of the hidden ReLUs active).</summary>
public class W6d : W6
{
    protected override string WorkloadName => "W6d";
}
#pragma warning restore CS1591

/// <summary>Maps benchmark method names to the op names of run-c.sh.</summary>
public static class OpNames
{
    public static string FromMethod(string method) => method switch
    {
        "Step" => "step",
        "Infer" => "infer",
        "Job" => "job",
        "Batch32" => "batch32",
        "Batch32Fused" => "batch32-fused",
        _ => throw new ArgumentException($"Unknown benchmark method '{method}'.", nameof(method)),
    };
}
