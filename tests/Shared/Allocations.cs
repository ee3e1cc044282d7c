using System;

namespace NetGen.TestSupport;

/// <summary>What the calling thread allocates, measured so that the runtime's accounting cannot fail a test on its own.</summary>
/// <remarks>
/// <para>
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts what this thread allocated, plus now and then the unused
/// rest of its allocation context (up to one 8 KB allocation quantum) when a background collection, started by
/// another thread, runs during the measurement. A thread that allocated nothing read 4,208 to 8,176 bytes in about one
/// window of 8 us in 3,000 while two other threads allocated and collected; the test classes that xUnit runs in
/// parallel are such threads (CI read 8,200 bytes for one Fit epoch and 6,568 for twenty dropout steps, and neither
/// repeated).
/// </para>
/// <para>
/// An allocation the code makes happens in every run; the accounting's extra does not. So the fewest bytes of a few
/// runs are what the code allocates, and a test can still assert an exact count.
/// </para>
/// </remarks>
internal static class Allocations
{
    /// <summary>The fewest bytes the calling thread allocated in one of <paramref name="runs"/> runs of <paramref name="action"/>.</summary>
    public static long Fewest(Action action, int runs = 3)
    {
        long fewest = long.MaxValue;
        for (int run = 0; run < runs; run++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    /// <summary>
    /// The fewest bytes allocated between two consecutive readings of <paramref name="readings"/> (taken with
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, e.g. at the end of each epoch), from the
    /// <paramref name="first"/>-th on.
    /// </summary>
    public static long FewestBetween(System.Collections.Generic.IReadOnlyList<long> readings, int first = 0)
    {
        if (readings.Count < first + 2)
            throw new ArgumentException($"{readings.Count} readings give no interval from reading {first} on.", nameof(readings));
        long fewest = long.MaxValue;
        for (int i = first + 1; i < readings.Count; i++)
            fewest = Math.Min(fewest, readings[i] - readings[i - 1]);
        return fewest;
    }
}
