using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetGen.Benchmarks.Harness;

/// <summary>One (workload, op) cell of the benchmark table, with peers_c.c's op count per repetition.</summary>
public sealed record Cell(string Workload, string Op, int OpsPerRepetition, bool Double)
{
    /// <summary>The op whose C checksum this cell is compared with (the fused minibatch does C's batch32 arithmetic).</summary>
    public string ReferenceOp => Op == "batch32-fused" ? "batch32" : Op;

    /// <summary>Only the generated networks have a fused minibatch call.</summary>
    public bool AppliesTo(Implementation implementation) => Op != "batch32-fused" || implementation == Implementation.NetGen;

    /// <summary>Runs one repetition from the starting parameters and returns the cell's checksum, as peers_c.c does after its timed runs.</summary>
    public double Checksum(Runner runner)
    {
        runner.Reset();
        double result = Run(runner);
        return Op is "infer" or "job" ? result : runner.ParameterSum();
    }

    /// <summary>
    /// One repetition of the op from the runner's current parameters, nothing else (what a timer around
    /// it measures). Returns the op's own checksum for infer and job, 0 for the training ops, whose
    /// checksum is the parameter sum afterwards.
    /// </summary>
    public double Run(Runner runner)
    {
        switch (Op)
        {
            case "step": runner.Steps(); return 0;
            case "infer": return runner.Infers();
            case "job": return runner.Job();
            case "batch32": runner.Batches(); return 0;
            case "batch32-fused": runner.FusedBatches(); return 0;
            default: throw new InvalidOperationException($"Unknown op '{Op}'.");
        }
    }
}

/// <summary>
/// The C reference's checksums (the <c>K</c> lines of benchmarks/c-reference/run-c.sh) and the comparison
/// every C# implementation must pass before it is timed.
/// </summary>
public static class Checksums
{
    /// <summary>Every cell, in table order.</summary>
    public static readonly Cell[] Cells =
    [
        new("W1", "step", 2000, true), new("W1", "infer", 2000, true), new("W1", "job", 1, true),
        new("W2", "step", 2000, true), new("W2", "infer", 2000, true),
        new("W3", "step", 2000, true), new("W3", "infer", 2000, true),
        new("W4", "step", 1000, false), new("W4", "infer", 1000, false), new("W4", "batch32", 50, false), new("W4", "batch32-fused", 50, false),
        new("W5", "step", 1000, false), new("W5", "infer", 1000, false),
        new("W6", "step", 100, false), new("W6", "infer", 100, false), new("W6", "batch32", 10, false), new("W6", "batch32-fused", 10, false),
        new("W6d", "step", 100, false), new("W6d", "infer", 100, false), new("W6d", "batch32", 10, false), new("W6d", "batch32-fused", 10, false),
    ];

    /// <summary>
    /// K lines printed by peers_c.c (gcc 12.2 -O3 -march=native, AMD EPYC Zen 5), so that <c>--quick</c>
    /// needs no C compiler. run.sh compares against a fresh C run as well (<c>--c-output</c>).
    /// </summary>
    public static readonly Dictionary<string, double> Recorded = new()
    {
        ["W1 step"] = 1.52948761, ["W1 infer"] = 1141.213434, ["W1 job"] = 14.20180379,
        ["W2 step"] = -3.237148688, ["W2 infer"] = 1002.759749,
        ["W3 step"] = -0.9740266878, ["W3 infer"] = 1062.390801,
        ["W4 step"] = 5.142311468, ["W4 infer"] = 100.3240486, ["W4 batch32"] = -3.725749391,
        ["W5 step"] = -0.6062579936, ["W5 infer"] = -33.32933599,
        ["W6 step"] = -41.09137684, ["W6 infer"] = 9.800271802, ["W6 batch32"] = -37.96059261,
        ["W6d step"] = -38.2642769, ["W6d infer"] = 9.852914527, ["W6d batch32"] = -38.2007541, // c/w6_dense.c
    };

    /// <summary>
    /// Allowed |ours - C| / max(1, |C|). C prints 10 significant digits and gcc contracts a * b + c into
    /// FMAs and reorders wide sums into vector lanes, so the last bits differ; a port doing different
    /// arithmetic (another layout, a missing bias, a wrong sample order) misses by orders of magnitude more.
    /// </summary>
    public static double Tolerance(Cell cell) => cell.Double ? 1e-8 : 1e-4;

    /// <summary>Reads the K lines of a run-c.sh output ("K  c  W1  step  1.529").</summary>
    public static Dictionary<string, double> ReadCOutput(string path)
    {
        var values = new Dictionary<string, double>();
        foreach (string line in File.ReadLines(path))
        {
            string[] fields = line.Split('\t');
            if (fields.Length == 5 && fields[0] == "K")
                values[$"{fields[2]} {fields[3]}"] = double.Parse(fields[4], CultureInfo.InvariantCulture);
        }
        return values;
    }

    public static double RelativeError(double actual, double expected) =>
        Math.Abs(actual - expected) / Math.Max(1, Math.Abs(expected));

    /// <summary>Throws when <paramref name="runner"/> does not reproduce C's checksum for <paramref name="cell"/>.</summary>
    public static void Verify(Cell cell, Runner runner, Implementation implementation, IReadOnlyDictionary<string, double>? reference = null)
    {
        reference ??= Recorded;
        double expected = reference[$"{cell.Workload} {cell.ReferenceOp}"];
        double actual = cell.Checksum(runner);
        double error = RelativeError(actual, expected);
        if (!(error <= Tolerance(cell)))
            throw new InvalidOperationException(
                $"CHECKSUM MISMATCH: {implementation} {cell.Workload} {cell.Op} = {actual:R}, C = {expected:R} " +
                $"(relative error {error:E2} > {Tolerance(cell):E0}). This port does not do the C reference's arithmetic.");
    }
}
