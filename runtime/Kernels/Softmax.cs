using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

public static partial class Kernels
{
    /// <summary>
    /// <c>a = softmax(z)</c>, computed as <c>exp(z - max z) / sum exp(z - max z)</c> so no exp overflows. A row at
    /// least one vector long runs in vectors of the widest width it fills
    /// (<see cref="SoftmaxInVectors{T, TVector, TWidth}"/>); a shorter one (fewer than four floats or two doubles), and
    /// every row with <see cref="UsesSystemExp"/>, in scalar loops around <see cref="Math.Exp"/> / <see cref="MathF.Exp"/>.
    /// Without an FMA instruction (Native AOT's default x86-64-v2) the vector exp multiplies and adds separately, as the
    /// whole-layer activations' exps do. The path depends on the row's length alone, so every caller (Predict, the batch
    /// paths) gets the same bits for the same logits.
    /// </summary>
    /// <remarks>
    /// Vectors, not scalar loops: W4's ten classes (64-32-10 floats) spent about 40 ns of a 126 ns <c>Predict</c> in
    /// scalar loops for the max and sum around one vectorised exp, much of it in the max's branches, which each row of
    /// new logits mispredicts. In vectors, 10 logits take 18 ns instead of 44, 40 take 30 instead of 100, and W4
    /// <c>Predict</c> 116-119 ns instead of 125-128 (Stopwatch over 16 rows in turn, three processes each, the same minute).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        int n = z.Length;
        if (n == 0)
            return;
        if (ExpOperator<T>.Vectorizable && Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
            SoftmaxInVectors<T, Vector512<T>, Width512<T>>(z, a);
        else if (ExpOperator<T>.Vectorizable && Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
            SoftmaxInVectors<T, Vector256<T>, Width256<T>>(z, a);
        else if (ExpOperator<T>.Vectorizable && Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count)
            SoftmaxInVectors<T, Vector128<T>, Width128<T>>(z, a);
        else
            SoftmaxOneAtATime(z, a);
    }

    /// <summary><see cref="Softmax{T}"/> one value at a time: rows shorter than a vector, and the exact path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxOneAtATime<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T max = z[0];
        for (int k = 1; k < z.Length; k++)
        {
            if (z[k] > max)
                max = z[k];
        }
        // The sum in four running sums (value k in sum k % 4): a quarter of the rounding and of the dependency chain.
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        int k4 = 0;
        for (; k4 + 4 <= z.Length; k4 += 4)
        {
            s0 += a[k4] = T.Exp(z[k4] - max);
            s1 += a[k4 + 1] = T.Exp(z[k4 + 1] - max);
            s2 += a[k4 + 2] = T.Exp(z[k4 + 2] - max);
            s3 += a[k4 + 3] = T.Exp(z[k4 + 3] - max);
        }
        for (; k4 < z.Length; k4++)
            s0 += a[k4] = T.Exp(z[k4] - max);
        T inverse = T.One / ((s0 + s1) + (s2 + s3)); // one division: one per value costs more than the exp
        for (int k = 0; k < a.Length; k++)
            a[k] *= inverse;
    }

    /// <summary>
    /// <see cref="Softmax{T}"/> of a row of at least <c>Count</c> values, in vectors: each pass takes the whole vectors,
    /// then the row's last <c>Count</c> values, which overlap values already taken unless the row is a whole number of
    /// vectors. The max counts them again, which changes nothing; the sum takes only the last vector's new lanes; the
    /// exp and the division store the same value twice into the shared lanes. The last vector of each pass is read
    /// before the pass stores anything, so <paramref name="a"/> may be <paramref name="z"/> itself. A NaN or infinite
    /// logit makes every output NaN, as the scalar loops do.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxInVectors<T, TVector, TWidth>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where TWidth : struct, IVectorWidth<T, TVector>
    {
        nuint width = (nuint)TWidth.Count, last = (nuint)(z.Length - TWidth.Count), i;
        int fresh = z.Length % TWidth.Count; // the last vector's lanes that no whole vector holds (0: it is a whole vector)
        ref T logits = ref MemoryMarshal.GetReference(z);
        ref T outputs = ref MemoryMarshal.GetReference(a);

        // max z: a tree of lane maxima, no branch.
        TVector lastValues = TWidth.Load(ref logits, last), largest = lastValues;
        for (i = 0; i < last; i += width)
            largest = TWidth.MaxNative(largest, TWidth.Load(ref logits, i));
        TVector max = TWidth.Create(TWidth.MaxOfLanes(largest));

        // a = e^(z - max z), and their sum: one call site of the exp, which is large inlined.
        TVector sums = TWidth.Zero;
        for (i = 0; ; i += width)
        {
            bool final = i >= last;
            nuint at = final ? last : i;
            TVector e = TWidth.Invoke<ExpOperator<T>>(TWidth.Subtract(final ? lastValues : TWidth.Load(ref logits, i), max));
            sums = TWidth.Add(sums, final && fresh != 0 ? TWidth.And(e, TWidth.LastLanes(fresh)) : e);
            TWidth.Store(e, ref outputs, at);
            if (final)
                break;
        }

        // a /= sum, by one division and a multiplication per vector.
        TVector inverse = TWidth.Create(T.One / TWidth.Sum(sums));
        TVector lastScaled = TWidth.Multiply(TWidth.Load(ref outputs, last), inverse);
        for (i = 0; i < last; i += width)
            TWidth.Store(TWidth.Multiply(TWidth.Load(ref outputs, i), inverse), ref outputs, i);
        TWidth.Store(lastScaled, ref outputs, last);
    }
}
