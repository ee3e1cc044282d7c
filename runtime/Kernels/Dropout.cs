using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace NetGen;

public static partial class Kernels
{
    // Dropout masks are counter-based: the mask of a unit is a pure function of (seed, training step, row of
    // the batch, unit), so no generator state is carried from row to row. That is what lets Fit cut a batch
    // into shards on replicas and still draw, for every row, exactly the mask one network would have drawn,
    // whatever the thread count.

    private const ulong GoldenGamma = 0x9E37_79B9_7F4A_7C15UL;

    /// <summary>SplitMix64's finalizer: a bijection of 64-bit values whose every output bit depends on every input bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MixBits(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>The key of one row's dropout masks in one training call: a pure function of its three arguments.</summary>
    /// <param name="seed">The network's dropout seed.</param>
    /// <param name="step">The training call's step number.</param>
    /// <param name="row">The row's index in the call's batch (0 for a single sample).</param>
    public static ulong DropoutRowKey(ulong seed, ulong step, int row) =>
        MixBits(MixBits(MixBits(seed) + step * GoldenGamma) + (uint)row);

    /// <summary>
    /// The mask factor of one unit: 0 (dropped) with probability <paramref name="dropThreshold"/> / 2^32, else
    /// <paramref name="keptScale"/> (1 / (1 - p), inverted dropout).
    /// </summary>
    /// <param name="rowKey">The row's key (<see cref="DropoutRowKey"/>).</param>
    /// <param name="unit">The unit's index, unique across the network's layers (its place in the activation buffer).</param>
    /// <param name="dropThreshold">The drop rate p times 2^32, rounded.</param>
    /// <param name="keptScale">The factor of a kept unit.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T DropoutMask<T>(ulong rowKey, int unit, uint dropThreshold, T keptScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        (uint)(MixBits(rowKey + ((ulong)(uint)unit + 1) * GoldenGamma) >> 32) < dropThreshold ? T.Zero : keptScale;

    /// <summary>
    /// Inverted dropout of a whole layer: <c>mask[i]</c> = <see cref="DropoutMask{T}"/> of unit <c>firstUnit + i</c>
    /// and <c>dropped[i] = a[i] * mask[i]</c>. The same masks, bit for bit, as the unrolled code's per-unit calls.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Dropout<T>(ReadOnlySpan<T> a, ulong rowKey, int firstUnit, uint dropThreshold, T keptScale, Span<T> mask, Span<T> dropped)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(mask.Length, a.Length, nameof(mask));
        CheckLength(dropped.Length, a.Length, nameof(dropped));
        for (int i = 0; i < a.Length; i++)
        {
            T factor = DropoutMask(rowKey, firstUnit + i, dropThreshold, keptScale);
            mask[i] = factor;
            dropped[i] = a[i] * factor;
        }
    }

    /// <summary><c>delta[i] *= mask[i]</c>: the error reaches only the units dropout kept, scaled as they were.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void DropoutBackward<T>(ReadOnlySpan<T> mask, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, mask.Length, nameof(delta));
        TensorPrimitives.Multiply(delta, mask, delta);
    }
}
