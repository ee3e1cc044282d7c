using System;
using System.Linq;
using System.Threading;

namespace NetGen.Runtime.Tests.Training;

/// <summary>The worker threads a Fit call rents: every participant runs once per Run, failures come back, threads are reused.</summary>
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
        var error = Assert.Throws<InvalidOperationException>(() => threads.Run(participant =>
        {
            if (participant == 0)
                throw new InvalidOperationException("caller");
            Thread.Sleep(20);
            Volatile.Write(ref workerFinished, 1);
            throw new ArgumentException("worker");
        }));
        Assert.Equal("caller", error.Message);
        Assert.Equal(1, Volatile.Read(ref workerFinished)); // Run returned only after the worker was done

        var workerError = Assert.Throws<ArgumentException>(() => threads.Run(participant =>
        {
            if (participant == 1)
                throw new ArgumentException("worker");
        }));
        Assert.Equal("worker", workerError.Message);

        // Still usable after failures.
        int runs = 0;
        threads.Run(_ => Interlocked.Increment(ref runs));
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
            int id = 0;
            threads.Run(participant => { if (participant == 1) id = Environment.CurrentManagedThreadId; });
            return id;
        }
    }

    [Fact]
    public void Run_after_Dispose_throws()
    {
        FitThreads threads = FitThreads.Rent(wanted: 2, maxDegreeOfParallelism: 2)!;
        threads.Dispose();
        Assert.Throws<ObjectDisposedException>(() => threads.Run(_ => { }));
    }
}
