using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// Losses over a whole output layer, for outputs wide enough that one vector exp and log per vector
// beat a Math.Exp and a Math.Log per output (sweep shapes with tens to hundreds of sigmoid outputs
// spent most of a training step there).

public static partial class Kernels
{
    /// <summary>
    /// Binary cross-entropy of sigmoid outputs from their logits, summed over the layer:
    /// <c>sum_k max(z_k, 0) - t_k z_k + log(1 + e^-|z_k|)</c>, finite for any z. With the runtime's
    /// vector exp and log (each within 2 ulp of Math's), or, with <see cref="UsesSystemExp"/>, without
    /// an FMA instruction or without vectors, with <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/> per value.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not as long as <paramref name="z"/>.</exception>
    public static T BinaryCrossEntropyFromLogits<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(target.Length, z.Length, nameof(target));
        return Sum<T, BinaryCrossEntropyTermOperator<T>>(z, target);
    }

    /// <summary>
    /// <c>sum_i TOperator(x[i], y[i])</c>, with the widest accelerated vectors that fit in the spans,
    /// the last, partial vector done as one whole vector ending at the last value with the lanes already
    /// counted masked off, the lanes added once at the end; without acceleration or vector form, the scalar form.
    /// </summary>
    private static T Sum<T, TOperator>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        ref T first = ref MemoryMarshal.GetReference(x);
        ref T second = ref MemoryMarshal.GetReference(y);
        int length = x.Length;
        if (TOperator.Vectorizable && Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
            return Sum<T, TOperator, Vector512<T>, Width512<T>>(ref first, ref second, length);
        if (TOperator.Vectorizable && Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
            return Sum<T, TOperator, Vector256<T>, Width256<T>>(ref first, ref second, length);
        if (TOperator.Vectorizable && Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count)
            return Sum<T, TOperator, Vector128<T>, Width128<T>>(ref first, ref second, length);
        return Sum<T, TOperator, T, ScalarWidth<T>>(ref first, ref second, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<T, TOperator, TVector, TWidth>(ref T x, ref T y, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
        where TVector : struct
        where TWidth : struct, IVectorWidth<T, TVector>
    {
        nuint width = (nuint)TWidth.Count, i = 0;
        TVector sum = TWidth.Zero;
        for (; i + width <= (nuint)length; i += width)
            sum = TWidth.Add(sum, TWidth.Invoke<TOperator>(TWidth.Load(ref x, i), TWidth.Load(ref y, i)));
        if (i < (nuint)length)
        {
            nuint last = (nuint)length - width;
            TVector terms = TWidth.Invoke<TOperator>(TWidth.Load(ref x, last), TWidth.Load(ref y, last));
            sum = TWidth.Add(sum, TWidth.And(terms, TWidth.LastLanes(length - (int)i)));
        }
        return TWidth.Sum(sum);
    }
}

/// <summary>
/// One term of binary cross-entropy from a logit z and its target t: <c>max(z, 0) - t z + log(1 + e^-|z|)</c>.
/// Vectorised only where the scalar sigmoid uses NetGen's own exp (an FMA instruction, not the exact path).
/// </summary>
internal readonly struct BinaryCrossEntropyTermOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => Kernels.UsesOwnExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T z, T t) => T.Max(z, T.Zero) - t * z + T.Log(T.One + T.Exp(-T.Abs(z)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> t)
    {
        Vector128<T> softplus = typeof(T) == typeof(double)
            ? Vector128.Log(Vector128<double>.One + Vector128.Exp(-Vector128.Abs(z.AsDouble()))).As<double, T>()
            : Vector128.Log(Vector128<float>.One + Vector128.Exp(-Vector128.Abs(z.AsSingle()))).As<float, T>();
        return Vector128.Max(z, Vector128<T>.Zero) - t * z + softplus;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> t)
    {
        Vector256<T> softplus = typeof(T) == typeof(double)
            ? Vector256.Log(Vector256<double>.One + Vector256.Exp(-Vector256.Abs(z.AsDouble()))).As<double, T>()
            : Vector256.Log(Vector256<float>.One + Vector256.Exp(-Vector256.Abs(z.AsSingle()))).As<float, T>();
        return Vector256.Max(z, Vector256<T>.Zero) - t * z + softplus;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> t)
    {
        Vector512<T> softplus = typeof(T) == typeof(double)
            ? Vector512.Log(Vector512<double>.One + Vector512.Exp(-Vector512.Abs(z.AsDouble()))).As<double, T>()
            : Vector512.Log(Vector512<float>.One + Vector512.Exp(-Vector512.Abs(z.AsSingle()))).As<float, T>();
        return Vector512.Max(z, Vector512<T>.Zero) - t * z + softplus;
    }
}
