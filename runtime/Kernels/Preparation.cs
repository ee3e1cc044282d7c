using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace NetGen;

public static partial class Kernels
{
    /// <summary>
    /// Compiles, once per process and precision, the kernels a sharded training step runs at the widest vector width: the
    /// forward dispatch step (which the caller soon needs), then the end of the step first: the minibatch weight-gradient
    /// and delta products, the range phase's mean, Adam update and copies, the forward blocks; then those of the epoch's
    /// accuracy pass (<c>PredictBatch</c>, whose later layers run <c>Predict</c>'s product), the streamed product only when
    /// the network's parameters are over 64 KB (so a layer may be large enough to stream its rows). <see cref="NetworkTraining"/>'s
    /// Fit starts it on its first worker in the background (<see cref="FitThreads.Begin"/>) before its data check; the
    /// caller goes on with its setup and its first steps meanwhile, without that worker until it is done.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why: under the JIT a fresh process's first training step is almost all compiling, one method after another in
    /// the order the step reaches them. The caller compiles the start of the step itself; the worker, started during the
    /// caller's setup (when it would be idle), compiles the end. A thread that reaches a method the other is compiling
    /// waits for it instead of compiling it again. In <c>NetGen.ColdStart</c> (784-128-10, batch 32, Adam) the first step
    /// compiled about 75 methods; the largest kernels took 5-10 ms each.
    /// </para>
    /// <para>
    /// Each kernel is called with nothing to do (empty spans, zero sizes): it is marked AggressiveOptimization, so its first
    /// call compiles its final code, and then it returns. A kernel that the network's shapes do not use costs only the
    /// worker's time. Without dynamic code (Native AOT), or when another Fit already prepared them, this does nothing.
    /// </para>
    /// </remarks>
    /// <param name="parameterCount">The trained network's parameter count.</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void PrepareTrainingStep<T>(int parameterCount)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled || Interlocked.Exchange(ref Prepared<T>.TrainingStep, 1) != 0)
            return;
        ChunkProduct<T>(default, default, default, 1, default);
        bool streams = (long)parameterCount * Unsafe.SizeOf<T>() > StreamedRows.MatrixBytes;
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.PrepareTrainingStep(streams);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.PrepareTrainingStep(streams);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.PrepareTrainingStep(streams);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.PrepareTrainingStep(streams);
    }

    private static class Prepared<T>
    {
        // 1 once PrepareTrainingStep has run for T.
        public static int TrainingStep;
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary>
    /// <see cref="Kernels.PrepareTrainingStep{T}"/> at this width, the end of a step first (the caller compiles its start
    /// itself): the weight-gradient product with its eight-row tiles and single rows (an output layer's few), the delta
    /// product's two-vector columns, the range phase, the forward product's paired eight-row blocks and remaining rows,
    /// then the epoch's accuracy pass: the batch and one-input dispatch steps, the one-input blocks and, with
    /// <paramref name="streams"/>, the streamed chunk product of the training step (unless the chunk streams its rows as
    /// the batch product does: <see cref="StreamedRows.ChunkInRowStreams"/>) and the streamed product's groups of four
    /// inputs (the accuracy pass's blocks of 256 rows leave none over). The parts that other shapes run compile
    /// when a shape first needs them. Each is called with no rows, columns or samples, and returns without reading or
    /// writing anything but a scratch row on the stack.
    /// </summary>
    internal static void PrepareTrainingStep(bool streams)
    {
        ref T none = ref Unsafe.NullRef<T>();
        // The backward dispatch steps, for one sample of no deltas and a row of two wide vectors: no weights to read or
        // change; the delta product writes zeros to the scratch row.
        Span<T> row = stackalloc T[2 * TWide.Count];
        Kernels.AddOuterProducts<T>(default, default, row, 1);
        OuterProductTiles<TWideVector, TWide>(ref none, ref none, ref none, 0, 0, 0);
        OuterProductEightRows<TWideVector, TWide>(ref none, ref none, 0, ref none, 0, 0, 0);
        OuterProductOneRow<TWideVector, TWide>(ref none, ref none, 0, ref none, 0, 0, 0);
        Kernels.TransposedMatrixMatrix<T>(default, default, 1, row);
        TwoVectorSampleBlocks<TWideVector, TWide>(ref none, ref none, 0, 0, 0, 0, ref none);
        // The range phase.
        Kernels.Add<T>(default, default, default);
        Kernels.DivideInPlace<T>(default, T.One);
        Kernels.AdamUpdate<T>(default, default, default, default, T.Zero, T.Zero, T.Zero, T.One, T.One);
        Kernels.CopyAllFinite<T>(default, default);
        Kernels.AllFinite<T>(default);
        // The forward product's blocks, which the caller usually reaches first (its dispatch step came first of all).
        EightRowBlocksTwoInputs<TWideVector, TWide>(ref none, ref none, ref none, 0, 0, 0, ref none, 0);
        RemainingRows<TWideVector, TWide>(ref none, ref none, ref none, 0, 0, 0, ref none, 0);
        // The epoch's accuracy pass: PredictBatch's first product over the block's rows (blocks of 256: groups of four
        // inputs when it streams), then the later layers one row at a time (Predict's product).
        Kernels.MatrixMatrix<T>(default, default, default, 1, default, 0);
        Kernels.MatrixVector<T>(default, default, default, default);
        EightRowBlocks<TWideVector, TWide>(ref none, ref none, ref none, 0, 0, ref none);
        // With a layer that may stream: the training step's chunk product of it, and the accuracy pass's.
        if (streams)
        {
            if (!StreamedRows.ChunkInRowStreams)
                StreamedChunk(default, default, default, 1, 0, default);
            StreamedGroupsOfFour(default, default, default, 0, 0, default, 0);
        }
    }
}
