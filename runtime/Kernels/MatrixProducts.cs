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
    /// Read eight rows at a time, sharing each load of x; a matrix over 64 KB with rows of at least 16 wide vectors
    /// one row at a time on AMD processors and four rows at a time elsewhere (<c>StreamedRows.OneRowAtATime</c>), each
    /// row's sum in the same order as for one row. Exactly <see cref="MatrixMatrix{T}"/>
    /// for one input, and <see cref="ChunkProduct{T}"/> for each of its inputs unless that runs by columns.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void MatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = z.Length, columns = x.Length;
        CheckMatrix(weights, rows, columns);
        CheckLength(bias.Length, rows, nameof(bias));
        MatrixMatrixAtWidest(weights, bias, x, columns, 1, z, rows);
    }

    /// <summary>
    /// <c>b + w x</c> for one weight row <paramref name="weights"/> (a layer of one unit: a regression or binary output, a
    /// bottleneck), exactly the value <see cref="MatrixVector{T}"/> writes for a one-row W, without its dispatch between
    /// shapes and the frame that dispatch needs: 445 doubles, inputs cycled over 64 rows, 31.9 -> 26.9 ns (Stopwatch, fastest of
    /// 60 x 20,000 calls, AMD EPYC); the dot itself takes 26.5 ns.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static T OneRowProduct<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, T bias)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(weights.Length, x.Length, nameof(weights));
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T input = ref MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated)
            return KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.OneRowProduct(ref w, ref input, x.Length, bias);
        if (Vector256.IsHardwareAccelerated)
            return KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.OneRowProduct(ref w, ref input, x.Length, bias);
        if (Vector128.IsHardwareAccelerated)
            return KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.OneRowProduct(ref w, ref input, x.Length, bias);
        return KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.OneRowProduct(ref w, ref input, x.Length, bias);
    }

    /// <summary>
    /// <see cref="MatrixVector{T}"/> for many inputs at once: <c>z_s = W x_s + b</c> for every row
    /// <c>x_s</c> of <paramref name="inputs"/> (row-major, <c>x.Length</c> = columns of W), written to
    /// <c>outputs[s * outputStride ..]</c>. The loops run over blocks of eight weight rows, then over the
    /// inputs; for a matrix over 64 KB with rows of at least 16 wide vectors, over groups of four
    /// inputs, then over the weight rows, each load of a row serving four inputs: either way, W moves
    /// from L2 or memory a fraction of the times it would for one input at a time. Each output equals
    /// <see cref="MatrixVector{T}"/>'s for the same input, bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void MatrixMatrix<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs, int outputStride)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int samples = CheckProduct(weights, bias, inputs, columns, outputs, outputStride);
        MatrixMatrixAtWidest(weights, bias, inputs, columns, samples, outputs, outputStride);
    }

    /// <summary>
    /// The checks of a product <c>z_s = W x_s + b</c> over many inputs with outputs <paramref name="outputStride"/> apart
    /// (<see cref="MatrixMatrix{T}"/>, <see cref="ColumnCopyProduct{T}"/>): W of <c>bias.Length</c> rows and
    /// <paramref name="columns"/> columns, whole input rows, room for every output. Returns the number of inputs.
    /// </summary>
    private static int CheckProduct<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs, int outputStride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        int rows = bias.Length;
        CheckMatrix(weights, rows, columns);
        int samples = ThrowHelper.RowCount(nameof(inputs), inputs.Length, columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputStride, rows);
        if (samples > 0 && outputs.Length < (samples - 1) * outputStride + rows)
            ThrowHelper.ThrowLengthMismatch(nameof(outputs), (samples - 1) * outputStride + rows, outputs.Length);
        return samples;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    /// <remarks>
    /// Rows are read with the widest vector that a row fills: the wide one, else the narrow one, else
    /// (under a 512-bit wide width) 128 bits, else one value at a time. A row's last partial vector is
    /// the row's last whole vector with the lanes already counted masked off, so no row ends in a scalar
    /// loop. The choice depends on the shape alone, so a batch row gets exactly what a single input gets.
    /// One input and fewer than four rows (<see cref="FewRowsOneInput"/>) skip the calls between here and the dot.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
    {
        int rows = bias.Length;
        if (samples == 1 && rows < 4 && !StreamsRows(rows, columns) && !TakesPackedBlocks(rows, columns))
            FewRowsOneInput(ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetReference(bias), ref MemoryMarshal.GetReference(inputs),
                columns, rows, ref MemoryMarshal.GetReference(outputs));
        else
            AnyMatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
    }

    /// <summary><see cref="MatrixMatrix"/> for any shape: the streamed path or the blocks and rows.</summary>
    private static void AnyMatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
    {
        if (StreamsRows(bias.Length, columns))
            StreamedMatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
        else
            UnstreamedMatrixMatrix(weights, bias, inputs, columns, samples, outputs, outputStride);
    }

    /// <summary>
    /// <see cref="MatrixMatrix"/> without the streamed path: blocks of rows (packed, for rows of a few values), then
    /// the row path, each block applied to every input while it is in registers' or L1's reach.
    /// </summary>
    private static void UnstreamedMatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
    {
        int rows = bias.Length;
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        if (TakesPackedBlocks(rows, columns))
            BlockMatrixMatrix(ref w, ref b, ref x, columns, rows, samples, ref z, outputStride);
        else
            RowMatrixMatrix(ref w, ref b, ref x, columns, rows, samples, ref z, outputStride);
    }

    /// <summary>
    /// Whether <see cref="UnstreamedMatrixMatrix"/> takes all the rows in packed blocks (<see cref="PacksForward"/>): at
    /// least one whole block of them, the last block overlapping the one before it when the rows are not a whole number of blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TakesPackedBlocks(int rows, int columns) => PacksForward(columns) && rows >= TWide.Count;

    /// <summary>
    /// <see cref="RowMatrixMatrix"/> for one input and fewer than four rows (a bottleneck layer, a regression or binary
    /// output): each row's <see cref="Dot{TV, TW}"/> at the width <see cref="RowWidthOf"/> gives, as in
    /// <see cref="RowMatrixMatrix"/>, but called from here instead of through it and <see cref="RemainingRows{TV, TW}"/>,
    /// so each sum keeps its bits. Those two calls cost 5-6 ns of a 1 x 8 product of doubles (12 ns against 6.5 on an
    /// AMD EPYC host).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FewRowsOneInput(ref T w, ref T b, ref T x, int columns, int rows, ref T z)
    {
        if (rows > 1 && columns >= TWide.Count)
        {
            TwoOrThreeDots<TWideVector, TWide>(ref w, ref x, columns, rows == 3, ref b, ref z);
            return;
        }
        for (int r = 0; r < rows; r++, w = ref Unsafe.Add(ref w, columns))
            Unsafe.Add(ref z, r) = RowPlusBias(ref w, ref x, columns, Unsafe.Add(ref b, r));
    }

    /// <summary>
    /// <c>bias + w x</c> for one row of <paramref name="columns"/> values that does not stream: its <see cref="Dot{TV, TW}"/>
    /// at the width <see cref="RowWidthOf"/> gives, or <see cref="ShortRows"/> for a row shorter than any vector. What
    /// <see cref="FewRowsOneInput"/> and <see cref="OneRowProduct"/> compute for each row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T RowPlusBias(ref T w, ref T x, int columns, T bias)
    {
        RowWidth width = RowWidthOf(columns);
        if (width == RowWidth.Wide)
            return bias + Dot<TWideVector, TWide>(ref w, ref x, columns);
        if (width == RowWidth.Narrow)
            return bias + Dot<TNarrowVector, TNarrow>(ref w, ref x, columns);
        if (width == RowWidth.Quarter)
            return bias + Dot<Vector128<T>, Width128<T>>(ref w, ref x, columns);
        T z = T.Zero;
        ShortRows(ref w, ref bias, ref x, columns, 1, 1, ref z, 1);
        return z;
    }

    /// <summary>
    /// <see cref="Kernels.OneRowProduct{T}"/>: what <see cref="MatrixMatrix"/> computes for one row and one input, by the same
    /// path (<see cref="FewRowsOneInput"/>'s <see cref="RowPlusBias"/>, or the streamed path for a row that
    /// <see cref="StreamsRows"/>), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T OneRowProduct(ref T w, ref T x, int columns, T bias) =>
        StreamsRows(1, columns) ? StreamedOneRow(ref w, ref x, columns, bias) : RowPlusBias(ref w, ref x, columns, bias);

    /// <summary><see cref="OneRowProduct"/> for a row long enough to stream: through <see cref="MatrixMatrix"/> itself.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T StreamedOneRow(ref T w, ref T x, int columns, T bias)
    {
        T z = T.Zero;
        MatrixMatrix(MemoryMarshal.CreateReadOnlySpan(ref w, columns), new ReadOnlySpan<T>(in bias), MemoryMarshal.CreateReadOnlySpan(ref x, columns),
            columns, 1, new Span<T>(ref z), 1);
        return z;
    }

    /// <summary><see cref="MatrixMatrix"/> one row at a time (or eight, or four), each with the widest vector it fills.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RowMatrixMatrix(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
    {
        if (rows == 0)
            return;
        RowWidth width = RowWidthOf(columns);
        if (width == RowWidth.Wide)
            RowBlocks<TWideVector, TWide>(ref w, ref b, ref x, columns, rows, samples, ref z, outputStride);
        else if (width == RowWidth.Narrow)
            RowBlocks<TNarrowVector, TNarrow>(ref w, ref b, ref x, columns, rows, samples, ref z, outputStride);
        else if (width == RowWidth.Quarter)
            RowBlocks<Vector128<T>, Width128<T>>(ref w, ref b, ref x, columns, rows, samples, ref z, outputStride);
        else
            ShortRows(ref w, ref b, ref x, columns, rows, samples, ref z, outputStride);
    }

    /// <summary>
    /// The vector a row of <paramref name="columns"/> values is read with, in every kernel that reads rows: the widest
    /// it fills, the wide one, else the narrow one, else (under a 512-bit wide width, where 128 bits are accelerated) a
    /// 128-bit one, else one value at a time. One rule for all of them, because a row's sum keeps its bits only if every
    /// kernel that computes it (one input or many, by rows or in blocks) reads it the same way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RowWidth RowWidthOf(int columns) =>
        columns >= TWide.Count ? RowWidth.Wide
        : columns >= TNarrow.Count ? RowWidth.Narrow
        : TNarrow.Count > Vector128<T>.Count && Vector128.IsHardwareAccelerated && columns >= Vector128<T>.Count ? RowWidth.Quarter
        : RowWidth.Scalar;

    /// <summary>
    /// <c>z_s = W x_s + b</c> with vectors of width <typeparamref name="TW"/> (rows at least one vector
    /// long): blocks of eight weight rows, each block applied to every input while it is in registers'
    /// reach, then four rows, then single rows.
    /// </summary>
    /// <remarks>
    /// Its parts are methods of their own, compiled the first time a shape needs them: one input (<c>Predict</c>) or
    /// several, and the rows left after the blocks of eight. In one method they took 10-15 ms to compile in a fresh
    /// process, on the calling thread's path through its first training step.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowBlocks<TV, TW>(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        int blockRows = rows - rows % 8;
        if (blockRows > 0 && blockRows < rows && OverlapsLastBlock<TV, TW>(columns, rows - blockRows))
            blockRows = rows;
        if (blockRows > 0 && samples == 1)
            EightRowBlocks<TV, TW>(ref w, ref b, ref x, columns, blockRows, ref z);
        else if (blockRows > 0)
            EightRowBlocksTwoInputs<TV, TW>(ref w, ref b, ref x, columns, blockRows, samples, ref z, outputStride);
        if (blockRows < rows)
            RemainingRows<TV, TW>(ref Unsafe.Add(ref w, blockRows * columns), ref Unsafe.Add(ref b, blockRows), ref x, columns, rows - blockRows, samples,
                ref Unsafe.Add(ref z, blockRows), outputStride);
    }

    /// <summary>
    /// Whether the <paramref name="left"/> rows after <see cref="RowBlocks{TV, TW}"/>'s blocks of eight (at least one
    /// block) go through one more block of eight that ends at the last row, computing <c>8 - left</c> rows of the block
    /// before it again, instead of through <see cref="RemainingRows{TV, TW}"/>'s four-row groups and single dots, each
    /// ending in a reduction of its own. Only for rows of one or two whole vectors and at most a partial one
    /// (<see cref="EightShortRows{TV, TW}"/>), where a row's reduction costs as much as its multiply-adds: from 2 rows left
    /// for rows of one whole vector, from 4 for rows of two. Floats in 512-bit vectors, fastest of 40 calls, one input /
    /// 32 inputs, ns: 31x29 50 -> 34 / 1,330 -> 740, 23x24 45 -> 27 / 1,140 -> 560, 103x20 114 -> 94 / 2,980 -> 2,400,
    /// 71x33 94 -> 75; in 256-bit vectors 135x9 95 -> 85, 13x12 24 -> 19. With one row left it gained nothing, and
    /// 66x33 (two left of two-vector rows) took 86 -> 93 ns. A row's sum is the same in every lane of a block
    /// (<see cref="ReduceEightPlusBias{TV, TW}"/> reduces each lane group by one tree), so a row computed twice is written
    /// twice with the same bits, and every row gets the bits it gets in any whole block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OverlapsLastBlock<TV, TW>(int columns, int left)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        int wholeVectors = columns / TW.Count;
        return wholeVectors <= 2 && left >= 2 * wholeVectors;
    }

    /// <summary>
    /// <see cref="RowBlocks{TV, TW}"/>'s blocks of eight rows (<paramref name="rows"/>, at least eight) for one input; when
    /// <paramref name="rows"/> is no multiple of eight, the last block ends at the last row (<see cref="OverlapsLastBlock{TV, TW}"/>).
    /// x's masked last vector is made once for all blocks, and rows of one or two whole vectors (and a partial one) go
    /// through <see cref="EightShortRows{TV, TW}"/>, which has no loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EightRowBlocks<TV, TW>(ref T w, ref T b, ref T x, int columns, int rows, ref T z)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        if (rows == 0)
            return; // no block, and no x to read (the preparation's call has no memory behind its references)
        int whole = columns - columns % TW.Count, lastBlock = rows - 8;
        bool partial = whole != columns;
        TV xLast = partial ? TW.And(TW.Load(ref x, (nuint)(columns - TW.Count)), TW.LastLanes(columns - whole)) : TW.Zero;
        if (whole <= 2 * TW.Count)
        {
            bool two = whole == 2 * TW.Count;
            TV xFirst = TW.Load(ref x, 0), xSecond = two ? TW.Load(ref x, (nuint)TW.Count) : TW.Zero;
            for (int row = 0; ; row = Math.Min(row + 8, lastBlock))
            {
                EightShortRows<TV, TW>(ref Unsafe.Add(ref w, row * columns), columns, xFirst, xSecond, two, xLast, partial, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, row));
                if (row == lastBlock)
                    break;
            }
        }
        else
        {
            for (int row = 0; ; row = Math.Min(row + 8, lastBlock))
            {
                EightRows<TV, TW>(ref Unsafe.Add(ref w, row * columns), ref x, columns, xLast, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, row));
                if (row == lastBlock)
                    break;
            }
        }
    }

    /// <summary>
    /// <see cref="EightRows{TV, TW}"/> for rows of one or two (<paramref name="two"/>) whole vectors and at most a partial
    /// one (<paramref name="partial"/>): the same multiply-adds in the same order, so the same bits, written out without
    /// <see cref="EightRows{TV, TW}"/>'s loop, whose counter and branches cost as much as such a row's multiply-adds
    /// (floats, fastest of 40 x 5,000 calls: 128 x 9 85 -> 70 ns, 256 x 32 247 -> 173 ns, 256 x 40 292 -> 257 ns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightShortRows<TV, TW>(ref T w0, int columns, TV xFirst, TV xSecond, bool two, TV xLast, bool partial, ref T bias, ref T z)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint stride = (nuint)columns;
        TV zero = TW.Zero;
        TV s0 = TW.MultiplyAdd(TW.Load(ref w0, 0), xFirst, zero);
        TV s1 = TW.MultiplyAdd(TW.Load(ref w0, stride), xFirst, zero);
        TV s2 = TW.MultiplyAdd(TW.Load(ref w0, 2 * stride), xFirst, zero);
        TV s3 = TW.MultiplyAdd(TW.Load(ref w0, 3 * stride), xFirst, zero);
        TV s4 = TW.MultiplyAdd(TW.Load(ref w0, 4 * stride), xFirst, zero);
        TV s5 = TW.MultiplyAdd(TW.Load(ref w0, 5 * stride), xFirst, zero);
        TV s6 = TW.MultiplyAdd(TW.Load(ref w0, 6 * stride), xFirst, zero);
        TV s7 = TW.MultiplyAdd(TW.Load(ref w0, 7 * stride), xFirst, zero);
        if (two)
        {
            ref T second = ref Unsafe.Add(ref w0, TW.Count);
            s0 = TW.MultiplyAdd(TW.Load(ref second, 0), xSecond, s0);
            s1 = TW.MultiplyAdd(TW.Load(ref second, stride), xSecond, s1);
            s2 = TW.MultiplyAdd(TW.Load(ref second, 2 * stride), xSecond, s2);
            s3 = TW.MultiplyAdd(TW.Load(ref second, 3 * stride), xSecond, s3);
            s4 = TW.MultiplyAdd(TW.Load(ref second, 4 * stride), xSecond, s4);
            s5 = TW.MultiplyAdd(TW.Load(ref second, 5 * stride), xSecond, s5);
            s6 = TW.MultiplyAdd(TW.Load(ref second, 6 * stride), xSecond, s6);
            s7 = TW.MultiplyAdd(TW.Load(ref second, 7 * stride), xSecond, s7);
        }
        if (partial)
        {
            ref T last = ref Unsafe.Add(ref w0, columns - TW.Count);
            s0 = TW.MultiplyAdd(TW.Load(ref last, 0), xLast, s0);
            s1 = TW.MultiplyAdd(TW.Load(ref last, stride), xLast, s1);
            s2 = TW.MultiplyAdd(TW.Load(ref last, 2 * stride), xLast, s2);
            s3 = TW.MultiplyAdd(TW.Load(ref last, 3 * stride), xLast, s3);
            s4 = TW.MultiplyAdd(TW.Load(ref last, 4 * stride), xLast, s4);
            s5 = TW.MultiplyAdd(TW.Load(ref last, 5 * stride), xLast, s5);
            s6 = TW.MultiplyAdd(TW.Load(ref last, 6 * stride), xLast, s6);
            s7 = TW.MultiplyAdd(TW.Load(ref last, 7 * stride), xLast, s7);
        }
        ReduceEightPlusBias<TV, TW>(s0, s1, s2, s3, s4, s5, s6, s7, ref bias, ref z);
    }

    /// <summary>
    /// <see cref="RowBlocks{TV, TW}"/>'s blocks of eight rows (<paramref name="rows"/>, at least eight, the last block ending
    /// at the last row as in <see cref="EightRowBlocks{TV, TW}"/>) for two or more inputs: each block applied to the inputs
    /// two at a time, and to an odd last one on its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EightRowBlocksTwoInputs<TV, TW>(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        if (rows == 0)
            return; // no block (the preparation's call)
        int whole = columns - columns % TW.Count;
        bool shortRows = whole <= 2 * TW.Count, two = whole == 2 * TW.Count, partial = whole != columns;
        TV lastLanes = partial ? TW.LastLanes(columns - whole) : TW.Zero;
        int lastBlock = rows - 8; // the last block ends at the last row (OverlapsLastBlock)
        for (int row = 0; ; row = Math.Min(row + 8, lastBlock))
        {
            ref T block = ref Unsafe.Add(ref w, row * columns);
            int sample = 0;
            if (shortRows)
            {
                for (; sample + 2 <= samples; sample += 2)
                    EightShortRowsTwoInputs<TV, TW>(ref block, ref Unsafe.Add(ref x, sample * columns), columns, two, partial, lastLanes,
                        ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, sample * outputStride + row), outputStride);
            }
            else
            {
                for (; sample + 2 <= samples; sample += 2)
                    EightRowsTwoInputs<TV, TW>(ref block, ref Unsafe.Add(ref x, sample * columns), columns, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, sample * outputStride + row), outputStride);
            }
            if (sample < samples)
                EightRowBlocks<TV, TW>(ref block, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref x, sample * columns), columns, 8, ref Unsafe.Add(ref z, sample * outputStride + row));
            if (row == lastBlock)
                break;
        }
    }

    /// <summary>
    /// <see cref="EightRowsTwoInputs{TV, TW}"/> for rows of one or two (<paramref name="two"/>) whole vectors and at most a
    /// partial one (<paramref name="partial"/>, its new lanes <paramref name="lastLanes"/>), without its loop (as
    /// <see cref="EightShortRows{TV, TW}"/> for one input): the same multiply-adds in the same order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightShortRowsTwoInputs<TV, TW>(ref T w0, ref T input, int columns, bool two, bool partial, TV lastLanes,
        ref T bias, ref T z, int outputStride)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint stride = (nuint)columns, last = (nuint)(columns - TW.Count);
        ref T other = ref Unsafe.Add(ref input, columns);
        TV zero = TW.Zero;
        TV xi = TW.Load(ref input, 0), yi = TW.Load(ref other, 0);
        TV wi = TW.Load(ref w0, 0);
        TV s0 = TW.MultiplyAdd(wi, xi, zero), t0 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, stride);
        TV s1 = TW.MultiplyAdd(wi, xi, zero), t1 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, 2 * stride);
        TV s2 = TW.MultiplyAdd(wi, xi, zero), t2 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, 3 * stride);
        TV s3 = TW.MultiplyAdd(wi, xi, zero), t3 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, 4 * stride);
        TV s4 = TW.MultiplyAdd(wi, xi, zero), t4 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, 5 * stride);
        TV s5 = TW.MultiplyAdd(wi, xi, zero), t5 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, 6 * stride);
        TV s6 = TW.MultiplyAdd(wi, xi, zero), t6 = TW.MultiplyAdd(wi, yi, zero);
        wi = TW.Load(ref w0, 7 * stride);
        TV s7 = TW.MultiplyAdd(wi, xi, zero), t7 = TW.MultiplyAdd(wi, yi, zero);
        if (two)
        {
            nuint second = (nuint)TW.Count;
            xi = TW.Load(ref input, second);
            yi = TW.Load(ref other, second);
            ref T ws = ref Unsafe.Add(ref w0, second);
            wi = TW.Load(ref ws, 0);
            s0 = TW.MultiplyAdd(wi, xi, s0);
            t0 = TW.MultiplyAdd(wi, yi, t0);
            wi = TW.Load(ref ws, stride);
            s1 = TW.MultiplyAdd(wi, xi, s1);
            t1 = TW.MultiplyAdd(wi, yi, t1);
            wi = TW.Load(ref ws, 2 * stride);
            s2 = TW.MultiplyAdd(wi, xi, s2);
            t2 = TW.MultiplyAdd(wi, yi, t2);
            wi = TW.Load(ref ws, 3 * stride);
            s3 = TW.MultiplyAdd(wi, xi, s3);
            t3 = TW.MultiplyAdd(wi, yi, t3);
            wi = TW.Load(ref ws, 4 * stride);
            s4 = TW.MultiplyAdd(wi, xi, s4);
            t4 = TW.MultiplyAdd(wi, yi, t4);
            wi = TW.Load(ref ws, 5 * stride);
            s5 = TW.MultiplyAdd(wi, xi, s5);
            t5 = TW.MultiplyAdd(wi, yi, t5);
            wi = TW.Load(ref ws, 6 * stride);
            s6 = TW.MultiplyAdd(wi, xi, s6);
            t6 = TW.MultiplyAdd(wi, yi, t6);
            wi = TW.Load(ref ws, 7 * stride);
            s7 = TW.MultiplyAdd(wi, xi, s7);
            t7 = TW.MultiplyAdd(wi, yi, t7);
        }
        if (partial)
        {
            xi = TW.And(TW.Load(ref input, last), lastLanes);
            yi = TW.And(TW.Load(ref other, last), lastLanes);
            ref T wl = ref Unsafe.Add(ref w0, last);
            wi = TW.Load(ref wl, 0);
            s0 = TW.MultiplyAdd(wi, xi, s0);
            t0 = TW.MultiplyAdd(wi, yi, t0);
            wi = TW.Load(ref wl, stride);
            s1 = TW.MultiplyAdd(wi, xi, s1);
            t1 = TW.MultiplyAdd(wi, yi, t1);
            wi = TW.Load(ref wl, 2 * stride);
            s2 = TW.MultiplyAdd(wi, xi, s2);
            t2 = TW.MultiplyAdd(wi, yi, t2);
            wi = TW.Load(ref wl, 3 * stride);
            s3 = TW.MultiplyAdd(wi, xi, s3);
            t3 = TW.MultiplyAdd(wi, yi, t3);
            wi = TW.Load(ref wl, 4 * stride);
            s4 = TW.MultiplyAdd(wi, xi, s4);
            t4 = TW.MultiplyAdd(wi, yi, t4);
            wi = TW.Load(ref wl, 5 * stride);
            s5 = TW.MultiplyAdd(wi, xi, s5);
            t5 = TW.MultiplyAdd(wi, yi, t5);
            wi = TW.Load(ref wl, 6 * stride);
            s6 = TW.MultiplyAdd(wi, xi, s6);
            t6 = TW.MultiplyAdd(wi, yi, t6);
            wi = TW.Load(ref wl, 7 * stride);
            s7 = TW.MultiplyAdd(wi, xi, s7);
            t7 = TW.MultiplyAdd(wi, yi, t7);
        }
        ReduceEightPlusBias<TV, TW>(s0, s1, s2, s3, s4, s5, s6, s7, ref bias, ref z);
        ReduceEightPlusBias<TV, TW>(t0, t1, t2, t3, t4, t5, t6, t7, ref bias, ref Unsafe.Add(ref z, outputStride));
    }

    /// <summary>The rows after <see cref="RowBlocks{TV, TW}"/>'s blocks of eight (<paramref name="rows"/>, fewer than eight): four at a time, then single rows.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RemainingRows<TV, TW>(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        for (int sample = 0; sample < samples; sample++)
        {
            ref T input = ref Unsafe.Add(ref x, sample * columns);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            int r = 0;
            for (; r + 4 <= rows; r += 4)
                FourRows<TV, TW>(ref Unsafe.Add(ref w, r * columns), ref input, columns, ref Unsafe.Add(ref b, r), ref Unsafe.Add(ref output, r));
            if (rows - r > 1)
                TwoOrThreeDots<TV, TW>(ref Unsafe.Add(ref w, r * columns), ref input, columns, rows - r == 3, ref Unsafe.Add(ref b, r), ref Unsafe.Add(ref output, r));
            else if (r < rows)
                Unsafe.Add(ref output, r) = Unsafe.Add(ref b, r) + Dot<TV, TW>(ref Unsafe.Add(ref w, r * columns), ref input, columns);
        }
    }

    /// <summary>
    /// <c>z[0..8) = bias[0..8) + W[0..8, :] x</c> for eight consecutive rows of W starting at
    /// <paramref name="w0"/>: eight independent multiply-add chains hide their latency, and each load
    /// of x serves eight rows. The eight sums leave as one vector where the hardware allows: reduced
    /// together, the bias added and stored with one instruction each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightRows<TV, TW>(ref T w0, ref T input, int columns, TV xLast, ref T bias, ref T z)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint stride = (nuint)columns;
        int whole = columns - columns % TW.Count;
        TV s0 = TW.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (nuint i = 0; i < (nuint)whole; i += (nuint)TW.Count)
        {
            TV xi = TW.Load(ref input, i);
            s0 = TW.MultiplyAdd(TW.Load(ref w0, i), xi, s0);
            s1 = TW.MultiplyAdd(TW.Load(ref w0, i + stride), xi, s1);
            s2 = TW.MultiplyAdd(TW.Load(ref w0, i + 2 * stride), xi, s2);
            s3 = TW.MultiplyAdd(TW.Load(ref w0, i + 3 * stride), xi, s3);
            s4 = TW.MultiplyAdd(TW.Load(ref w0, i + 4 * stride), xi, s4);
            s5 = TW.MultiplyAdd(TW.Load(ref w0, i + 5 * stride), xi, s5);
            s6 = TW.MultiplyAdd(TW.Load(ref w0, i + 6 * stride), xi, s6);
            s7 = TW.MultiplyAdd(TW.Load(ref w0, i + 7 * stride), xi, s7);
        }
        if (whole != columns)
        {
            nuint i = (nuint)(columns - TW.Count);
            TV xi = xLast;
            s0 = TW.MultiplyAdd(TW.Load(ref w0, i), xi, s0);
            s1 = TW.MultiplyAdd(TW.Load(ref w0, i + stride), xi, s1);
            s2 = TW.MultiplyAdd(TW.Load(ref w0, i + 2 * stride), xi, s2);
            s3 = TW.MultiplyAdd(TW.Load(ref w0, i + 3 * stride), xi, s3);
            s4 = TW.MultiplyAdd(TW.Load(ref w0, i + 4 * stride), xi, s4);
            s5 = TW.MultiplyAdd(TW.Load(ref w0, i + 5 * stride), xi, s5);
            s6 = TW.MultiplyAdd(TW.Load(ref w0, i + 6 * stride), xi, s6);
            s7 = TW.MultiplyAdd(TW.Load(ref w0, i + 7 * stride), xi, s7);
        }
        ReduceEightPlusBias<TV, TW>(s0, s1, s2, s3, s4, s5, s6, s7, ref bias, ref z);
    }

    /// <summary>
    /// <see cref="EightRows{TV, TW}"/> for two inputs (<paramref name="columns"/> apart, outputs
    /// <paramref name="outputStride"/> apart) at once: sixteen chains, which keep both multiply-add pipes busy where
    /// eight leave them waiting on latency, and each load of the block's weights serves both inputs. Each input's
    /// operations are exactly <see cref="EightRows{TV, TW}"/>'s, so each gets the same bits as alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightRowsTwoInputs<TV, TW>(ref T w0, ref T input, int columns, ref T bias, ref T z, int outputStride)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint stride = (nuint)columns, last = (nuint)(columns - TW.Count);
        ref T other = ref Unsafe.Add(ref input, columns);
        int whole = columns - columns % TW.Count;
        TV lastLanes = TW.LastLanes(columns - whole);
        TV s0 = TW.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        TV t0 = s0, t1 = s0, t2 = s0, t3 = s0, t4 = s0, t5 = s0, t6 = s0, t7 = s0;
        // The whole vectors, then (when the rows end in a partial one) the last whole vector with only its new lanes of
        // x: EightRows's order, in one loop body.
        for (nuint i = 0; ; i += (nuint)TW.Count)
        {
            bool partial = i >= (nuint)whole;
            if (partial && whole == columns)
                break;
            nuint at = partial ? last : i;
            TV xi = TW.Load(ref input, at), yi = TW.Load(ref other, at);
            if (partial)
            {
                xi = TW.And(xi, lastLanes);
                yi = TW.And(yi, lastLanes);
            }
            TV wi = TW.Load(ref w0, at);
            s0 = TW.MultiplyAdd(wi, xi, s0);
            t0 = TW.MultiplyAdd(wi, yi, t0);
            wi = TW.Load(ref w0, at + stride);
            s1 = TW.MultiplyAdd(wi, xi, s1);
            t1 = TW.MultiplyAdd(wi, yi, t1);
            wi = TW.Load(ref w0, at + 2 * stride);
            s2 = TW.MultiplyAdd(wi, xi, s2);
            t2 = TW.MultiplyAdd(wi, yi, t2);
            wi = TW.Load(ref w0, at + 3 * stride);
            s3 = TW.MultiplyAdd(wi, xi, s3);
            t3 = TW.MultiplyAdd(wi, yi, t3);
            wi = TW.Load(ref w0, at + 4 * stride);
            s4 = TW.MultiplyAdd(wi, xi, s4);
            t4 = TW.MultiplyAdd(wi, yi, t4);
            wi = TW.Load(ref w0, at + 5 * stride);
            s5 = TW.MultiplyAdd(wi, xi, s5);
            t5 = TW.MultiplyAdd(wi, yi, t5);
            wi = TW.Load(ref w0, at + 6 * stride);
            s6 = TW.MultiplyAdd(wi, xi, s6);
            t6 = TW.MultiplyAdd(wi, yi, t6);
            wi = TW.Load(ref w0, at + 7 * stride);
            s7 = TW.MultiplyAdd(wi, xi, s7);
            t7 = TW.MultiplyAdd(wi, yi, t7);
            if (partial)
                break;
        }
        ReduceEightPlusBias<TV, TW>(s0, s1, s2, s3, s4, s5, s6, s7, ref bias, ref z);
        ReduceEightPlusBias<TV, TW>(t0, t1, t2, t3, t4, t5, t6, t7, ref bias, ref Unsafe.Add(ref z, outputStride));
    }

    /// <summary><see cref="EightRows{TV, TW}"/> for four rows: four chains sharing each load of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRows<TV, TW>(ref T w0, ref T input, int columns, ref T bias, ref T z)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint stride = (nuint)columns;
        int whole = columns - columns % TW.Count;
        TV s0 = TW.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (nuint i = 0; i < (nuint)whole; i += (nuint)TW.Count)
        {
            TV xi = TW.Load(ref input, i);
            s0 = TW.MultiplyAdd(TW.Load(ref w0, i), xi, s0);
            s1 = TW.MultiplyAdd(TW.Load(ref w0, i + stride), xi, s1);
            s2 = TW.MultiplyAdd(TW.Load(ref w0, i + 2 * stride), xi, s2);
            s3 = TW.MultiplyAdd(TW.Load(ref w0, i + 3 * stride), xi, s3);
        }
        if (whole != columns)
        {
            nuint i = (nuint)(columns - TW.Count);
            TV xi = TW.And(TW.Load(ref input, i), TW.LastLanes(columns - whole));
            s0 = TW.MultiplyAdd(TW.Load(ref w0, i), xi, s0);
            s1 = TW.MultiplyAdd(TW.Load(ref w0, i + stride), xi, s1);
            s2 = TW.MultiplyAdd(TW.Load(ref w0, i + 2 * stride), xi, s2);
            s3 = TW.MultiplyAdd(TW.Load(ref w0, i + 3 * stride), xi, s3);
        }
        z = bias + TW.Sum(s0);
        Unsafe.Add(ref z, 1) = Unsafe.Add(ref bias, 1) + TW.Sum(s1);
        Unsafe.Add(ref z, 2) = Unsafe.Add(ref bias, 2) + TW.Sum(s2);
        Unsafe.Add(ref z, 3) = Unsafe.Add(ref bias, 3) + TW.Sum(s3);
    }

    /// <summary>
    /// A dot product of rows at least one vector long: four chains over groups of four vectors (a single
    /// row, such as a layer's one output, is otherwise bound by the latency of its multiply-adds), then
    /// two over pairs, then single vectors, then the masked last vector. Not inlined: inlined into
    /// <see cref="RowBlocks{TV, TW}"/> it used up the JIT's inlining budget there, and the reduction tree of
    /// the eight-row blocks became a call taking eight vectors through memory (9-130 <c>Predict</c>: 165 -> 400 ns).
    /// Compiled optimised at its first call: tiered, it ran as tier-0 code (every vector helper a call) through much of a
    /// Fit's first epoch, twice per input for an output layer of 10 rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Dot<TV, TW>(ref T a, ref T b, int length)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint width = (nuint)TW.Count;
        TV s0 = TW.Zero, s1 = s0;
        nuint i = 0;
        if ((nuint)length >= 8 * width)
        {
            TV s2 = s0, s3 = s0;
            for (; i + 4 * width <= (nuint)length; i += 4 * width)
            {
                s0 = TW.MultiplyAdd(TW.Load(ref a, i), TW.Load(ref b, i), s0);
                s1 = TW.MultiplyAdd(TW.Load(ref a, i + width), TW.Load(ref b, i + width), s1);
                s2 = TW.MultiplyAdd(TW.Load(ref a, i + 2 * width), TW.Load(ref b, i + 2 * width), s2);
                s3 = TW.MultiplyAdd(TW.Load(ref a, i + 3 * width), TW.Load(ref b, i + 3 * width), s3);
            }
            s0 = TW.Add(s0, s2);
            s1 = TW.Add(s1, s3);
        }
        for (; i + 2 * width <= (nuint)length; i += 2 * width)
        {
            s0 = TW.MultiplyAdd(TW.Load(ref a, i), TW.Load(ref b, i), s0);
            s1 = TW.MultiplyAdd(TW.Load(ref a, i + width), TW.Load(ref b, i + width), s1);
        }
        for (; i + width <= (nuint)length; i += width)
            s0 = TW.MultiplyAdd(TW.Load(ref a, i), TW.Load(ref b, i), s0);
        if (i != (nuint)length)
        {
            nuint last = (nuint)length - width;
            s1 = TW.MultiplyAdd(TW.Load(ref a, last), TW.And(TW.Load(ref b, last), TW.LastLanes(length - (int)i)), s1);
        }
        return TW.Sum(TW.Add(s0, s1));
    }

    /// <summary>
    /// <c>z_r = b_r + w_r x</c> for two rows (or three, <paramref name="three"/>) of a row-major W, each sum exactly
    /// <see cref="Dot{TV, TW}"/>'s (the same chains, the same multiply-adds in the same order, the same reduction), but the
    /// rows' chains interleaved so that they share each load of x and fill the multiply-add units that one row's four
    /// chains leave idle while they wait on each other: a regression or classifier output of 2-3 units over a wide layer.
    /// Doubles in 512-bit vectors, one input, AMD EPYC (`Kernels.MatrixVector`, fastest of 200 x 500 calls): 3 x 395 73 ->
    /// 63 ns, 2 x 141 27 -> 20 against the rows' dots one after another.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TwoOrThreeDots<TV, TW>(ref T w, ref T x, int length, bool three, ref T bias, ref T z)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint width = (nuint)TW.Count, n = (nuint)length;
        ref T v = ref Unsafe.Add(ref w, length);
        ref T u = ref Unsafe.Add(ref w, three ? 2 * length : length); // read only when there is a third row
        TV a0 = TW.Zero, a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0;
        nuint i = 0;
        if (n >= 8 * width)
        {
            TV a2 = a0, a3 = a0, b2 = a0, b3 = a0, c2 = a0, c3 = a0;
            for (; i + 4 * width <= n; i += 4 * width)
            {
                TV x0 = TW.Load(ref x, i), x1 = TW.Load(ref x, i + width), x2 = TW.Load(ref x, i + 2 * width), x3 = TW.Load(ref x, i + 3 * width);
                a0 = TW.MultiplyAdd(TW.Load(ref w, i), x0, a0);
                b0 = TW.MultiplyAdd(TW.Load(ref v, i), x0, b0);
                a1 = TW.MultiplyAdd(TW.Load(ref w, i + width), x1, a1);
                b1 = TW.MultiplyAdd(TW.Load(ref v, i + width), x1, b1);
                a2 = TW.MultiplyAdd(TW.Load(ref w, i + 2 * width), x2, a2);
                b2 = TW.MultiplyAdd(TW.Load(ref v, i + 2 * width), x2, b2);
                a3 = TW.MultiplyAdd(TW.Load(ref w, i + 3 * width), x3, a3);
                b3 = TW.MultiplyAdd(TW.Load(ref v, i + 3 * width), x3, b3);
                if (three)
                {
                    c0 = TW.MultiplyAdd(TW.Load(ref u, i), x0, c0);
                    c1 = TW.MultiplyAdd(TW.Load(ref u, i + width), x1, c1);
                    c2 = TW.MultiplyAdd(TW.Load(ref u, i + 2 * width), x2, c2);
                    c3 = TW.MultiplyAdd(TW.Load(ref u, i + 3 * width), x3, c3);
                }
            }
            a0 = TW.Add(a0, a2); a1 = TW.Add(a1, a3);
            b0 = TW.Add(b0, b2); b1 = TW.Add(b1, b3);
            c0 = TW.Add(c0, c2); c1 = TW.Add(c1, c3);
        }
        for (; i + 2 * width <= n; i += 2 * width)
        {
            TV x0 = TW.Load(ref x, i), x1 = TW.Load(ref x, i + width);
            a0 = TW.MultiplyAdd(TW.Load(ref w, i), x0, a0);
            a1 = TW.MultiplyAdd(TW.Load(ref w, i + width), x1, a1);
            b0 = TW.MultiplyAdd(TW.Load(ref v, i), x0, b0);
            b1 = TW.MultiplyAdd(TW.Load(ref v, i + width), x1, b1);
            if (three)
            {
                c0 = TW.MultiplyAdd(TW.Load(ref u, i), x0, c0);
                c1 = TW.MultiplyAdd(TW.Load(ref u, i + width), x1, c1);
            }
        }
        for (; i + width <= n; i += width)
        {
            TV x0 = TW.Load(ref x, i);
            a0 = TW.MultiplyAdd(TW.Load(ref w, i), x0, a0);
            b0 = TW.MultiplyAdd(TW.Load(ref v, i), x0, b0);
            if (three)
                c0 = TW.MultiplyAdd(TW.Load(ref u, i), x0, c0);
        }
        if (i != n)
        {
            nuint last = n - width;
            TV xLast = TW.And(TW.Load(ref x, last), TW.LastLanes(length - (int)i));
            a1 = TW.MultiplyAdd(TW.Load(ref w, last), xLast, a1);
            b1 = TW.MultiplyAdd(TW.Load(ref v, last), xLast, b1);
            c1 = TW.MultiplyAdd(TW.Load(ref u, last), xLast, c1);
        }
        z = bias + TW.Sum(TW.Add(a0, a1));
        Unsafe.Add(ref z, 1) = Unsafe.Add(ref bias, 1) + TW.Sum(TW.Add(b0, b1));
        if (three)
            Unsafe.Add(ref z, 2) = Unsafe.Add(ref bias, 2) + TW.Sum(TW.Add(c0, c1));
    }

    /// <summary>
    /// Rows shorter than any vector this pair may use: one value at a time, x's values read once per
    /// input and each row's sum in a register.
    /// </summary>
    private static void ShortRows(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
    {
        for (int sample = 0; sample < samples; sample++)
        {
            ref T input = ref Unsafe.Add(ref x, sample * columns);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            ref T row = ref w;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, columns))
            {
                T sum = Unsafe.Add(ref b, r);
                for (int i = 0; i < columns; i++)
                    sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref input, i);
                Unsafe.Add(ref output, r) = sum;
            }
        }
    }

    /// <summary>
    /// <c>z[0..8) = bias[0..8) + (lane sums of s0..s7)</c>. With AVX, 512- and 256-bit accumulators
    /// share one tree of horizontal adds (about a dozen instructions instead of eight separate
    /// reductions, which would dominate short rows). Inlined, so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceEightPlusBias<TV, TW>(TV s0, TV s1, TV s2, TV s3, TV s4, TV s5, TV s6, TV s7, ref T bias, ref T z)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        if (Avx.IsSupported && typeof(TV) == typeof(Vector512<T>))
        {
            ReduceEightPlusBias(Half(s0), Half(s1), Half(s2), Half(s3), Half(s4), Half(s5), Half(s6), Half(s7), ref bias, ref z);
            return;
        }
        if (Avx.IsSupported && typeof(TV) == typeof(Vector256<T>))
        {
            ReduceEightPlusBias(Unsafe.BitCast<TV, Vector256<T>>(s0), Unsafe.BitCast<TV, Vector256<T>>(s1),
                Unsafe.BitCast<TV, Vector256<T>>(s2), Unsafe.BitCast<TV, Vector256<T>>(s3),
                Unsafe.BitCast<TV, Vector256<T>>(s4), Unsafe.BitCast<TV, Vector256<T>>(s5),
                Unsafe.BitCast<TV, Vector256<T>>(s6), Unsafe.BitCast<TV, Vector256<T>>(s7), ref bias, ref z);
            return;
        }
        z = bias + TW.Sum(s0);
        Unsafe.Add(ref z, 1) = Unsafe.Add(ref bias, 1) + TW.Sum(s1);
        Unsafe.Add(ref z, 2) = Unsafe.Add(ref bias, 2) + TW.Sum(s2);
        Unsafe.Add(ref z, 3) = Unsafe.Add(ref bias, 3) + TW.Sum(s3);
        Unsafe.Add(ref z, 4) = Unsafe.Add(ref bias, 4) + TW.Sum(s4);
        Unsafe.Add(ref z, 5) = Unsafe.Add(ref bias, 5) + TW.Sum(s5);
        Unsafe.Add(ref z, 6) = Unsafe.Add(ref bias, 6) + TW.Sum(s6);
        Unsafe.Add(ref z, 7) = Unsafe.Add(ref bias, 7) + TW.Sum(s7);
    }

    /// <summary>The two 256-bit halves of a 512-bit accumulator added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Half<TV>(TV value)
        where TV : struct
    {
        Vector512<T> wide = Unsafe.BitCast<TV, Vector512<T>>(value);
        return wide.GetLower() + wide.GetUpper();
    }

    /// <summary>The AVX reduction tree of <see cref="ReduceEightPlusBias{TV, TW}"/>.</summary>
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
}
