using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// Losses over a whole output layer, for outputs wide enough that one vector exp and log per vector
// beat a Math.Exp and a Math.Log per output (W-suite and sweep shapes with tens to hundreds of
// sigmoid outputs spent most of a training step there).

public static partial class Kernels
{
    /// <summary>
    /// Binary cross-entropy of sigmoid outputs from their logits, summed over the layer:
    /// <c>sum_k max(z_k, 0) - t_k z_k + log(1 + e^-|z_k|)</c>, finite for any z. With the runtime's
    /// vector exp and log (each within 2 ulp of Math's), or, with <see cref="UsesSystemExp"/> or
    /// without vectors, with <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/> per value.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not as long as <paramref name="z"/>.</exception>
    public static T BinaryCrossEntropyFromLogits<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(target.Length, z.Length, nameof(target));
        ref T logits = ref MemoryMarshal.GetReference(z);
        ref T targets = ref MemoryMarshal.GetReference(target);
        int length = z.Length;
        if (!UsesSystemExp && HasFusedMultiplyAdd)
        {
            if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
                return BinaryCrossEntropy512(ref logits, ref targets, length);
            if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
                return BinaryCrossEntropy256(ref logits, ref targets, length);
        }
        T sum = T.Zero;
        for (int k = 0; k < length; k++)
        {
            T value = Unsafe.Add(ref logits, k);
            sum += T.Max(value, T.Zero) - Unsafe.Add(ref targets, k) * value + T.Log(T.One + T.Exp(-T.Abs(value)));
        }
        return sum;
    }

    // Whole vectors, then the last whole vector with the lanes already counted masked to zero; the
    // lanes summed once at the end.
    private static T BinaryCrossEntropy512<T>(ref T z, ref T t, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint width = (nuint)Vector512<T>.Count, i = 0;
        Vector512<T> sum = Vector512<T>.Zero;
        for (; i + width <= (nuint)length; i += width)
            sum += BinaryCrossEntropyTerms(Vector512.LoadUnsafe(ref z, i), Vector512.LoadUnsafe(ref t, i));
        if (i < (nuint)length)
        {
            nuint last = (nuint)length - width;
            Vector512<T> terms = BinaryCrossEntropyTerms(Vector512.LoadUnsafe(ref z, last), Vector512.LoadUnsafe(ref t, last));
            sum += terms & Width512<T>.LastLanes(length - (int)i);
        }
        return Vector512.Sum(sum);
    }

    private static T BinaryCrossEntropy256<T>(ref T z, ref T t, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint width = (nuint)Vector256<T>.Count, i = 0;
        Vector256<T> sum = Vector256<T>.Zero;
        for (; i + width <= (nuint)length; i += width)
            sum += BinaryCrossEntropyTerms(Vector256.LoadUnsafe(ref z, i), Vector256.LoadUnsafe(ref t, i));
        if (i < (nuint)length)
        {
            nuint last = (nuint)length - width;
            Vector256<T> terms = BinaryCrossEntropyTerms(Vector256.LoadUnsafe(ref z, last), Vector256.LoadUnsafe(ref t, last));
            sum += terms & Width256<T>.LastLanes(length - (int)i);
        }
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> BinaryCrossEntropyTerms<T>(Vector512<T> z, Vector512<T> t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Vector512<T> softplus;
        if (typeof(T) == typeof(double))
            softplus = Vector512.Log(Vector512<double>.One + Vector512.Exp(-Vector512.Abs(z.AsDouble()))).As<double, T>();
        else
            softplus = Vector512.Log(Vector512<float>.One + Vector512.Exp(-Vector512.Abs(z.AsSingle()))).As<float, T>();
        return Vector512.Max(z, Vector512<T>.Zero) - t * z + softplus;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> BinaryCrossEntropyTerms<T>(Vector256<T> z, Vector256<T> t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Vector256<T> softplus;
        if (typeof(T) == typeof(double))
            softplus = Vector256.Log(Vector256<double>.One + Vector256.Exp(-Vector256.Abs(z.AsDouble()))).As<double, T>();
        else
            softplus = Vector256.Log(Vector256<float>.One + Vector256.Exp(-Vector256.Abs(z.AsSingle()))).As<float, T>();
        return Vector256.Max(z, Vector256<T>.Zero) - t * z + softplus;
    }
}
