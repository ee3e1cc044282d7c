using System.Diagnostics;
using System.Threading;

namespace NetGen;

/// <summary>
/// A signal from one thread to one other, for the hand-offs between the phases of a sharded training step:
/// <see cref="Wait"/> returns once <see cref="Set"/> has been called, and resets the signal.
/// </summary>
/// <remarks>
/// The waiter first spins on the flag with pause instructions for <see cref="SpinMicroseconds"/>, then with a yield of
/// its core between checks (so that on a busy machine a thread that is ready to run gets the core) up to
/// <see cref="YieldMicroseconds"/>, and only then blocks. A step's phases follow each other within microseconds, so
/// inside a step nobody blocks. This replaced <see cref="ManualResetEventSlim"/>'s own spin, whose waiter still blocked
/// often enough that, on the 2-vCPU virtual machine measured, one step in six of 784-128-10 at batch 64 (about 300 us a
/// step) started its worker 200 to 800 us late: a vCPU that blocks is halted, and waking it again goes through the host.
/// </remarks>
internal sealed class HandOff
{
    /// <summary>How long a waiter spins with pause instructions only.</summary>
    public const int SpinMicroseconds = 100;

    /// <summary>How long a waiter keeps checking, yielding its core between checks, before it blocks.</summary>
    public const int YieldMicroseconds = 2000;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static readonly long YieldTicks = Stopwatch.Frequency * YieldMicroseconds / 1_000_000;

    // Spin count 0: this class spins itself before the event's Wait.
    private readonly ManualResetEventSlim _event = new(false, 0);

    /// <summary>Lets the waiter go (at once if it is spinning).</summary>
    public void Set() => _event.Set();

    /// <summary>Waits until <see cref="Set"/> has been called, then resets the signal for the next hand-off.</summary>
    public void Wait()
    {
        if (!_event.IsSet)
        {
            long start = Stopwatch.GetTimestamp();
            long elapsed;
            do
            {
                for (int i = 0; i < 64 && !_event.IsSet; i++)
                    Thread.SpinWait(1);
                elapsed = Stopwatch.GetTimestamp() - start;
            }
            while (!_event.IsSet && elapsed < SpinTicks);
            while (!_event.IsSet && elapsed < YieldTicks)
            {
                Thread.Yield();
                elapsed = Stopwatch.GetTimestamp() - start;
            }
        }
        _event.Wait();
        _event.Reset();
    }
}
