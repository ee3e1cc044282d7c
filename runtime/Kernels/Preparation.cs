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
    /// Each kernel is called with nothing to do (empty spans, zero sizes): it is marked AggressiveOptimization, so its first
    /// call compiles its final code, and then it returns. A kernel that the network's shapes do not use costs only the
    /// worker's time. Without dynamic code (Native AOT), or when another Fit already prepared them, this does nothing.
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
        Add<T>(default, default, default);
        DivideInPlace<T>(default, T.One);
        AdamUpdate<T>(default, default, default, default, T.Zero, T.Zero, T.Zero, T.One, T.One);
        CopyAllFinite<T>(default, default);
        AllFinite<T>(default);
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
    /// Compiles the minibatch backward products at the wide width (<see cref="Kernels.PrepareTrainingStep{T}"/>): the
    /// delta product's two-vector columns, then the weight-gradient product, its eight-row tiles and its single rows (an
    /// output layer's few), the order a step reaches them in; the other parts compile when a shape first needs them. Each is called
    /// with no rows, columns or samples, and returns without reading or writing anything.
    /// </summary>
    internal static void PrepareBatchBackward()
    {
        TwoVectorSampleBlocks<TWideVector, TWide>(ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), 0, 0, 0, 0, ref Unsafe.NullRef<T>());
        OuterProductTiles<TWideVector, TWide>(ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), 0, 0, 0);
        OuterProductEightRows<TWideVector, TWide>(ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), 0, 0, 0);
        OuterProductOneRow<TWideVector, TWide>(ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), 0, 0, 0);
    }
}
