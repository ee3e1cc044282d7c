using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;

namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>One input that broke a promise: which target, which case, what went wrong.</summary>
internal sealed record FuzzFailure(string Target, int Case, string Problem, byte[] Input)
{
    public override string ToString() =>
        $"{Target}, case {Case}: {Problem}\n  input ({Input.Length} bytes): {Preview(Input)}";

    private static string Preview(byte[] input)
    {
        const int Shown = 160;
        string hex = Convert.ToHexString(input, 0, Math.Min(Shown, input.Length));
        return input.Length > Shown ? hex + "..." : hex;
    }
}

/// <summary>What a fuzz run did: how many cases per target and every failure found (up to a cap).</summary>
internal sealed class FuzzReport(int seed, int maxFailures)
{

    public int Seed { get; } = seed;

    public List<FuzzFailure> Failures { get; } = [];

    public Dictionary<string, int> CasesPerTarget { get; } = [];

    /// <summary>Cases that ended in a successful load, per target (a fuzzer that only ever sees rejections tests little).</summary>
    public Dictionary<string, int> LoadsPerTarget { get; } = [];

    public bool IsFull => Failures.Count >= maxFailures;

    public override string ToString() =>
        $"seed {Seed}; cases {string.Join(", ", CasesPerTarget)}; loads {string.Join(", ", LoadsPerTarget)}; {Failures.Count} failure(s)\n"
        + string.Join("\n", Failures);
}

/// <summary>
/// Feeds mutated copies of valid inputs to each <see cref="FuzzTarget"/> and checks every outcome:
/// a correct load, or the documented exception with the network bit for bit unchanged, within an
/// allocation bound and a time bound per case. Each case runs on a pool thread so a loader that
/// hangs is reported rather than hanging the test run.
/// </summary>
internal static class RuntimeFuzzer
{
    /// <summary>Longest a single case may take, generous for a machine shared by many builds; a loader that loops forever trips it.</summary>
    public static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(5);

    /// <summary>Seed from <c>NETGEN_RUNTIME_FUZZ_SEED</c>, or the fixed one CI uses.</summary>
    public static int SeedFromEnvironment() => IntFromEnvironment("NETGEN_RUNTIME_FUZZ_SEED", 20261130);

    /// <summary>Cases per target from <c>NETGEN_RUNTIME_FUZZ_CASES</c>, or CI's default.</summary>
    public static int CasesFromEnvironment() => IntFromEnvironment("NETGEN_RUNTIME_FUZZ_CASES", 3000);

    /// <summary>Runs <paramref name="casesPerTarget"/> cases on each target, stopping once <paramref name="maxFailures"/> failures are found.</summary>
    public static FuzzReport Run(IReadOnlyList<FuzzTarget> targets, int seed, int casesPerTarget, int maxFailures = 10)
    {
        var report = new FuzzReport(seed, maxFailures);
        for (int t = 0; t < targets.Count && !report.IsFull; t++)
        {
            FuzzTarget target = targets[t];
            // Each target its own stream, so adding a target does not change the cases of the others.
            var random = new Random(unchecked(seed * 486187739 + StableHash(target.Name)));
            report.CasesPerTarget[target.Name] = 0;
            report.LoadsPerTarget[target.Name] = 0;
            for (int i = 0; i < casesPerTarget && !report.IsFull; i++)
            {
                FuzzCase valid = target.MakeValid(random);
                byte[] input = Mutator.Mutate(random, valid.Bytes, target.IsText);
                report.CasesPerTarget[target.Name]++;
                CaseOutcome outcome = RunOne(target, valid, input);
                if (outcome.Loaded)
                    report.LoadsPerTarget[target.Name]++;
                if (outcome.Problem is not null)
                    report.Failures.Add(new FuzzFailure(target.Name, i, outcome.Problem, input));
            }
        }
        return report;
    }

    private readonly record struct CaseOutcome(bool Loaded, string? Problem);

    private static CaseOutcome RunOne(FuzzTarget target, FuzzCase valid, byte[] input)
    {
        Task<CaseOutcome> task = Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            long before = GC.GetAllocatedBytesForCurrentThread();
            FuzzResult result = target.Load(valid, input);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            clock.Stop();

            var problems = new List<string>();
            if (result.Problem is not null)
                problems.Add(result.Problem);
            long limit = target.AllocationLimit(valid, input.Length);
            if (allocated > limit)
            {
                // The first load of a kind can also count the runtime's one-off work on this thread (type loading, static
                // initialisers: 108 KB once in CI for a 62-byte state_dict). Loading the same input again tells the two
                // apart: an allocation the input causes happens again, one-off work does not.
                long again = GC.GetAllocatedBytesForCurrentThread();
                target.Load(valid, input);
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - again);
            }
            if (allocated > limit)
                problems.Add($"allocated {allocated} bytes for a {input.Length}-byte input; the bound is {limit}");
            if (clock.Elapsed > CaseTimeLimit)
                problems.Add($"took {clock.Elapsed.TotalSeconds:F1} s; the bound is {CaseTimeLimit.TotalSeconds} s");
            return new CaseOutcome(result.Loaded, problems.Count == 0 ? null : string.Join("; ", problems));
        });
        if (!task.Wait(CaseTimeLimit * 4))
            return new CaseOutcome(false, $"did not finish within {(CaseTimeLimit * 4).TotalSeconds} s (a hang?)");
        return task.Result;
    }

    private static int IntFromEnvironment(string name, int fallback)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(text) ? fallback : int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static int StableHash(string text)
    {
        // string.GetHashCode and HashCode.Combine differ per process; the cases of a seed must not.
        int hash = 17;
        foreach (char c in text)
            hash = unchecked(hash * 31 + c);
        return hash;
    }
}

