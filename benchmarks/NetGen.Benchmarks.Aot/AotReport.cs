using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.Benchmarks.Harness;

namespace NetGen.Benchmarks.Aot;

/// <summary>
/// Writes docs/benchmarks-aot.md from the outputs of one benchmarks/run-aot.sh run:
/// <code>
/// --report --results DIR      one VARIANT.txt per variant: the I and T lines of every round
///          --variants A,B,... the variants in column order; the first is the JIT every other is divided by
///          --builds FILE      "B  variant  publish-seconds  binary-bytes  how" lines, optional
///          --machine FILE     "key: value" lines written by run-aot.sh, optional
///          --command TEXT     the command that produced the run
///          --out FILE         the markdown file to write
/// </code>
/// Every number in the output is read from those files; nothing is typed in.
/// </summary>
public static class AotReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Issue 12's bounds on a Native AOT build's time over the JIT's, per variant and workload; null where none is set.</summary>
    public static double? Target(string variant, string workload) => (variant, workload) switch
    {
        ("aot-default", "W1" or "W2" or "W3") => 1.5,
        ("aot-default", _) => 3.0,
        ("aot-native", _) => 1.2,
        _ => null,
    };

    public static int Run(string[] args)
    {
        string Required(string name) => Program.OptionValue(args, name) ?? throw new ArgumentException($"--report needs {name}.");
        string resultsDir = Required("--results");
        string[] variants = Required("--variants").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string outPath = Required("--out");
        string? builds = Program.OptionValue(args, "--builds");
        string? machine = Program.OptionValue(args, "--machine");
        string command = Program.OptionValue(args, "--command") ?? "benchmarks/run-aot.sh";

        var medians = new Dictionary<(string Variant, string Workload, string Op), List<double>>();
        var wallMedians = new Dictionary<(string Variant, string Workload, string Op), List<double>>();
        var described = new Dictionary<string, string>();
        string clock = "?";
        foreach (string variant in variants)
        {
            foreach (string line in File.ReadLines(Path.Combine(resultsDir, variant + ".txt")))
            {
                string[] f = line.Split('\t');
                if (f.Length == 5 && f[0] == "I")
                {
                    described[variant] = $"{f[2]}, {f[3]}";
                    clock = f[4];
                }
                else if (f.Length == 10 && f[0] == "T")
                {
                    Add(medians, (variant, f[3], f[4]), double.Parse(f[5], Invariant));
                    Add(wallMedians, (variant, f[3], f[4]), double.Parse(f[8], Invariant));
                }
            }
        }
        double? Time(string variant, Cell cell) => MedianOfRounds(medians, variant, cell);
        int roundCount = medians.Values.Select(v => v.Count).DefaultIfEmpty(0).Max();
        string jit = variants[0];

        var md = new StringBuilder();
        md.AppendLine("# Benchmarks: Native AOT against the JIT");
        md.AppendLine();
        md.AppendLine("<!-- Written by benchmarks/run-aot.sh (NetGen.Benchmarks.Aot --report); do not edit by hand: rerun the script. -->");
        md.AppendLine();
        md.AppendLine("NetGen's W1-W6 networks (the declarations, data and runners of `benchmarks/NetGen.Benchmarks`) built");
        md.AppendLine("once and run as the same program under the JIT and as Native AOT binaries published with");
        md.AppendLine("different `IlcInstructionSet` values. **Not BenchmarkDotNet** (it does not run under Native AOT):");
        md.AppendLine("a runner of its own, `benchmarks/NetGen.Benchmarks.Aot`, that reads the clocks around each sample,");
        md.AppendLine("one process per binary. It samples as the suite of `docs/benchmarks.md` does: one sample = one");
        md.AppendLine("repetition of the C cell (e.g. 2000 steps), starting parameters restored untimed before each,");
        md.AppendLine("median per op, no outlier removed. Per cell: a warm-up of the thread's CPU time (JIT:");
        md.AppendLine($"{CellTimer.WarmUp.TotalMilliseconds:0} ms, for tiering and dynamic PGO; Native AOT: {CellTimer.WarmUpAot.TotalMilliseconds:0} ms), then repetitions for the sampling");
        md.AppendLine($"time below (at least {CellTimer.MinSamples}, at most {CellTimer.MaxSamples}). The binaries ran one after the other, {roundCount} round(s)");
        md.AppendLine("in turn; each time shown is the median of the rounds' medians. Before timing, every binary");
        md.AppendLine("reproduced the C reference's checksum of every cell it timed.");
        md.AppendLine();
        md.AppendLine("Times are the measuring thread's CPU time (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), which");
        md.AppendLine("leaves out the time the thread waited for a core while the machine did other work, which changes");
        md.AppendLine("from one binary's turn to the next; the wall-clock medians have a table of their own. Compare the");
        md.AppendLine("columns of this file with each other, not with `docs/benchmarks.md`, another run with another");
        md.AppendLine($"harness. Clock used in this run: {clock}.");
        md.AppendLine();
        DateTime measured = variants.Select(v => File.GetLastWriteTimeUtc(Path.Combine(resultsDir, v + ".txt"))).Max();
        md.AppendLine($"- Date: {measured.ToString("yyyy-MM-dd HH:mm", Invariant)} UTC (the last round's end)");
        md.AppendLine($"- Command: `{command}`");
        if (machine is not null)
            foreach (string line in File.ReadAllLines(machine).Where(l => l.Contains(':')))
                md.AppendLine($"- {line.Trim()}");
        foreach (string variant in variants)
            md.AppendLine($"- {Label(variant)}: {(described.TryGetValue(variant, out string? d) ? d : "no output")}");
        md.AppendLine();

        md.AppendLine("## Time per op (median ns) and ratios to the JIT");
        md.AppendLine();
        md.AppendLine("Ratio = Native AOT time / JIT time (lower is better). Target: issue 12's bound on that ratio,");
        md.AppendLine("with the default instruction set 1.5x on W1-W3 and 3x on W4-W6, with `IlcInstructionSet=native`");
        md.AppendLine("1.2x everywhere. One op = one `Train` (step), one `Predict` (infer), one minibatch of 32");
        md.AppendLine("(batch32: `ZeroGradients` + 32 `Backward` + `ApplyGradients`; batch32-fused: one `TrainBatch`),");
        md.AppendLine("or the whole 5000-epoch W1 job.");
        md.AppendLine();
        var header = new StringBuilder($"| cell | {Label(jit)} |");
        var rule = new StringBuilder("|---|---:|");
        foreach (string variant in variants.Skip(1))
        {
            header.Append($" {Label(variant)} | / JIT |");
            rule.Append("---:|---:|");
            if (HasTargets(variant))
            {
                header.Append(" target | met |");
                rule.Append("---:|:-:|");
            }
        }
        md.AppendLine(header.ToString());
        md.AppendLine(rule.ToString());
        var met = variants.ToDictionary(v => v, _ => 0);
        var missed = variants.ToDictionary(v => v, _ => 0);
        // The cells some variant timed (all of them unless the run was limited to one workload).
        Cell[] cells = Checksums.Cells.Where(c => variants.Any(v => Time(v, c) is not null)).ToArray();
        foreach (Cell cell in cells)
        {
            double? jitNs = Time(jit, cell);
            var row = new StringBuilder($"| {cell.Workload} {cell.Op} | {Ns(jitNs)} |");
            foreach (string variant in variants.Skip(1))
            {
                double? ns = Time(variant, cell);
                double? ratio = ns is double n && jitNs is double j && j > 0 ? n / j : null;
                row.Append($" {Ns(ns)} | {(ratio is double r ? r.ToString("0.00", Invariant) + "x" : "-")} |");
                if (!HasTargets(variant)) continue;
                double? target = Target(variant, cell.Workload);
                string verdict = "";
                if (target is double t && ratio is double q)
                {
                    bool ok = q <= t;
                    verdict = ok ? "yes" : "**no**";
                    if (ok) met[variant]++; else missed[variant]++;
                }
                row.Append($" {(target is double bound ? $"<= {bound.ToString("0.0", Invariant)}x" : "")} | {verdict} |");
            }
            md.AppendLine(row.ToString());
        }
        md.AppendLine();
        foreach (string variant in variants.Where(v => met[v] + missed[v] > 0))
            md.AppendLine($"{Label(variant)}: targets met {met[variant]} of {met[variant] + missed[variant]}.");
        md.AppendLine();

        md.AppendLine("## Wall-clock medians");
        md.AppendLine();
        md.AppendLine("The same samples read on the wall clock (they include any time the thread was not running).");
        md.AppendLine();
        md.AppendLine("| cell | " + string.Join(" | ", variants.Select(Label)) + " |");
        md.AppendLine("|---|" + string.Concat(variants.Select(_ => "---:|")));
        foreach (Cell cell in cells)
            md.AppendLine($"| {cell.Workload} {cell.Op} | " + string.Join(" | ", variants.Select(v => Ns(MedianOfRounds(wallMedians, v, cell)))) + " |");
        md.AppendLine();

        if (builds is not null && File.Exists(builds))
        {
            md.AppendLine("## What each build costs");
            md.AppendLine();
            md.AppendLine("Wall time of the `dotnet build` or `dotnet publish` that made the binary (restore and the managed");
            md.AppendLine("build included, on the machine above while it did other work too, so a rough guide) and the size");
            md.AppendLine("of what runs.");
            md.AppendLine();
            md.AppendLine("| build | properties | build time | size |");
            md.AppendLine("|---|---|---:|---:|");
            foreach (string line in File.ReadLines(builds))
            {
                string[] f = line.Split('\t');
                if (f.Length != 5 || f[0] != "B") continue;
                double megabytes = long.Parse(f[3], Invariant) / (1024.0 * 1024.0);
                md.AppendLine($"| {Label(f[1])} | {f[4]} | {double.Parse(f[2], Invariant).ToString("0", Invariant)} s | {megabytes.ToString("0.0", Invariant)} MB |");
            }
            md.AppendLine();
        }

        md.AppendLine("## How to reproduce");
        md.AppendLine();
        md.AppendLine("```sh");
        md.AppendLine("benchmarks/run-aot.sh                           # JIT + three Native AOT builds, 3 rounds, this file");
        md.AppendLine("benchmarks/run-aot.sh --rounds 1 --filter W6    # one round of one workload");
        md.AppendLine("benchmarks/run-aot.sh --seconds 2 --out FILE    # longer sampling, report elsewhere");
        md.AppendLine("```");
        File.WriteAllText(outPath, md.ToString());
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    private static void Add(Dictionary<(string, string, string), List<double>> values, (string, string, string) key, double value)
    {
        if (!values.TryGetValue(key, out var list)) values[key] = list = [];
        list.Add(value);
    }

    private static double? MedianOfRounds(Dictionary<(string, string, string), List<double>> values, string variant, Cell cell)
    {
        if (!values.TryGetValue((variant, cell.Workload, cell.Op), out var rounds)) return null;
        rounds.Sort();
        return CellTimer.Median(rounds);
    }

    private static bool HasTargets(string variant) => Checksums.Cells.Any(c => Target(variant, c.Workload) is not null);

    /// <summary>Column name of a variant: "jit", or "aot-" and the IlcInstructionSet it was published with.</summary>
    private static string Label(string variant) =>
        variant == "jit" ? "JIT" : variant.StartsWith("aot-", StringComparison.Ordinal) ? $"AOT {variant["aot-".Length..]}" : variant;

    private static string Ns(double? value) => value is double ns ? TimeFormat.Ns(ns) : "-";
}
