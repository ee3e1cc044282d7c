using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// Writes docs/benchmarks.md from the outputs of one benchmarks/run.sh run:
/// <code>
/// --report --results DIR        BenchmarkDotNet results folder (newest *-report-full.json is read)
///          --c-output FILE      run-c.sh output (R and K lines)
///          --quick-output FILE  this program's --quick output (checksums, exact allocations)
///          --generator FILE     NetGen.GeneratorStats output (G lines), optional
///          --machine FILE       "key: value" lines written by run.sh, optional
///          --notes FILE         hand-written markdown appended verbatim, optional
///          --command TEXT       the command that produced the run
///          --out FILE           the markdown file to write
/// </code>
/// Every number in the output is read from those files; nothing is typed in.
/// </summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Issue 4's targets: largest acceptable NetGen / C ratio (medians) per cell.</summary>
    private static double? Target(string workload, string op) => (workload, op) switch
    {
        ("W1" or "W2" or "W3", _) => 1.3,
        ("W4" or "W6" or "W6d", "step" or "infer") => 1.5,
        ("W4" or "W6" or "W6d", "batch32" or "batch32-fused") => 2.0,
        ("W5", _) => 1.0,
        _ => null,
    };

    private sealed record Measured(double MedianNs, double MinNs, double MaxNs, long? AllocatedBytes);

    public static int Run(string[] args)
    {
        string Required(string name) => Program.OptionValue(args, name) ?? throw new ArgumentException($"--report needs {name}.");
        string resultsDir = Required("--results");
        string cOutput = Required("--c-output");
        string quickOutput = Required("--quick-output");
        string outPath = Required("--out");
        string? generator = Program.OptionValue(args, "--generator");
        string? machine = Program.OptionValue(args, "--machine");
        string? notes = Program.OptionValue(args, "--notes");
        string command = Program.OptionValue(args, "--command") ?? "benchmarks/run.sh";

        string json = Directory.GetFiles(resultsDir, "*-report-full.json").OrderBy(File.GetLastWriteTimeUtc).LastOrDefault()
            ?? throw new FileNotFoundException($"No *-report-full.json in {resultsDir}.");
        var dotnet = ReadBenchmarkDotNet(json, out string hostSummary);
        var c = ReadC(cOutput);
        var checksumLines = File.ReadAllLines(quickOutput);

        var md = new StringBuilder();
        md.AppendLine("# Benchmarks");
        md.AppendLine();
        md.AppendLine("<!-- Written by benchmarks/run.sh (NetGen.Benchmarks --report); do not edit by hand: rerun the script. -->");
        md.AppendLine();
        md.AppendLine("NetGen's generated networks against the hand-written C reference (`benchmarks/c-reference`, gcc");
        md.AppendLine("-O3 -march=native) and two C# baselines a user would write: **Flat** (careful flat arrays, runtime");
        md.AppendLine("sizes, no allocation, scalar loops) and **Jagged** (the tutorials ported line by line, `T[][]`");
        md.AppendLine("weights, allocating arrays per call). All run the workloads W1-W6 of");
        md.AppendLine("`benchmarks/c-reference/README.md` with the same weights, biases, inputs and op order; the");
        md.AppendLine("checksums below prove it. C and .NET ran in the same `run.sh` invocation, one after the other.");
        md.AppendLine();
        md.AppendLine($"- Date: {File.GetLastWriteTimeUtc(json).ToString("yyyy-MM-dd HH:mm", Invariant)} UTC");
        md.AppendLine($"- Command: `{command}`");
        if (machine is not null)
            foreach (string line in File.ReadAllLines(machine).Where(l => l.Contains(':')))
                md.AppendLine($"- {line.Trim()}");
        md.AppendLine($"- BenchmarkDotNet host: {hostSummary}");
        md.AppendLine($"- Sampling: one sample = one repetition of the C cell (e.g. 2000 steps), starting parameters restored untimed before each, median over the samples. C: `run-c.sh 0.25`, repetitions filling 0.25 s (at least 11); .NET: BenchmarkDotNet in-process, JIT warmed >= {WorkloadBenchmarks.WarmUpPerOp.TotalMilliseconds:0} ms per op, 5 warm-up + 2001 (W1-W3), 601 (W4, W5) or 201 (W6) measured repetitions, none removed as outliers.");
        md.AppendLine();

        md.AppendLine("## Time per op (median ns) and ratios");
        md.AppendLine();
        md.AppendLine("Ratio = time / C time (lower is better; 1.00x = C's speed). Speed-up = baseline time / NetGen time.");
        md.AppendLine("Target: issue 4's bound on NetGen / C. One op = one `Train` (step), one `Predict` (infer),");
        md.AppendLine("one minibatch of 32 (batch32: `ZeroGradients` + 32 `Backward` + `ApplyGradients(lr / 32)`;");
        md.AppendLine("batch32-fused: one `TrainBatch`), or the whole 5000-epoch W1 job.");
        md.AppendLine();
        md.AppendLine("| cell | C | NetGen | NetGen / C | target | met | Flat | Flat / C | Jagged | Jagged / C | speed-up vs Flat | vs Jagged |");
        md.AppendLine("|---|---:|---:|---:|---:|:-:|---:|---:|---:|---:|---:|---:|");
        int targetsMet = 0, targetsMissed = 0;
        foreach (Cell cell in Checksums.Cells)
        {
            c.TryGetValue((cell.Workload, cell.ReferenceOp), out double cNs);
            Measured? netgen = Get(dotnet, cell, Implementation.NetGen);
            Measured? flat = cell.AppliesTo(Implementation.Flat) ? Get(dotnet, cell, Implementation.Flat) : null;
            Measured? jagged = cell.AppliesTo(Implementation.Jagged) ? Get(dotnet, cell, Implementation.Jagged) : null;
            double? target = Target(cell.Workload, cell.ReferenceOp);
            string met = "";
            if (netgen is not null && cNs > 0 && target is double t)
            {
                bool ok = netgen.MedianNs / cNs <= t;
                met = ok ? "yes" : "**no**";
                if (ok) targetsMet++; else targetsMissed++;
            }
            md.AppendLine(string.Join(" | ",
                $"| {cell.Workload} {cell.Op}",
                cNs > 0 ? Ns(cNs) : "-",
                netgen is null ? "-" : Ns(netgen.MedianNs),
                Ratio(netgen?.MedianNs, cNs),
                target is null ? "" : $"<= {target.Value.ToString("0.0", Invariant)}x",
                met,
                flat is null ? "" : Ns(flat.MedianNs),
                Ratio(flat?.MedianNs, cNs),
                jagged is null ? "" : Ns(jagged.MedianNs),
                Ratio(jagged?.MedianNs, cNs),
                SpeedUp(flat?.MedianNs, netgen?.MedianNs),
                SpeedUp(jagged?.MedianNs, netgen?.MedianNs)) + " |");
        }
        md.AppendLine();
        md.AppendLine($"Targets met: {targetsMet} of {targetsMet + targetsMissed}.");
        md.AppendLine();
        foreach (var workload in new[] { Workloads.W6(), Workloads.W6Dense() })
        {
            var (mean, min, max) = Workloads.ActiveFirstLayerUnits(workload);
            md.AppendLine(FormattableString.Invariant($"{workload.Name}: {mean:0.0} of its 128 hidden ReLUs active per sample on average ({min}-{max}) at the starting weights; ") +
                (workload.Name == "W6" ? "inputs xdata in [0, 1)." : "inputs xdata - 0.5 (centred, c-reference/c/w6_dense.c): dense activity, as on real images."));
        }
        md.AppendLine();

        md.AppendLine("## Spread (min - max ns per op)");
        md.AppendLine();
        md.AppendLine("| cell | C | NetGen | Flat | Jagged |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        var cSpread = ReadCSpread(cOutput);
        foreach (Cell cell in Checksums.Cells)
        {
            string Range(Measured? m) => m is null ? "" : $"{Ns(m.MinNs)} - {Ns(m.MaxNs)}";
            cSpread.TryGetValue((cell.Workload, cell.ReferenceOp), out var cs);
            md.AppendLine($"| {cell.Workload} {cell.Op} | {(cs == default ? "-" : $"{Ns(cs.Min)} - {Ns(cs.Max)}")} | {Range(Get(dotnet, cell, Implementation.NetGen))} | " +
                $"{(cell.AppliesTo(Implementation.Flat) ? Range(Get(dotnet, cell, Implementation.Flat)) : "")} | " +
                $"{(cell.AppliesTo(Implementation.Jagged) ? Range(Get(dotnet, cell, Implementation.Jagged)) : "")} |");
        }
        md.AppendLine();

        md.AppendLine("## Allocated bytes per op");
        md.AppendLine();
        md.AppendLine("First number: BenchmarkDotNet's MemoryDiagnoser (process-wide, so it can include a few bytes of");
        md.AppendLine("runtime background work such as tiered JIT). In brackets: the exact count on the calling thread");
        md.AppendLine("(`GC.GetAllocatedBytesForCurrentThread` around a warm repetition, from `--quick`).");
        md.AppendLine();
        md.AppendLine("| cell | NetGen | Flat | Jagged |");
        md.AppendLine("|---|---:|---:|---:|");
        var quick = ParseQuick(checksumLines);
        foreach (Cell cell in Checksums.Cells)
        {
            string Alloc(Implementation impl)
            {
                if (!cell.AppliesTo(impl)) return "";
                Measured? m = Get(dotnet, cell, impl);
                string exact = quick.TryGetValue((cell.Workload, cell.Op, impl.ToString()), out var q) ? $" ({q.Allocated})" : "";
                return (m?.AllocatedBytes?.ToString(Invariant) ?? "-") + exact;
            }
            md.AppendLine($"| {cell.Workload} {cell.Op} | {Alloc(Implementation.NetGen)} | {Alloc(Implementation.Flat)} | {Alloc(Implementation.Jagged)} |");
        }
        md.AppendLine();

        md.AppendLine("## Checksums");
        md.AppendLine();
        md.AppendLine("Sum of all parameters after one repetition of the op (step, batch32), sum of output[0] over the");
        md.AppendLine("repetition (infer), o0 + 10 o1 + 100 o2 after the job: C's `K` lines. Allowed relative error");
        md.AppendLine("|x - C| / max(1, |C|): 1e-8 in double, 1e-4 in single (C prints 10 digits; gcc fuses");
        md.AppendLine("multiply-adds and sums wide layers in vector lanes).");
        md.AppendLine();
        md.AppendLine("| cell | C | NetGen | Flat | Jagged | largest rel. error | agree |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|:-:|");
        var cChecks = Checksums.ReadCOutput(cOutput);
        foreach (Cell cell in Checksums.Cells)
        {
            double worst = 0;
            bool all = true;
            string Value(Implementation impl)
            {
                if (!cell.AppliesTo(impl)) return "";
                if (!quick.TryGetValue((cell.Workload, cell.Op, impl.ToString()), out var q)) return "-";
                worst = Math.Max(worst, q.Error);
                all &= q.Ok;
                return q.Value;
            }
            string row = $"| {cell.Workload} {cell.Op} | {(cChecks.TryGetValue($"{cell.Workload} {cell.ReferenceOp}", out double cv) ? cv.ToString("R", Invariant) : "-")} | " +
                $"{Value(Implementation.NetGen)} | {Value(Implementation.Flat)} | {Value(Implementation.Jagged)} | ";
            md.AppendLine(row + $"{worst.ToString("0.0E+0", Invariant)} | {(all ? "yes" : "**NO**")} |");
        }
        md.AppendLine();

        if (generator is not null && File.Exists(generator))
        {
            md.AppendLine("## Generated code");
            md.AppendLine();
            md.AppendLine("Measured by `benchmarks/NetGen.GeneratorStats`: each declaration alone in a fresh compilation, the");
            md.AppendLine("generator's own time from Roslyn's `GeneratorDriver.GetTimingInfo()` (first run after the");
            md.AppendLine("generator is loaded and jitted, then the median of 15 more fresh runs).");
            md.AppendLine();
            md.AppendLine("| workload | declaration | generated source | lines | generator, first run | generator, median |");
            md.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (string line in File.ReadLines(generator))
            {
                string[] f = line.Split('\t');
                if (f.Length != 7 || f[0] != "G") continue;
                long bytes = long.Parse(f[3], Invariant);
                md.AppendLine($"| {f[1]} | `{f[2]}` | {(bytes / 1024.0).ToString("0.0", Invariant)} KB | {f[4]} | {f[5]} ms | {f[6]} ms |");
            }
            md.AppendLine();
            if (machine is not null)
                foreach (string line in File.ReadAllLines(machine).Where(l => l.StartsWith("build:", StringComparison.Ordinal)))
                    md.AppendLine(line["build:".Length..].Trim());
            md.AppendLine();
        }

        md.AppendLine("## How to reproduce");
        md.AppendLine();
        md.AppendLine("```sh");
        md.AppendLine("benchmarks/run.sh                 # C reference + checksums + full suite + this file (~10 min on 2 cores)");
        md.AppendLine("benchmarks/run.sh --quick         # checksums only, a few seconds (CI)");
        md.AppendLine("dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- --filter '*W4*'   # one workload");
        md.AppendLine("benchmarks/run-aot.sh             # the AOT column: JIT against Native AOT builds, writes docs/benchmarks-aot.md");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("The AOT column, the same networks under the JIT and as Native AOT binaries published with the");
        md.AppendLine("default instruction set, `x86-64-v3` and `native`, timed in one run by a Stopwatch runner (not");
        md.AppendLine("BenchmarkDotNet, which does not run under Native AOT), is in [benchmarks-aot.md](benchmarks-aot.md).");
        md.AppendLine();

        if (notes is not null && File.Exists(notes))
        {
            md.AppendLine(File.ReadAllText(notes).TrimEnd());
            md.AppendLine();
        }

        File.WriteAllText(outPath, md.ToString());
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    private static Measured? Get(Dictionary<(string, string, string), Measured> dotnet, Cell cell, Implementation implementation) =>
        dotnet.TryGetValue((cell.Workload, cell.Op, implementation.ToString()), out var m) ? m : null;

    private static Dictionary<(string Workload, string Op, string Impl), Measured> ReadBenchmarkDotNet(string path, out string host)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var h = root.GetProperty("HostEnvironmentInfo");
        host = $"BenchmarkDotNet {h.GetProperty("BenchmarkDotNetVersion").GetString()}, {h.GetProperty("RuntimeVersion").GetString()}, " +
               $"SDK {h.GetProperty("DotNetCliVersion").GetString()}, {h.GetProperty("OsVersion").GetString()}";
        var results = new Dictionary<(string, string, string), Measured>();
        foreach (var b in root.GetProperty("Benchmarks").EnumerateArray())
        {
            if (!b.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object) continue;
            string impl = b.GetProperty("Parameters").GetString()!.Replace("Impl=", "", StringComparison.Ordinal);
            long? allocated = b.TryGetProperty("Memory", out var mem) && mem.ValueKind == JsonValueKind.Object
                ? mem.GetProperty("BytesAllocatedPerOperation").GetInt64() : null;
            results[(b.GetProperty("Type").GetString()!, OpNames.FromMethod(b.GetProperty("Method").GetString()!), impl)] =
                new Measured(stats.GetProperty("Median").GetDouble(), stats.GetProperty("Min").GetDouble(), stats.GetProperty("Max").GetDouble(), allocated);
        }
        return results;
    }

    // R lines: "R  c  WL  OP  median_ns  min_ns  max_ns  reps  nops"
    private static Dictionary<(string, string), double> ReadC(string path) =>
        ReadCSpread(path).ToDictionary(kv => kv.Key, kv => kv.Value.Median);

    private static Dictionary<(string, string), (double Median, double Min, double Max)> ReadCSpread(string path)
    {
        var values = new Dictionary<(string, string), (double, double, double)>();
        foreach (string line in File.ReadLines(path))
        {
            string[] f = line.Split('\t');
            if (f.Length == 9 && f[0] == "R")
                values[(f[2], f[3])] = (double.Parse(f[4], Invariant), double.Parse(f[5], Invariant), double.Parse(f[6], Invariant));
        }
        return values;
    }

    private sealed record QuickLine(string Value, double Error, long Allocated, bool Ok);

    // Lines of Quick.Run: "W1  step  NetGen  checksum  C  rel.error  alloc  ok"
    private static Dictionary<(string, string, string), QuickLine> ParseQuick(string[] lines)
    {
        var values = new Dictionary<(string, string, string), QuickLine>();
        foreach (string line in lines)
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || !f[0].StartsWith('W') || !double.TryParse(f[3], Invariant, out double value)) continue;
            values[(f[0], f[1], f[2])] = new QuickLine(
                value.ToString("G10", Invariant), double.Parse(f[5], Invariant), long.Parse(f[6], Invariant), f[7] == "ok");
        }
        return values;
    }

    private static string Ns(double ns) => TimeFormat.Ns(ns);

    private static string Ratio(double? value, double reference) =>
        value is double v && reference > 0 ? $"{(v / reference).ToString("0.00", Invariant)}x" : "";

    private static string SpeedUp(double? baseline, double? netgen) =>
        baseline is double b && netgen is double n && n > 0 ? $"{(b / n).ToString("0.0", Invariant)}x" : "";
}
