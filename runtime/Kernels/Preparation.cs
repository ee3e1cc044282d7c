using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace NetGen;

public static partial class Kernels
{
    /// <summary>
    /// Compiles, once per process and precision, the kernels that a sharded training step reaches after its forward
    /// products: the minibatch delta and weight-gradient products at the widest vector width, and the range phase's
    /// mean, Adam update and copies. <see cref="ShardedBackward{T}"/> calls it on a worker thread at the start of a Fit's
    /// first step, while the calling thread compiles the forward half of the same step.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why: under the JIT a fresh process's first training step is almost all compiling, and the second thread sits idle
    /// through it. Both threads run the same chain of methods in the same order, so the worker only waits on each method
    /// that the caller compiles. In <c>NetGen.ColdStart</c> (784-128-10, batch 32, Adam), the first step compiled 77 methods in
    /// 68-90 ms. The four largest kernels took 6-9 ms each when compiled alone. This moves about 20 ms of that to the
    /// worker.
    /// </para>
    /// <para>
    /// A kernel that the network's shapes do not use costs only the worker's otherwise idle time. Without dynamic code
    /// (Native AOT), or when another Fit already prepared them, this does nothing.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void PrepareTrainingStep<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled || Interlocked.Exchange(ref Prepared<T>.TrainingStep, 1) != 0)
            return;
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.PrepareBatchBackward();
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.PrepareBatchBackward();
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.PrepareBatchBackward();
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.PrepareBatchBackward();
        // The range phase, in the order a step runs it.
        Prepare(new Action<ReadOnlySpan<T>, ReadOnlySpan<T>, Span<T>>(Add<T>));
        Prepare(new Action<Span<T>, T>(DivideInPlace<T>));
        Prepare(new Action<Span<T>, ReadOnlySpan<T>, Span<T>, Span<T>, T, T, T, T, T>(AdamUpdate<T>));
        Prepare(new Func<ReadOnlySpan<T>, Span<T>, bool>(CopyAllFinite<T>));
        Prepare(new Func<ReadOnlySpan<T>, bool>(AllFinite<T>));
    }

    /// <summary>Compiles the method <paramref name="kernel"/> calls, unless it is compiled already.</summary>
    internal static void Prepare(Delegate kernel) => RuntimeHelpers.PrepareMethod(kernel.Method.MethodHandle);

    private static class Prepared<T>
    {
        // 1 once PrepareTrainingStep has run for T.
        public static int TrainingStep;
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    private delegate void TransposedSampleBlocksCall(ref T w, ref T d, int rows, int columns, int samples, ref T results);

    private delegate void OuterProductTilesCall(ref T w, ref T d, ref T x, int rows, int columns, int samples);

    private delegate void OuterProductEightRowsCall(ref T w, ref T factors, ref T x, int columns, int samples, int row);

    /// <summary>
    /// Compiles the minibatch backward products at the wide width (<see cref="Kernels.PrepareTrainingStep{T}"/>): the
    /// delta product, then the weight-gradient product and its eight-row tiles, the order a step reaches them in.
    /// </summary>
    internal static void PrepareBatchBackward()
    {
        Kernels.Prepare(new TransposedSampleBlocksCall(TransposedSampleBlocks<TWideVector, TWide>));
        Kernels.Prepare(new OuterProductTilesCall(OuterProductTiles<TWideVector, TWide>));
        Kernels.Prepare(new OuterProductEightRowsCall(OuterProductEightRows<TWideVector, TWide>));
    }
}
