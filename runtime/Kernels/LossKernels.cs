using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// Losses over a whole output layer, for outputs wide enough that vectors and one log per layer beat
// a Math.Exp and a Math.Log per output (sweep shapes with tens to hundreds of sigmoid outputs spent
// most of a training step there).

public static partial class Kernels
{
    /// <summary>
    /// Binary cross-entropy of sigmoid outputs <paramref name="a"/> = sigmoid(<paramref name="z"/>), summed over the layer:
    /// <c>sum_k max(z_k, 0) - t_k z_k + log(1 + e^-|z_k|)</c>, finite for any z. The vector path takes the last term from
    /// the outputs, without an exp (below); with <see cref="UsesSystemExp"/>, without an FMA instruction, without vectors
    /// or for fewer values than a vector holds, each term is that formula from z, with <see cref="Math.Exp"/> and
    /// <see cref="Math.Log(double)"/>.
    /// </summary>
    /// <remarks>
    /// <c>1 + e^-|z|</c> is <c>1 / a</c> for z &gt;= 0 and <c>1 / (1 - a)</c> below, so <c>log(1 + e^-|z|) = -log(max(a, 1 - a))</c>,
    /// and a layer's terms add up to minus the log of the product of those maxima. Each lies in [1/2, 1]: a lane multiplies up
    /// to <see cref="BinaryCrossEntropyFactorsPerLog"/> of them before its product is folded, in double, into one
    /// <see cref="Math.Log(double)"/>. A vector exp and log per vector of outputs (the runtime's 512-bit double ones took
    /// 31 and 43 ns, Stopwatch) cost more than the whole of C's training step of 20-1-20. The error is of the order of the
    /// per-term formula's: a's few ulps of relative error, which the log turns into as many ulps of 1 in absolute terms, and
    /// one rounding per product.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="z"/> or <paramref name="target"/> is not as long as <paramref name="a"/>.</exception>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static T BinaryCrossEntropyFromOutputs<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> z, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(z.Length, a.Length, nameof(z));
        CheckLength(target.Length, a.Length, nameof(target));
        ref T outputs = ref MemoryMarshal.GetReference(a);
        ref T logits = ref MemoryMarshal.GetReference(z);
        ref T targets = ref MemoryMarshal.GetReference(target);
        int length = a.Length;
        if (UsesOwnExp && Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
            return BinaryCrossEntropy<T, Vector512<T>, Width512<T>>(ref outputs, ref logits, ref targets, length);
        if (UsesOwnExp && Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
            return BinaryCrossEntropy<T, Vector256<T>, Width256<T>>(ref outputs, ref logits, ref targets, length);
        if (UsesOwnExp && Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count)
            return BinaryCrossEntropy<T, Vector128<T>, Width128<T>>(ref outputs, ref logits, ref targets, length);
        T sum = T.Zero;
        for (int k = 0; k < length; k++)
            sum += BinaryCrossEntropyLinearOperator<T>.Invoke(z[k], target[k]) + T.Log(T.One + T.Exp(-T.Abs(z[k])));
        return sum;
    }

    /// <summary>
    /// Factors of <c>max(a, 1 - a)</c> (each at least 1/2) a lane multiplies before its product goes into a log: at least
    /// 2^-32 per lane, and at least 2^-512 for the 16 lanes of the widest vector multiplied together in double.
    /// </summary>
    internal const int BinaryCrossEntropyFactorsPerLog = 32;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T BinaryCrossEntropy<T, TVector, TWidth>(ref T a, ref T z, ref T target, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where TWidth : struct, IVectorWidth<T, TVector>
    {
        nuint width = (nuint)TWidth.Count, i = 0;
        TVector linear = TWidth.Zero, one = TWidth.Create(T.One), product = one;
        double logs = 0;
        int factors = 0;
        for (; i + width <= (nuint)length; i += width)
        {
            linear = TWidth.Add(linear, TWidth.Invoke<BinaryCrossEntropyLinearOperator<T>>(TWidth.Load(ref z, i), TWidth.Load(ref target, i)));
            product = TWidth.Multiply(product, TWidth.Invoke<LargerOfOutputAndComplementOperator<T>>(TWidth.Load(ref a, i)));
            if (++factors == BinaryCrossEntropyFactorsPerLog)
            {
                logs += LogOfLanes<T, TVector, TWidth>(product);
                product = one;
                factors = 0;
            }
        }
        if (i < (nuint)length)
        {
            // The last whole vector, its lanes already counted left out: zero in the sum, one in the product.
            nuint last = (nuint)length - width;
            TVector mask = TWidth.LastLanes(length - (int)i);
            linear = TWidth.Add(linear, TWidth.And(TWidth.Invoke<BinaryCrossEntropyLinearOperator<T>>(TWidth.Load(ref z, last), TWidth.Load(ref target, last)), mask));
            product = TWidth.Multiply(product, TWidth.Select(mask, TWidth.Invoke<LargerOfOutputAndComplementOperator<T>>(TWidth.Load(ref a, last)), one));
        }
        return TWidth.Sum(linear) - T.CreateTruncating(logs + LogOfLanes<T, TVector, TWidth>(product));
    }

    /// <summary><c>log</c> of the product of the lanes, multiplied in double.</summary>
    /// <remarks>The lanes are read in place from the vector (a stackalloc'd copy cost 17 ns a call in 20-1-20's TrainBatch, perf).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LogOfLanes<T, TVector, TWidth>(TVector product)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where TWidth : struct, IVectorWidth<T, TVector>
    {
        ref T lanes = ref Unsafe.As<TVector, T>(ref product);
        double all = 1;
        for (int lane = 0; lane < TWidth.Count; lane++)
            all *= double.CreateTruncating(Unsafe.Add(ref lanes, lane));
        return Math.Log(all);
    }
}

/// <summary><c>max(z, 0) - t z</c>, the part of a binary cross-entropy term without a log.</summary>
internal readonly struct BinaryCrossEntropyLinearOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T z, T t) => T.Max(z, T.Zero) - t * z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> t) => Vector128.Max(z, Vector128<T>.Zero) - t * z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> t) => Vector256.Max(z, Vector256<T>.Zero) - t * z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> t) => Vector512.Max(z, Vector512<T>.Zero) - t * z;
}

/// <summary><c>max(a, 1 - a)</c>, in [1/2, 1] for a sigmoid output a: <c>1 / (1 + e^-|z|)</c>.</summary>
internal readonly struct LargerOfOutputAndComplementOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T a) => T.Max(a, T.One - a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> a) => Vector128.Max(a, Vector128<T>.One - a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> a) => Vector256.Max(a, Vector256<T>.One - a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> a) => Vector512.Max(a, Vector512<T>.One - a);
}
