using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>
/// Whole-layer SIMD kernels for the looped layers of generated networks: one call per layer and
/// operation, so per-call overhead is paid once per layer rather than once per row. Matrices are
/// row-major (out x in), as in <see cref="INetwork{T}.Parameters"/>. The kernels know no layer size:
/// generated code passes spans of compile-time-constant length.
/// </summary>
/// <remarks>
/// Sums are accumulated in SIMD lanes and fused multiply-adds, so results differ from a sequential
/// scalar sum in the last bits, and between machines with different vector widths.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Simd
{
    /// <summary><c>z = W x + b</c> for a row-major W of <c>z.Length</c> rows and <c>x.Length</c> columns.</summary>
    /// <remarks>
    /// A matrix that fits in L1 is read eight rows at a time, sharing each load of x; a larger one
    /// (see <see cref="StreamedMatrixBytes"/>) one row at a time, as one sequential stream.
    /// </remarks>
    public static void MatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = z.Length, columns = x.Length;
        CheckMatrix(weights, rows, columns);
        if (bias.Length != rows)
            ThrowHelper.ThrowLengthMismatch(nameof(bias), rows, bias.Length);

        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T input = ref MemoryMarshal.GetReference(x);
        if (StreamsRows<T>(rows, columns))
        {
            if (NeedsAlignedCopy(ref input, columns))
                StreamedMatrixVectorAligned(ref w, x, bias, z);
            else
                StreamedMatrixVector(ref w, ref input, bias, z, columns);
            return;
        }
        int row = Vector512.IsHardwareAccelerated && columns >= Vector512<T>.Count
            ? MatrixVectorRows512(ref w, ref input, bias, z, columns)
            : 0;
        // Four rows at a time share each load of x and give four independent FMA chains.
        for (; row + 4 <= rows; row += 4)
        {
            ref T w0 = ref Unsafe.Add(ref w, row * columns);
            ref T w1 = ref Unsafe.Add(ref w0, columns);
            ref T w2 = ref Unsafe.Add(ref w1, columns);
            ref T w3 = ref Unsafe.Add(ref w2, columns);
            Vector256<T> s0 = Vector256<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
            int i = 0;
            for (; i + Vector256<T>.Count <= columns; i += Vector256<T>.Count)
            {
                Vector256<T> xi = Vector256.LoadUnsafe(ref input, (nuint)i);
                s0 = MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)i), xi, s0);
                s1 = MultiplyAdd(Vector256.LoadUnsafe(ref w1, (nuint)i), xi, s1);
                s2 = MultiplyAdd(Vector256.LoadUnsafe(ref w2, (nuint)i), xi, s2);
                s3 = MultiplyAdd(Vector256.LoadUnsafe(ref w3, (nuint)i), xi, s3);
            }
            T t0 = Vector256.Sum(s0), t1 = Vector256.Sum(s1), t2 = Vector256.Sum(s2), t3 = Vector256.Sum(s3);
            for (; i < columns; i++)
            {
                T xi = Unsafe.Add(ref input, i);
                t0 += Unsafe.Add(ref w0, i) * xi;
                t1 += Unsafe.Add(ref w1, i) * xi;
                t2 += Unsafe.Add(ref w2, i) * xi;
                t3 += Unsafe.Add(ref w3, i) * xi;
            }
            z[row] = bias[row] + t0;
            z[row + 1] = bias[row + 1] + t1;
            z[row + 2] = bias[row + 2] + t2;
            z[row + 3] = bias[row + 3] + t3;
        }
        for (; row < rows; row++)
            z[row] = bias[row] + Dot(ref Unsafe.Add(ref w, row * columns), ref input, columns);
    }

    /// <summary>
    /// The rows of <see cref="MatrixVector{T}"/> eight at a time with 512-bit vectors (see
    /// <see cref="EightRows{T}"/>). Returns how many rows it did; the caller finishes the rest.
    /// </summary>
    private static int MatrixVectorRows512<T>(ref T w, ref T input, ReadOnlySpan<T> bias, Span<T> z, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T output = ref MemoryMarshal.GetReference(z);
        int row = 0;
        for (; row + 8 <= z.Length; row += 8)
            EightRows(ref Unsafe.Add(ref w, row * columns), ref input, columns, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref output, row));
        return row;
    }

    /// <summary>
    /// <c>z[0..8) = bias[0..8) + W[0..8, :] x</c> for eight consecutive rows of W starting at
    /// <paramref name="w0"/>: eight independent FMA chains hide the FMA latency, and each load of x
    /// serves eight rows. The eight sums leave as one vector: reduced together, the bias added and
    /// stored with one instruction each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightRows<T>(ref T w0, ref T input, int columns, ref T bias, ref T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint stride = (nuint)columns;
        int whole = columns - columns % Vector512<T>.Count;
        Vector512<T> s0 = Vector512<T>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (nuint i = 0; i < (nuint)whole; i += (nuint)Vector512<T>.Count)
        {
            Vector512<T> xi = Vector512.LoadUnsafe(ref input, i);
            s0 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i), xi, s0);
            s1 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + stride), xi, s1);
            s2 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + 2 * stride), xi, s2);
            s3 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + 3 * stride), xi, s3);
            s4 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + 4 * stride), xi, s4);
            s5 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + 5 * stride), xi, s5);
            s6 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + 6 * stride), xi, s6);
            s7 = MultiplyAdd(Vector512.LoadUnsafe(ref w0, i + 7 * stride), xi, s7);
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
        int rows = bias.Length;
        CheckMatrix(weights, rows, columns);
        int samples = ThrowHelper.RowCount(nameof(inputs), inputs.Length, columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputStride, rows);
        if (samples > 0 && outputs.Length < (samples - 1) * outputStride + rows)
            ThrowHelper.ThrowLengthMismatch(nameof(outputs), (samples - 1) * outputStride + rows, outputs.Length);

        if (StreamsRows<T>(rows, columns))
        {
            StreamedMatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
            return;
        }
        int row = 0;
        if (Vector512.IsHardwareAccelerated && columns >= Vector512<T>.Count)
        {
            ref T w = ref MemoryMarshal.GetReference(weights);
            ref T b = ref MemoryMarshal.GetReference(bias);
            ref T x = ref MemoryMarshal.GetReference(inputs);
            ref T z = ref MemoryMarshal.GetReference(outputs);
            for (; row + 8 <= rows; row += 8)
            {
                ref T block = ref Unsafe.Add(ref w, row * columns);
                for (int sample = 0; sample < samples; sample++)
                    EightRows(ref block, ref Unsafe.Add(ref x, sample * columns), columns, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, sample * outputStride + row));
            }
        }
        if (row == rows)
            return;
        // The rows left over (all of them without 512-bit vectors), exactly as MatrixVector does them.
        ReadOnlySpan<T> restWeights = weights.Slice(row * columns), restBias = bias.Slice(row);
        for (int sample = 0; sample < samples; sample++)
            MatrixVector(restWeights, inputs.Slice(sample * columns, columns), restBias, outputs.Slice(sample * outputStride + row, rows - row));
    }

    /// <summary>
    /// Weight matrices larger than this (in bytes) do not stay in L1 between calls, so
    /// <see cref="MatrixVector{T}"/> reads them from L2 or memory. There, one row at a time is faster
    /// than <see cref="EightRows{T}"/>: a single sequential stream of weights, where eight concurrent
    /// row streams reach only about 60% of L2 bandwidth (784x128 single: 3.0 against 3.6 us). In L1 it
    /// is the other way round (eight rows share each load of x: 16x784 single, 190 against 294 ns).
    /// </summary>
    private const int StreamedMatrixBytes = 64 * 1024;

    /// <summary>
    /// The largest input block (in bytes) the streamed paths copy to a cache line on the stack: four
    /// rows of 784 floats, 512 doubles. Longer rows are read where they are.
    /// </summary>
    private const int MaxAlignedCopyBytes = 16 * 1024;

    /// <summary>
    /// Whether <see cref="MatrixVector{T}"/> and <see cref="MatrixMatrix{T}"/> take the streamed path
    /// (<see cref="StreamedRowDot{T}"/>) for this shape. Both decide from the same shape, so a batch
    /// row still gets exactly what a single row gets.
    /// </summary>
    private static bool StreamsRows<T>(int rows, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated
        && columns >= 4 * Vector512<T>.Count
        && (long)rows * columns * Unsafe.SizeOf<T>() > StreamedMatrixBytes;

    /// <summary>
    /// <c>W[row, :] x</c> for one long row: four independent FMA chains over 512-bit vectors, the
    /// vectors left over into the first chain, the chains added pairwise, then the lanes, then the
    /// columns left over one by one. <see cref="StreamedRowDotFourInputs{T}"/> computes exactly this for four inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T StreamedRowDot<T>(ref T w, ref T x, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint width = (nuint)Vector512<T>.Count, whole = (nuint)(columns - columns % Vector512<T>.Count);
        nuint quads = (nuint)(columns - columns % (4 * Vector512<T>.Count));
        Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
        nuint i = 0;
        for (; i < quads; i += 4 * width)
        {
            a0 = MultiplyAdd(Vector512.LoadUnsafe(ref w, i), Vector512.LoadUnsafe(ref x, i), a0);
            a1 = MultiplyAdd(Vector512.LoadUnsafe(ref w, i + width), Vector512.LoadUnsafe(ref x, i + width), a1);
            a2 = MultiplyAdd(Vector512.LoadUnsafe(ref w, i + 2 * width), Vector512.LoadUnsafe(ref x, i + 2 * width), a2);
            a3 = MultiplyAdd(Vector512.LoadUnsafe(ref w, i + 3 * width), Vector512.LoadUnsafe(ref x, i + 3 * width), a3);
        }
        for (; i < whole; i += width)
            a0 = MultiplyAdd(Vector512.LoadUnsafe(ref w, i), Vector512.LoadUnsafe(ref x, i), a0);
        return FinishRowDot((a0 + a1) + (a2 + a3), ref w, ref x, (int)whole, columns);
    }

    /// <summary>
    /// <see cref="StreamedRowDot{T}"/> of one weight row with four inputs <c>columns</c> apart, written
    /// to <c>z[0]</c>, <c>z[outputStride]</c>, ... with the bias added: each load of the row serves
    /// four inputs. The operations on each input are exactly <see cref="StreamedRowDot{T}"/>'s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamedRowDotFourInputs<T>(ref T w, ref T x, int columns, T bias, ref T z, int outputStride)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint width = (nuint)Vector512<T>.Count, whole = (nuint)(columns - columns % Vector512<T>.Count);
        nuint quads = (nuint)(columns - columns % (4 * Vector512<T>.Count));
        ref T x1 = ref Unsafe.Add(ref x, columns);
        ref T x2 = ref Unsafe.Add(ref x1, columns);
        ref T x3 = ref Unsafe.Add(ref x2, columns);
        Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        Vector512<T> c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
        nuint i = 0;
        for (; i < quads; i += 4 * width)
        {
            nuint i1 = i + width, i2 = i + 2 * width, i3 = i + 3 * width;
            Vector512<T> w0 = Vector512.LoadUnsafe(ref w, i), w1 = Vector512.LoadUnsafe(ref w, i1);
            Vector512<T> w2 = Vector512.LoadUnsafe(ref w, i2), w3 = Vector512.LoadUnsafe(ref w, i3);
            a0 = MultiplyAdd(w0, Vector512.LoadUnsafe(ref x, i), a0);
            a1 = MultiplyAdd(w1, Vector512.LoadUnsafe(ref x, i1), a1);
            a2 = MultiplyAdd(w2, Vector512.LoadUnsafe(ref x, i2), a2);
            a3 = MultiplyAdd(w3, Vector512.LoadUnsafe(ref x, i3), a3);
            b0 = MultiplyAdd(w0, Vector512.LoadUnsafe(ref x1, i), b0);
            b1 = MultiplyAdd(w1, Vector512.LoadUnsafe(ref x1, i1), b1);
            b2 = MultiplyAdd(w2, Vector512.LoadUnsafe(ref x1, i2), b2);
            b3 = MultiplyAdd(w3, Vector512.LoadUnsafe(ref x1, i3), b3);
            c0 = MultiplyAdd(w0, Vector512.LoadUnsafe(ref x2, i), c0);
            c1 = MultiplyAdd(w1, Vector512.LoadUnsafe(ref x2, i1), c1);
            c2 = MultiplyAdd(w2, Vector512.LoadUnsafe(ref x2, i2), c2);
            c3 = MultiplyAdd(w3, Vector512.LoadUnsafe(ref x2, i3), c3);
            d0 = MultiplyAdd(w0, Vector512.LoadUnsafe(ref x3, i), d0);
            d1 = MultiplyAdd(w1, Vector512.LoadUnsafe(ref x3, i1), d1);
            d2 = MultiplyAdd(w2, Vector512.LoadUnsafe(ref x3, i2), d2);
            d3 = MultiplyAdd(w3, Vector512.LoadUnsafe(ref x3, i3), d3);
        }
        for (; i < whole; i += width)
        {
            Vector512<T> wi = Vector512.LoadUnsafe(ref w, i);
            a0 = MultiplyAdd(wi, Vector512.LoadUnsafe(ref x, i), a0);
            b0 = MultiplyAdd(wi, Vector512.LoadUnsafe(ref x1, i), b0);
            c0 = MultiplyAdd(wi, Vector512.LoadUnsafe(ref x2, i), c0);
            d0 = MultiplyAdd(wi, Vector512.LoadUnsafe(ref x3, i), d0);
        }
        z = bias + FinishRowDot((a0 + a1) + (a2 + a3), ref w, ref x, (int)whole, columns);
        Unsafe.Add(ref z, outputStride) = bias + FinishRowDot((b0 + b1) + (b2 + b3), ref w, ref x1, (int)whole, columns);
        Unsafe.Add(ref z, 2 * outputStride) = bias + FinishRowDot((c0 + c1) + (c2 + c3), ref w, ref x2, (int)whole, columns);
        Unsafe.Add(ref z, 3 * outputStride) = bias + FinishRowDot((d0 + d1) + (d2 + d3), ref w, ref x3, (int)whole, columns);
    }

    /// <summary>The lane sum of a row's accumulator plus the products of the columns from <paramref name="from"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FinishRowDot<T>(Vector512<T> sum, ref T w, ref T x, int from, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T total = Vector512.Sum(sum);
        for (int j = from; j < columns; j++)
            total += Unsafe.Add(ref w, j) * Unsafe.Add(ref x, j);
        return total;
    }

    /// <summary><see cref="MatrixVector{T}"/> for a matrix that <see cref="StreamsRows{T}"/>: each row streamed past x once.</summary>
    private static void StreamedMatrixVector<T>(ref T w, ref T x, ReadOnlySpan<T> bias, Span<T> z, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T output = ref MemoryMarshal.GetReference(z);
        for (int row = 0; row < z.Length; row++)
            Unsafe.Add(ref output, row) = Unsafe.Add(ref b, row) + StreamedRowDot(ref Unsafe.Add(ref w, row * columns), ref x, columns);
    }

    /// <summary>
    /// <see cref="StreamedMatrixVector{T}"/> of a copy of x on a cache line: x is read once per row,
    /// and where it straddles lines, every one of its 512-bit loads reads two (784x128 single: about
    /// 4.4 against 3.1 us).
    /// </summary>
    private static void StreamedMatrixVectorAligned<T>(ref T w, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> copy = stackalloc T[x.Length + AlignmentSlack<T>()];
        StreamedMatrixVector(ref w, ref AlignedCopy(x, copy), bias, z, x.Length);
    }

    /// <summary>
    /// <see cref="MatrixMatrix{T}"/> for a matrix that <see cref="StreamsRows{T}"/>: four inputs at a
    /// time (copied to a cache line if they are not on one), and for each group every weight row
    /// streamed past them once, each load of it serving all four.
    /// </summary>
    private static void StreamedMatrixMatrix<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        int rows = bias.Length, sample = 0;
        // Rows of the batch need not all sit alike (a row of 100 floats is not a whole number of cache
        // lines), so each group is checked; the buffer exists whenever a group fits in it.
        Span<T> copy = (long)4 * columns * Unsafe.SizeOf<T>() <= MaxAlignedCopyBytes ? stackalloc T[4 * columns + AlignmentSlack<T>()] : default;
        for (; sample + 4 <= samples; sample += 4)
        {
            ReadOnlySpan<T> group = inputs.Slice(sample * columns, 4 * columns);
            ref T x = ref copy.IsEmpty || !NeedsAlignedCopy(ref MemoryMarshal.GetReference(group), group.Length) ? ref MemoryMarshal.GetReference(group) : ref AlignedCopy(group, copy);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            for (int row = 0; row < rows; row++)
                StreamedRowDotFourInputs(ref Unsafe.Add(ref w, row * columns), ref x, columns, Unsafe.Add(ref b, row), ref Unsafe.Add(ref output, row), outputStride);
        }
        for (; sample < samples; sample++)
        {
            ReadOnlySpan<T> input = inputs.Slice(sample * columns, columns);
            ref T x = ref copy.IsEmpty || !NeedsAlignedCopy(ref MemoryMarshal.GetReference(input), input.Length) ? ref MemoryMarshal.GetReference(input) : ref AlignedCopy(input, copy);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            for (int row = 0; row < rows; row++)
                Unsafe.Add(ref output, row) = Unsafe.Add(ref b, row) + StreamedRowDot(ref Unsafe.Add(ref w, row * columns), ref x, columns);
        }
    }

    /// <summary>
    /// Whether the streamed paths should copy <paramref name="length"/> values at <paramref name="start"/>
    /// to a cache line first: they are not on one, and they fit in <see cref="MaxAlignedCopyBytes"/>.
    /// Only where data sit changes; the arithmetic, and so every result bit, does not depend on it.
    /// </summary>
    private static bool NeedsAlignedCopy<T>(ref T start, int length)
        where T : unmanaged =>
        ((nint)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref start) & (AlignedBuffer<T>.Alignment - 1)) != 0
        && (long)length * Unsafe.SizeOf<T>() <= MaxAlignedCopyBytes;

    /// <summary>Elements of slack that let a stack buffer hold a block starting on a cache line.</summary>
    private static int AlignmentSlack<T>()
        where T : unmanaged => AlignedBuffer<T>.Alignment / Unsafe.SizeOf<T>();

    /// <summary>Copies <paramref name="values"/> into <paramref name="buffer"/> at its first cache line and returns a reference to the copy.</summary>
    private static ref T AlignedCopy<T>(ReadOnlySpan<T> values, Span<T> buffer)
        where T : unmanaged
    {
        ref T start = ref MemoryMarshal.GetReference(buffer);
        int misalignment = (int)((nint)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref start) & (AlignedBuffer<T>.Alignment - 1));
        ref T aligned = ref Unsafe.Add(ref start, (AlignedBuffer<T>.Alignment - misalignment) % AlignedBuffer<T>.Alignment / Unsafe.SizeOf<T>());
        values.CopyTo(MemoryMarshal.CreateSpan(ref aligned, values.Length));
        return ref aligned;
    }

    /// <summary>
    /// <c>z[0..8) = bias[0..8) + (lane sums of s0..s7)</c>. With AVX the eight reductions share one
    /// tree of horizontal adds (about a dozen instructions instead of eight separate reductions, which
    /// would dominate short rows). Inlined, so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceEightPlusBias<T>(Vector512<T> s0, Vector512<T> s1, Vector512<T> s2, Vector512<T> s3,
        Vector512<T> s4, Vector512<T> s5, Vector512<T> s6, Vector512<T> s7, ref T bias, ref T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            // Halve each accumulator to 8 lanes, then pairwise horizontal adds: after two rounds each
            // 128-bit half holds one partial sum per row, and one cross-half add finishes all eight.
            Vector256<float> h01 = Avx.HorizontalAdd(Half(s0.AsSingle()), Half(s1.AsSingle()));
            Vector256<float> h23 = Avx.HorizontalAdd(Half(s2.AsSingle()), Half(s3.AsSingle()));
            Vector256<float> h45 = Avx.HorizontalAdd(Half(s4.AsSingle()), Half(s5.AsSingle()));
            Vector256<float> h67 = Avx.HorizontalAdd(Half(s6.AsSingle()), Half(s7.AsSingle()));
            Vector256<float> g0 = Avx.HorizontalAdd(h01, h23), g1 = Avx.HorizontalAdd(h45, h67);
            Vector256<float> rows = Avx.Permute2x128(g0, g1, 0x20) + Avx.Permute2x128(g0, g1, 0x31);
            (rows + Vector256.LoadUnsafe(ref bias).AsSingle()).As<float, T>().StoreUnsafe(ref z);
            return;
        }
        if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            Vector256<double> h01 = Avx.HorizontalAdd(Half(s0.AsDouble()), Half(s1.AsDouble()));
            Vector256<double> h23 = Avx.HorizontalAdd(Half(s2.AsDouble()), Half(s3.AsDouble()));
            Vector256<double> h45 = Avx.HorizontalAdd(Half(s4.AsDouble()), Half(s5.AsDouble()));
            Vector256<double> h67 = Avx.HorizontalAdd(Half(s6.AsDouble()), Half(s7.AsDouble()));
            Vector256<double> rows0 = Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31);
            Vector256<double> rows4 = Avx.Permute2x128(h45, h67, 0x20) + Avx.Permute2x128(h45, h67, 0x31);
            (rows0 + Vector256.LoadUnsafe(ref bias).AsDouble()).As<double, T>().StoreUnsafe(ref z);
            (rows4 + Vector256.LoadUnsafe(ref bias, 4).AsDouble()).As<double, T>().StoreUnsafe(ref z, 4);
            return;
        }
        z = bias + Vector512.Sum(s0);
        Unsafe.Add(ref z, 1) = Unsafe.Add(ref bias, 1) + Vector512.Sum(s1);
        Unsafe.Add(ref z, 2) = Unsafe.Add(ref bias, 2) + Vector512.Sum(s2);
        Unsafe.Add(ref z, 3) = Unsafe.Add(ref bias, 3) + Vector512.Sum(s3);
        Unsafe.Add(ref z, 4) = Unsafe.Add(ref bias, 4) + Vector512.Sum(s4);
        Unsafe.Add(ref z, 5) = Unsafe.Add(ref bias, 5) + Vector512.Sum(s5);
        Unsafe.Add(ref z, 6) = Unsafe.Add(ref bias, 6) + Vector512.Sum(s6);
        Unsafe.Add(ref z, 7) = Unsafe.Add(ref bias, 7) + Vector512.Sum(s7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<TLane> Half<TLane>(Vector512<TLane> value) => value.GetLower() + value.GetUpper();

    /// <summary><c>result = W^T d</c>: the error sent back through a row-major W of <c>d.Length</c> rows and <c>result.Length</c> columns.</summary>
    public static void TransposedMatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, Span<T> result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = d.Length, columns = result.Length;
        CheckMatrix(weights, rows, columns);
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T output = ref MemoryMarshal.GetReference(result);
        int column = Vector512.IsHardwareAccelerated ? TransposedBlocks512(ref w, d, ref output, columns) : 0;
        if (column == columns)
            return;

        // The columns left over (all of them without 512-bit vectors), two rows per pass to halve the
        // loads and stores of result.
        ref T rest = ref Unsafe.Add(ref output, column);
        int width = columns - column;
        result.Slice(column).Clear();
        int row = 0;
        for (; row + 2 <= rows; row += 2)
        {
            ref T w0 = ref Unsafe.Add(ref w, row * columns + column);
            ref T w1 = ref Unsafe.Add(ref w0, columns);
            T d0 = d[row], d1 = d[row + 1];
            Vector256<T> v0 = Vector256.Create(d0), v1 = Vector256.Create(d1);
            int i = 0;
            for (; i + Vector256<T>.Count <= width; i += Vector256<T>.Count)
            {
                Vector256<T> sum = Vector256.LoadUnsafe(ref rest, (nuint)i);
                sum = MultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)i), v0, sum);
                sum = MultiplyAdd(Vector256.LoadUnsafe(ref w1, (nuint)i), v1, sum);
                sum.StoreUnsafe(ref rest, (nuint)i);
            }
            for (; i < width; i++)
                Unsafe.Add(ref rest, i) += Unsafe.Add(ref w0, i) * d0 + Unsafe.Add(ref w1, i) * d1;
        }
        for (; row < rows; row++)
            AddScaled(d[row], ref Unsafe.Add(ref w, row * columns + column), ref rest, width);
    }

    /// <summary>
    /// The whole 512-bit column vectors of <see cref="TransposedMatrixVector{T}"/>, up to eight at a
    /// time: the block of result stays in registers while every row of W is added into it, and is
    /// stored once. Returns how many columns it did; the caller finishes the rest.
    /// </summary>
    private static int TransposedBlocks512<T>(ref T w, ReadOnlySpan<T> d, ref T output, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint n = (nuint)Vector512<T>.Count;
        int column = 0;
        while (columns - column >= Vector512<T>.Count)
        {
            int vectors = Math.Min(8, (columns - column) / Vector512<T>.Count);
            Vector512<T> r0 = Vector512<T>.Zero, r1 = r0, r2 = r0, r3 = r0, r4 = r0, r5 = r0, r6 = r0, r7 = r0;
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                Vector512<T> f = Vector512.Create(d[row]);
                r0 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 0), f, r0);
                if (vectors > 1) r1 = MultiplyAdd(Vector512.LoadUnsafe(ref y, n), f, r1);
                if (vectors > 2) r2 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 2 * n), f, r2);
                if (vectors > 3) r3 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 3 * n), f, r3);
                if (vectors > 4) r4 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 4 * n), f, r4);
                if (vectors > 5) r5 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 5 * n), f, r5);
                if (vectors > 6) r6 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 6 * n), f, r6);
                if (vectors > 7) r7 = MultiplyAdd(Vector512.LoadUnsafe(ref y, 7 * n), f, r7);
            }
            ref T block = ref Unsafe.Add(ref output, column);
            r0.StoreUnsafe(ref block, 0);
            if (vectors > 1) r1.StoreUnsafe(ref block, n);
            if (vectors > 2) r2.StoreUnsafe(ref block, 2 * n);
            if (vectors > 3) r3.StoreUnsafe(ref block, 3 * n);
            if (vectors > 4) r4.StoreUnsafe(ref block, 4 * n);
            if (vectors > 5) r5.StoreUnsafe(ref block, 5 * n);
            if (vectors > 6) r6.StoreUnsafe(ref block, 6 * n);
            if (vectors > 7) r7.StoreUnsafe(ref block, 7 * n);
            column += vectors * Vector512<T>.Count;
        }
        return column;
    }

    /// <summary>
    /// <c>W[j, :] += (scale * d[j]) * x</c> for every row j: the weight gradient <c>d x^T</c>, added
    /// (scale 1) or applied as an SGD step (scale -learningRate). Rows whose d[j] is zero, such as
    /// those of inactive ReLUs, are skipped: they would add exactly zero.
    /// </summary>
    public static void AddScaledOuterProduct<T>(Span<T> weights, ReadOnlySpan<T> d, ReadOnlySpan<T> x, T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = d.Length, columns = x.Length;
        CheckMatrix(weights, rows, columns);
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T input = ref MemoryMarshal.GetReference(x);
        int done = Vector512.IsHardwareAccelerated ? AddScaledOuterProductBlocks512(ref w, d, ref input, scale, columns) : 0;
        if (done == columns)
            return;
        for (int row = 0; row < rows; row++)
        {
            T factor = scale * d[row];
            if (factor != T.Zero)
                AddScaled(factor, ref Unsafe.Add(ref input, done), ref Unsafe.Add(ref w, row * columns + done), columns - done);
        }
    }

    /// <summary>
    /// The whole 512-bit column vectors of <see cref="AddScaledOuterProduct{T}"/>, up to eight at a
    /// time: each block of x is loaded into registers once and serves every row, so a weight vector
    /// costs one load, one FMA and one store (reloading x for every row would double the loads).
    /// Returns how many columns it did; the caller finishes the rest.
    /// </summary>
    private static int AddScaledOuterProductBlocks512<T>(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        nuint n = (nuint)Vector512<T>.Count;
        int column = 0;
        while (columns - column >= Vector512<T>.Count)
        {
            int vectors = Math.Min(8, (columns - column) / Vector512<T>.Count);
            ref T block = ref Unsafe.Add(ref input, column);
            Vector512<T> x0 = Vector512.LoadUnsafe(ref block, 0);
            Vector512<T> x1 = vectors > 1 ? Vector512.LoadUnsafe(ref block, n) : default;
            Vector512<T> x2 = vectors > 2 ? Vector512.LoadUnsafe(ref block, 2 * n) : default;
            Vector512<T> x3 = vectors > 3 ? Vector512.LoadUnsafe(ref block, 3 * n) : default;
            Vector512<T> x4 = vectors > 4 ? Vector512.LoadUnsafe(ref block, 4 * n) : default;
            Vector512<T> x5 = vectors > 5 ? Vector512.LoadUnsafe(ref block, 5 * n) : default;
            Vector512<T> x6 = vectors > 6 ? Vector512.LoadUnsafe(ref block, 6 * n) : default;
            Vector512<T> x7 = vectors > 7 ? Vector512.LoadUnsafe(ref block, 7 * n) : default;
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                T factor = scale * d[row];
                if (factor == T.Zero)
                    continue;
                Vector512<T> f = Vector512.Create(factor);
                MultiplyAdd(x0, f, Vector512.LoadUnsafe(ref y, 0)).StoreUnsafe(ref y, 0);
                if (vectors > 1) MultiplyAdd(x1, f, Vector512.LoadUnsafe(ref y, n)).StoreUnsafe(ref y, n);
                if (vectors > 2) MultiplyAdd(x2, f, Vector512.LoadUnsafe(ref y, 2 * n)).StoreUnsafe(ref y, 2 * n);
                if (vectors > 3) MultiplyAdd(x3, f, Vector512.LoadUnsafe(ref y, 3 * n)).StoreUnsafe(ref y, 3 * n);
                if (vectors > 4) MultiplyAdd(x4, f, Vector512.LoadUnsafe(ref y, 4 * n)).StoreUnsafe(ref y, 4 * n);
                if (vectors > 5) MultiplyAdd(x5, f, Vector512.LoadUnsafe(ref y, 5 * n)).StoreUnsafe(ref y, 5 * n);
                if (vectors > 6) MultiplyAdd(x6, f, Vector512.LoadUnsafe(ref y, 6 * n)).StoreUnsafe(ref y, 6 * n);
                if (vectors > 7) MultiplyAdd(x7, f, Vector512.LoadUnsafe(ref y, 7 * n)).StoreUnsafe(ref y, 7 * n);
            }
            column += vectors * Vector512<T>.Count;
        }
        return column;
    }

    /// <summary>
    /// <c>delta = a &gt; 0 ? delta : 0</c> for a ReLU layer's outputs <paramref name="a"/>: the error
    /// times relu'(z), as vector compares and masks (a loop with a branch per unit mispredicts on
    /// about every other unit, as activity changes from sample to sample).
    /// </summary>
    public static void ReLUBackward<T>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (delta.Length != a.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(delta), a.Length, delta.Length);
        ref T outputs = ref MemoryMarshal.GetReference(a);
        ref T errors = ref MemoryMarshal.GetReference(delta);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<T>.Count <= a.Length; i += Vector512<T>.Count)
            {
                Vector512<T> active = Vector512.GreaterThan(Vector512.LoadUnsafe(ref outputs, (nuint)i), Vector512<T>.Zero);
                (Vector512.LoadUnsafe(ref errors, (nuint)i) & active).StoreUnsafe(ref errors, (nuint)i);
            }
        }
        for (; i + Vector256<T>.Count <= a.Length; i += Vector256<T>.Count)
        {
            Vector256<T> active = Vector256.GreaterThan(Vector256.LoadUnsafe(ref outputs, (nuint)i), Vector256<T>.Zero);
            (Vector256.LoadUnsafe(ref errors, (nuint)i) & active).StoreUnsafe(ref errors, (nuint)i);
        }
        for (; i < a.Length; i++)
        {
            if (!(Unsafe.Add(ref outputs, i) > T.Zero))
                Unsafe.Add(ref errors, i) = T.Zero;
        }
    }

    /// <summary>
    /// <c>a = sigmoid(z)</c> over a whole layer: one vectorised System.Numerics.Tensors call (within
    /// 2 ulp of the formula with <see cref="Math.Exp"/>, tested), or, with <see cref="Kernels.UsesSystemExp"/>,
    /// <c>1 / (1 + e^-z)</c> with <see cref="Math.Exp"/> / <see cref="MathF.Exp"/> per value. In place is fine.
    /// </summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (a.Length != z.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(a), z.Length, a.Length);
        if (!Kernels.UsesSystemExp)
        {
            TensorPrimitives.Sigmoid<T>(z, a);
            return;
        }
        for (int k = 0; k < z.Length; k++)
            a[k] = T.One / (T.One + T.Exp(-z[k]));
    }

    /// <summary>
    /// <c>a = tanh(z)</c> over a whole layer: one vectorised System.Numerics.Tensors call (within
    /// 2 ulp of <see cref="Math.Tanh"/>, tested), or, with <see cref="Kernels.UsesSystemExp"/>,
    /// <see cref="Math.Tanh"/> / <see cref="MathF.Tanh"/> per value. In place is fine.
    /// </summary>
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (a.Length != z.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(a), z.Length, a.Length);
        if (!Kernels.UsesSystemExp)
        {
            TensorPrimitives.Tanh<T>(z, a);
            return;
        }
        for (int k = 0; k < z.Length; k++)
            a[k] = T.Tanh(z[k]);
    }

    /// <summary>
    /// <c>a = softmax(z)</c>, computed as <c>exp(z - max z) / sum exp(z - max z)</c> so no exp
    /// overflows. One vectorised library exp (with <see cref="Kernels.UsesSystemExp"/>, <see cref="Math.Exp"/>
    /// / <see cref="MathF.Exp"/> per value); the max, sum and division are plain loops, which beat
    /// four library calls on the short rows softmax layers have (one value per class).
    /// </summary>
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (a.Length != z.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(a), z.Length, a.Length);
        if (z.IsEmpty)
            return;
        T max = z[0];
        for (int k = 1; k < z.Length; k++)
        {
            if (z[k] > max)
                max = z[k];
        }
        for (int k = 0; k < z.Length; k++)
            a[k] = z[k] - max;
        if (Kernels.UsesSystemExp)
        {
            for (int k = 0; k < a.Length; k++)
                a[k] = T.Exp(a[k]);
        }
        else
        {
            TensorPrimitives.Exp<T>(a, a);
        }
        T sum = T.Zero;
        for (int k = 0; k < a.Length; k++)
            sum += a[k];
        T inverse = T.One / sum; // one division: ten of them cost more than the exp
        for (int k = 0; k < a.Length; k++)
            a[k] *= inverse;
    }

    /// <summary><c>y += a * x</c>.</summary>
    public static void AddScaled<T>(T a, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (y.Length != x.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(y), x.Length, y.Length);
        AddScaled(a, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), x.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<T>(T a, ref T x, ref T y, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four vectors per pass: independent load-FMA-store chains, a quarter of the loop overhead.
            Vector512<T> wide = Vector512.Create(a);
            nuint n = (nuint)Vector512<T>.Count;
            for (; i + 4 * Vector512<T>.Count <= length; i += 4 * Vector512<T>.Count)
            {
                ref T xi = ref Unsafe.Add(ref x, i);
                ref T yi = ref Unsafe.Add(ref y, i);
                Vector512<T> y0 = MultiplyAdd(Vector512.LoadUnsafe(ref xi), wide, Vector512.LoadUnsafe(ref yi));
                Vector512<T> y1 = MultiplyAdd(Vector512.LoadUnsafe(ref xi, n), wide, Vector512.LoadUnsafe(ref yi, n));
                Vector512<T> y2 = MultiplyAdd(Vector512.LoadUnsafe(ref xi, 2 * n), wide, Vector512.LoadUnsafe(ref yi, 2 * n));
                Vector512<T> y3 = MultiplyAdd(Vector512.LoadUnsafe(ref xi, 3 * n), wide, Vector512.LoadUnsafe(ref yi, 3 * n));
                y0.StoreUnsafe(ref yi);
                y1.StoreUnsafe(ref yi, n);
                y2.StoreUnsafe(ref yi, 2 * n);
                y3.StoreUnsafe(ref yi, 3 * n);
            }
            for (; i + Vector512<T>.Count <= length; i += Vector512<T>.Count)
                MultiplyAdd(Vector512.LoadUnsafe(ref x, (nuint)i), wide, Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        }
        Vector256<T> factor = Vector256.Create(a);
        for (; i + 2 * Vector256<T>.Count <= length; i += 2 * Vector256<T>.Count)
        {
            nuint next = (nuint)(i + Vector256<T>.Count);
            MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), factor, Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            MultiplyAdd(Vector256.LoadUnsafe(ref x, next), factor, Vector256.LoadUnsafe(ref y, next)).StoreUnsafe(ref y, next);
        }
        for (; i + Vector256<T>.Count <= length; i += Vector256<T>.Count)
            MultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), factor, Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
        for (; i < length; i++)
            Unsafe.Add(ref y, i) += a * Unsafe.Add(ref x, i);
    }

    private static T Dot<T>(ref T a, ref T b, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Vector256<T> s0 = Vector256<T>.Zero, s1 = s0;
        int i = 0;
        for (; i + 2 * Vector256<T>.Count <= length; i += 2 * Vector256<T>.Count)
        {
            nuint next = (nuint)(i + Vector256<T>.Count);
            s0 = MultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), s0);
            s1 = MultiplyAdd(Vector256.LoadUnsafe(ref a, next), Vector256.LoadUnsafe(ref b, next), s1);
        }
        for (; i + Vector256<T>.Count <= length; i += Vector256<T>.Count)
            s0 = MultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), s0);
        T sum = Vector256.Sum(s0 + s1);
        for (; i < length; i++)
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    /// <summary><c>a * b + c</c>, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    private static void CheckMatrix<T>(ReadOnlySpan<T> weights, int rows, int columns)
    {
        if (weights.Length != rows * columns)
            ThrowHelper.ThrowLengthMismatch(nameof(weights), rows * columns, weights.Length);
    }
}
