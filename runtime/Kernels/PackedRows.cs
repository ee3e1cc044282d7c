using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>
/// The per-sample products of a weight matrix whose rows are shorter than a vector (a layer of many outputs
/// and few inputs: 2 -> 1024, 3 -> 1024, 7 -> 300). Weights are stored out x in, as PyTorch stores them,
/// so the row-by-row paths would take such a row in pieces of narrower vectors, with a tail, a reduction
/// or a scalar factor per row, and spend more on that than on its arithmetic. The forward product and the
/// outer product take a block of <c>Count</c> rows at once instead: <c>columns</c> whole vectors of W, whose
/// lanes are matched to their rows and columns by permutes (<see cref="BlockMatrixMatrix{TColumns}"/>,
/// <see cref="BlockOuterProduct(ref T, ReadOnlySpan{T}, ref T, T, int)"/>); W^T d packs <c>Count / columns</c>
/// whole rows to a vector (<see cref="PackedRowsTransposed"/>). Each takes only the row lengths where that
/// measured faster than its row path: <see cref="PacksForward"/>, <see cref="PacksRows"/>, <see cref="PacksTransposed"/>.
/// </summary>
internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
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
    /// scalar factor per row, up to 12 values, whose block's two patterns (24 vectors) stay in AVX-512's
    /// 32 registers. Measured in 512-bit vectors against the row path (best of 40 x 2,000 calls): doubles
    /// 1024x2 843 -> 192 ns, 512x3 715 -> 147, 200x5 277 -> 108; floats 1024x2 330 -> 106, 256x4 220 -> 67,
    /// 300x7 424 -> 135, 130x9 183 -> 83-89, 130x12 183 -> 119-122, 1024x9 750-890 -> 430. With the patterns
    /// loaded from memory instead (the same blocks), 130x13 took 164-197 ns and 130x15 186-204 ns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool PacksRows(int columns) =>
        columns > 0 && columns < TWide.Count && columns <= MostBlockOuterColumns && PermutesInHardware;

    /// <summary>The longest row <see cref="PacksRows"/> takes: its block's patterns, two vectors a column, stay in registers.</summary>
    private const int MostBlockOuterColumns = 12;

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
    /// the vector row path's multiply-add and every load and store is a whole vector. The rows after the last
    /// whole block (at least one block's rows are needed) are the last <c>Count</c> rows, a block that overlaps
    /// the one before it and changes only their lanes (<see cref="BlockOuterProduct{TColumns}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // optimised at its first call (TransposedMatrixVector says why)
    private static void BlockOuterProduct(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
    {
        ref T lanes = ref s_blockLanes[BlockLanes(columns)];
        ref T factors = ref MemoryMarshal.GetReference(d);
        int rows = d.Length;
        switch (columns)
        {
            // The patterns of up to twelve vectors stay in registers (a column count known to the JIT).
            case 1: BlockOuterProduct<One>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 2: BlockOuterProduct<Two>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 3: BlockOuterProduct<Three>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 4: BlockOuterProduct<Four>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 5: BlockOuterProduct<Five>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 6: BlockOuterProduct<Six>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 7: BlockOuterProduct<Seven>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 8: BlockOuterProduct<Eight>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 9: BlockOuterProduct<Nine>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 10: BlockOuterProduct<Ten>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 11: BlockOuterProduct<Eleven>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            case 12: BlockOuterProduct<Twelve>(ref w, ref factors, rows, ref input, ref lanes, scale); break;
            default: throw new ArgumentOutOfRangeException(nameof(columns), columns, "The block outer product takes rows of 1 to 12 values (PacksRows).");
        }
    }

    /// <summary>
    /// <see cref="BlockOuterProduct(ref T, ReadOnlySpan{T}, ref T, T, int)"/>'s blocks for a column count
    /// known to the JIT: vector m's row numbers and x's pattern (x permuted by its column numbers) are
    /// computed once, in registers.
    /// </summary>
    /// <remarks>
    /// <paramref name="rows"/> (at least <c>Count</c>) need not be a whole number of blocks: the rows after the last whole
    /// block are updated first, as the block of the layer's last <c>Count</c> rows, which overlaps the whole blocks. Each of
    /// its vectors is loaded, updated and stored with only its new rows' lanes changed (<see cref="UpdateBlockTailVector"/>),
    /// so the rows it shares with the last whole block are stored as they were and then updated once, by that block. Every
    /// row thus gets the block's multiply-add: the row path would give the rows after the blocks another rounding (one value
    /// at a time, a product and a sum, for rows shorter than a 128-bit vector) at several times a block row's cost.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockOuterProduct<TColumns>(ref T w, ref T factors, int rows, ref T input, ref T lanes, T scale)
        where TColumns : struct, IColumnCount
    {
        int columns = TColumns.Value;
        TWideVector x = FirstLanes<TColumns>(ref input);
        nuint n = (nuint)TWide.Count, c = (nuint)columns * n; // the column numbers follow the row numbers
        TWideVector r0 = TWide.Load(ref lanes, 0), x0 = TWide.Permute(x, TWide.Load(ref lanes, c));
        TWideVector x1 = default, x2 = default, x3 = default, x4 = default, x5 = default, x6 = default, x7 = default;
        TWideVector x8 = default, x9 = default, x10 = default, x11 = default;
        TWideVector r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        TWideVector r8 = default, r9 = default, r10 = default, r11 = default;
        if (columns > 1) { r1 = TWide.Load(ref lanes, n); x1 = TWide.Permute(x, TWide.Load(ref lanes, c + n)); }
        if (columns > 2) { r2 = TWide.Load(ref lanes, 2 * n); x2 = TWide.Permute(x, TWide.Load(ref lanes, c + 2 * n)); }
        if (columns > 3) { r3 = TWide.Load(ref lanes, 3 * n); x3 = TWide.Permute(x, TWide.Load(ref lanes, c + 3 * n)); }
        if (columns > 4) { r4 = TWide.Load(ref lanes, 4 * n); x4 = TWide.Permute(x, TWide.Load(ref lanes, c + 4 * n)); }
        if (columns > 5) { r5 = TWide.Load(ref lanes, 5 * n); x5 = TWide.Permute(x, TWide.Load(ref lanes, c + 5 * n)); }
        if (columns > 6) { r6 = TWide.Load(ref lanes, 6 * n); x6 = TWide.Permute(x, TWide.Load(ref lanes, c + 6 * n)); }
        if (columns > 7) { r7 = TWide.Load(ref lanes, 7 * n); x7 = TWide.Permute(x, TWide.Load(ref lanes, c + 7 * n)); }
        if (columns > 8) { r8 = TWide.Load(ref lanes, 8 * n); x8 = TWide.Permute(x, TWide.Load(ref lanes, c + 8 * n)); }
        if (columns > 9) { r9 = TWide.Load(ref lanes, 9 * n); x9 = TWide.Permute(x, TWide.Load(ref lanes, c + 9 * n)); }
        if (columns > 10) { r10 = TWide.Load(ref lanes, 10 * n); x10 = TWide.Permute(x, TWide.Load(ref lanes, c + 10 * n)); }
        if (columns > 11) { r11 = TWide.Load(ref lanes, 11 * n); x11 = TWide.Permute(x, TWide.Load(ref lanes, c + 11 * n)); }
        TWideVector scales = TWide.Create(scale);
        int blockRows = rows - rows % TWide.Count;
        if (blockRows < rows)
        {
            // The block of the last Count rows; its lanes of flat position from `shared` on are the rows after the whole blocks.
            int start = rows - TWide.Count, shared = (blockRows - start) * columns;
            TWideVector f = TWide.Multiply(scales, TWide.Load(ref factors, (nuint)start));
            ref T block = ref Unsafe.Add(ref w, start * columns);
            UpdateBlockTailVector(ref block, 0, shared, f, r0, x0);
            if (columns > 1) UpdateBlockTailVector(ref block, 1, shared, f, r1, x1);
            if (columns > 2) UpdateBlockTailVector(ref block, 2, shared, f, r2, x2);
            if (columns > 3) UpdateBlockTailVector(ref block, 3, shared, f, r3, x3);
            if (columns > 4) UpdateBlockTailVector(ref block, 4, shared, f, r4, x4);
            if (columns > 5) UpdateBlockTailVector(ref block, 5, shared, f, r5, x5);
            if (columns > 6) UpdateBlockTailVector(ref block, 6, shared, f, r6, x6);
            if (columns > 7) UpdateBlockTailVector(ref block, 7, shared, f, r7, x7);
            if (columns > 8) UpdateBlockTailVector(ref block, 8, shared, f, r8, x8);
            if (columns > 9) UpdateBlockTailVector(ref block, 9, shared, f, r9, x9);
            if (columns > 10) UpdateBlockTailVector(ref block, 10, shared, f, r10, x10);
            if (columns > 11) UpdateBlockTailVector(ref block, 11, shared, f, r11, x11);
        }
        for (int row = 0; row < blockRows; row += TWide.Count)
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
            if (columns > 8) UpdateBlockVector(ref block, 8 * n, f, r8, x8);
            if (columns > 9) UpdateBlockVector(ref block, 9 * n, f, r9, x9);
            if (columns > 10) UpdateBlockVector(ref block, 10 * n, f, r10, x10);
            if (columns > 11) UpdateBlockVector(ref block, 11 * n, f, r11, x11);
        }
    }

    /// <summary>
    /// x in the first lanes of one vector (lane l holds <c>x[min(l, columns - 1)]</c>), from which each block vector's pattern
    /// is permuted (no index reaches past x): each value broadcast and selected into the lanes from its own on, in registers.
    /// It was stored one value at a time into scratch on the stack and loaded as one vector (a load over several smaller
    /// stores still in flight waits for them), then passed on the stack: a call of 124x3 floats took 41-54 ns that way
    /// against 28-32 ns now, 60x4 35-45 against 20-23, 130x9 87-130 against 75-96, and 9-130-1's Train 249-251 against
    /// 235-238 ns (fastest of 3 x 1.2 s, 512-bit vectors; two harness builds in alternated processes, then again with the
    /// builds' places swapped; 4-60-2's and 3-124-1's Train moved by less than two builds of the same code differ, 5-9 ns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TWideVector FirstLanes<TColumns>(ref T input)
        where TColumns : struct, IColumnCount
    {
        int columns = TColumns.Value;
        TWideVector x = TWide.Create(input);
        if (columns > 1) x = FromLane(x, 1, ref input);
        if (columns > 2) x = FromLane(x, 2, ref input);
        if (columns > 3) x = FromLane(x, 3, ref input);
        if (columns > 4) x = FromLane(x, 4, ref input);
        if (columns > 5) x = FromLane(x, 5, ref input);
        if (columns > 6) x = FromLane(x, 6, ref input);
        if (columns > 7) x = FromLane(x, 7, ref input);
        if (columns > 8) x = FromLane(x, 8, ref input);
        if (columns > 9) x = FromLane(x, 9, ref input);
        if (columns > 10) x = FromLane(x, 10, ref input);
        if (columns > 11) x = FromLane(x, 11, ref input);
        return x;
    }

    /// <summary><paramref name="x"/> with <c>input[lane]</c> in lane <paramref name="lane"/> and every lane after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TWideVector FromLane(TWideVector x, int lane, ref T input) =>
        TWide.Select(TWide.LastLanes(TWide.Count - lane), TWide.Create(Unsafe.Add(ref input, lane)), x);

    /// <summary>One vector of a block: <c>W += x * factors[rowOfLane]</c>, each lane with its row's factor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlockVector(ref T block, nuint at, TWideVector factors, TWideVector rowOfLane, TWideVector x) =>
        TWide.Store(UpdatedBlockVector(TWide.Load(ref block, at), factors, rowOfLane, x), ref block, at);

    /// <summary>The multiply-add every weight of a block gets, whole blocks and the overlapping last one alike: <c>old + x * factors[rowOfLane]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TWideVector UpdatedBlockVector(TWideVector old, TWideVector factors, TWideVector rowOfLane, TWideVector x) =>
        TWide.MultiplyAdd(x, TWide.Permute(factors, rowOfLane), old);

    /// <summary>
    /// Vector <paramref name="vector"/> of the overlapping last block (<see cref="BlockOuterProduct{TColumns}"/>): the update of
    /// <see cref="UpdateBlockVector"/> in the lanes of flat position <paramref name="shared"/> and after (the rows no whole
    /// block takes), the loaded values stored back in the others.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBlockTailVector(ref T block, int vector, int shared, TWideVector factors, TWideVector rowOfLane, TWideVector x)
    {
        nuint at = (nuint)(vector * TWide.Count);
        int fresh = Math.Clamp((vector + 1) * TWide.Count - shared, 0, TWide.Count);
        TWideVector old = TWide.Load(ref block, at);
        TWide.Store(TWide.Select(TWide.LastLanes(fresh), UpdatedBlockVector(old, factors, rowOfLane, x), old), ref block, at);
    }

    /// <summary>
    /// Where the tables for a block of <c>Count</c> rows of <paramref name="columns"/> values (fewer than
    /// <c>Count</c>) start in <see cref="s_blockLanes"/>. Such a block is <c>columns</c> whole vectors, and
    /// lane l of vector m holds the block's row <c>(m Count + l) / columns</c>, column
    /// <c>(m Count + l) % columns</c>: first the <c>columns</c> vectors of row numbers, then as many of
    /// column numbers, as <see cref="IVectorWidth{T, TVector}.Permute"/> reads them.
    /// </summary>
    private static int BlockLanes(int columns) => (columns - 1) * columns * TWide.Count;

    /// <summary>The tables of <see cref="BlockLanes"/> for 1, 2, ... columns (as many as <see cref="PacksRows"/> takes), one after another.</summary>
    private static readonly T[] s_blockLanes = CreateBlockLanes();

    private static T[] CreateBlockLanes()
    {
        int width = TWide.Count, most = Math.Min(MostBlockOuterColumns, width - 1);
        var lanes = new T[width * most * (most + 1) + 1];
        int at = 0;
        for (int columns = 1; columns <= most; columns++)
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
    /// Whether the forward product takes rows of <paramref name="columns"/> values in blocks
    /// (<see cref="BlockMatrixMatrix{TColumns}"/>): when the block's column gathers cost at most 1.25
    /// two-vector permutes a row. A block of <c>Count</c> rows costs <c>columns</c> loads of W,
    /// <c>columns (columns - 1)</c> permutes, <c>columns</c> multiply-adds, a load of the bias and a store;
    /// the row path, eight rows' multiply-adds sharing each load of x and a reduction tree, costs about
    /// three instructions a row, and a 512-bit permute counts for about two. Measured in 512-bit vectors
    /// (best of 40 x 2,000 calls, row path -> blocks): floats 1024x2 202 -> 157 ns, 130x3 107 -> 55, 256x4
    /// 204 -> 129, 208x5 205 -> 163, but 176x6 176 -> 195; doubles 1024x2 452 -> 301, 512x3 412 -> 301,
    /// but 200x4 142 -> 189.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool PacksForward(int columns) => columns > 0 && ForwardBlocksPay(columns) && PermutesInHardware;

    /// <summary>
    /// The cost rule of <see cref="PacksForward"/>: rows shorter than a vector, at most 1.25 permutes a row. It takes
    /// rows of up to 5 values (floats in 512-bit vectors), 3 (doubles in 512-bit or floats in 256-bit ones) or 2.
    /// </summary>
    private static bool ForwardBlocksPay(int columns) => columns < TWide.Count && 4 * columns * (columns - 1) <= 5 * TWide.Count;

    /// <summary>
    /// Whether W^T d packs rows of <paramref name="columns"/> values: at most half a wide vector, so at
    /// least two rows a vector (1024x2 floats: 566 -> 124 ns, 512x3 doubles 474 -> 248 ns, 300x7 floats
    /// 194 -> 176 ns; 256x4 floats lost 77 -> 90 ns, the one measured loss).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool PacksTransposed(int columns) => columns > 0 && 2 * columns <= TWide.Count && PermutesInHardware;

    /// <summary>
    /// The rows the packed transposed product takes, a whole number of vectors: a vector's load of d's window
    /// reaches <c>Count</c> values past its first row, which must stay inside <paramref name="rows"/>; the rest
    /// go row by row.
    /// </summary>
    internal static int PackedVectorRows(int rows, int columns)
    {
        int rowsPerVector = TWide.Count / columns;
        int reach = rows - TWide.Count + rowsPerVector; // the last vector may start at rows - Count
        return reach < rowsPerVector ? 0 : reach - reach % rowsPerVector;
    }

    /// <summary>
    /// <see cref="MatrixMatrix"/> for <paramref name="rows"/> rows (at least <c>Count</c>) of a few values
    /// (<see cref="PacksForward"/>), in blocks of <c>Count</c> rows. A block is <c>columns</c> whole vectors of W; a few
    /// two-vector permutes (<see cref="ColumnGathers"/>) turn them into one vector per column, lane l holding
    /// the block's row l, and then <c>z = b + sum_i W[., i] x_i</c> is one multiply-add per column, summed in
    /// column order from the bias, and one store of whole vectors. When the rows are not a whole number of blocks,
    /// the last block is the last <c>Count</c> rows, overlapping the block before it: the rows they share are
    /// computed twice by the same operations, so stored twice with the same bits, and every row of the layer gets
    /// the block's sum (a row left to the row path got another rounding, one value at a time for rows shorter than a
    /// 128-bit vector, at several times a block row's cost). Fastest of 100 x 100 calls, 512-bit vectors, before -> after:
    /// floats 124x3 46-61 -> 32-33 ns, 195x1 19-22 -> 14-15, 33x2 16 -> 11-13; doubles 50x1 16-17 -> 11-12, 395x3 170-176 -> 142-163.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // optimised at its first call (TransposedMatrixVector says why)
    private static void BlockMatrixMatrix(ref T w, ref T b, ref T x, int columns, int rows, int samples, ref T z, int outputStride)
    {
        switch (columns)
        {
            case 1: BlockMatrixMatrix<One>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            case 2: BlockMatrixMatrix<Two>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            case 3: BlockMatrixMatrix<Three>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            case 4: BlockMatrixMatrix<Four>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            case 5: BlockMatrixMatrix<Five>(ref w, ref b, ref x, rows, samples, ref z, outputStride); break;
            default: throw new ArgumentOutOfRangeException(nameof(columns), columns, "The block forward product takes rows of 1 to 5 values (PacksForward).");
        }
    }

    /// <summary>
    /// <see cref="BlockMatrixMatrix(ref T, ref T, ref T, int, int, int, ref T, int)"/> for a column count
    /// known to the JIT: a block's vectors and x's broadcasts stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BlockMatrixMatrix<TColumns>(ref T w, ref T b, ref T x, int rows, int samples, ref T z, int outputStride)
        where TColumns : struct, IColumnCount
    {
        int columns = TColumns.Value, width = TWide.Count;
        nuint n = (nuint)width;
        ref T gathers = ref columns > 1 ? ref s_columnGathers[ColumnGathers(columns)] : ref x;
        bool transposes = TransposesFourColumns(columns);
        TWideVector pairs = default, otherPairs = default, evens = default, odds = default;
        if (transposes)
        {
            ref T steps = ref s_fourColumnSteps[0];
            pairs = TWide.Load(ref steps, 0);
            otherPairs = TWide.Load(ref steps, n);
            evens = TWide.Load(ref steps, 2 * n);
            odds = TWide.Load(ref steps, 3 * n);
        }
        for (int sample = 0; sample < samples; sample++)
        {
            ref T input = ref Unsafe.Add(ref x, sample * columns);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            TWideVector x0 = TWide.Create(input), x1 = default, x2 = default, x3 = default, x4 = default;
            if (columns > 1) x1 = TWide.Create(Unsafe.Add(ref input, 1));
            if (columns > 2) x2 = TWide.Create(Unsafe.Add(ref input, 2));
            if (columns > 3) x3 = TWide.Create(Unsafe.Add(ref input, 3));
            if (columns > 4) x4 = TWide.Create(Unsafe.Add(ref input, 4));
            for (int row = 0, last = rows - width; ; row = Math.Min(row + width, last))
            {
                ref T block = ref Unsafe.Add(ref w, row * columns);
                TWideVector w0 = TWide.Load(ref block, 0), w1 = default, w2 = default, w3 = default, w4 = default;
                if (columns > 1) w1 = TWide.Load(ref block, n);
                if (columns > 2) w2 = TWide.Load(ref block, 2 * n);
                if (columns > 3) w3 = TWide.Load(ref block, 3 * n);
                if (columns > 4) w4 = TWide.Load(ref block, 4 * n);
                TWideVector sums, bias = TWide.Load(ref b, (nuint)row);
                if (transposes)
                {
                    // Columns 0 and 1 of rows 0-7, 2 and 3 of rows 0-7, then the same of rows 8-15 (two rows' pairs a
                    // vector), then each column from its two halves: 8 permutes, two deep, instead of 12, three deep.
                    TWideVector front01 = TWide.PermuteTwo(w0, w1, pairs), front23 = TWide.PermuteTwo(w0, w1, otherPairs);
                    TWideVector back01 = TWide.PermuteTwo(w2, w3, pairs), back23 = TWide.PermuteTwo(w2, w3, otherPairs);
                    sums = TWide.MultiplyAdd(TWide.PermuteTwo(front01, back01, evens), x0, bias);
                    sums = TWide.MultiplyAdd(TWide.PermuteTwo(front01, back01, odds), x1, sums);
                    sums = TWide.MultiplyAdd(TWide.PermuteTwo(front23, back23, evens), x2, sums);
                    sums = TWide.MultiplyAdd(TWide.PermuteTwo(front23, back23, odds), x3, sums);
                }
                else
                {
                    sums = TWide.MultiplyAdd(BlockColumn<TColumns>(0, ref gathers, w0, w1, w2, w3, w4), x0, bias);
                    if (columns > 1) sums = TWide.MultiplyAdd(BlockColumn<TColumns>(1, ref gathers, w0, w1, w2, w3, w4), x1, sums);
                    if (columns > 2) sums = TWide.MultiplyAdd(BlockColumn<TColumns>(2, ref gathers, w0, w1, w2, w3, w4), x2, sums);
                    if (columns > 3) sums = TWide.MultiplyAdd(BlockColumn<TColumns>(3, ref gathers, w0, w1, w2, w3, w4), x3, sums);
                    if (columns > 4) sums = TWide.MultiplyAdd(BlockColumn<TColumns>(4, ref gathers, w0, w1, w2, w3, w4), x4, sums);
                }
                TWide.Store(sums, ref output, (nuint)row);
                if (row == last)
                    break;
            }
        }
    }

    /// <summary>
    /// Column <paramref name="column"/> of a block held in <paramref name="w0"/> .. (its first <c>columns</c>
    /// vectors): lane l is the block's row l. The first permute takes the lanes that lie in the first two
    /// vectors, each further one keeps the lanes gathered so far and takes those of one more vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TWideVector BlockColumn<TColumns>(int column, ref T gathers, TWideVector w0, TWideVector w1, TWideVector w2, TWideVector w3, TWideVector w4)
        where TColumns : struct, IColumnCount
    {
        int columns = TColumns.Value;
        if (columns == 1)
            return w0;
        nuint n = (nuint)TWide.Count;
        ref T steps = ref Unsafe.Add(ref gathers, column * (columns - 1) * TWide.Count);
        TWideVector gathered = TWide.PermuteTwo(w0, w1, TWide.Load(ref steps, 0));
        if (columns > 2) gathered = TWide.PermuteTwo(gathered, w2, TWide.Load(ref steps, n));
        if (columns > 3) gathered = TWide.PermuteTwo(gathered, w3, TWide.Load(ref steps, 2 * n));
        if (columns > 4) gathered = TWide.PermuteTwo(gathered, w4, TWide.Load(ref steps, 3 * n));
        return gathered;
    }

    /// <summary>
    /// Where the permutes that gather a block's columns start in <see cref="s_columnGathers"/>, for 2 to 5
    /// columns (as many as <see cref="PacksForward"/> takes at this width): for each column, <c>columns - 1</c> index vectors (<see cref="IVectorWidth{T, TVector}.PermuteTwo"/>).
    /// Lane l of column k is value <c>l columns + k</c> of the block, in vector <c>(l columns + k) / Count</c>.
    /// </summary>
    private static int ColumnGathers(int columns) => (columns - 2) * (columns - 1) * columns / 3 * TWide.Count;

    /// <summary>
    /// Whether <see cref="BlockMatrixMatrix{TColumns}"/> turns a block of rows of <paramref name="columns"/> values into its
    /// columns as a transpose in two steps (<see cref="s_fourColumnSteps"/>) rather than column by column: rows of 4 values
    /// in vectors of 16 (floats, 512-bit), the one shape where four rows make a vector and two vectors hold half the block.
    /// Each column gets the same values, so the same sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TransposesFourColumns(int columns) => columns == 4 && TWide.Count == 16;

    /// <summary>
    /// <see cref="TransposesFourColumns"/>'s four index vectors (<see cref="IVectorWidth{T, TVector}.PermuteTwo"/>): from two
    /// block vectors (rows r to r + 7), columns 0 and 1 of each row, then columns 2 and 3, a row's pair in lanes 2q and
    /// 2q + 1; then from two such vectors (rows 0-7, rows 8-15), the even lanes, then the odd ones: one column of all 16 rows.
    /// </summary>
    private static readonly T[] s_fourColumnSteps = CreateFourColumnSteps();

    private static T[] CreateFourColumnSteps()
    {
        if (TWide.Count != 16)
            return new T[1];
        var steps = new T[4 * 16];
        for (int lane = 0; lane < 16; lane++)
        {
            int row = lane / 2, column = lane % 2, half = lane / 8, inHalf = lane % 8;
            steps[lane] = LaneNumber(4 * row + column);
            steps[16 + lane] = LaneNumber(4 * row + 2 + column);
            steps[32 + lane] = LaneNumber(16 * half + 2 * inHalf);
            steps[48 + lane] = LaneNumber(16 * half + 2 * inHalf + 1);
        }
        return steps;
    }

    /// <summary>The tables of <see cref="ColumnGathers"/> for every column count <see cref="PacksForward"/> can take.</summary>
    private static readonly T[] s_columnGathers = CreateColumnGathers();

    private static T[] CreateColumnGathers()
    {
        int width = TWide.Count, most = 1;
        while (ForwardBlocksPay(most + 1))
            most++;
        var gathers = new T[most < 2 ? 0 : ColumnGathers(most + 1)];
        for (int columns = 2; columns <= most; columns++)
        {
            int at = ColumnGathers(columns);
            for (int column = 0; column < columns; column++)
            {
                for (int step = 1; step < columns; step++, at += width)
                {
                    for (int lane = 0; lane < width; lane++)
                    {
                        int value = lane * columns + column, vector = value / width, inVector = value % width;
                        int index = step == 1
                            ? (vector == 0 ? inVector : vector == 1 ? width + inVector : 0)
                            : (vector == step ? width + inVector : lane);
                        gathers[at + lane] = LaneNumber(index);
                    }
                }
            }
        }
        return gathers;
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

internal readonly struct Nine : IColumnCount { public static int Value => 9; }

internal readonly struct Ten : IColumnCount { public static int Value => 10; }

internal readonly struct Eleven : IColumnCount { public static int Value => 11; }

internal readonly struct Twelve : IColumnCount { public static int Value => 12; }
