using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

public static partial class Kernels
{
    /// <summary><c>y += a * x</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled<T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(y.Length, x.Length, nameof(y));
        ref T first = ref MemoryMarshal.GetReference(x);
        ref T target = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.AddScaled(a, ref first, ref target, x.Length);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.AddScaled(a, ref first, ref target, x.Length);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.AddScaled(a, ref first, ref target, x.Length);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.AddScaled(a, ref first, ref target, x.Length);
    }

    // A chunk of an unrolled layer's weight (or weight-gradient) row updated as one vector:
    // weights[start + i] += scale * x[i] lane by lane, with the same rounding as the scalar statement (a
    // product, then a sum; no fused multiply-add). The generator emits these for rows of 2 or more
    // values. Where the width is not accelerated, the lanes are updated one by one (same result).

    /// <summary><c>weights[start + i] += scale * x[i]</c> for the 4 or 8 lanes of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lanes run past the end of <paramref name="weights"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(Span<T> weights, int start, T scale, Vector256<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T first = ref Lanes(weights, start, Vector256<T>.Count);
        if (Vector256.IsHardwareAccelerated)
        {
            (Vector256.LoadUnsafe(ref first) + Vector256.Create(scale) * x).StoreUnsafe(ref first);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            // Two halves (SSE without AVX, as under Native AOT's default instruction set): lane by lane from a Vector256
            // emulated in memory, a 9-10-3 float network's in-locals Train took 1.3x as long as through the layer kernels.
            ref T upper = ref Unsafe.Add(ref first, Vector128<T>.Count);
            (Vector128.LoadUnsafe(ref first) + Vector128.Create(scale) * x.GetLower()).StoreUnsafe(ref first);
            (Vector128.LoadUnsafe(ref upper) + Vector128.Create(scale) * x.GetUpper()).StoreUnsafe(ref upper);
        }
        else
        {
            for (int i = 0; i < Vector256<T>.Count; i++)
                Unsafe.Add(ref first, i) += scale * x.GetElement(i);
        }
    }

    /// <summary><c>weights[start + i] += scale * x[i]</c> for the 2 or 4 lanes of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lanes run past the end of <paramref name="weights"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(Span<T> weights, int start, T scale, Vector128<T> x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T first = ref Lanes(weights, start, Vector128<T>.Count);
        if (Vector128.IsHardwareAccelerated)
            (Vector128.LoadUnsafe(ref first) + Vector128.Create(scale) * x).StoreUnsafe(ref first);
        else
        {
            for (int i = 0; i < Vector128<T>.Count; i++)
                Unsafe.Add(ref first, i) += scale * x.GetElement(i);
        }
    }

    // The first of `count` values from `start` on, checked. The generated kernels pass constant starts into
    // spans of constant length, so the JIT removes the check; taking the offset here instead of a Slice
    // keeps each call to one inline with no locals of its own (a large unrolled kernel makes dozens).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Lanes<T>(Span<T> values, int start, int count)
        where T : unmanaged
    {
        if ((ulong)(uint)start + (uint)count > (uint)values.Length)
            ThrowHelper.ThrowLanesOutOfRange(start, count, values.Length);
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(values), (nint)(uint)start);
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary>
    /// <c>y += a * x</c> over <paramref name="length"/> values: wide vectors four per pass (independent
    /// load-multiply-add-store chains, a quarter of the loop overhead), then one, then narrow vectors,
    /// then the values left over with a product and a sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(T a, ref T x, ref T y, int length)
    {
        nuint n = (nuint)TWide.Count, i = 0;
        TWideVector wide = TWide.Create(a);
        for (; i + 4 * n <= (nuint)length; i += 4 * n)
        {
            TWideVector y0 = TWide.MultiplyAdd(TWide.Load(ref x, i), wide, TWide.Load(ref y, i));
            TWideVector y1 = TWide.MultiplyAdd(TWide.Load(ref x, i + n), wide, TWide.Load(ref y, i + n));
            TWideVector y2 = TWide.MultiplyAdd(TWide.Load(ref x, i + 2 * n), wide, TWide.Load(ref y, i + 2 * n));
            TWideVector y3 = TWide.MultiplyAdd(TWide.Load(ref x, i + 3 * n), wide, TWide.Load(ref y, i + 3 * n));
            TWide.Store(y0, ref y, i);
            TWide.Store(y1, ref y, i + n);
            TWide.Store(y2, ref y, i + 2 * n);
            TWide.Store(y3, ref y, i + 3 * n);
        }
        for (; i + n <= (nuint)length; i += n)
            TWide.Store(TWide.MultiplyAdd(TWide.Load(ref x, i), wide, TWide.Load(ref y, i)), ref y, i);
        nuint m = (nuint)TNarrow.Count;
        TNarrowVector narrow = TNarrow.Create(a);
        for (; i + m <= (nuint)length; i += m)
            TNarrow.Store(TNarrow.MultiplyAdd(TNarrow.Load(ref x, i), narrow, TNarrow.Load(ref y, i)), ref y, i);
        for (; i < (nuint)length; i++)
            Unsafe.Add(ref y, i) += a * Unsafe.Add(ref x, i);
    }
}
