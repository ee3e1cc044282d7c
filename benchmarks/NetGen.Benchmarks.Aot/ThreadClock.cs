using System;
using System.Runtime.InteropServices;

namespace NetGen.Benchmarks.Aot;

/// <summary>
/// The CPU time the calling thread has used, in nanoseconds (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>).
/// On a machine shared with other work a wall-clock sample also counts the time the thread waited for
/// a core; this clock does not, so JIT and Native AOT builds measured minutes apart stay comparable.
/// </summary>
public static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>Whether this platform has the clock (Linux); elsewhere only wall-clock times are taken.</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && TryNow(out _);

    /// <summary>The thread's CPU time so far.</summary>
    public static long NowNs() =>
        TryNow(out long ns) ? ns : throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");

    private static bool TryNow(out long ns)
    {
        if (ClockGetTime(ClockThreadCpuTime, out TimeSpec time) != 0)
        {
            ns = 0;
            return false;
        }
        ns = time.Seconds * 1_000_000_000 + time.Nanoseconds;
        return true;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