/// <summary>Small random edits of a valid input: the kinds of damage a disk, a network copy or a careless hand does.</summary>
internal static class Mutator
{
    // Values that sit on the edges of the fields' ranges.
    private static readonly int[] InterestingInts = [0, 1, -1, 2, 3, 255, 256, 4095, 4096, 4097, 65535, 1 << 20, 1 << 30, int.MaxValue, int.MinValue, 29999999];

    // Text that the text formats' readers must handle: escapes, numbers at the edges, structure.
    private static readonly string[] InterestingText =
    [
        "\\ud800", "\\udc00", "\\u0000", "\"", "\\", ",", "\n", "\r\n", "{", "}", "[", "]", "[[", "]]", ":", "NaN", "Infinity", "-",
        "1e309", "-1e309", "1e-400", "2147483647", "2147483648", "-2147483648", "1073741824", "29999999", "999", "1000", "1.5", "0.0",
        "00", "-0", "1e3", "\"\"", "null", "true", "NA", "?", " ", "\t", "//", "/*", "\uFEFF", "\u00e9", "0.weight", "0.bias", "weight", "bias",
    ];

    /// <summary>A copy of <paramref name="valid"/> with 0 to 4 edits (0 now and then, so the accepting path is exercised too).</summary>
    public static byte[] Mutate(Random random, byte[] valid, bool isText)
    {
        var bytes = new List<byte>(valid);
        int edits = random.Next(20) == 0 ? 0 : 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int position = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(isText ? 11 : 8))
            {
                case 0 when bytes.Count > 0:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[position] = (byte)(random.Next(4) switch { 0 => 0, 1 => 0xFF, 2 => 0x7F, _ => random.Next(256) });
                    break;
                case 2:
                    bytes.InsertRange(position, RandomBytes(random, 1 + random.Next(8)));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(position, Math.Min(bytes.Count - position, 1 + random.Next(16)));
                    break;
                case 4:
                    int kept = random.Next(bytes.Count + 1); // truncation, as by an interrupted copy
                    bytes.RemoveRange(kept, bytes.Count - kept);
                    break;
                case 5 when bytes.Count > 4:
                    byte[] value = BitConverter.GetBytes(InterestingInts[random.Next(InterestingInts.Length)]);
                    int at = random.Next(bytes.Count - 3);
                    for (int i = 0; i < 4; i++)
                        bytes[at + i] = value[i];
                    break;
                case 6 when bytes.Count > 0:
                    int start = random.Next(bytes.Count);
                    int length = Math.Min(bytes.Count - start, 1 + random.Next(32));
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(start, length));
                    break;
                case 7:
                    int repeat = 1 + random.Next(3);
                    for (int i = 0; i < repeat; i++)
                        bytes.InsertRange(position, System.Text.Encoding.UTF8.GetBytes(InterestingText[random.Next(InterestingText.Length)]));
                    break;
                case >= 8: // text only, and the likeliest edit there: numbers carry the sizes and labels
                    ReplaceToken(random, bytes);
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>Replaces one run of digits (a number, an index, a size), chosen uniformly among them, with an interesting number or token.</summary>
    private static void ReplaceToken(Random random, List<byte> bytes)
    {
        var starts = new List<int>();
        for (int i = 0; i < bytes.Count; i++)
            if (char.IsAsciiDigit((char)bytes[i]) && (i == 0 || !IsNumberByte(bytes[i - 1])))
                starts.Add(i);
        if (starts.Count == 0)
            return;
        int start = starts[random.Next(starts.Count)];
        int end = start;
        while (end < bytes.Count && IsNumberByte(bytes[end]))
            end++;
        string replacement = random.Next(3) != 0
            ? InterestingInts[random.Next(InterestingInts.Length)].ToString(CultureInfo.InvariantCulture)
            : InterestingText[random.Next(InterestingText.Length)];
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, System.Text.Encoding.UTF8.GetBytes(replacement));
    }

    private static bool IsNumberByte(byte b) => char.IsAsciiDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'e' or (byte)'E' or (byte)'+';

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
