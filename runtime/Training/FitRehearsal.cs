using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen;

/// <summary>
/// Under the JIT, the first sharded Fit of a network type in a process rehearses its step on the first worker while the
/// caller checks the data and sets the run up: a throwaway replica runs <see cref="INetwork{T}.BackwardBatch"/> and
/// <see cref="INetwork{T}.PredictBatch"/> on the first rows, so the generated methods and the kernels they reach are
/// compiled by the time the first step and the first accuracy pass call them.
/// </summary>
/// <remarks>
/// <para>
/// Why: a fresh process's first training step is almost all compiling, one method after another, and the calls a step
/// makes depend on the network's shapes, activations and loss, so no list of kernels covers them; running the same
/// calls does. The first step's caller compiles the step's later kernels meanwhile (<see cref="Kernels.PrepareTrainingStep{T}"/>),
/// and no step waits for the rehearsal to end: a phase leaves a worker that is still rehearsing out (<see cref="FitThreads.Run"/>).
/// In <c>NetGen.ColdStart</c> (784-128-10 on 8,000 MNIST rows, batch 32), with <see cref="DataSetChecks"/> on NetGen's own finite check,
/// the time from the Fit call to the end of its first epoch fell from 171 to 161 ms (medians of 10 alternated processes).
/// </para>
/// <para>
/// It changes nothing that Fit computes: the replica is the rehearsal's own, with a copy of the network's parameters
/// (so the same branches run), and is dropped after. It costs one replica's memory for the rehearsal's length and
/// one small batch's work on a thread that would otherwise wait. Nothing happens under Native AOT, with a single
/// thread, or once the type has been rehearsed.
/// </para>
/// </remarks>
internal static class FitRehearsal
{
    private static readonly HashSet<Type> Rehearsed = new();

    /// <summary>Whether a Fit of <paramref name="networkType"/> has started a rehearsal in this process (for tests).</summary>
    internal static bool HasRehearsed(Type networkType)
    {
        lock (Rehearsed)
            return Rehearsed.Contains(networkType);
    }

    /// <summary>
    /// Starts the rehearsal on <paramref name="threads"/>' first worker when it is due: the shard that the first worker
    /// will run of a batch of <paramref name="largestBatch"/> rows, taken from the start of the data.
    /// </summary>
    public static void Start<T>(IReplicableNetwork<T> network, ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int largestBatch, FitThreads threads)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled)
            return;
        lock (Rehearsed)
        {
            if (!Rehearsed.Add(network.GetType()))
                return;
        }
        INetwork<T> replica = network.CreateReplica();
        network.Parameters.CopyTo(replica.Parameters);
        int rows = largestBatch / ShardedBackward<T>.ShardCount(largestBatch);
        ReadOnlyMemory<T> rowInputs = inputs[..(rows * network.InputSize)];
        ReadOnlyMemory<T> rowTargets = targets[..(rows * network.OutputSize)];
        threads.StartInBackground(() =>
        {
            replica.ZeroGradients();
            replica.BackwardBatch(rowInputs.Span, rowTargets.Span);
            replica.PredictBatch(rowInputs.Span, new T[rows * replica.OutputSize]);
        });
    }
}
