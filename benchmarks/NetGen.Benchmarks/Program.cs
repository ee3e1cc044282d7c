using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using NetGen.Benchmarks.Harness;

namespace NetGen.Benchmarks;

/// <summary>
/// Entry point. Modes:
/// <list type="bullet">
/// <item><c>--quick [--c-output FILE]</c>: one repetition of every cell and implementation, checksums
/// compared with the C reference; exit code 1 on any mismatch. A few seconds; for CI.</item>
/// <item><c>--report ...</c>: writes docs/benchmarks.md from a finished run (see <see cref="Report"/>).</item>
/// <item><c>--deep [BenchmarkDotNet arguments]</c>: <c>Train</c> of the deeper unrolled networks of <see cref="Harness.Deep"/>
/// (not part of the C comparison or the report).</item>
/// <item><c>--packs</c>: scalar calls against one packed call of GELU, SiLU, ELU and Softplus, 2 to 7 units (<see cref="PackCosts"/>).</item>
/// <item>anything else: BenchmarkDotNet arguments (default <c>--filter *</c>), with <see cref="SuiteConfig"/>.</item>
/// </list>
/// The environment variable NETGEN_C_OUTPUT names a run-c.sh output whose K lines replace the recorded checksums.
/// </summary>
public static class Program
{
    public static IReadOnlyList<Implementation> BuiltImplementations { get; } =
#if NETGEN
        [Implementation.NetGen, Implementation.Flat, Implementation.Jagged];
#else
        [Implementation.Flat, Implementation.Jagged];
#endif

    /// <summary>C's checksums: from NETGEN_C_OUTPUT when set, else the recorded ones.</summary>
    public static IReadOnlyDictionary<string, double> CReference()
    {
        string? path = Environment.GetEnvironmentVariable("NETGEN_C_OUTPUT");
        return string.IsNullOrEmpty(path) ? Checksums.Recorded : Checksums.ReadCOutput(path);
    }

    public static int Main(string[] args)
    {
        if (args.Contains("--quick"))
        {
            string? cOutput = OptionValue(args, "--c-output");
            if (cOutput is not null) Environment.SetEnvironmentVariable("NETGEN_C_OUTPUT", cOutput);
            return Quick.Run(Console.Out);
        }
        if (args.Contains("--report"))
            return Report.Run(args);

#if NETGEN
        if (args.Contains("--packs"))
            return PackCosts.Run(Console.Out);
        if (args.Contains("--deep"))
        {
            string[] rest = args.Where(a => a != "--deep").ToArray();
            var deep = BenchmarkSwitcher.FromTypes([typeof(Deep)]).Run(rest.Contains("--filter") ? rest : ["--filter", "*", .. rest], new SuiteConfig());
            return deep.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        }
#endif
        string[] bdnArgs = args.Length == 0 ? ["--filter", "*"] : args;
        var summaries = BenchmarkSwitcher.FromTypes([typeof(W1), typeof(W2), typeof(W3), typeof(W4), typeof(W5), typeof(W6), typeof(W6d)])
            .Run(bdnArgs, new SuiteConfig());
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    public static string? OptionValue(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

/// <summary>
/// In-process job sampled like run-c.sh: every iteration is a single invocation (one C repetition,
/// 20 us to ~150 ms depending on the cell), 201 of them per case after 5 warm-up iterations (the JIT
/// is warmed in GlobalSetup), medians over every sample (no outlier removal, as in C's). The short
/// cells of W1-W5 take more samples (their classes' [IterationCount]), so that their samples span
/// about as much time as C's 0.25 s: 201 repetitions of W3 infer last 3 ms, and one burst of other
/// work on the machine could then move the whole median (it did once: 12.7 against 7.9 ns).
/// The suite of ~47 cases takes a few minutes on 2 cores.
/// </summary>
public sealed class SuiteConfig : ManualConfig
{
    public SuiteConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(201)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithEvaluateOverhead(false)
            .WithOutlierMode(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove) // C's median keeps every sample too
            .WithId("Rep"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(JsonExporter.Full);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        // The fused minibatch call exists only on generated networks.
        AddFilter(new SimpleFilter(benchmark =>
            benchmark.Descriptor.WorkloadMethod.Name != nameof(W4.Batch32Fused) ||
            (Implementation)benchmark.Parameters["Impl"] == Implementation.NetGen));
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond).WithMaxParameterColumnWidth(20));
        WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}

/// <summary>The checksum smoke run.</summary>
public static class Quick
{
    public static int Run(System.IO.TextWriter output)
    {
        var reference = Program.CReference();
        int failures = 0;
        var watch = Stopwatch.StartNew();
        output.WriteLine("workload op             impl      checksum               C reference        rel.error  alloc B/op  status");
        foreach (string workload in Workloads.Names)
            foreach (Implementation implementation in Program.BuiltImplementations)
            {
                Runner runner;
                try { runner = Runner.Create(workload, implementation); }
                catch (Exception e)
                {
                    output.WriteLine($"{workload,-8} {"*",-14} {implementation,-9} FAILED to create: {e.Message}");
                    failures++;
                    continue;
                }
                foreach (Cell cell in Checksums.Cells.Where(c => c.Workload == workload && c.AppliesTo(implementation)))
                {
                    double expected = reference[$"{cell.Workload} {cell.ReferenceOp}"];
                    double actual;
                    long allocated;
                    try
                    {
                        actual = cell.Checksum(runner);
                        // Second repetition, warm: bytes allocated per op.
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        cell.Checksum(runner);
                        allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / cell.OpsPerRepetition;
                    }
                    catch (Exception e)
                    {
                        output.WriteLine($"{cell.Workload,-8} {cell.Op,-14} {implementation,-9} THREW {e.GetType().Name}: {e.Message}");
                        failures++;
                        continue;
                    }
                    double error = Checksums.RelativeError(actual, expected);
                    bool ok = error <= Checksums.Tolerance(cell);
                    if (!ok) failures++;
                    output.WriteLine($"{cell.Workload,-8} {cell.Op,-14} {implementation,-9} {actual,-22:R} {expected,-18:R} {error,9:E1}  {allocated,10}  {(ok ? "ok" : "CHECKSUM MISMATCH")}");
                }
            }
        output.WriteLine(failures == 0
            ? $"checksums: all agree with the C reference ({watch.Elapsed.TotalSeconds:F1} s)"
            : $"checksums: {failures} FAILED ({watch.Elapsed.TotalSeconds:F1} s)");
        return failures == 0 ? 0 : 1;
    }
}
