using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

public static partial class Kernels
{
    /// <summary><c>z = W x + b</c> for a row-major W of <c>z.Length</c> rows and <c>x.Length</c> columns.</summary>
    /// <remarks>
    /// A matrix that fits in L1 is read eight rows at a time, sharing each load of x; a larger one
    /// (over 64 KB) one row at a time, as one sequential stream. Exactly <see cref="MatrixMatrix{T}"/> for one input.
    /// </remarks>
    public static void MatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = z.Length, columns = x.Length;
        CheckMatrix(weights, rows, columns);
        CheckLength(bias.Length, rows, nameof(bias));
        MatrixMatrixAtWidest(weights, bias, x, columns, 1, z, rows);
    }

    /// <summary>
    /// <see cref="MatrixVector{T}"/> for many inputs at once: <c>z_s = W x_s + b</c> for every row
    /// <c>x_s</c> of <paramref name="inputs"/> (row-major, <c>x.Length</c> = columns of W), written to
    /// <c>outputs[s * outputStride ..]</c>. For a matrix that fits in L1 the loops run over blocks of
    /// eight weight rows, then over the inputs; for a larger one (over 64 KB) over groups of four
    /// inputs, then over the weight rows, each load of a row serving four inputs: either way, W moves
    /// from L2 or memory a fraction of the times it would for one input at a time. Each output equals
    /// <see cref="MatrixVector{T}"/>'s for the same input, bit for bit.
    /// </summary>
    public static void MatrixMatrix<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs, int outputStride)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        int rows = bias.Length;
        CheckMatrix(weights, rows, columns);
        int samples = ThrowHelper.RowCount(nameof(inputs), inputs.Length, columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputStride, rows);
        if (samples > 0 && outputs.Length < (samples - 1) * outputStride + rows)
            ThrowHelper.ThrowLengthMismatch(nameof(outputs), (samples - 1) * outputStride + rows, outputs.Length);
        MatrixMatrixAtWidest(weights, bias, inputs, columns, samples, outputs, outputStride);
    }

    private static void MatrixMatrixAtWidest<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.MatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.MatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.MatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.MatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary>
    /// <see cref="Kernels.MatrixMatrix{T}"/> with its arguments checked: <paramref name="samples"/>
    /// inputs of <paramref name="columns"/> values, outputs <paramref name="outputStride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
    {
        int rows = bias.Length;
        if (StreamsRows(rows, columns))
        {
            StreamedMatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
            return;
        }
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        int row = 0;
        if (columns >= TWide.Count)
        {
            for (; row + 8 <= rows; row += 8)
            {
                ref T block = ref Unsafe.Add(ref w, row * columns);
                for (int sample = 0; sample < samples; sample++)
                    EightRows(ref block, ref Unsafe.Add(ref x, sample * columns), columns, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, sample * outputStride + row));
            }
        }
        if (row == rows)
            return;
        for (int sample = 0; sample < samples; sample++)
            LeftoverRows(ref w, ref Unsafe.Add(ref x, sample * columns), columns, ref b, ref Unsafe.Add(ref z, sample * outputStride), row, rows);
    }

    /// <summary>
    /// <c>z[0..8) = bias[0..8) + W[0..8, :] x</c> for eight consecutive rows of W starting at
    /// <paramref name="w0"/>: eight independent multiply-add chains hide their latency, and each load
    /// of x serves eight rows. The eight sums leave as one vector where the hardware allows: reduced
    /// together, the bias added and stored with one instruction each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightRows(ref T w0, ref T input, int columns, ref T bias, ref T z)
    {
        nuint stride = (nuint)columns;
        int whole = columns - columns % TWide.Count;
        TWideVector s0 = TWide.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (nuint i = 0; i < (nuint)whole; i += (nuint)TWide.Count)
        {
            TWideVector xi = TWide.Load(ref input, i);
            s0 = TWide.MultiplyAdd(TWide.Load(ref w0, i), xi, s0);
            s1 = TWide.MultiplyAdd(TWide.Load(ref w0, i + stride), xi, s1);
            s2 = TWide.MultiplyAdd(TWide.Load(ref w0, i + 2 * stride), xi, s2);
            s3 = TWide.MultiplyAdd(TWide.Load(ref w0, i + 3 * stride), xi, s3);
            s4 = TWide.MultiplyAdd(TWide.Load(ref w0, i + 4 * stride), xi, s4);
            s5 = TWide.MultiplyAdd(TWide.Load(ref w0, i + 5 * stride), xi, s5);
            s6 = TWide.MultiplyAdd(TWide.Load(ref w0, i + 6 * stride), xi, s6);
            s7 = TWide.MultiplyAdd(TWide.Load(ref w0, i + 7 * stride), xi, s7);
        }
        ReduceEightPlusBias(s0, s1, s2, s3, s4, s5, s6, s7, ref bias, ref z);
        if (whole == columns)
            return;
        for (int k = 0; k < 8; k++)
        {
            ref T wk = ref Unsafe.Add(ref w0, k * columns);
            T sum = T.Zero;
            for (int j = whole; j < columns; j++)
                sum += Unsafe.Add(ref wk, j) * Unsafe.Add(ref input, j);
            Unsafe.Add(ref z, k) += sum;
        }
    }

    /// <summary>
    /// <c>z[0..8) = bias[0..8) + (lane sums of s0..s7)</c>. With AVX, 512- and 256-bit accumulators
    /// share one tree of horizontal adds (about a dozen instructions instead of eight separate
    /// reductions, which would dominate short rows). Inlined, so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceEightPlusBias(TWideVector s0, TWideVector s1, TWideVector s2, TWideVector s3,
        TWideVector s4, TWideVector s5, TWideVector s6, TWideVector s7, ref T bias, ref T z)
    {
        if (Avx.IsSupported && typeof(TWideVector) == typeof(Vector512<T>))
        {
            ReduceEightPlusBias(Half(s0), Half(s1), Half(s2), Half(s3), Half(s4), Half(s5), Half(s6), Half(s7), ref bias, ref z);
            return;
        }
        if (Avx.IsSupported && typeof(TWideVector) == typeof(Vector256<T>))
        {
            ReduceEightPlusBias(Unsafe.BitCast<TWideVector, Vector256<T>>(s0), Unsafe.BitCast<TWideVector, Vector256<T>>(s1),
                Unsafe.BitCast<TWideVector, Vector256<T>>(s2), Unsafe.BitCast<TWideVector, Vector256<T>>(s3),
                Unsafe.BitCast<TWideVector, Vector256<T>>(s4), Unsafe.BitCast<TWideVector, Vector256<T>>(s5),
                Unsafe.BitCast<TWideVector, Vector256<T>>(s6), Unsafe.BitCast<TWideVector, Vector256<T>>(s7), ref bias, ref z);
            return;
        }
        z = bias + TWide.Sum(s0);
        Unsafe.Add(ref z, 1) = Unsafe.Add(ref bias, 1) + TWide.Sum(s1);
        Unsafe.Add(ref z, 2) = Unsafe.Add(ref bias, 2) + TWide.Sum(s2);
        Unsafe.Add(ref z, 3) = Unsafe.Add(ref bias, 3) + TWide.Sum(s3);
        Unsafe.Add(ref z, 4) = Unsafe.Add(ref bias, 4) + TWide.Sum(s4);
        Unsafe.Add(ref z, 5) = Unsafe.Add(ref bias, 5) + TWide.Sum(s5);
        Unsafe.Add(ref z, 6) = Unsafe.Add(ref bias, 6) + TWide.Sum(s6);
        Unsafe.Add(ref z, 7) = Unsafe.Add(ref bias, 7) + TWide.Sum(s7);
    }

    /// <summary>The two 256-bit halves of a 512-bit accumulator added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Half(TWideVector value)
    {
        Vector512<T> wide = Unsafe.BitCast<TWideVector, Vector512<T>>(value);
        return wide.GetLower() + wide.GetUpper();
    }

    /// <summary>The AVX reduction tree of <see cref="ReduceEightPlusBias(TWideVector, TWideVector, TWideVector, TWideVector, TWideVector, TWideVector, TWideVector, TWideVector, ref T, ref T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceEightPlusBias(Vector256<T> s0, Vector256<T> s1, Vector256<T> s2, Vector256<T> s3,
        Vector256<T> s4, Vector256<T> s5, Vector256<T> s6, Vector256<T> s7, ref T bias, ref T z)
    {
        if (typeof(T) == typeof(float))
        {
            // Pairwise horizontal adds: after two rounds each 128-bit half holds one partial sum per
            // row, and one cross-half add finishes all eight.
            Vector256<float> h01 = Avx.HorizontalAdd(s0.AsSingle(), s1.AsSingle());
            Vector256<float> h23 = Avx.HorizontalAdd(s2.AsSingle(), s3.AsSingle());
            Vector256<float> h45 = Avx.HorizontalAdd(s4.AsSingle(), s5.AsSingle());
            Vector256<float> h67 = Avx.HorizontalAdd(s6.AsSingle(), s7.AsSingle());
            Vector256<float> g0 = Avx.HorizontalAdd(h01, h23), g1 = Avx.HorizontalAdd(h45, h67);
            Vector256<float> rows = Avx.Permute2x128(g0, g1, 0x20) + Avx.Permute2x128(g0, g1, 0x31);
            (rows + Vector256.LoadUnsafe(ref bias).AsSingle()).As<float, T>().StoreUnsafe(ref z);
        }
        else
        {
            Vector256<double> h01 = Avx.HorizontalAdd(s0.AsDouble(), s1.AsDouble());
            Vector256<double> h23 = Avx.HorizontalAdd(s2.AsDouble(), s3.AsDouble());
            Vector256<double> h45 = Avx.HorizontalAdd(s4.AsDouble(), s5.AsDouble());
            Vector256<double> h67 = Avx.HorizontalAdd(s6.AsDouble(), s7.AsDouble());
            Vector256<double> rows0 = Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31);
            Vector256<double> rows4 = Avx.Permute2x128(h45, h67, 0x20) + Avx.Permute2x128(h45, h67, 0x31);
            (rows0 + Vector256.LoadUnsafe(ref bias).AsDouble()).As<double, T>().StoreUnsafe(ref z);
            (rows4 + Vector256.LoadUnsafe(ref bias, 4).AsDouble()).As<double, T>().StoreUnsafe(ref z, 4);
        }
    }

    /// <summary>
    /// Rows <paramref name="row"/> to <paramref name="rows"/> of <c>z = W x + b</c> with narrow
    /// vectors: four rows at a time share each load of x and give four independent chains, then the
    /// last rows one by one.
    /// </summary>
    private static void LeftoverRows(ref T w, ref T input, int columns, ref T bias, ref T z, int row, int rows)
    {
        nuint width = (nuint)TNarrow.Count;
        int whole = columns - columns % TNarrow.Count;
        for (; row + 4 <= rows; row += 4)
        {
            ref T w0 = ref Unsafe.Add(ref w, row * columns);
            ref T w1 = ref Unsafe.Add(ref w0, columns);
            ref T w2 = ref Unsafe.Add(ref w1, columns);
            ref T w3 = ref Unsafe.Add(ref w2, columns);
            TNarrowVector s0 = TNarrow.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (nuint i = 0; i < (nuint)whole; i += width)
            {
                TNarrowVector xi = TNarrow.Load(ref input, i);
                s0 = TNarrow.MultiplyAdd(TNarrow.Load(ref w0, i), xi, s0);
                s1 = TNarrow.MultiplyAdd(TNarrow.Load(ref w1, i), xi, s1);
                s2 = TNarrow.MultiplyAdd(TNarrow.Load(ref w2, i), xi, s2);
                s3 = TNarrow.MultiplyAdd(TNarrow.Load(ref w3, i), xi, s3);
            }
            T t0 = TNarrow.Sum(s0), t1 = TNarrow.Sum(s1), t2 = TNarrow.Sum(s2), t3 = TNarrow.Sum(s3);
            for (int i = whole; i < columns; i++)
            {
                T xi = Unsafe.Add(ref input, i);
                t0 += Unsafe.Add(ref w0, i) * xi;
                t1 += Unsafe.Add(ref w1, i) * xi;
                t2 += Unsafe.Add(ref w2, i) * xi;
                t3 += Unsafe.Add(ref w3, i) * xi;
            }
            Unsafe.Add(ref z, row) = Unsafe.Add(ref bias, row) + t0;
            Unsafe.Add(ref z, row + 1) = Unsafe.Add(ref bias, row + 1) + t1;
            Unsafe.Add(ref z, row + 2) = Unsafe.Add(ref bias, row + 2) + t2;
            Unsafe.Add(ref z, row + 3) = Unsafe.Add(ref bias, row + 3) + t3;
        }
        for (; row < rows; row++)
            Unsafe.Add(ref z, row) = Unsafe.Add(ref bias, row) + Dot(ref Unsafe.Add(ref w, row * columns), ref input, columns);
    }

    /// <summary>A dot product with narrow vectors: two chains over pairs of vectors, then single vectors, then the values left over.</summary>
    private static T Dot(ref T a, ref T b, int length)
    {
        nuint width = (nuint)TNarrow.Count;
        TNarrowVector s0 = TNarrow.Zero, s1 = s0;
        nuint i = 0;
        for (; i + 2 * width <= (nuint)length; i += 2 * width)
        {
            s0 = TNarrow.MultiplyAdd(TNarrow.Load(ref a, i), TNarrow.Load(ref b, i), s0);
            s1 = TNarrow.MultiplyAdd(TNarrow.Load(ref a, i + width), TNarrow.Load(ref b, i + width), s1);
        }
        for (; i + width <= (nuint)length; i += width)
            s0 = TNarrow.MultiplyAdd(TNarrow.Load(ref a, i), TNarrow.Load(ref b, i), s0);
        T sum = TNarrow.Sum(TNarrow.Add(s0, s1));
        for (int j = (int)i; j < length; j++)
            sum += Unsafe.Add(ref a, j) * Unsafe.Add(ref b, j);
        return sum;
    }
}
