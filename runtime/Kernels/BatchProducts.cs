using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// The backward pass of a minibatch as matrix-matrix products: the per-sample kernels of
// TransposedProducts.cs (W^T d, W += d x^T) for a block of samples at once. Samples are rows of a
// row-major block (sample s of a layer of width n at [s * n, s * n + n)), as the generated batch calls
// keep each layer's values for a chunk of rows. Each kernel keeps a tile of its result in registers while
// it runs through the shared dimension, so every load of a weight vector or an input vector serves four
// rows of the other operand; the per-sample kernels use each load once.

public static partial class Kernels
{
    /// <summary>
    /// <c>results[s, :] = W^T deltas[s, :]</c> for every sample s: <see cref="TransposedMatrixVector{T}"/> for a block of
    /// samples. W is row-major with <c>rows</c> rows and <c>columns</c> columns; <paramref name="deltas"/> holds
    /// <paramref name="samples"/> rows of <c>rows</c> values and <paramref name="results"/> as many rows of <c>columns</c>.
    /// </summary>
    /// <remarks>Each result is a sum over the rows of W in row order, per lane; it differs from <see cref="TransposedMatrixVector{T}"/>'s only in the order of that sum.</remarks>
    public static void TransposedMatrixMatrix<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> deltas, int samples, Span<T> results)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int rows = ThrowHelper.RowCount(nameof(deltas), deltas.Length, samples);
        int columns = ThrowHelper.RowCount(nameof(results), results.Length, samples);
        CheckMatrix(weights, rows, columns);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.TransposedMatrixMatrix(weights, deltas, rows, columns, samples, results);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.TransposedMatrixMatrix(weights, deltas, rows, columns, samples, results);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.TransposedMatrixMatrix(weights, deltas, rows, columns, samples, results);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.TransposedMatrixMatrix(weights, deltas, rows, columns, samples, results);
    }

    /// <summary>
    /// <c>outputs[s, :] = W inputs[s, :] + b</c> for every input row s of a chunk (W row-major, <c>bias.Length</c> rows and
    /// <paramref name="columns"/> columns; outputs one row of <c>bias.Length</c> values per input): the forward product of a
    /// layer for a whole chunk of BackwardBatch. Unlike <see cref="MatrixMatrix{T}"/>, which gives each input exactly what
    /// <see cref="MatrixVector{T}"/> gives it, this kernel picks the loop order that suits the shape, so its sums may be
    /// formed in another order.
    /// </summary>
    /// <remarks>
    /// Rows of W that fill vectors are read as <see cref="MatrixMatrix{T}"/> reads them. Rows too short for that (fewer
    /// columns than two wide vectors) against many of them (a layer with few inputs and many outputs, such as 2 -> 1024)
    /// would leave most lanes of each dot product empty; those are run by columns instead: W is copied transposed, one
    /// block of rows at a time, onto the stack, and each output vector is the bias plus one multiply-add per input.
    /// </remarks>
    public static void ChunkProduct<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        int rows = bias.Length;
        CheckMatrix(weights, rows, columns);
        int samples = ThrowHelper.RowCount(nameof(inputs), inputs.Length, columns);
        CheckLength(outputs.Length, samples * rows, nameof(outputs));
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.ChunkProduct(weights, bias, inputs, columns, samples, outputs);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.ChunkProduct(weights, bias, inputs, columns, samples, outputs);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.ChunkProduct(weights, bias, inputs, columns, samples, outputs);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.ChunkProduct(weights, bias, inputs, columns, samples, outputs);
    }

    /// <summary>
    /// <c>W[j, :] += sum_s deltas[s, j] inputs[s, :]</c>: the weight gradient of a block of samples added into W,
    /// <see cref="AddScaledOuterProduct{T}"/> (scale 1) for every sample at once. <paramref name="deltas"/> holds
    /// <paramref name="samples"/> rows of <c>rows</c> values, <paramref name="inputs"/> as many rows of <c>columns</c>.
    /// </summary>
    /// <remarks>
    /// Each weight's sum over the samples is formed in registers, in sample order, and then added to the weight once;
    /// the per-sample kernel adds each sample's term to the weight in turn, so the two differ only in that order.
    /// </remarks>
    public static void AddOuterProducts<T>(Span<T> weights, ReadOnlySpan<T> deltas, ReadOnlySpan<T> inputs, int samples)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int rows = ThrowHelper.RowCount(nameof(deltas), deltas.Length, samples);
        int columns = ThrowHelper.RowCount(nameof(inputs), inputs.Length, samples);
        CheckMatrix<T>(weights, rows, columns);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.AddOuterProducts(weights, deltas, inputs, rows, columns, samples);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.AddOuterProducts(weights, deltas, inputs, rows, columns, samples);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.AddOuterProducts(weights, deltas, inputs, rows, columns, samples);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.AddOuterProducts(weights, deltas, inputs, rows, columns, samples);
    }

    /// <summary>
    /// <c>sums += rows[0, :] + rows[1, :] + ...</c>, the rows taken in order: the bias gradient of a block of samples.
    /// <paramref name="rows"/> holds whole rows of <c>sums.Length</c> values.
    /// </summary>
    /// <remarks>Each sum adds the rows to the running value one at a time, as many calls of <see cref="AddScaled{T}(T, ReadOnlySpan{T}, Span{T})"/> with a = 1 would.</remarks>
    public static void AddRows<T>(ReadOnlySpan<T> rows, Span<T> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int samples = ThrowHelper.RowCount(nameof(rows), rows.Length, sums.Length);
        for (int sample = 0; sample < samples; sample++)
            TensorPrimitives.Add(sums, rows.Slice(sample * sums.Length, sums.Length), sums);
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary><see cref="Kernels.TransposedMatrixMatrix{T}"/> with its arguments checked.</summary>
    /// <remarks>Columns are taken with the widest vector a row fills, as in <see cref="MatrixMatrix"/>.</remarks>
    public static void TransposedMatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> deltas, int rows, int columns, int samples, Span<T> results)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T d = ref MemoryMarshal.GetReference(deltas);
        ref T r = ref MemoryMarshal.GetReference(results);
        if (columns >= TWide.Count)
            TransposedSampleBlocks<TWideVector, TWide>(ref w, ref d, rows, columns, samples, ref r);
        else if (columns >= TNarrow.Count)
            TransposedSampleBlocks<TNarrowVector, TNarrow>(ref w, ref d, rows, columns, samples, ref r);
        else if (UsesQuarterWidth(columns))
            TransposedSampleBlocks<Vector128<T>, Width128<T>>(ref w, ref d, rows, columns, samples, ref r);
        else
            TransposedSampleBlocks<T, ScalarWidth<T>>(ref w, ref d, rows, columns, samples, ref r);
    }

    /// <summary>
    /// <see cref="TransposedMatrixMatrix"/> in tiles of four samples by two vectors of columns (then one vector, then
    /// one sample; <see cref="SampleTile"/>). A row's last partial vector is its last whole vector, computed again in
    /// full: the lanes it shares with the vector before come out bit for bit the same, so storing all of them is exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposedSampleBlocks<TV, TW>(ref T w, ref T d, int rows, int columns, int samples, ref T results)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        int column = 0;
        for (; column + 2 * TW.Count <= columns; column += 2 * TW.Count)
            SampleTile<TV, TW>(ref Unsafe.Add(ref w, column), columns, rows, ref d, rows, ref Unsafe.Add(ref results, column), columns, samples, vectors: 2, ref Unsafe.NullRef<T>());
        for (; column + TW.Count <= columns; column += TW.Count)
            SampleTile<TV, TW>(ref Unsafe.Add(ref w, column), columns, rows, ref d, rows, ref Unsafe.Add(ref results, column), columns, samples, vectors: 1, ref Unsafe.NullRef<T>());
        if (column < columns)
        {
            int last = columns - TW.Count;
            SampleTile<TV, TW>(ref Unsafe.Add(ref w, last), columns, rows, ref d, rows, ref Unsafe.Add(ref results, last), columns, samples, vectors: 1, ref Unsafe.NullRef<T>());
        }
    }

    /// <summary>
    /// <c>results[s, 0..v) = start + sum_k d[s, k] m[k, 0..v)</c> for every sample s, over one or two vectors of columns
    /// (v lanes): four samples at a time, then one. <paramref name="m"/> is <paramref name="inner"/> rows
    /// <paramref name="mStride"/> apart, <paramref name="d"/> and <paramref name="results"/> rows of samples
    /// <paramref name="dStride"/> and <paramref name="resultStride"/> apart; <paramref name="start"/> is a null reference for
    /// zero. The tile's sums stay in registers while every row of m is added into them, each load of m serving four samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SampleTile<TV, TW>(ref T m, int mStride, int inner, ref T d, int dStride, ref T results, int resultStride, int samples, int vectors, ref T start)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count, stride = (nuint)resultStride;
        TV start0 = Unsafe.IsNullRef(ref start) ? TW.Zero : TW.Load(ref start, 0);
        TV start1 = Unsafe.IsNullRef(ref start) || vectors < 2 ? TW.Zero : TW.Load(ref start, n);
        int sample = 0;
        for (; sample + 4 <= samples; sample += 4)
        {
            TV s00 = start0, s01 = start1, s10 = start0, s11 = start1, s20 = start0, s21 = start1, s30 = start0, s31 = start1;
            ref T y = ref m;
            ref T e = ref Unsafe.Add(ref d, sample * dStride);
            for (int k = 0; k < inner; k++, y = ref Unsafe.Add(ref y, mStride))
            {
                TV m0 = TW.Load(ref y, 0);
                TV f0 = TW.Create(Unsafe.Add(ref e, k)), f1 = TW.Create(Unsafe.Add(ref e, dStride + k));
                TV f2 = TW.Create(Unsafe.Add(ref e, 2 * dStride + k)), f3 = TW.Create(Unsafe.Add(ref e, 3 * dStride + k));
                s00 = TW.MultiplyAdd(m0, f0, s00);
                s10 = TW.MultiplyAdd(m0, f1, s10);
                s20 = TW.MultiplyAdd(m0, f2, s20);
                s30 = TW.MultiplyAdd(m0, f3, s30);
                if (vectors > 1)
                {
                    TV m1 = TW.Load(ref y, n);
                    s01 = TW.MultiplyAdd(m1, f0, s01);
                    s11 = TW.MultiplyAdd(m1, f1, s11);
                    s21 = TW.MultiplyAdd(m1, f2, s21);
                    s31 = TW.MultiplyAdd(m1, f3, s31);
                }
            }
            ref T output = ref Unsafe.Add(ref results, sample * resultStride);
            TW.Store(s00, ref output, 0);
            TW.Store(s10, ref output, stride);
            TW.Store(s20, ref output, 2 * stride);
            TW.Store(s30, ref output, 3 * stride);
            if (vectors > 1)
            {
                TW.Store(s01, ref output, n);
                TW.Store(s11, ref output, stride + n);
                TW.Store(s21, ref output, 2 * stride + n);
                TW.Store(s31, ref output, 3 * stride + n);
            }
        }
        for (; sample < samples; sample++)
        {
            TV s0 = start0, s1 = start1;
            ref T y = ref m;
            ref T e = ref Unsafe.Add(ref d, sample * dStride);
            for (int k = 0; k < inner; k++, y = ref Unsafe.Add(ref y, mStride))
            {
                TV f = TW.Create(Unsafe.Add(ref e, k));
                s0 = TW.MultiplyAdd(TW.Load(ref y, 0), f, s0);
                if (vectors > 1)
                    s1 = TW.MultiplyAdd(TW.Load(ref y, n), f, s1);
            }
            ref T output = ref Unsafe.Add(ref results, sample * resultStride);
            TW.Store(s0, ref output, 0);
            if (vectors > 1)
                TW.Store(s1, ref output, n);
        }
    }

    /// <summary><see cref="Kernels.ChunkProduct{T}"/> with its arguments checked: <see cref="MatrixMatrix"/>, or by columns for short rows.</summary>
    public static void ChunkProduct(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs)
    {
        int rows = bias.Length;
        if (TWide.Count > 1 && columns < 2 * TWide.Count && rows >= TWide.Count)
            ByColumns(weights, bias, inputs, columns, samples, outputs);
        else
            MatrixMatrix(weights, bias, inputs, columns, samples, outputs, rows);
    }

    /// <summary>
    /// <see cref="ChunkProduct"/> by columns, for rows of W shorter than two wide vectors and at least one wide vector
    /// of rows: blocks of up to eight wide vectors of rows are copied transposed onto the stack (a last block that would be
    /// shorter overlaps the one before instead, recomputing outputs it already wrote with the same result), and each
    /// output vector of a block is its bias plus one multiply-add per column (<see cref="SampleTile"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ByColumns(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs)
    {
        int rows = bias.Length, blockRows = Math.Min(rows, 8 * TWide.Count);
        Span<T> transposed = stackalloc T[columns * blockRows]; // under 2 x 8 x 16 x 16 values: at most 16 KB
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        ref T t = ref MemoryMarshal.GetReference(transposed);
        for (int next = 0; next < rows; next += blockRows)
        {
            int first = Math.Min(next, rows - blockRows);
            for (int row = 0; row < blockRows; row++)
            {
                ref T source = ref Unsafe.Add(ref w, (first + row) * columns);
                for (int column = 0; column < columns; column++)
                    Unsafe.Add(ref t, column * blockRows + row) = Unsafe.Add(ref source, column);
            }
            int offset = 0;
            for (; offset + 2 * TWide.Count <= blockRows; offset += 2 * TWide.Count)
                SampleTile<TWideVector, TWide>(ref Unsafe.Add(ref t, offset), blockRows, columns, ref x, columns, ref Unsafe.Add(ref z, first + offset), rows, samples, vectors: 2, ref Unsafe.Add(ref b, first + offset));
            for (; offset + TWide.Count <= blockRows; offset += TWide.Count)
                SampleTile<TWideVector, TWide>(ref Unsafe.Add(ref t, offset), blockRows, columns, ref x, columns, ref Unsafe.Add(ref z, first + offset), rows, samples, vectors: 1, ref Unsafe.Add(ref b, first + offset));
            if (offset < blockRows)
            {
                int last = blockRows - TWide.Count;
                SampleTile<TWideVector, TWide>(ref Unsafe.Add(ref t, last), blockRows, columns, ref x, columns, ref Unsafe.Add(ref z, first + last), rows, samples, vectors: 1, ref Unsafe.Add(ref b, first + last));
            }
        }
    }

    /// <summary><see cref="Kernels.AddOuterProducts{T}"/> with its arguments checked.</summary>
    /// <remarks>Columns are taken with the widest vector a row fills, as in <see cref="MatrixMatrix"/>.</remarks>
    public static void AddOuterProducts(Span<T> weights, ReadOnlySpan<T> deltas, ReadOnlySpan<T> inputs, int rows, int columns, int samples)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T d = ref MemoryMarshal.GetReference(deltas);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        if (columns >= TWide.Count)
            OuterProductTiles<TWideVector, TWide>(ref w, ref d, ref x, rows, columns, samples);
        else if (columns >= TNarrow.Count)
            OuterProductTiles<TNarrowVector, TNarrow>(ref w, ref d, ref x, rows, columns, samples);
        else if (UsesQuarterWidth(columns))
            OuterProductTiles<Vector128<T>, Width128<T>>(ref w, ref d, ref x, rows, columns, samples);
        else
            OuterProductTiles<T, ScalarWidth<T>>(ref w, ref d, ref x, rows, columns, samples);
    }

    /// <summary>
    /// <see cref="AddOuterProducts"/> in tiles of four weight rows by two vectors of columns (then one vector; then single
    /// rows): the tile's sums over all samples stay in registers, each load of an input vector serving four rows, and are
    /// added to the weights once. A row's last partial vector is its last whole vector with only its new lanes added (the
    /// others belong to the vector before). Rows whose deltas are zero for every sample of the chunk (units a ReLU kept
    /// off for the whole chunk) are skipped when rows are at least four vectors long: they would add exactly zero, and the
    /// check costs a fraction of their work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductTiles<TV, TW>(ref T w, ref T d, ref T x, int rows, int columns, int samples)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        bool skipsZeroRows = columns >= 4 * TW.Count;
        int row = 0;
        for (; row + 4 <= rows; row += 4)
        {
            if (skipsZeroRows && AllZero(ref Unsafe.Add(ref d, row), 4, rows, samples))
                continue;
            int column = 0;
            for (; column + 2 * TW.Count <= columns; column += 2 * TW.Count)
                OuterProductFourRows<TV, TW>(ref w, ref d, ref x, rows, columns, samples, row, column, vectors: 2, TW.LastLanes(TW.Count));
            for (; column + TW.Count <= columns; column += TW.Count)
                OuterProductFourRows<TV, TW>(ref w, ref d, ref x, rows, columns, samples, row, column, vectors: 1, TW.LastLanes(TW.Count));
            if (column < columns)
                OuterProductFourRows<TV, TW>(ref w, ref d, ref x, rows, columns, samples, row, columns - TW.Count, vectors: 1, TW.LastLanes(columns - column));
        }
        for (; row < rows; row++)
        {
            if (skipsZeroRows && AllZero(ref Unsafe.Add(ref d, row), 1, rows, samples))
                continue;
            int column = 0;
            for (; column + TW.Count <= columns; column += TW.Count)
                OuterProductOneRow<TV, TW>(ref w, ref d, ref x, rows, columns, samples, row, column, TW.LastLanes(TW.Count));
            if (column < columns)
                OuterProductOneRow<TV, TW>(ref w, ref d, ref x, rows, columns, samples, row, columns - TW.Count, TW.LastLanes(columns - column));
        }
    }

    /// <summary>Whether the <paramref name="count"/> deltas at <paramref name="d"/> are zero in every one of the <paramref name="samples"/> rows (<paramref name="stride"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AllZero(ref T d, int count, int stride, int samples)
    {
        for (int sample = 0; sample < samples; sample++, d = ref Unsafe.Add(ref d, stride))
        {
            for (int k = 0; k < count; k++)
            {
                if (Unsafe.Add(ref d, k) != T.Zero)
                    return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Weight rows <paramref name="row"/> to <paramref name="row"/> + 3, one or two vectors of columns from
    /// <paramref name="column"/> on; only the lanes of <paramref name="fresh"/> of the first vector change.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterProductFourRows<TV, TW>(ref T w, ref T d, ref T x, int rows, int columns, int samples, int row, int column, int vectors, TV fresh)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count, stride = (nuint)columns;
        TV s00 = TW.Zero, s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        ref T input = ref Unsafe.Add(ref x, column);
        ref T e = ref Unsafe.Add(ref d, row);
        for (int sample = 0; sample < samples; sample++, input = ref Unsafe.Add(ref input, columns), e = ref Unsafe.Add(ref e, rows))
        {
            TV x0 = TW.Load(ref input, 0);
            TV f0 = TW.Create(e), f1 = TW.Create(Unsafe.Add(ref e, 1));
            TV f2 = TW.Create(Unsafe.Add(ref e, 2)), f3 = TW.Create(Unsafe.Add(ref e, 3));
            s00 = TW.MultiplyAdd(x0, f0, s00);
            s10 = TW.MultiplyAdd(x0, f1, s10);
            s20 = TW.MultiplyAdd(x0, f2, s20);
            s30 = TW.MultiplyAdd(x0, f3, s30);
            if (vectors > 1)
            {
                TV x1 = TW.Load(ref input, n);
                s01 = TW.MultiplyAdd(x1, f0, s01);
                s11 = TW.MultiplyAdd(x1, f1, s11);
                s21 = TW.MultiplyAdd(x1, f2, s21);
                s31 = TW.MultiplyAdd(x1, f3, s31);
            }
        }
        ref T tile = ref Unsafe.Add(ref w, row * columns + column);
        AddInto<TV, TW>(ref tile, 0, s00, fresh);
        AddInto<TV, TW>(ref tile, stride, s10, fresh);
        AddInto<TV, TW>(ref tile, 2 * stride, s20, fresh);
        AddInto<TV, TW>(ref tile, 3 * stride, s30, fresh);
        if (vectors > 1)
        {
            // Only a first vector can be a row's partial last one: a second is always whole.
            TW.Store(TW.Add(TW.Load(ref tile, n), s01), ref tile, n);
            TW.Store(TW.Add(TW.Load(ref tile, stride + n), s11), ref tile, stride + n);
            TW.Store(TW.Add(TW.Load(ref tile, 2 * stride + n), s21), ref tile, 2 * stride + n);
            TW.Store(TW.Add(TW.Load(ref tile, 3 * stride + n), s31), ref tile, 3 * stride + n);
        }
    }

    /// <summary>Weight row <paramref name="row"/>, one vector of columns from <paramref name="column"/> on; only the lanes of <paramref name="fresh"/> change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterProductOneRow<TV, TW>(ref T w, ref T d, ref T x, int rows, int columns, int samples, int row, int column, TV fresh)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        TV sum = TW.Zero;
        ref T input = ref Unsafe.Add(ref x, column);
        ref T e = ref Unsafe.Add(ref d, row);
        for (int sample = 0; sample < samples; sample++, input = ref Unsafe.Add(ref input, columns), e = ref Unsafe.Add(ref e, rows))
            sum = TW.MultiplyAdd(TW.Load(ref input, 0), TW.Create(e), sum);
        AddInto<TV, TW>(ref Unsafe.Add(ref w, row * columns + column), 0, sum, fresh);
    }

    /// <summary><c>destination[offset..] += sums</c> in the lanes of <paramref name="fresh"/>; the other lanes stay as they are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddInto<TV, TW>(ref T destination, nuint offset, TV sums, TV fresh)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        TV old = TW.Load(ref destination, offset);
        TW.Store(TW.Select(fresh, TW.Add(old, sums), old), ref destination, offset);
    }
}
