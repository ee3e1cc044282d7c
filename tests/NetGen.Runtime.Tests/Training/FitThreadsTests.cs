using System;
using System.Linq;
using System.Threading;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// The worker threads a Fit call rents: every participant that starts runs once per Run (one that has not started when
/// the caller's part ends is skipped), failures come back, threads are reused, a background job runs first on its worker.
/// </summary>
public class FitThreadsTests
{
    [Fact]
    public void Rent_leaves_the_caller_alone_when_one_participant_or_one_thread_is_allowed()
    {
        Assert.Null(FitThreads.Rent(wanted: 1, maxDegreeOfParallelism: -1));
        Assert.Null(FitThreads.Rent(wanted: 4, maxDegreeOfParallelism: 1));
        using (FitThreads? perCore = FitThreads.Rent(wanted: 64, maxDegreeOfParallelism: -1))
            Assert.Equal(Environment.ProcessorCount - 1, perCore?.WorkerCount ?? 0);
        using (FitThreads? asGiven = FitThreads.Rent(wanted: 4, maxDegreeOfParallelism: 3))
            Assert.Equal(2, asGiven!.WorkerCount);
    }

    [Fact]
    public void Run_runs_the_job_once_on_every_participant_each_time()
    {
        using FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
        Assert.Equal(1, threads.WorkerCount);
        for (int run = 0; run < 500; run++)
        {
            var seen = new int[2];
            int callerThread = Environment.CurrentManagedThreadId, workerThread = 0;
            threads.Run(participant =>
            {
                Interlocked.Increment(ref seen[participant]);
                if (participant == 1)
                    workerThread = Environment.CurrentManagedThreadId;
                else
                    WaitUntilSet(ref seen[1]); // so the worker's part is not skipped
            });
            Assert.Equal(new[] { 1, 1 }, seen);
            Assert.NotEqual(callerThread, workerThread);
        }
    }

    [Fact]
    public void Run_waits_for_every_participant_and_rethrows_the_callers_failure_first()
    {
        using FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
        int workerFinished = 0;
        int workerStarted = 0;
        var error = Assert.Throws<InvalidOperationException>(() => threads.Run(participant =>
        {
            if (participant == 0)
            {
                WaitUntilSet(ref workerStarted);
                throw new InvalidOperationException("caller");
            }
            Volatile.Write(ref workerStarted, 1);
            Thread.Sleep(20);
            Volatile.Write(ref workerFinished, 1);
            throw new ArgumentException("worker");
        }));
        Assert.Equal("caller", error.Message);
        Assert.Equal(1, Volatile.Read(ref workerFinished)); // Run returned only after the worker was done

        int failed = 0;
        var workerError = Assert.Throws<ArgumentException>(() => threads.Run(participant =>
        {
            if (participant == 0)
            {
                WaitUntilSet(ref failed);
                return;
            }
            Volatile.Write(ref failed, 1);
            throw new ArgumentException("worker");
        }));
        Assert.Equal("worker", workerError.Message);

        // Still usable after failures.
        int runs = 0;
        threads.Run(participant =>
        {
            Interlocked.Increment(ref runs);
            if (participant == 0)
                WaitUntilCount(ref runs, 2);
        });
        Assert.Equal(2, runs);
    }

    [Fact]
    public void A_returned_worker_is_rented_again_instead_of_a_new_thread()
    {
        int first = WorkerThreadId();
        int[] later = Enumerable.Range(0, 20).Select(_ => WorkerThreadId()).ToArray();
        // Other tests may rent at the same time and take this worker, but not every time.
        Assert.Contains(first, later);

        static int WorkerThreadId()
        {
            using FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
            return WorkerThreadOfARun(threads);
        }
    }

    [Fact]
    public void Run_after_Dispose_throws()
    {
        FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
        threads.Dispose();
        Assert.Throws<ObjectDisposedException>(() => threads.Run(_ => { }));
    }

    [Fact]
    public void A_worker_busy_with_a_background_job_is_skipped_by_Run_and_takes_part_again_when_it_is_done()
    {
        using FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
        using var release = new ManualResetEventSlim(false);
        int backgroundThread = 0, backgroundDone = 0;
        threads.Begin(() =>
        {
            backgroundThread = Environment.CurrentManagedThreadId;
            release.Wait(TimeSpan.FromSeconds(30));
            Volatile.Write(ref backgroundDone, 1);
        });
        var seen = new int[2];
        threads.Run(participant => Interlocked.Increment(ref seen[participant]));
        // Run returned while the background job was still waiting: the worker's part was skipped, not waited for.
        Assert.Equal(new[] { 1, 0 }, seen);
        Assert.Equal(0, Volatile.Read(ref backgroundDone));

        release.Set();
        int workerThread = WorkerThreadOfARun(threads);
        Assert.Equal(1, Volatile.Read(ref backgroundDone));
        Assert.Equal(backgroundThread, workerThread);
        Assert.NotEqual(Environment.CurrentManagedThreadId, workerThread);
    }

    [Fact]
    public void A_failure_of_a_background_job_is_rethrown_by_a_later_Run()
    {
        using FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
        threads.Begin(() => throw new InvalidOperationException("background"));
        int workerRan = 0;
        var error = Assert.Throws<InvalidOperationException>(() => threads.Run(participant =>
        {
            if (participant == 1)
                Volatile.Write(ref workerRan, 1);
            else
                WaitUntilSet(ref workerRan); // the worker runs its part after the failed background job
        }));
        Assert.Equal("background", error.Message);
    }

    /// <summary>The thread that runs participant 1's part of a Run whose caller waits for it to start.</summary>
    private static int WorkerThreadOfARun(FitThreads threads)
    {
        int id = 0;
        threads.Run(participant =>
        {
            if (participant == 1)
                Volatile.Write(ref id, Environment.CurrentManagedThreadId);
            else
                WaitUntilSet(ref id);
        });
        return id;
    }

    /// <summary>Spins until <paramref name="flag"/> is not 0; fails the test after 30 s.</summary>
    private static void WaitUntilSet(ref int flag) => WaitUntilCount(ref flag, 1);

    private static void WaitUntilCount(ref int value, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref value) < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "a worker never started its part");
            Thread.Yield();
        }
    }
}
