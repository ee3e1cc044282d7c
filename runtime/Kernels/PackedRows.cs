using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>
/// The per-sample products of a weight matrix whose rows are a few values long (a layer of many outputs
/// and few inputs: 2 -> 1024, 3 -> 1024, 7 -> 300). Weights are stored out x in, as PyTorch stores them,
/// so such a row is shorter than the vectors the row-by-row paths use, and they would take it one value
/// at a time, or spend more on each row's loop, tail and reduction than on its arithmetic. Here one wide
/// vector holds <c>r = Count / columns</c> whole rows (the lanes past <c>r * columns</c> are left as they
/// are), and what differs from row to row is moved between lanes by one permute. Each product packs only
/// the row lengths where that measured faster than its row path: <see cref="PacksRows"/> (outer product),
/// <see cref="PacksForward"/> (forward) and <see cref="PacksTransposed"/> (W^T d).
/// </summary>
internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary>
    /// Rows of a block whose factors are copied to the stack at once: 8 KB of doubles. A multiple of
    /// every rows-per-vector count (1 to 16) would be needed for blocks to end on whole vectors; the
    /// block length is rounded down to one instead.
    /// </summary>
    private const int PackedBlockRows = 1024;

    /// <summary>
    /// Whether <see cref="IVectorWidth{T, TVector}.Permute"/> is one instruction at every width this
    /// pair uses (AVX2's <c>vpermps</c> and AVX-512's <c>vpermps</c>/<c>vpermpd</c>; Arm64's <c>tbl</c>).
    /// Without it (SSE only) a variable permute runs in software and the row-by-row paths are faster.
    /// </summary>
    internal static bool PermutesInHardware => Avx2.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>
    /// Whether the outer product takes rows of <paramref name="columns"/> values in blocks
    /// (<see cref="BlockOuterProduct(ref T, ReadOnlySpan{T}, ref T, T, int)"/>): rows shorter than a wide
    /// vector, which the row path would update in pieces of a narrower vector, a masked tail and one
    /// scalar factor per row, up to 8 values or three quarters of a vector. Measured in 512-bit vectors
    /// against the row path (best of 40 x 2,000 calls): doubles 1024x2 843 -> 192 ns, 512x3 715 -> 147,
    /// 200x5 277 -> 108; floats 1024x2 330 -> 106, 256x4 220 -> 67, 300x7 424 -> 135, 130x9 183 -> 122,
    /// 130x12 183 -> 154, but 130x13 183 -> 164-197 and 130x15 183 -> 186-204, where a block's patterns
    /// no longer stay in registers.
    /// </summary>
    internal static bool PacksRows(int columns) =>
        columns > 0 && columns < TWide.Count && (columns <= 8 || 4 * columns <= 3 * TWide.Count) && PermutesInHardware;

    /// <summary>Lane number <paramref name="lane"/> as <see cref="IVectorWidth{T, TVector}.Permute"/> reads it: the bits of an integer of T's size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T LaneNumber(int lane) =>
        typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>(lane) : Unsafe.BitCast<long, T>(lane);

    /// <summary>
    /// <see cref="Kernels.AddScaledOuterProduct{T}"/> for rows shorter than a wide vector
    /// (<see cref="PacksRows"/>): <c>W[j, :] += (scale * d[j]) * x</c>, a block of <c>Count</c> rows at a
    /// time. Such a block is <c>columns</c> whole vectors of W, one after another, and lane l of its m-th
    /// vector holds row <c>(m Count + l) / columns</c>, column <c>(m Count + l) % columns</c> of the block.
    /// So each vector is updated by one multiply-add of x repeated along the lanes (a fixed pattern per m)
    /// and the block's factors <c>scale * d[j]</c> spread over their rows' lanes (one permute of the
    /// block's factors, computed once per block as the row path computes each): every weight gets exactly
    /// the row path's multiply-add, every load and store is a whole vector, and none overlaps another.
    /// The rows after the last whole block go row by row.
    /// </summary>
    private static void BlockOuterProduct(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
    {
        int width = TWide.Count, vectors = columns;
        // Lane l of a block's vector m holds its row (m Count + l) / columns, column (m Count + l) % columns.
        int lanes = BlockLanes(columns);
        ref T rowOfLane = ref s_blockLanes[lanes];
        ref T columnOfLane = ref s_blockLanes[lanes + vectors * width];
        // x repeated along the lanes of each of a block's vectors, built with one permute per vector.
        Span<T> xs = stackalloc T[(vectors + 1) * width];
        for (int column = 0; column < columns; column++)
            xs[vectors * width + column] = Unsafe.Add(ref input, column);
        TWideVector x = TWide.Load(ref xs[vectors * width], 0);
        for (nuint at = 0; at < (nuint)(vectors * width); at += (nuint)width)
            TWide.Store(TWide.Permute(x, TWide.Load(ref columnOfLane, at)), ref xs[0], at);

        ref T factors = ref MemoryMarshal.GetReference(d);
        int blockRows = d.Length - d.Length % width;
        switch (columns)
        {
            // Up to eight vectors a block, the patterns stay in registers (a column count known to the JIT).
            case 1: BlockOuterProduct<One>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 2: BlockOuterProduct<Two>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 3: BlockOuterProduct<Three>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 4: BlockOuterProduct<Four>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 5: BlockOuterProduct<Five>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 6: BlockOuterProduct<Six>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 7: BlockOuterProduct<Seven>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            case 8: BlockOuterProduct<Eight>(ref w, ref factors, blockRows, ref xs[0], ref rowOfLane, scale); break;
            default:
                // More vectors than registers for both patterns: each is loaded where it is used.
                TWideVector scales = TWide.Create(scale);
                for (int row = 0; row < blockRows; row += width)
                {
                    TWideVector blockFactors = TWide.Multiply(scales, TWide.Load(ref factors, (nuint)row));
                    ref T block = ref Unsafe.Add(ref w, row * columns);
                    for (nuint at = 0; at < (nuint)(vectors * width); at += (nuint)width)
                        UpdateBlockVector(ref block, at, blockFactors, TWide.Load(ref rowOfLane, at), TWide.Load(ref xs[0], at));
                }
                break;
        }
        if (blockRows < d.Length)
            RowOuterProduct(ref Unsafe.Add(ref w, blockRows * columns), d.Slice(blockRows), ref input, scale, columns);
    }

    /// <summary><see cref="BlockOuterProduct(ref T, ReadOnlySpan{T}, ref T, T, int)"/>'s whole blocks for a column count known to the JIT.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlockOuterProduct<TColumns>(ref T w, ref T factors, int blockRows, ref T xs, ref T rowOfLane, T scale)
        where TColumns : struct, IColumnCount
    {
        int columns = TColumns.Value, width = TWide.Count;
        nuint n = (nuint)width;
        TWideVector x0 = TWide.Load(ref xs, 0), r0 = TWide.Load(ref rowOfLane, 0);
        TWideVector x1 = default, x2 = default, x3 = default, x4 = default, x5 = default, x6 = default, x7 = default;
        TWideVector r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        if (columns > 1) { x1 = TWide.Load(ref xs, n); r1 = TWide.Load(ref rowOfLane, n); }
        if (columns > 2) { x2 = TWide.Load(ref xs, 2 * n); r2 = TWide.Load(ref rowOfLane, 2 * n); }
        if (columns > 3) { x3 = TWide.Load(ref xs, 3 * n); r3 = TWide.Load(ref rowOfLane, 3 * n); }
        if (columns > 4) { x4 = TWide.Load(ref xs, 4 * n); r4 = TWide.Load(ref rowOfLane, 4 * n); }
        if (columns > 5) { x5 = TWide.Load(ref xs, 5 * n); r5 = TWide.Load(ref rowOfLane, 5 * n); }
        if (columns > 6) { x6 = TWide.Load(ref xs, 6 * n); r6 = TWide.Load(ref rowOfLane, 6 * n); }
        if (columns > 7) { x7 = TWide.Load(ref xs, 7 * n); r7 = TWide.Load(ref rowOfLane, 7 * n); }
        TWideVector scales = TWide.Create(scale);
        for (int row = 0; row < blockRows; row += width)
        {
            TWideVector f = TWide.Multiply(scales, TWide.Load(ref factors, (nuint)row));
            ref T block = ref Unsafe.Add(ref w, row * columns);
            UpdateBlockVector(ref block, 0, f, r0, x0);
            if (columns > 1) UpdateBlockVector(ref block, n, f, r1, x1);
            if (columns > 2) UpdateBlockVector(ref block, 2 * n, f, r2, x2);
            if (columns > 3) UpdateBlockVector(ref block, 3 * n, f, r3, x3);
            if (columns > 4) UpdateBlockVector(ref block, 4 * n, f, r4, x4);
            if (columns > 5) UpdateBlockVector(ref block, 5 * n, f, r5, x5);
            if (columns > 6) UpdateBlockVector(ref block, 6 * n, f, r6, x6);
            if (columns > 7) UpdateBlockVector(ref block, 7 * n, f, r7, x7);
        }
    }

    /// <summary>One vector of a block: <c>W += x * factors[rowOfLane]</c>, each lane with its row's factor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlockVector(ref T block, nuint at, TWideVector factors, TWideVector rowOfLane, TWideVector x) =>
        TWide.Store(TWide.MultiplyAdd(x, TWide.Permute(factors, rowOfLane), TWide.Load(ref block, at)), ref block, at);

    /// <summary>
    /// Where the tables for a block of <c>Count</c> rows of <paramref name="columns"/> values (fewer than
    /// <c>Count</c>) start in <see cref="s_blockLanes"/>. Such a block is <c>columns</c> whole vectors, and
    /// lane l of vector m holds the block's row <c>(m Count + l) / columns</c>, column
    /// <c>(m Count + l) % columns</c>: first the <c>columns</c> vectors of row numbers, then as many of
    /// column numbers, as <see cref="IVectorWidth{T, TVector}.Permute"/> reads them.
    /// </summary>
    private static int BlockLanes(int columns) => (columns - 1) * columns * TWide.Count;

    /// <summary>The tables of <see cref="BlockLanes"/> for 1, 2, ..., <c>Count - 1</c> columns, one after another.</summary>
    private static readonly T[] s_blockLanes = CreateBlockLanes();

    private static T[] CreateBlockLanes()
    {
        int width = TWide.Count;
        var lanes = new T[width * width * (width - 1) + 1];
        int at = 0;
        for (int columns = 1; columns < width; columns++)
        {
            for (int lane = 0; lane < columns * width; lane++)
                lanes[at + lane] = LaneNumber(lane / columns);
            for (int lane = 0; lane < columns * width; lane++)
                lanes[at + columns * width + lane] = LaneNumber(lane % columns);
            at += 2 * columns * width;
        }
        return lanes;
    }

    /// <summary>
    /// Whether the forward product packs rows of <paramref name="columns"/> values. Per vector of
    /// <c>r = Count / columns</c> rows it costs a load of W and of the bias, a permute and a multiply-add
    /// per column, and a store: <c>(2 columns + 3) / r</c> instructions a row. Measured against the row
    /// path (eight rows' multiply-adds and one reduction tree) in 512-bit vectors, it wins up to 1.75 a
    /// row (floats: 1024x1 708 -> 125 ns, 1024x2 988 -> 281 ns, 512x3 640 -> 286 ns), ties at 1.75
    /// (doubles 1024x2, 526 -> 518 ns) and loses above (floats 256x4 207 -> 241 ns, doubles 512x3 363 ->
    /// 591 ns). So: rows of up to 3 floats or 2 doubles in 512-bit vectors, 2 floats or 1 double in 256-bit ones.
    /// </summary>
    internal static bool PacksForward(int columns) =>
        columns > 0 && 4 * columns * (2 * columns + 3) <= 7 * TWide.Count && PermutesInHardware;

    /// <summary>
    /// Whether W^T d packs rows of <paramref name="columns"/> values: at most half a wide vector, so at
    /// least two rows a vector (1024x2 floats: 566 -> 124 ns, 512x3 doubles 474 -> 248 ns, 300x7 floats
    /// 194 -> 176 ns; 256x4 floats lost 77 -> 90 ns, the one measured loss).
    /// </summary>
    internal static bool PacksTransposed(int columns) => columns > 0 && 2 * columns <= TWide.Count && PermutesInHardware;

    /// <summary>
    /// The rows the packed forward and transposed products take, a whole number of vectors: a vector's
    /// loads of a per-row operand (the bias, or d's window) and the forward product's stores of z reach
    /// <c>Count</c> values past its first row, which must stay inside <paramref name="rows"/>; the rest go
    /// row by row. (The outer product pads its factors on the stack, so only W bounds its reach.)
    /// </summary>
    internal static int PackedVectorRows(int rows, int columns)
    {
        int rowsPerVector = TWide.Count / columns;
        int reach = rows - TWide.Count + rowsPerVector; // the last vector may start at rows - Count
        return reach < rowsPerVector ? 0 : reach - reach % rowsPerVector;
    }

    /// <summary>
    /// <see cref="MatrixMatrix"/> for <paramref name="rows"/> rows (see <see cref="PackedVectorRows"/>) of
    /// a few values (<see cref="PacksForward"/>): for each vector of r rows, lane k of
    /// <c>permute(W vector, column i)</c> is <c>W[j + k, i]</c>, so
    /// <c>z[j .. j + r) = b + sum_i W[., i] x_i</c> is one multiply-add per column, summed in column
    /// order from the bias. The store writes <c>Count</c> lanes, of which the next vector's store
    /// overwrites all but the first r.
    /// </summary>
    private static void PackedRowsMatrixMatrix(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
    {
        switch (columns)
        {
            case 1: PackedRowsMatrixMatrix<One>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            case 2: PackedRowsMatrixMatrix<Two>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            case 3: PackedRowsMatrixMatrix<Three>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            default: throw new ArgumentOutOfRangeException(nameof(columns), columns, "The packed forward product takes rows of 1 to 3 values (PacksForward).");
        }
    }

    /// <summary>
    /// <see cref="PackedRowsMatrixMatrix(ref T, ref T, ref T, int, int, int, ref T, int)"/> for a column count
    /// known to the JIT: the permute patterns and x's broadcasts stay in registers and the loop over the
    /// columns is unrolled away.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackedRowsMatrixMatrix<TColumns>(ref T w, ref T b, ref T x, int rows, int samples, ref T z, int outputStride)
        where TColumns : struct, IColumnCount
    {
        int columns = TColumns.Value, width = TWide.Count, rowsPerVector = width / columns;
        TWideVector lanes0 = ColumnLanes(0, columns), lanes1 = default, lanes2 = default;
        if (columns > 1) lanes1 = ColumnLanes(1, columns);
        if (columns > 2) lanes2 = ColumnLanes(2, columns);
        for (int sample = 0; sample < samples; sample++)
        {
            ref T input = ref Unsafe.Add(ref x, sample * columns);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            TWideVector x0 = TWide.Create(input), x1 = default, x2 = default;
            if (columns > 1) x1 = TWide.Create(Unsafe.Add(ref input, 1));
            if (columns > 2) x2 = TWide.Create(Unsafe.Add(ref input, 2));
            for (int row = 0; row < rows; row += rowsPerVector)
            {
                TWideVector packed = TWide.Load(ref w, (nuint)(row * columns));
                TWideVector sums = TWide.MultiplyAdd(TWide.Permute(packed, lanes0), x0, TWide.Load(ref b, (nuint)row));
                if (columns > 1) sums = TWide.MultiplyAdd(TWide.Permute(packed, lanes1), x1, sums);
                if (columns > 2) sums = TWide.MultiplyAdd(TWide.Permute(packed, lanes2), x2, sums);
                TWide.Store(sums, ref output, (nuint)row);
            }
        }
    }

    /// <summary>The permute that gathers column <paramref name="column"/> of the rows packed in a vector: lane k reads lane <c>k * columns + column</c>.</summary>
    private static TWideVector ColumnLanes(int column, int columns)
    {
        Span<T> lanes = stackalloc T[TWide.Count];
        int rowsPerVector = TWide.Count / columns;
        for (int lane = 0; lane < lanes.Length; lane++)
            lanes[lane] = LaneNumber(lane < rowsPerVector ? lane * columns + column : 0);
        return TWide.Load(ref MemoryMarshal.GetReference(lanes), 0);
    }

    /// <summary>
    /// <c>result = W^T d</c> over the first <paramref name="rows"/> rows of W (a whole number of vectors,
    /// whose loads of W and of d's window stay inside both: <see cref="PackedVectorRows"/>) for rows of at most half a vector: each vector of r rows is
    /// multiplied by d's values spread over their rows' lanes (one permute of d's window) and added
    /// into one of four accumulators, so that four multiply-add chains run at once; lane
    /// <c>q * columns + i</c> of their sum holds column i's share of the q-th row of every vector. The
    /// lanes past r rows collect products that belong to no row and are not read.
    /// </summary>
    private static void PackedRowsTransposed(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, int rows, Span<T> result)
    {
        int columns = result.Length, width = TWide.Count, rowsPerVector = width / columns;
        Span<T> lanes = stackalloc T[width];
        for (int lane = 0; lane < width; lane++)
            lanes[lane] = LaneNumber(Math.Min(lane / columns, rowsPerVector - 1));
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T factors = ref MemoryMarshal.GetReference(d);
        TWideVector rowOfLane = TWide.Load(ref MemoryMarshal.GetReference(lanes), 0);
        TWideVector s0 = TWide.Zero, s1 = s0, s2 = s0, s3 = s0;
        int row = 0, step = rowsPerVector;
        for (; row + 4 * step <= rows; row += 4 * step)
        {
            s0 = TWide.MultiplyAdd(TWide.Load(ref w, (nuint)(row * columns)), TWide.Permute(TWide.Load(ref factors, (nuint)row), rowOfLane), s0);
            s1 = TWide.MultiplyAdd(TWide.Load(ref w, (nuint)((row + step) * columns)), TWide.Permute(TWide.Load(ref factors, (nuint)(row + step)), rowOfLane), s1);
            s2 = TWide.MultiplyAdd(TWide.Load(ref w, (nuint)((row + 2 * step) * columns)), TWide.Permute(TWide.Load(ref factors, (nuint)(row + 2 * step)), rowOfLane), s2);
            s3 = TWide.MultiplyAdd(TWide.Load(ref w, (nuint)((row + 3 * step) * columns)), TWide.Permute(TWide.Load(ref factors, (nuint)(row + 3 * step)), rowOfLane), s3);
        }
        for (; row < rows; row += step)
            s0 = TWide.MultiplyAdd(TWide.Load(ref w, (nuint)(row * columns)), TWide.Permute(TWide.Load(ref factors, (nuint)row), rowOfLane), s0);
        TWide.Store(TWide.Add(TWide.Add(s0, s1), TWide.Add(s2, s3)), ref MemoryMarshal.GetReference(lanes), 0);
        for (int column = 0; column < columns; column++)
        {
            T sum = lanes[column];
            for (int packed = 1; packed < rowsPerVector; packed++)
                sum += lanes[packed * columns + column];
            result[column] = sum;
        }
    }

    /// <summary><c>destination[k] = scale * source[k]</c>, lane by lane as the scalar product would give it.</summary>
    private static void ScaledCopy(ReadOnlySpan<T> source, T scale, Span<T> destination)
    {
        ref T from = ref MemoryMarshal.GetReference(source);
        ref T to = ref MemoryMarshal.GetReference(destination);
        TWideVector factor = TWide.Create(scale);
        int k = 0;
        for (; k + TWide.Count <= source.Length; k += TWide.Count)
            TWide.Store(TWide.Multiply(factor, TWide.Load(ref from, (nuint)k)), ref to, (nuint)k);
        for (; k < source.Length; k++)
            Unsafe.Add(ref to, k) = scale * Unsafe.Add(ref from, k);
    }
}

/// <summary>A column count as a type argument, so that a kernel's loop over the columns is unrolled by the JIT.</summary>
internal interface IColumnCount
{
    static abstract int Value { get; }
}

internal readonly struct One : IColumnCount { public static int Value => 1; }

internal readonly struct Two : IColumnCount { public static int Value => 2; }

internal readonly struct Three : IColumnCount { public static int Value => 3; }

internal readonly struct Four : IColumnCount { public static int Value => 4; }

internal readonly struct Five : IColumnCount { public static int Value => 5; }

internal readonly struct Six : IColumnCount { public static int Value => 6; }

internal readonly struct Seven : IColumnCount { public static int Value => 7; }

internal readonly struct Eight : IColumnCount { public static int Value => 8; }
