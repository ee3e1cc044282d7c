using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen;

/// <summary>
/// The threads one <see cref="NetworkTraining">Fit</see> call works on besides its caller: its data check and the
/// phases of its sharded steps. <see cref="Run"/> runs a job on the caller (participant 0) and on every worker
/// (participants 1 and up) at once and returns when all that started have finished; <see cref="Begin"/> gives the first
/// worker a job of its own in the background.
/// </summary>
/// <remarks>
/// Worker threads live as long as the process once started: Fit rents them for its whole call (<see cref="Rent"/>) and
/// gives them back when it ends (<see cref="Dispose"/>); an idle one is blocked. Creating a thread for every Fit call
/// and ending it after cost about 1 ms a call on the 2-vCPU virtual machine measured, where an epoch of 784-128-10
/// on 8,000 MNIST rows takes 35 ms on two threads. Renting wakes the workers at once, so a worker that was blocked is
/// spinning by the time Fit's first phase starts (a blocked vCPU took hundreds of microseconds to wake there). Fit calls
/// that run at the same time each rent their own workers.
/// </remarks>
internal sealed class FitThreads : IDisposable
{
    private static readonly Stack<WorkerThread> Idle = new();

    private WorkerThread[]? _workers;

    private FitThreads(WorkerThread[] workers) => _workers = workers;

    /// <summary>The number of worker threads (participants besides the caller).</summary>
    public int WorkerCount => _workers?.Length ?? 0;

    /// <summary>
    /// Rents worker threads for a Fit that may use <paramref name="wanted"/> participants including its caller, within
    /// <paramref name="maxDegreeOfParallelism"/> (-1: one per core; a larger number than the cores is taken as given, as
    /// <see cref="System.Threading.Tasks.ParallelOptions.MaxDegreeOfParallelism"/> is); null when that leaves only the caller.
    /// </summary>
    public static FitThreads? Rent(int wanted, int maxDegreeOfParallelism)
    {
        int cores = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        int count = Math.Min(wanted, cores) - 1;
        if (count < 1)
            return null;
        var workers = new WorkerThread[count];
        lock (Idle)
        {
            for (int i = 0; i < count && Idle.Count > 0; i++)
                workers[i] = Idle.Pop();
        }
        for (int i = 0; i < count; i++)
        {
            workers[i] ??= new WorkerThread();
            workers[i].Wake();
        }
        return new FitThreads(workers);
    }

    /// <summary>
    /// Starts <paramref name="job"/> on the first worker in the background and returns at once. Until it is done, that
    /// worker takes no part in a <see cref="Run"/> (which goes on without it, see there), and then it takes part again.
    /// Only for work that nothing waits for, such as compiling kernels ahead of their first call; an exception it throws
    /// is rethrown by a later <see cref="Run"/>.
    /// </summary>
    public void Begin(Action job)
    {
        WorkerThread[] workers = _workers ?? throw new ObjectDisposedException(nameof(FitThreads));
        workers[0].Begin(job);
    }

    /// <summary>
    /// Runs <paramref name="job"/>(0) on this thread and <paramref name="job"/>(k) on worker k at the same time; returns
    /// when all that started have finished, also when one throws: then this thread's exception, or else the first
    /// worker's, is rethrown. A worker that has not started its part when this thread's part returns (one still busy with
    /// a <see cref="Begin"/> job, or slow to wake) does not run it at all, so a job must leave no work to any one
    /// participant: every job here takes its items from a shared counter, and the caller's part returns only when none
    /// are left.
    /// </summary>
    public void Run(Action<int> job)
    {
        WorkerThread[] workers = _workers ?? throw new ObjectDisposedException(nameof(FitThreads));
        for (int i = 0; i < workers.Length; i++)
            workers[i].Start(job, participant: i + 1);
        ExceptionDispatchInfo? failure = null;
        try
        {
            job(0);
        }
        catch (Exception exception)
        {
            failure = ExceptionDispatchInfo.Capture(exception);
        }
        foreach (WorkerThread worker in workers)
        {
            if (worker.Withdraw(job))
                continue; // it had not started: nothing to wait for
            ExceptionDispatchInfo? workerFailure = worker.WaitUntilDone(); // always waited, even after a failure
            failure ??= workerFailure;
        }
        failure?.Throw();
    }

    /// <summary>Gives the workers back; they keep no reference to any job.</summary>
    public void Dispose()
    {
        if (_workers is null)
            return;
        lock (Idle)
        {
            foreach (WorkerThread worker in _workers)
                Idle.Push(worker);
        }
        _workers = null;
    }

    /// <summary>One worker: runs each job given to <see cref="Start"/> once, and signals when it is done.</summary>
    private sealed class WorkerThread
    {
        private readonly HandOff _go = new();
        private readonly HandOff _done = new();
        // The job of the run in progress; the thread takes it (leaving null), so a wake-up or a second signal never
        // runs a job twice. A background job (Begin) is taken the same way and runs first; it signals nothing when done.
        private Action<int>? _job;
        private Action? _background;
        private int _participant;
        private ExceptionDispatchInfo? _failure;

        public WorkerThread() => new Thread(Loop) { IsBackground = true, Name = "NetGen Fit worker" }.Start();

        /// <summary>Makes the thread spin (see <see cref="HandOff"/>) instead of staying blocked, ready for a <see cref="Start"/>.</summary>
        public void Wake() => _go.Set();

        public void Begin(Action job)
        {
            Volatile.Write(ref _background, job);
            _go.Set();
        }

        public void Start(Action<int> job, int participant)
        {
            _participant = participant;
            Volatile.Write(ref _job, job);
            _go.Set();
        }

        /// <summary>Takes <paramref name="job"/> back if the thread has not taken it yet; true if so (it will not run).</summary>
        public bool Withdraw(Action<int> job) => Interlocked.CompareExchange(ref _job, null, job) == job;

        /// <summary>Waits for the run that <see cref="Start"/> began; returns the exception it threw, if any.</summary>
        public ExceptionDispatchInfo? WaitUntilDone()
        {
            _done.Wait();
            ExceptionDispatchInfo? failure = _failure;
            _failure = null;
            return failure;
        }

        private void Loop()
        {
            while (true)
            {
                _go.Wait();
                if (Interlocked.Exchange(ref _background, null) is Action background)
                {
                    try
                    {
                        background();
                    }
                    catch (Exception exception)
                    {
                        _failure ??= ExceptionDispatchInfo.Capture(exception);
                    }
                }
                Action<int>? job = Interlocked.Exchange(ref _job, null);
                if (job is null)
                    continue; // woken by Wake, or a second signal for a job already run
                try
                {
                    job(_participant);
                }
                catch (Exception exception)
                {
                    _failure = ExceptionDispatchInfo.Capture(exception);
                }
                _done.Set();
            }
        }
    }
}
