using System.Threading;

namespace NetGen.Runtime.Tests.Training;

/// <summary>The spin-then-block signal between Fit's shard threads.</summary>
public class HandOffTests
{
    [Fact]
    public void Wait_returns_at_once_after_Set_and_resets_the_signal()
    {
        var handOff = new HandOff();
        handOff.Set();
        handOff.Wait(); // set before: returns without another thread

        // Reset by the Wait above: a second Wait must wait for a second Set, through its spin and into the block.
        using var waiting = new ManualResetEventSlim();
        var waiter = new Thread(() => { waiting.Set(); handOff.Wait(); });
        waiter.Start();
        waiting.Wait();
        Thread.Sleep(HandOff.YieldMicroseconds / 1000 * 5);
        Assert.True(waiter.IsAlive, "Wait returned with no Set since the last Wait");
        handOff.Set();
        Assert.True(waiter.Join(10_000), "Wait did not return after Set");
    }

    [Fact]
    public void Many_hand_offs_in_both_directions_lose_none()
    {
        // The shape of a sharded step: the caller lets the worker go, both work, the caller waits for the worker.
        var go = new HandOff();
        var done = new HandOff();
        const int Phases = 2000;
        int workerPhases = 0;
        var worker = new Thread(() =>
        {
            for (int i = 0; i < Phases; i++)
            {
                go.Wait();
                workerPhases++;
                done.Set();
            }
        });
        worker.Start();
        for (int i = 0; i < Phases; i++)
        {
            go.Set();
            done.Wait();
            Assert.Equal(i + 1, Volatile.Read(ref workerPhases));
        }
        Assert.True(worker.Join(10_000));
    }
}
