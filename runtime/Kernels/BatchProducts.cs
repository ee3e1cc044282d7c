using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// The products of BackwardBatch for a chunk of samples at once, as matrix-matrix kernels: the forward
// product (ChunkProduct) and the per-sample kernels of TransposedProducts.cs (W^T d, W += d x^T). Samples are rows of a
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
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TransposedMatrixMatrix<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> deltas, int samples, Span<T> results)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int rows = ThrowHelper.RowLength(nameof(deltas), deltas.Length, samples);
        int columns = ThrowHelper.RowLength(nameof(results), results.Length, samples);
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
    /// layer for a whole chunk of BackwardBatch. Each input gets exactly what <see cref="MatrixVector{T}"/> gives it, as
    /// from <see cref="MatrixMatrix{T}"/>, except for the shapes run by columns (below), whose sums are formed in another
    /// order.
    /// </summary>
    /// <remarks>
    /// Rows too short to fill two wide vectors against many of them (a layer with few inputs and many outputs, such as
    /// 2 -> 1024) would leave most lanes of each dot product empty; those are run by columns instead: W is copied
    /// transposed, one block of rows at a time, onto the stack, and each output vector is the bias plus one multiply-add
    /// per input.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
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
    /// the per-sample kernel adds each sample's term to the weight in turn, so the two differ only in that order. A tall
    /// matrix of one to three columns takes the per-sample order itself, which is faster there (<c>RunsBySamples</c>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddOuterProducts<T>(Span<T> weights, ReadOnlySpan<T> deltas, ReadOnlySpan<T> inputs, int samples)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int rows = ThrowHelper.RowLength(nameof(deltas), deltas.Length, samples);
        int columns = ThrowHelper.RowLength(nameof(inputs), inputs.Length, samples);
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
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // its row loop optimised at its first call, as the kernels' are
    public static void AddRows<T>(ReadOnlySpan<T> rows, Span<T> sums)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (sums.IsEmpty)
        {
            if (!rows.IsEmpty)
                ThrowHelper.ThrowLengthMismatch(nameof(rows), 0, rows.Length);
            return;
        }
        int samples = ThrowHelper.RowCount(nameof(rows), rows.Length, sums.Length);
        // Column by column, each running sum kept in a register while the rows are added to it in order: the same
        // additions as a call of Kernels.Add per row, without the call per row, which cost more than the additions (a
        // 3-24-1 network's TrainBatch of 32 rows made 64 calls, 32 of them for rows of one value, the output's bias).
        ref T row0 = ref MemoryMarshal.GetReference(rows);
        ref T sum = ref MemoryMarshal.GetReference(sums);
        nuint width = (nuint)sums.Length, count = (nuint)samples;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && width >= (nuint)Vector512<T>.Count)
        {
            AddRowsInVectors<T, Vector512<T>, Width512<T>>(ref row0, ref sum, width, count);
            return;
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && width >= (nuint)Vector256<T>.Count)
        {
            AddRowsInVectors<T, Vector256<T>, Width256<T>>(ref row0, ref sum, width, count);
            return;
        }
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && width >= (nuint)Vector128<T>.Count)
        {
            AddRowsInVectors<T, Vector128<T>, Width128<T>>(ref row0, ref sum, width, count);
            return;
        }
        for (nuint column = 0; column < width; column++)
        {
            T running = Unsafe.Add(ref sum, column);
            for (nuint sample = 0; sample < count; sample++)
                running += Unsafe.Add(ref row0, sample * width + column);
            Unsafe.Add(ref sum, column) = running;
        }
    }

    /// <summary>
    /// <see cref="AddRows{T}"/> in vectors of columns: four vectors of columns a pass over the rows (four running sums
    /// whose additions do not wait on each other; one at a time, each sum waited on its previous addition, and 32 rows of
    /// 64 doubles took 190 ns), then one at a time, then the last columns as the vector that ends at the last one, which
    /// overlaps the vector before it. Its start is read before anything is stored, so an overlapped column gets the same
    /// start and the same additions in the same order there as in the vector before: the same value. Every column adds the
    /// rows to its start in order, whatever the width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRowsInVectors<T, TVector, TWidth>(ref T row0, ref T sum, nuint width, nuint count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
        where TWidth : IVectorWidth<T, TVector>
    {
        nuint lanes = (nuint)TWidth.Count;
        TVector last = TWidth.Load(ref sum, width - lanes);
        nuint column = 0;
        for (; column + 4 * lanes <= width; column += 4 * lanes)
        {
            TVector first = TWidth.Load(ref sum, column), second = TWidth.Load(ref sum, column + lanes);
            TVector third = TWidth.Load(ref sum, column + 2 * lanes), fourth = TWidth.Load(ref sum, column + 3 * lanes);
            for (nuint sample = 0; sample < count; sample++)
            {
                nuint at = sample * width + column;
                first = TWidth.Add(first, TWidth.Load(ref row0, at));
                second = TWidth.Add(second, TWidth.Load(ref row0, at + lanes));
                third = TWidth.Add(third, TWidth.Load(ref row0, at + 2 * lanes));
                fourth = TWidth.Add(fourth, TWidth.Load(ref row0, at + 3 * lanes));
            }
            TWidth.Store(first, ref sum, column);
            TWidth.Store(second, ref sum, column + lanes);
            TWidth.Store(third, ref sum, column + 2 * lanes);
            TWidth.Store(fourth, ref sum, column + 3 * lanes);
        }
        for (; column + lanes <= width; column += lanes)
        {
            TVector running = TWidth.Load(ref sum, column);
            for (nuint sample = 0; sample < count; sample++)
                running = TWidth.Add(running, TWidth.Load(ref row0, sample * width + column));
            TWidth.Store(running, ref sum, column);
        }
        if (column < width)
        {
            for (nuint sample = 0; sample < count; sample++)
                last = TWidth.Add(last, TWidth.Load(ref row0, sample * width + width - lanes));
            TWidth.Store(last, ref sum, width - lanes);
        }
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary><see cref="Kernels.TransposedMatrixMatrix{T}"/> with its arguments checked.</summary>
    /// <remarks>Columns are taken with the widest vector a row fills, as in <see cref="MatrixMatrix"/>.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TransposedMatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> deltas, int rows, int columns, int samples, Span<T> results)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T d = ref MemoryMarshal.GetReference(deltas);
        ref T r = ref MemoryMarshal.GetReference(results);
        RowWidth width = RowWidthOf(columns);
        if (width == RowWidth.Wide)
            TransposedSampleBlocks<TWideVector, TWide>(ref w, ref d, rows, columns, samples, ref r);
        else if (width == RowWidth.Narrow)
            TransposedSampleBlocks<TNarrowVector, TNarrow>(ref w, ref d, rows, columns, samples, ref r);
        else if (width == RowWidth.Quarter)
            TransposedSampleBlocks<Vector128<T>, Width128<T>>(ref w, ref d, rows, columns, samples, ref r);
        else
            TransposedSampleBlocks<T, ScalarWidth<T>>(ref w, ref d, rows, columns, samples, ref r);
    }

    /// <summary>
    /// <see cref="TransposedMatrixMatrix"/> in tiles of four samples by two vectors of columns (then one vector, then
    /// one sample; <see cref="SampleTile"/>). A row's last partial vector is its last whole vector, computed again in
    /// full: the lanes it shares with the vector before come out bit for bit the same, so storing all of them is exact.
    /// </summary>
    /// <remarks>
    /// The two-vector and the one-vector columns are methods of their own, compiled the first time a shape needs them:
    /// in one method, their six tiles took 9-15 ms to compile in a fresh process's first training step, most of them
    /// for shapes the network does not have.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposedSampleBlocks<TV, TW>(ref T w, ref T d, int rows, int columns, int samples, ref T results)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        int pairedColumns = columns - columns % (2 * TW.Count);
        if (pairedColumns > 0)
            TwoVectorSampleBlocks<TV, TW>(ref w, ref d, rows, columns, pairedColumns, samples, ref results);
        int column = pairedColumns;
        if (column + TW.Count <= columns)
        {
            OneVectorSampleBlock<TV, TW>(ref w, ref d, rows, columns, column, samples, ref results);
            column += TW.Count;
        }
        if (column < columns)
            OneVectorSampleBlock<TV, TW>(ref w, ref d, rows, columns, columns - TW.Count, samples, ref results);
    }

    /// <summary><see cref="TransposedSampleBlocks"/> for columns [0, <paramref name="end"/>), two vectors at a time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TwoVectorSampleBlocks<TV, TW>(ref T w, ref T d, int rows, int columns, int end, int samples, ref T results)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        for (int column = 0; column < end; column += 2 * TW.Count)
            SampleTile<TV, TW>(ref Unsafe.Add(ref w, column), columns, rows, ref d, rows, ref Unsafe.Add(ref results, column), columns, samples, vectors: 2);
    }

    /// <summary><see cref="TransposedSampleBlocks"/> for the one vector of columns at <paramref name="column"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OneVectorSampleBlock<TV, TW>(ref T w, ref T d, int rows, int columns, int column, int samples, ref T results)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV> =>
        SampleTile<TV, TW>(ref Unsafe.Add(ref w, column), columns, rows, ref d, rows, ref Unsafe.Add(ref results, column), columns, samples, vectors: 1);

    /// <summary>
    /// <c>results[s, 0..v) = sum_k d[s, k] m[k, 0..v)</c> for every sample s, over one or two vectors of columns
    /// (v lanes): four samples at a time, then one (<see cref="Tile"/>). <paramref name="m"/> is <paramref name="inner"/>
    /// rows <paramref name="mStride"/> apart, <paramref name="d"/> and <paramref name="results"/> rows of samples
    /// <paramref name="dStride"/> and <paramref name="resultStride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SampleTile<TV, TW>(ref T m, int mStride, int inner, ref T d, int dStride, ref T results, int resultStride, int samples, int vectors)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        TV all = TW.LastLanes(TW.Count);
        int sample = 0;
        for (; sample + 4 <= samples; sample += 4)
            Tile<TV, TW>(4, vectors, inner, ref m, mStride, ref Unsafe.Add(ref d, sample * dStride), dStride, 1, ref Unsafe.Add(ref results, sample * resultStride), resultStride, adds: false, ref Unsafe.NullRef<T>(), all);
        for (; sample < samples; sample++)
            Tile<TV, TW>(1, vectors, inner, ref m, mStride, ref Unsafe.Add(ref d, sample * dStride), dStride, 1, ref Unsafe.Add(ref results, sample * resultStride), resultStride, adds: false, ref Unsafe.NullRef<T>(), all);
    }

    /// <summary>
    /// The micro-kernel of every chunk product: for <c>r</c> below <paramref name="rows"/> (1 to 4) and <c>v</c> below
    /// <paramref name="vectors"/> (1 or 2), <c>sum[r, v] = start[v] + sum_k factor(r, k) vector(k, v)</c>, where
    /// <c>vector(k, v)</c> is the vector at <c>source + k * sourceStride + v * Count</c> and <c>factor(r, k)</c> the value at
    /// <c>factors + r * factorStride + k * factorStep</c>. The sums stay in registers while k runs, each load of a vector
    /// serving up to four factors, and then go to row r of <paramref name="destination"/> (rows
    /// <paramref name="destinationStride"/> apart): stored, or with <paramref name="adds"/> added to what is there, in the
    /// lanes of <paramref name="fresh"/> for the first vector (a row's partial last vector) and in all lanes for the second.
    /// <paramref name="start"/> is a null reference for zero. The caller passes constants for rows, vectors and adds, so
    /// each call site inlines to straight vector code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TV, TW>(int rows, int vectors, int inner, ref T source, int sourceStride, ref T factors, int factorStride, int factorStep,
        ref T destination, int destinationStride, bool adds, ref T start, TV fresh)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count, stride = (nuint)destinationStride;
        TV start0 = Unsafe.IsNullRef(ref start) ? TW.Zero : TW.Load(ref start, 0);
        TV start1 = Unsafe.IsNullRef(ref start) || vectors < 2 ? TW.Zero : TW.Load(ref start, n);
        TV s00 = start0, s01 = start1, s10 = start0, s11 = start1, s20 = start0, s21 = start1, s30 = start0, s31 = start1;
        ref T v = ref source;
        ref T f = ref factors;
        for (int k = 0; k < inner; k++, v = ref Unsafe.Add(ref v, sourceStride), f = ref Unsafe.Add(ref f, factorStep))
        {
            TV v0 = TW.Load(ref v, 0);
            TV f0 = TW.Create(f), f1 = default, f2 = default, f3 = default;
            s00 = TW.MultiplyAdd(v0, f0, s00);
            if (rows >= 2)
            {
                f1 = TW.Create(Unsafe.Add(ref f, factorStride));
                s10 = TW.MultiplyAdd(v0, f1, s10);
            }
            if (rows >= 3)
            {
                f2 = TW.Create(Unsafe.Add(ref f, 2 * factorStride));
                s20 = TW.MultiplyAdd(v0, f2, s20);
            }
            if (rows == 4)
            {
                f3 = TW.Create(Unsafe.Add(ref f, 3 * factorStride));
                s30 = TW.MultiplyAdd(v0, f3, s30);
            }
            if (vectors > 1)
            {
                TV v1 = TW.Load(ref v, n);
                s01 = TW.MultiplyAdd(v1, f0, s01);
                if (rows >= 2)
                    s11 = TW.MultiplyAdd(v1, f1, s11);
                if (rows >= 3)
                    s21 = TW.MultiplyAdd(v1, f2, s21);
                if (rows == 4)
                    s31 = TW.MultiplyAdd(v1, f3, s31);
            }
        }
        TV all = TW.LastLanes(TW.Count);
        Finish<TV, TW>(ref destination, 0, s00, adds, fresh);
        if (vectors > 1)
            Finish<TV, TW>(ref destination, n, s01, adds, all);
        if (rows >= 2)
        {
            Finish<TV, TW>(ref destination, stride, s10, adds, fresh);
            if (vectors > 1)
                Finish<TV, TW>(ref destination, stride + n, s11, adds, all);
        }
        if (rows >= 3)
        {
            Finish<TV, TW>(ref destination, 2 * stride, s20, adds, fresh);
            if (vectors > 1)
                Finish<TV, TW>(ref destination, 2 * stride + n, s21, adds, all);
        }
        if (rows == 4)
        {
            Finish<TV, TW>(ref destination, 3 * stride, s30, adds, fresh);
            if (vectors > 1)
                Finish<TV, TW>(ref destination, 3 * stride + n, s31, adds, all);
        }
    }

    /// <summary>
    /// <see cref="Tile{TV, TW}"/> for eight rows of factors (consecutive, <paramref name="factorStep"/> apart for each k),
    /// adding into the destination (the weight-gradient product): sixteen sums side by side for two vectors, which keep
    /// both multiply-add pipes busy through their four-cycle latency where the eight of a four-row tile leave them waiting. Each sum is the same chain of multiply-adds in k order as in
    /// <see cref="Tile{TV, TW}"/>, so the bits are the same. A method of its own: the rows-of-eight branches inside
    /// <see cref="Tile{TV, TW}"/> made it too large for the JIT to inline at all its call sites.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightRowTile<TV, TW>(int vectors, int inner, ref T source, int sourceStride, ref T factors, int factorStep, ref T destination, int destinationStride, TV fresh)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count, stride = (nuint)destinationStride;
        TV s00 = TW.Zero, s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        TV s40 = s00, s41 = s00, s50 = s00, s51 = s00, s60 = s00, s61 = s00, s70 = s00, s71 = s00;
        ref T v = ref source;
        ref T f = ref factors;
        for (int k = 0; k < inner; k++, v = ref Unsafe.Add(ref v, sourceStride), f = ref Unsafe.Add(ref f, factorStep))
        {
            TV v0 = TW.Load(ref v, 0);
            TV f0 = TW.Create(f), f1 = TW.Create(Unsafe.Add(ref f, 1)), f2 = TW.Create(Unsafe.Add(ref f, 2)), f3 = TW.Create(Unsafe.Add(ref f, 3));
            TV f4 = TW.Create(Unsafe.Add(ref f, 4)), f5 = TW.Create(Unsafe.Add(ref f, 5)), f6 = TW.Create(Unsafe.Add(ref f, 6)), f7 = TW.Create(Unsafe.Add(ref f, 7));
            s00 = TW.MultiplyAdd(v0, f0, s00);
            s10 = TW.MultiplyAdd(v0, f1, s10);
            s20 = TW.MultiplyAdd(v0, f2, s20);
            s30 = TW.MultiplyAdd(v0, f3, s30);
            s40 = TW.MultiplyAdd(v0, f4, s40);
            s50 = TW.MultiplyAdd(v0, f5, s50);
            s60 = TW.MultiplyAdd(v0, f6, s60);
            s70 = TW.MultiplyAdd(v0, f7, s70);
            if (vectors > 1)
            {
                TV v1 = TW.Load(ref v, n);
                s01 = TW.MultiplyAdd(v1, f0, s01);
                s11 = TW.MultiplyAdd(v1, f1, s11);
                s21 = TW.MultiplyAdd(v1, f2, s21);
                s31 = TW.MultiplyAdd(v1, f3, s31);
                s41 = TW.MultiplyAdd(v1, f4, s41);
                s51 = TW.MultiplyAdd(v1, f5, s51);
                s61 = TW.MultiplyAdd(v1, f6, s61);
                s71 = TW.MultiplyAdd(v1, f7, s71);
            }
        }
        Finish<TV, TW>(ref destination, 0, s00, adds: true, fresh);
        Finish<TV, TW>(ref destination, stride, s10, adds: true, fresh);
        Finish<TV, TW>(ref destination, 2 * stride, s20, adds: true, fresh);
        Finish<TV, TW>(ref destination, 3 * stride, s30, adds: true, fresh);
        Finish<TV, TW>(ref destination, 4 * stride, s40, adds: true, fresh);
        Finish<TV, TW>(ref destination, 5 * stride, s50, adds: true, fresh);
        Finish<TV, TW>(ref destination, 6 * stride, s60, adds: true, fresh);
        Finish<TV, TW>(ref destination, 7 * stride, s70, adds: true, fresh);
        if (vectors > 1)
        {
            TV all = TW.LastLanes(TW.Count);
            Finish<TV, TW>(ref destination, n, s01, adds: true, all);
            Finish<TV, TW>(ref destination, stride + n, s11, adds: true, all);
            Finish<TV, TW>(ref destination, 2 * stride + n, s21, adds: true, all);
            Finish<TV, TW>(ref destination, 3 * stride + n, s31, adds: true, all);
            Finish<TV, TW>(ref destination, 4 * stride + n, s41, adds: true, all);
            Finish<TV, TW>(ref destination, 5 * stride + n, s51, adds: true, all);
            Finish<TV, TW>(ref destination, 6 * stride + n, s61, adds: true, all);
            Finish<TV, TW>(ref destination, 7 * stride + n, s71, adds: true, all);
        }
    }

    /// <summary>A tile's sums into <c>destination[offset..]</c>: stored, or added in the lanes of <paramref name="fresh"/> (the other lanes stay as they are).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TV, TW>(ref T destination, nuint offset, TV sums, bool adds, TV fresh)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        if (!adds)
        {
            TW.Store(sums, ref destination, offset);
            return;
        }
        TV old = TW.Load(ref destination, offset);
        TW.Store(TW.Select(fresh, TW.Add(old, sums), old), ref destination, offset);
    }

    /// <summary>
    /// <see cref="Kernels.ChunkProduct{T}"/> with its arguments checked: by columns for short rows; a matrix that streams
    /// through <see cref="StreamedChunk"/>, or on AMD processors through <see cref="AnyMatrixMatrix"/>'s streams of each row
    /// past four inputs (<see cref="StreamedRows.ChunkInRowStreams"/>); else <see cref="AnyMatrixMatrix"/>. All but the first
    /// sum each row in <see cref="Kernels.MatrixVector{T}"/>'s order.
    /// </summary>
    /// <remarks>
    /// Until 2026-12-01 a matrix over 64 KB whose blocks of eight rows fit in L1 ran through the blocks here (one
    /// multiply-add chain per row, read from L2 once per chunk) while <c>MatrixVector</c> streamed it (four chains per
    /// row): faster (784-128-10's forward product at 128 rows, about 100 against 75 GFLOP/s on an Intel Xeon), but in
    /// another order. With structured weights and inputs a pre-activation can be zero in exact arithmetic; the two
    /// orders then gave it opposite signs, a ReLU let the sample's delta through in one path and not in the other, and
    /// one <c>TrainBatch</c> of 784-256-128-10 (single) moved a bias by 10% of its step more than the per-row
    /// calls did. The same sum in the same order makes a chunk's pre-activations exactly those of <c>Backward</c>: only
    /// rows of at least <see cref="StreamedRows.MinimumRowVectors"/> wide vectors stream now, for one input and for a
    /// chunk alike (shorter rows keep the blocks), and a chunk computes the streamed order in blocks of eight rows and
    /// two inputs (<see cref="StreamedChunk"/>), at the blocks' speed, or where that is slower (AMD) row by row past
    /// four inputs at a time.
    /// </remarks>
    public static void ChunkProduct(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs)
    {
        int rows = bias.Length;
        if (RunsByColumns(rows, columns))
            ByColumns(weights, bias, inputs, columns, samples, outputs);
        else if (samples > 1 && StreamsRows(rows, columns) && !StreamedRows.ChunkInRowStreams)
            StreamedChunk(weights, bias, inputs, columns, samples, outputs);
        else
            AnyMatrixMatrix(weights, bias, inputs, columns, samples, outputs, rows);
    }

    /// <summary>
    /// Whether a chunk product with a matrix of this shape runs by columns: rows of W shorter than two wide vectors (so
    /// most lanes of a dot product along a row would be empty or masked) and at least one wide vector of them.
    /// </summary>
    private static bool RunsByColumns(int rows, int columns) =>
        TWide.Count > 1 && columns < 2 * TWide.Count && rows >= TWide.Count;

    /// <summary>
    /// The rows of W in one block of a by-columns product: all of them if their transposed copy fits in 16 KB of stack,
    /// else as many whole wide vectors of them as fit (at least eight, since a row is shorter than two wide vectors).
    /// </summary>
    private static int ColumnBlockRows(int rows, int columns) =>
        Math.Min(rows, 16 * 1024 / (columns * Unsafe.SizeOf<T>()) / TWide.Count * TWide.Count);

    /// <summary>Samples per pass of the weight-gradient kernels, which copy each pass's deltas into a contiguous block on the stack.</summary>
    private const int SamplesPerPass = 32;

    /// <summary>
    /// <see cref="ChunkProduct"/> by columns, for rows of W shorter than two wide vectors and at least one wide vector of
    /// rows: W is copied transposed onto the stack, in blocks of as many rows as 16 KB holds (a last block that would be
    /// shorter overlaps the one before instead, recomputing outputs it already wrote with the same result), and each
    /// output vector of a block is its bias plus one multiply-add per column (<see cref="Tile"/>). Samples are the outer
    /// loop, so each output row is written front to back: rows a power of two apart in memory (1024 floats) would
    /// otherwise fall into one set of the L1 cache and evict each other.
    /// </summary>
    [SkipLocalsInit] // its stackalloc is written before it is read (Kernels.OnStack says why zeroing matters)
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ByColumns(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs)
    {
        int rows = bias.Length, blockRows = ColumnBlockRows(rows, columns);
        Span<T> transposed = stackalloc T[columns * blockRows];
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
            int sample = 0;
            for (; sample + 4 <= samples; sample += 4)
                ByColumnsBlock(4, ref t, blockRows, columns, ref Unsafe.Add(ref x, sample * columns), ref Unsafe.Add(ref z, sample * rows + first), rows, ref Unsafe.Add(ref b, first));
            for (; sample < samples; sample++)
                ByColumnsBlock(1, ref t, blockRows, columns, ref Unsafe.Add(ref x, sample * columns), ref Unsafe.Add(ref z, sample * rows + first), rows, ref Unsafe.Add(ref b, first));
        }
    }

    /// <summary>
    /// One block of <see cref="ByColumns"/> for <paramref name="samples"/> (1 or 4) samples: two wide vectors of outputs at a
    /// time, then one, then the block's last whole vector again (a store, so recomputing lanes is exact).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ByColumnsBlock(int samples, ref T t, int blockRows, int columns, ref T x, ref T z, int rows, ref T b)
    {
        TWideVector all = TWide.LastLanes(TWide.Count);
        int offset = 0;
        for (; offset + 2 * TWide.Count <= blockRows; offset += 2 * TWide.Count)
            Tile<TWideVector, TWide>(samples, 2, columns, ref Unsafe.Add(ref t, offset), blockRows, ref x, columns, 1, ref Unsafe.Add(ref z, offset), rows, adds: false, ref Unsafe.Add(ref b, offset), all);
        for (; offset + TWide.Count <= blockRows; offset += TWide.Count)
            Tile<TWideVector, TWide>(samples, 1, columns, ref Unsafe.Add(ref t, offset), blockRows, ref x, columns, 1, ref Unsafe.Add(ref z, offset), rows, adds: false, ref Unsafe.Add(ref b, offset), all);
        if (offset < blockRows)
        {
            int last = blockRows - TWide.Count;
            Tile<TWideVector, TWide>(samples, 1, columns, ref Unsafe.Add(ref t, last), blockRows, ref x, columns, 1, ref Unsafe.Add(ref z, last), rows, adds: false, ref Unsafe.Add(ref b, last), all);
        }
    }

    /// <summary><see cref="Kernels.AddOuterProducts{T}"/> with its arguments checked.</summary>
    /// <remarks>Columns are taken with the widest vector a row fills, as in <see cref="MatrixMatrix"/>.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddOuterProducts(Span<T> weights, ReadOnlySpan<T> deltas, ReadOnlySpan<T> inputs, int rows, int columns, int samples)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        RowWidth width = RowWidthOf(columns);
        // Passes of at most SamplesPerPass samples, each added into W: a chunk of BackwardBatch is one pass.
        for (int first = 0; first < samples; first += SamplesPerPass)
        {
            int count = Math.Min(SamplesPerPass, samples - first);
            ref T d = ref MemoryMarshal.GetReference(deltas.Slice(first * rows));
            ref T x = ref MemoryMarshal.GetReference(inputs.Slice(first * columns));
            if (RunsBySamples(rows, columns))
            {
                for (int sample = first; sample < first + count; sample++)
                    AddScaledOuterProduct(weights, deltas.Slice(sample * rows, rows), inputs.Slice(sample * columns, columns), T.One);
            }
            else if (RunsByColumns(rows, columns))
                OuterProductsByColumns(ref w, ref d, ref x, rows, columns, count);
            else if (width == RowWidth.Wide)
                OuterProductTiles<TWideVector, TWide>(ref w, ref d, ref x, rows, columns, count);
            else if (width == RowWidth.Narrow)
                OuterProductTiles<TNarrowVector, TNarrow>(ref w, ref d, ref x, rows, columns, count);
            else if (width == RowWidth.Quarter)
                OuterProductTiles<Vector128<T>, Width128<T>>(ref w, ref d, ref x, rows, columns, count);
            else
                OuterProductTiles<T, ScalarWidth<T>>(ref w, ref d, ref x, rows, columns, count);
        }
    }

    /// <summary>
    /// Whether <see cref="AddOuterProducts"/> adds each sample's outer product in turn (<see cref="AddScaledOuterProduct"/>,
    /// the order of the per-sample calls) instead of running by columns: a tall matrix (at least 32 wide vectors of rows)
    /// of at most three columns, whose weights and one sample's deltas fit in 32 KB of L1.
    /// </summary>
    /// <remarks>
    /// By columns, fewer than four columns run one input per tile, and each block of eight wide vectors of rows reads
    /// every sample's deltas in a short run (or copies them, <see cref="SetsCollide"/>): with many blocks that is slower
    /// than reading each sample's delta row once, front to back, while the gradient stays in L1. Measured on an Intel Xeon
    /// (AVX-512, 32 samples): 1024 x 2 doubles by columns 13.6-15.7 us, a sample at a time 5.9-7.5 us. Over a grid of
    /// 64-2048 rows by 1-20 columns, a sample at a time won with 1-3 columns from 32 wide vectors of rows (256 doubles, 512
    /// floats) while the gradient and a delta row stayed within 32 KB (2048 x 2 and 2048 x 3 doubles, 48 and 64 KB, lost);
    /// by columns won clearly at 64-250 rows, and from four columns up neither won consistently. <c>TrainBatch</c>, the two
    /// paths alternated in one process: 2-1024-1 (double) 63-65 -> 52-55 us, 3-1024-2 (single, tanh) 67-68 -> 58 us.
    /// </remarks>
    private static bool RunsBySamples(int rows, int columns) =>
        RunsByColumns(rows, columns) && columns <= 3 && rows >= 32 * TWide.Count
        && (long)rows * (columns + 1) * Unsafe.SizeOf<T>() <= 32 * 1024;

    /// <summary>
    /// <see cref="AddOuterProducts"/> by columns, for weight rows shorter than two wide vectors (<see cref="RunsByColumns"/>),
    /// for one pass of samples: per block of weight rows (the block's deltas first copied into a contiguous block on the stack
    /// where the rows of the chunk would evict each other from L1 on every vector read, <see cref="SetsCollide"/>), the
    /// gradient's transpose <c>G[i, r] = sum_s x[s, i] d[s, r]</c> is summed along them, four inputs i at a time
    /// (<see cref="Tile"/>), and G is added into W value by value. Each weight's sum over the samples is formed in the same
    /// order as in the tiles by rows. A last block that would be shorter overlaps the one before instead, and adds only
    /// its new rows.
    /// </summary>
    [SkipLocalsInit] // its stackalloc is written before it is read (Kernels.OnStack says why zeroing matters)
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductsByColumns(ref T w, ref T d, ref T x, int rows, int columns, int samples)
    {
        int blockRows = Math.Min(rows, 8 * TWide.Count);
        bool copiesDeltas = SetsCollide(rows);
        Span<T> gradient = stackalloc T[columns * blockRows];
        Span<T> deltaBlock = copiesDeltas ? stackalloc T[samples * blockRows] : default;
        ref T g = ref MemoryMarshal.GetReference(gradient);
        for (int next = 0; next < rows; next += blockRows)
        {
            int first = Math.Min(next, rows - blockRows);
            scoped ref T block = ref Unsafe.Add(ref d, first);
            int stride = rows;
            if (copiesDeltas)
            {
                for (int sample = 0; sample < samples; sample++)
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref block, sample * rows), blockRows).CopyTo(deltaBlock.Slice(sample * blockRows, blockRows));
                block = ref MemoryMarshal.GetReference(deltaBlock);
                stride = blockRows;
            }
            int input = 0;
            for (; input + 4 <= columns; input += 4)
                GradientColumns(4, ref block, stride, ref Unsafe.Add(ref x, input), columns, samples, ref Unsafe.Add(ref g, input * blockRows), blockRows);
            // The two or three inputs left in one tile: four or six sums side by side, where one input at a time left two,
            // each waiting on its previous multiply-add (64 x 2 doubles over 32 samples: 333 -> 248 ns; 32 x 3, 253 -> 156).
            if (columns - input == 3)
                GradientColumns(3, ref block, stride, ref Unsafe.Add(ref x, input), columns, samples, ref Unsafe.Add(ref g, input * blockRows), blockRows);
            else if (columns - input == 2)
                GradientColumns(2, ref block, stride, ref Unsafe.Add(ref x, input), columns, samples, ref Unsafe.Add(ref g, input * blockRows), blockRows);
            else if (columns - input == 1)
                GradientColumns(1, ref block, stride, ref Unsafe.Add(ref x, input), columns, samples, ref Unsafe.Add(ref g, input * blockRows), blockRows);
            for (int row = next - first; row < blockRows; row++)
            {
                ref T weights = ref Unsafe.Add(ref w, (first + row) * columns);
                for (int i = 0; i < columns; i++)
                    Unsafe.Add(ref weights, i) += Unsafe.Add(ref g, i * blockRows + row);
            }
        }
    }

    /// <summary>
    /// Whether rows of <paramref name="length"/> values, read at the same place in many consecutive rows, fall into so few sets
    /// of a typical L1 data cache (4 KB per way, 8 ways) that they evict each other: a row a multiple of 2 KB long puts 32
    /// rows' lines into at most two sets. 1024 floats or 512 doubles are such rows; 1000 floats are not.
    /// </summary>
    private static bool SetsCollide(int length) => (long)length * Unsafe.SizeOf<T>() % 2048 == 0;

    /// <summary>
    /// <c>G[i, 0..blockRows) = sum_s x[s, i] d[s, 0..blockRows)</c> (rows of d <paramref name="stride"/> apart) for <paramref name="inputs"/> (1 to 4) consecutive inputs i:
    /// two wide vectors of rows at a time, then one, then the last whole vector again (a store, so recomputing lanes is exact).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientColumns(int inputs, ref T d, int stride, ref T x, int columns, int samples, ref T g, int blockRows)
    {
        TWideVector all = TWide.LastLanes(TWide.Count);
        int offset = 0;
        for (; offset + 2 * TWide.Count <= blockRows; offset += 2 * TWide.Count)
            Tile<TWideVector, TWide>(inputs, 2, samples, ref Unsafe.Add(ref d, offset), stride, ref x, 1, columns, ref Unsafe.Add(ref g, offset), blockRows, adds: false, ref Unsafe.NullRef<T>(), all);
        for (; offset + TWide.Count <= blockRows; offset += TWide.Count)
            Tile<TWideVector, TWide>(inputs, 1, samples, ref Unsafe.Add(ref d, offset), stride, ref x, 1, columns, ref Unsafe.Add(ref g, offset), blockRows, adds: false, ref Unsafe.NullRef<T>(), all);
        if (offset < blockRows)
        {
            int last = blockRows - TWide.Count;
            Tile<TWideVector, TWide>(inputs, 1, samples, ref Unsafe.Add(ref d, last), stride, ref x, 1, columns, ref Unsafe.Add(ref g, last), blockRows, adds: false, ref Unsafe.NullRef<T>(), all);
        }
    }

    /// <summary>
    /// <see cref="AddOuterProducts"/> for one pass of samples in tiles of eight weight rows by two vectors of columns (then
    /// four rows, then single rows; each by two vectors, then one): the tile's sums over the pass stay in registers, each
    /// load of an input vector serving eight rows, and are added to the weights once. Sixteen sums side by side keep both
    /// multiply-add pipes busy through their four-cycle latency, which eight (tiles of four rows) did not: on an Intel Xeon
    /// with AVX-512, <c>BackwardBatch</c> of 784-128-10 at 128 rows went from about 78 to 87-89 GFLOP/s, with the same
    /// bits (every sum is the same chain). A row's last partial vector is its last whole vector with only its new lanes
    /// added (the others belong to the vector before). Rows whose deltas are zero for every sample of the pass (units a
    /// ReLU kept off for the whole chunk) are skipped when rows are at least four vectors long: they would add exactly
    /// zero, and the check costs a fraction of their work.
    /// </summary>
    /// <remarks>
    /// The tiles broadcast each delta from the samples' rows in place. Until 2026-12-02 a tile's deltas were first copied
    /// into a contiguous block, so that 32 rows a power of two apart in memory would not evict each other from L1; the copy
    /// (a load, a store and a compare per delta) cost more than the tiles it fed where a row has few vectors. Measured in
    /// place against copied (32 samples, fastest of 200 alternated rounds, Intel Xeon, AVX-512): floats 256x32 10.7 -> 3.2
    /// us, 1024x32 (rows 4 KB apart) 46 -> 14, 1024x64 60 -> 30, 256x128 21 -> 13, 128x784 48 -> 44; doubles 256x32 13.8 ->
    /// 6.7, 512x64 60 -> 39, 512x256 208 -> 197; one loss, doubles 512x512 (rows 4 KB apart, each delta read by 32 tiles)
    /// 331 -> 349 us.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductTiles<TV, TW>(ref T w, ref T d, ref T x, int rows, int columns, int samples)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        bool skipsZeroRows = columns >= 4 * TW.Count;
        int row = 0;
        for (; row + 8 <= rows; row += 8)
        {
            if (!skipsZeroRows || AnyNonZero(ref Unsafe.Add(ref d, row), 8, rows, samples))
                OuterProductEightRows<TV, TW>(ref w, ref d, rows, ref x, columns, samples, row);
        }
        for (; row + 4 <= rows; row += 4)
        {
            if (!skipsZeroRows || AnyNonZero(ref Unsafe.Add(ref d, row), 4, rows, samples))
                OuterProductFourRows<TV, TW>(ref w, ref d, rows, ref x, columns, samples, row);
        }
        for (; row < rows; row++)
        {
            if (!skipsZeroRows || AnyNonZero(ref Unsafe.Add(ref d, row), 1, rows, samples))
                OuterProductOneRow<TV, TW>(ref w, ref d, rows, ref x, columns, samples, row);
        }
    }

    /// <summary>
    /// <see cref="OuterProductRows{TV, TW}"/> for eight rows (<see cref="EightRowTile{TV, TW}"/>), in a method of its own:
    /// inlined into <see cref="OuterProductTiles{TV, TW}"/> beside the four-row and single-row tiles, sixteen-sum tiles used
    /// up the JIT's inlining budget there, and the tiles became calls that started as unoptimised code (a fresh process's
    /// first Fit epoch of 784-128-10 took 2.3 times as long).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductEightRows<TV, TW>(ref T w, ref T d, int stride, ref T x, int columns, int samples, int row)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        TV all = TW.LastLanes(TW.Count);
        ref T weights = ref Unsafe.Add(ref w, row * columns);
        ref T factors = ref Unsafe.Add(ref d, row);
        int column = 0;
        for (; column + 2 * TW.Count <= columns; column += 2 * TW.Count)
            EightRowTile<TV, TW>(2, samples, ref Unsafe.Add(ref x, column), columns, ref factors, stride, ref Unsafe.Add(ref weights, column), columns, all);
        // Then one vector at a time, the row's last partial vector as its last whole vector with only the new lanes
        // added: one tile in the code for both, which the JIT compiles once.
        for (; column < columns; column += TW.Count)
        {
            bool partial = column + TW.Count > columns;
            int at = partial ? columns - TW.Count : column;
            EightRowTile<TV, TW>(1, samples, ref Unsafe.Add(ref x, at), columns, ref factors, stride, ref Unsafe.Add(ref weights, at), columns, partial ? TW.LastLanes(columns - column) : all);
        }
    }

    /// <summary>Whether any of the <paramref name="count"/> deltas at <paramref name="d"/> of any sample (rows <paramref name="stride"/> apart) is not zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyNonZero(ref T d, int count, int stride, int samples)
    {
        for (int sample = 0; sample < samples; sample++, d = ref Unsafe.Add(ref d, stride))
        {
            for (int k = 0; k < count; k++)
            {
                if (Unsafe.Add(ref d, k) != T.Zero)
                    return true;
            }
        }
        return false;
    }

    /// <summary><see cref="OuterProductRows{TV, TW}"/> for four rows, compiled the first time a layer has four rows left over after its blocks of eight.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductFourRows<TV, TW>(ref T w, ref T d, int stride, ref T x, int columns, int samples, int row)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV> =>
        OuterProductRows<TV, TW>(4, ref w, ref d, stride, ref x, columns, samples, row);

    /// <summary><see cref="OuterProductRows{TV, TW}"/> for one row, compiled the first time a layer has a row left over after its blocks of four.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductOneRow<TV, TW>(ref T w, ref T d, int stride, ref T x, int columns, int samples, int row)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV> =>
        OuterProductRows<TV, TW>(1, ref w, ref d, stride, ref x, columns, samples, row);

    /// <summary>
    /// Weight rows <paramref name="row"/> on (<paramref name="tileRows"/> of them, 1 or 4), every column: tiles of two vectors,
    /// then one, then the last partial one; their deltas read from the samples' rows of <paramref name="d"/>, <paramref name="stride"/> apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterProductRows<TV, TW>(int tileRows, ref T w, ref T d, int stride, ref T x, int columns, int samples, int row)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        TV all = TW.LastLanes(TW.Count);
        ref T weights = ref Unsafe.Add(ref w, row * columns);
        ref T factors = ref Unsafe.Add(ref d, row);
        int column = 0;
        for (; column + 2 * TW.Count <= columns; column += 2 * TW.Count)
            Tile<TV, TW>(tileRows, 2, samples, ref Unsafe.Add(ref x, column), columns, ref factors, 1, stride, ref Unsafe.Add(ref weights, column), columns, adds: true, ref Unsafe.NullRef<T>(), all);
        // Then one vector at a time, the last partial one included, as in OuterProductEightRows.
        for (; column < columns; column += TW.Count)
        {
            bool partial = column + TW.Count > columns;
            int at = partial ? columns - TW.Count : column;
            Tile<TV, TW>(tileRows, 1, samples, ref Unsafe.Add(ref x, at), columns, ref factors, 1, stride, ref Unsafe.Add(ref weights, at), columns, adds: true, ref Unsafe.NullRef<T>(),
                partial ? TW.LastLanes(columns - column) : all);
        }
    }
}
