using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

public static partial class Kernels
{
    /// <summary><c>result = W^T d</c>: the error sent back through a row-major W of <c>d.Length</c> rows and <c>result.Length</c> columns.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TransposedMatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, Span<T> result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckMatrix(weights, d.Length, result.Length);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.TransposedMatrixVector(weights, d, result);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.TransposedMatrixVector(weights, d, result);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.TransposedMatrixVector(weights, d, result);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.TransposedMatrixVector(weights, d, result);
    }

    /// <summary>
    /// <c>W[j, :] += (scale * d[j]) * x</c> for every row j: the weight gradient <c>d x^T</c>, added
    /// (scale 1) or applied as an SGD step (scale -learningRate). Rows whose d[j] is zero, such as
    /// those of inactive ReLUs, are skipped when rows are long (they would add exactly zero); short rows are updated anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddScaledOuterProduct<T>(Span<T> weights, ReadOnlySpan<T> d, ReadOnlySpan<T> x, T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckMatrix<T>(weights, d.Length, x.Length);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.AddScaledOuterProduct(weights, d, x, scale);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.AddScaledOuterProduct(weights, d, x, scale);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.AddScaledOuterProduct(weights, d, x, scale);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.AddScaledOuterProduct(weights, d, x, scale);
    }

    /// <summary>
    /// The most samples whose multiply-adds <see cref="AddOuterProductsInOrder{T}"/> gives each weight vector in a register
    /// (more take blocks of rows, one sample at a time); so the most a <see cref="GradientBuffer{T}"/> layer keeps.
    /// </summary>
    internal const int MaxInOrderSamplesInRegisters = 8;

    /// <summary>
    /// <c>W += d_s x_s^T</c> for the samples s = 0, 1, ... in turn (<paramref name="deltas"/> and <paramref name="inputs"/> hold
    /// them one after another): exactly <see cref="AddScaledOuterProduct{T}"/> with scale 1 for each sample in order, each
    /// weight getting the same additions in the same order, but W is read and written once for all the samples (rows of a
    /// wide vector or more: each weight vector takes every sample's multiply-add in a register) or once per block of rows
    /// that stays in L1, rather than once per sample. How <see cref="GradientBuffer{T}"/> adds the outer products it deferred.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void AddOuterProductsInOrder<T>(Span<T> weights, ReadOnlySpan<T> deltas, ReadOnlySpan<T> inputs, int samples)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int rows = ThrowHelper.RowLength(nameof(deltas), deltas.Length, samples);
        int columns = ThrowHelper.RowLength(nameof(inputs), inputs.Length, samples);
        CheckMatrix<T>(weights, rows, columns);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.AddOuterProductsInOrder(weights, deltas, inputs, rows, columns, samples);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.AddOuterProductsInOrder(weights, deltas, inputs, rows, columns, samples);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.AddOuterProductsInOrder(weights, deltas, inputs, rows, columns, samples);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.AddOuterProductsInOrder(weights, deltas, inputs, rows, columns, samples);
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary><see cref="Kernels.TransposedMatrixVector{T}"/> with its arguments checked.</summary>
    /// <remarks>
    /// <para>Rows of at most half a wide vector are packed several to a vector (<see cref="PacksTransposed"/>);
    /// longer ones are taken with the widest vector a row fills, as in <see cref="MatrixMatrix"/>.</para>
    /// <para>Compiled optimised at its first call, as the kernels' loops are: tiered, it ran as tier-0 code for a fresh
    /// process's first 10,000-odd training steps, its one-row loop (<see cref="OneRowTransposed"/>) a call per vector
    /// operation, 200 ns for a row of 124 floats against 10. With this and the other row-path dispatch steps marked
    /// (<see cref="BlockMatrixMatrix(ref T, ref T, ref T, int, int, int, ref T, int)"/>, <see cref="BlockOuterProduct(ref T, ReadOnlySpan{T}, ref T, T, int)"/>),
    /// the Train calls 10,001 to 100,000 of a fresh process took 26-39 ms against 45-57 for 3-124-1, 29-43 against 34-45
    /// for 4-60-2 and 36-46 against 57-78 for 9-130-1 (two harness builds, then with their places swapped).</para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void TransposedMatrixVector(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, Span<T> result)
    {
        int columns = result.Length;
        if (d.Length == 1 && columns >= TWide.Count)
        {
            OneRowTransposed(ref MemoryMarshal.GetReference(weights), d[0], ref MemoryMarshal.GetReference(result), columns);
            return;
        }
        int packedRows = PacksTransposed(columns) ? PackedVectorRows(d.Length, columns) : 0;
        if (packedRows == 0)
        {
            RowTransposed(ref MemoryMarshal.GetReference(weights), d, ref MemoryMarshal.GetReference(result), columns);
            return;
        }
        PackedThenRowsTransposed(weights, d, packedRows, result);
    }

    /// <summary>
    /// <c>W^T d</c> for a W of one row (a layer of one unit sends its error back): each weight times d, as a multiply-add
    /// onto zero, which is what <see cref="TransposedColumnBlocks{TV, TW}"/> computes for one row, so the same bits, without
    /// its blocks, its row loop and the two calls to reach it: 130 floats 14-24 -> 6 ns, 256 floats 16.5 -> 12.5 (AMD EPYC,
    /// 512-bit vectors).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneRowTransposed(ref T w, T d, ref T output, int columns)
    {
        TWideVector factor = TWide.Create(d), zero = TWide.Zero;
        nuint width = (nuint)TWide.Count, last = (nuint)(columns - TWide.Count);
        for (nuint i = 0; i < last; i += width)
            TWide.Store(TWide.MultiplyAdd(TWide.Load(ref w, i), factor, zero), ref output, i);
        TWide.Store(TWide.MultiplyAdd(TWide.Load(ref w, last), factor, zero), ref output, last);
    }

    /// <summary>
    /// <see cref="TransposedMatrixVector"/> for rows that pack (<see cref="PacksTransposed"/>): the packed rows, then the rest
    /// by columns into a stack block added to theirs. A method of its own so that the stack block is not the common path's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PackedThenRowsTransposed(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, int packedRows, Span<T> result)
    {
        int columns = result.Length;
        PackedRowsTransposed(weights, d, packedRows, result);
        if (packedRows == d.Length)
            return;
        Span<T> rest = stackalloc T[columns];
        RowTransposed(ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), packedRows * columns), d[packedRows..], ref MemoryMarshal.GetReference(rest), columns);
        for (int column = 0; column < columns; column++)
            result[column] += rest[column];
    }

    /// <summary><see cref="TransposedMatrixVector"/> by columns, each row with the widest vector it fills.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RowTransposed(ref T w, ReadOnlySpan<T> d, ref T output, int columns)
    {
        RowWidth width = RowWidthOf(columns);
        if (width == RowWidth.Wide)
            TransposedColumnBlocks<TWideVector, TWide>(ref w, d, ref output, columns);
        else if (width == RowWidth.Narrow)
            TransposedColumnBlocks<TNarrowVector, TNarrow>(ref w, d, ref output, columns);
        else if (width == RowWidth.Quarter)
            TransposedColumnBlocks<Vector128<T>, Width128<T>>(ref w, d, ref output, columns);
        else
            TransposedShortRows(ref w, d, ref output, columns);
    }

    /// <summary>
    /// <see cref="TransposedMatrixVector"/> by vectors of columns (rows at least one vector long). Each
    /// column block's sums stay in registers while every row of W is added into them and are stored
    /// once: eight vectors at a time (eight independent multiply-add chains), then single vectors with
    /// four chains over alternate rows, so that a short block is not bound by the latency of one chain.
    /// A last partial vector is the row's last whole vector, of which only the new lanes are stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void TransposedColumnBlocks<TV, TW>(ref T w, ReadOnlySpan<T> d, ref T output, int columns)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count;
        int column = 0;
        for (; column + 8 * TW.Count <= columns; column += 8 * TW.Count)
        {
            TV r0 = TW.Zero, r1 = r0, r2 = r0, r3 = r0, r4 = r0, r5 = r0, r6 = r0, r7 = r0;
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                TV f = TW.Create(d[row]);
                r0 = TW.MultiplyAdd(TW.Load(ref y, 0), f, r0);
                r1 = TW.MultiplyAdd(TW.Load(ref y, n), f, r1);
                r2 = TW.MultiplyAdd(TW.Load(ref y, 2 * n), f, r2);
                r3 = TW.MultiplyAdd(TW.Load(ref y, 3 * n), f, r3);
                r4 = TW.MultiplyAdd(TW.Load(ref y, 4 * n), f, r4);
                r5 = TW.MultiplyAdd(TW.Load(ref y, 5 * n), f, r5);
                r6 = TW.MultiplyAdd(TW.Load(ref y, 6 * n), f, r6);
                r7 = TW.MultiplyAdd(TW.Load(ref y, 7 * n), f, r7);
            }
            ref T block = ref Unsafe.Add(ref output, column);
            TW.Store(r0, ref block, 0);
            TW.Store(r1, ref block, n);
            TW.Store(r2, ref block, 2 * n);
            TW.Store(r3, ref block, 3 * n);
            TW.Store(r4, ref block, 4 * n);
            TW.Store(r5, ref block, 5 * n);
            TW.Store(r6, ref block, 6 * n);
            TW.Store(r7, ref block, 7 * n);
        }
        for (; column + TW.Count <= columns; column += TW.Count)
            TW.Store(TransposedColumn<TV, TW>(ref Unsafe.Add(ref w, column), d, columns), ref output, (nuint)column);
        if (column < columns)
        {
            nuint last = (nuint)(columns - TW.Count);
            TV sums = TransposedColumn<TV, TW>(ref Unsafe.Add(ref w, last), d, columns);
            TW.Store(TW.Select(TW.LastLanes(columns - column), sums, TW.Load(ref output, last)), ref output, last);
        }
    }

    /// <summary>One vector of <c>W^T d</c> from the columns at <paramref name="w"/>: four chains over rows 4k, 4k+1, 4k+2, 4k+3, added pairwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TransposedColumn<TV, TW>(ref T w, ReadOnlySpan<T> d, int columns)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint stride = (nuint)columns;
        TV r0 = TW.Zero, r1 = r0, r2 = r0, r3 = r0;
        ref T y = ref w;
        int row = 0;
        for (; row + 4 <= d.Length; row += 4, y = ref Unsafe.Add(ref y, 4 * columns))
        {
            r0 = TW.MultiplyAdd(TW.Load(ref y, 0), TW.Create(d[row]), r0);
            r1 = TW.MultiplyAdd(TW.Load(ref y, stride), TW.Create(d[row + 1]), r1);
            r2 = TW.MultiplyAdd(TW.Load(ref y, 2 * stride), TW.Create(d[row + 2]), r2);
            r3 = TW.MultiplyAdd(TW.Load(ref y, 3 * stride), TW.Create(d[row + 3]), r3);
        }
        for (; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            r0 = TW.MultiplyAdd(TW.Load(ref y, 0), TW.Create(d[row]), r0);
        return TW.Add(TW.Add(r0, r1), TW.Add(r2, r3));
    }

    /// <summary>
    /// <see cref="TransposedMatrixVector"/> for rows shorter than any vector this pair may use: each
    /// column summed in registers over all rows, with four chains over alternate rows.
    /// </summary>
    private static void TransposedShortRows(ref T w, ReadOnlySpan<T> d, ref T output, int columns)
    {
        for (int column = 0; column < columns; column++)
            Unsafe.Add(ref output, column) = TransposedColumn<T, ScalarWidth<T>>(ref Unsafe.Add(ref w, column), d, columns);
    }

    /// <summary><see cref="Kernels.AddScaledOuterProduct{T}"/> with its arguments checked.</summary>
    /// <remarks>
    /// Rows shorter than a wide vector are updated in blocks of whole vectors (<see cref="PacksRows"/>);
    /// longer ones are taken with the widest vector a row fills, as in <see cref="MatrixMatrix"/>.
    /// </remarks>
    public static void AddScaledOuterProduct(Span<T> weights, ReadOnlySpan<T> d, ReadOnlySpan<T> x, T scale)
    {
        int columns = x.Length;
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T input = ref MemoryMarshal.GetReference(x);
        // Setting up a block's patterns costs about what one or two blocks save on the row path (doubles 12x5:
        // 23 ns by rows, 39 in blocks; 16x5 29 against 31-32; floats 32x10 50 against 44-51); three blocks pay
        // for it (doubles 24x3 40 -> 31 ns), and rows shorter than a 128-bit vector, which the row path
        // updates one value at a time, always do (floats 16x3: 87 -> 30-36 ns).
        if (PacksRows(columns) && (d.Length >= 3 * TWide.Count || (columns < Vector128<T>.Count && d.Length >= TWide.Count)))
            BlockOuterProduct(ref w, d, ref input, scale, columns);
        else
            RowOuterProduct(ref w, d, ref input, scale, columns);
    }

    /// <summary>The bytes of W that <see cref="AddOuterProductsInOrder"/> takes at a time: with a few samples' inputs, well within L1.</summary>
    private const int InOrderBlockBytes = 16 * 1024;

    /// <summary><see cref="Kernels.AddOuterProductsInOrder{T}"/> with its arguments checked.</summary>
    /// <remarks>
    /// Rows that <see cref="AddScaledOuterProduct"/> may pack several to a vector (<see cref="PacksRows"/>) take its own
    /// path once per sample, as the path it picks depends on the number of rows. Longer rows always take
    /// <see cref="RowOuterProduct"/>, which updates each row on its own, whatever rows come with it; so a block of rows
    /// gets from it, sample after sample, exactly what each whole-matrix call gives those rows.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // a dispatch step with loops: optimised at its first call (TransposedMatrixVector says why)
    public static void AddOuterProductsInOrder(Span<T> weights, ReadOnlySpan<T> deltas, ReadOnlySpan<T> inputs, int rows, int columns, int samples)
    {
        if (PacksRows(columns))
        {
            for (int s = 0; s < samples; s++)
                AddScaledOuterProduct(weights, deltas.Slice(s * rows, rows), inputs.Slice(s * columns, columns), T.One);
            return;
        }
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        if (RowWidthOf(columns) == RowWidth.Wide && samples <= Kernels.MaxInOrderSamplesInRegisters)
        {
            SamplesInRegisters(ref w, deltas, ref x, rows, columns, samples);
            return;
        }
        int blockRows = Math.Max(1, InOrderBlockBytes / (columns * Unsafe.SizeOf<T>()));
        for (int first = 0; first < rows; first += blockRows)
        {
            int count = Math.Min(blockRows, rows - first);
            ref T block = ref Unsafe.Add(ref w, first * columns);
            for (int s = 0; s < samples; s++)
                RowOuterProduct(ref block, deltas.Slice(s * rows + first, count), ref Unsafe.Add(ref x, s * columns), T.One, columns);
        }
    }

    /// <summary>
    /// <see cref="AddOuterProductsInOrder"/> for rows that <see cref="OuterProductColumnBlocks"/> reads with the wide
    /// vector: each weight vector is loaded once, gets every sample's multiply-add in sample order, and is stored once,
    /// where one sample at a time loads and stores it per sample. Each multiply-add, each skipped zero factor (rows of at
    /// least eight vectors) and the last partial vector (its new lanes only) are those of <see cref="OuterProductColumnBlocks"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SamplesInRegisters(ref T w, ReadOnlySpan<T> deltas, ref T x, int rows, int columns, int samples)
    {
        nuint n = (nuint)TWide.Count;
        bool skipsZeroRows = columns >= 8 * TWide.Count;
        Span<T> factors = stackalloc T[Kernels.MaxInOrderSamplesInRegisters];
        Span<int> offsets = stackalloc int[Kernels.MaxInOrderSamplesInRegisters];
        nuint last = (nuint)(columns - TWide.Count);
        int wholeVectors = columns / TWide.Count;
        TWideVector fresh = TWide.LastLanes(columns - wholeVectors * TWide.Count);
        for (int row = 0; row < rows; row++, w = ref Unsafe.Add(ref w, columns))
        {
            // The samples whose factor this row takes, in order: all of them, less the zeros where zero rows are skipped.
            int active = 0;
            for (int s = 0; s < samples; s++)
            {
                T factor = T.One * deltas[s * rows + row];
                if (skipsZeroRows && factor == T.Zero)
                    continue;
                factors[active] = factor;
                offsets[active++] = s * columns;
            }
            if (active == 0)
                continue;
            nuint column = 0;
            // Eight vectors at a time: eight independent chains of multiply-adds, one per vector.
            for (int v = 0; v + 8 <= wholeVectors; v += 8, column += 8 * n)
            {
                ref T y = ref Unsafe.Add(ref w, column);
                TWideVector y0 = TWide.Load(ref y, 0), y1 = TWide.Load(ref y, n), y2 = TWide.Load(ref y, 2 * n), y3 = TWide.Load(ref y, 3 * n);
                TWideVector y4 = TWide.Load(ref y, 4 * n), y5 = TWide.Load(ref y, 5 * n), y6 = TWide.Load(ref y, 6 * n), y7 = TWide.Load(ref y, 7 * n);
                for (int k = 0; k < active; k++)
                {
                    ref T xk = ref Unsafe.Add(ref x, offsets[k] + (int)column);
                    TWideVector f = TWide.Create(factors[k]);
                    y0 = TWide.MultiplyAdd(TWide.Load(ref xk, 0), f, y0);
                    y1 = TWide.MultiplyAdd(TWide.Load(ref xk, n), f, y1);
                    y2 = TWide.MultiplyAdd(TWide.Load(ref xk, 2 * n), f, y2);
                    y3 = TWide.MultiplyAdd(TWide.Load(ref xk, 3 * n), f, y3);
                    y4 = TWide.MultiplyAdd(TWide.Load(ref xk, 4 * n), f, y4);
                    y5 = TWide.MultiplyAdd(TWide.Load(ref xk, 5 * n), f, y5);
                    y6 = TWide.MultiplyAdd(TWide.Load(ref xk, 6 * n), f, y6);
                    y7 = TWide.MultiplyAdd(TWide.Load(ref xk, 7 * n), f, y7);
                }
                TWide.Store(y0, ref y, 0);
                TWide.Store(y1, ref y, n);
                TWide.Store(y2, ref y, 2 * n);
                TWide.Store(y3, ref y, 3 * n);
                TWide.Store(y4, ref y, 4 * n);
                TWide.Store(y5, ref y, 5 * n);
                TWide.Store(y6, ref y, 6 * n);
                TWide.Store(y7, ref y, 7 * n);
            }
            for (; (int)column + TWide.Count <= columns; column += n)
            {
                TWideVector y = TWide.Load(ref w, column);
                for (int k = 0; k < active; k++)
                    y = TWide.MultiplyAdd(TWide.Load(ref Unsafe.Add(ref x, offsets[k]), column), TWide.Create(factors[k]), y);
                TWide.Store(y, ref w, column);
            }
            if ((int)column == columns)
                continue;
            TWideVector old = TWide.Load(ref w, last), sum = old;
            for (int k = 0; k < active; k++)
                sum = TWide.MultiplyAdd(TWide.Load(ref Unsafe.Add(ref x, offsets[k]), last), TWide.Create(factors[k]), sum);
            TWide.Store(TWide.Select(fresh, sum, old), ref w, last);
        }
    }

    /// <summary><see cref="AddScaledOuterProduct"/> one row at a time, each row with the widest vector it fills.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RowOuterProduct(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
    {
        RowWidth width = RowWidthOf(columns);
        if (width == RowWidth.Wide)
            OuterProductColumnBlocks<TWideVector, TWide>(ref w, d, ref input, scale, columns);
        else if (width == RowWidth.Narrow)
            OuterProductColumnBlocks<TNarrowVector, TNarrow>(ref w, d, ref input, scale, columns);
        else if (width == RowWidth.Quarter)
            OuterProductColumnBlocks<Vector128<T>, Width128<T>>(ref w, d, ref input, scale, columns);
        else
            OuterProductShortRows(ref w, d, ref input, scale, columns);
    }

    /// <summary>
    /// <see cref="AddScaledOuterProduct"/> in blocks of eight vectors of columns, then single vectors: each
    /// block of x is loaded into registers once and serves every row, so a weight vector costs one load,
    /// one multiply-add and one store (reloading x for every row would double the loads). A last partial
    /// vector is the row's last whole vector, updated in the pass of the whole vectors it overlaps.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OuterProductColumnBlocks<TV, TW>(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count;
        // Rows whose factor is zero (inactive ReLUs) are skipped only when they are at least eight vectors
        // long: there the work saved outweighs a mispredicted branch (about 20 cycles when units switch on
        // and off at random). A shorter row is updated anyway: adding zero times a finite x changes nothing.
        bool skipsZeroRows = columns >= 8 * TW.Count;
        // A row that ends in a partial vector takes its last one or two whole vectors and that partial one (the row's
        // last whole vector, overlapping) in one pass of their own, at the end: each row's vectors are all loaded
        // before any is stored, so the overlap is stored twice with the same values (each weight's one multiply-add)
        // and no load waits on a store. The blocks before it end where that pass starts.
        int whole = columns - columns % TW.Count;
        int end = whole == columns ? columns : whole >= 2 * TW.Count ? whole - 2 * TW.Count : whole - TW.Count;
        int column = 0;
        for (; end - column >= 8 * TW.Count; column += 8 * TW.Count)
        {
            ref T block = ref Unsafe.Add(ref input, column);
            TV x0 = TW.Load(ref block, 0), x1 = TW.Load(ref block, n), x2 = TW.Load(ref block, 2 * n), x3 = TW.Load(ref block, 3 * n);
            TV x4 = TW.Load(ref block, 4 * n), x5 = TW.Load(ref block, 5 * n), x6 = TW.Load(ref block, 6 * n), x7 = TW.Load(ref block, 7 * n);
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                T factor = scale * d[row];
                if (skipsZeroRows && factor == T.Zero)
                    continue;
                TV f = TW.Create(factor);
                AddScaledFour<TV, TW>(ref y, f, x0, x1, x2, x3);
                AddScaledFour<TV, TW>(ref Unsafe.Add(ref y, 4 * n), f, x4, x5, x6, x7);
            }
        }
        // The vectors left (fewer than eight): four at once, then two, then one at a time over all rows. A loop per
        // block costs less than one loop whose body tests, per row, which of up to eight vectors exist
        // (128x16 floats: 86 against 328 ns; 200x13 doubles: 349 against 733 ns).
        if (end - column >= 4 * TW.Count)
        {
            ref T block = ref Unsafe.Add(ref input, column);
            TV x0 = TW.Load(ref block, 0), x1 = TW.Load(ref block, n), x2 = TW.Load(ref block, 2 * n), x3 = TW.Load(ref block, 3 * n);
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                T factor = scale * d[row];
                if (skipsZeroRows && factor == T.Zero)
                    continue;
                AddScaledFour<TV, TW>(ref y, TW.Create(factor), x0, x1, x2, x3);
            }
            column += 4 * TW.Count;
        }
        // Two vectors left: one pass over the rows for both, each factor broadcast once. For 256x32 floats (the first
        // layer's gradient of 32-256-10, one sample) two passes of one vector took 401-424 ns, one pass 269-281 ns
        // (64-byte-aligned data, three alternated processes each). Each weight gets the same multiply-add either way.
        if (end - column >= 2 * TW.Count)
        {
            TV x0 = TW.Load(ref input, (nuint)column), x1 = TW.Load(ref input, (nuint)column + n);
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                T factor = scale * d[row];
                if (skipsZeroRows && factor == T.Zero)
                    continue;
                TV f = TW.Create(factor);
                TW.Store(TW.MultiplyAdd(x0, f, TW.Load(ref y, 0)), ref y, 0);
                TW.Store(TW.MultiplyAdd(x1, f, TW.Load(ref y, n)), ref y, n);
            }
            column += 2 * TW.Count;
        }
        for (; end - column >= TW.Count; column += TW.Count)
        {
            TV x0 = TW.Load(ref input, (nuint)column);
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                T factor = scale * d[row];
                if (skipsZeroRows && factor == T.Zero)
                    continue;
                TW.Store(TW.MultiplyAdd(x0, TW.Create(factor), TW.Load(ref y, 0)), ref y, 0);
            }
        }
        if (column == columns)
            return;
        // The pass of the last whole vector or two and the partial one (see above).
        bool two = whole - column == 2 * TW.Count;
        nuint last = (nuint)(columns - column - TW.Count);
        ref T start = ref Unsafe.Add(ref input, column);
        TV xFirst = TW.Load(ref start, 0), xSecond = two ? TW.Load(ref start, n) : xFirst, xLast = TW.Load(ref start, last);
        ref T row0 = ref Unsafe.Add(ref w, column);
        for (int row = 0; row < d.Length; row++, row0 = ref Unsafe.Add(ref row0, columns))
        {
            T factor = scale * d[row];
            if (skipsZeroRows && factor == T.Zero)
                continue;
            TV f = TW.Create(factor);
            TV first = TW.Load(ref row0, 0), second = two ? TW.Load(ref row0, n) : first, tail = TW.Load(ref row0, last);
            TW.Store(TW.MultiplyAdd(xFirst, f, first), ref row0, 0);
            if (two)
                TW.Store(TW.MultiplyAdd(xSecond, f, second), ref row0, n);
            TW.Store(TW.MultiplyAdd(xLast, f, tail), ref row0, last);
        }
    }

    /// <summary><c>y[k * Count ..] += f * xk</c> for four consecutive vectors at <paramref name="y"/>: one load, multiply-add and store each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledFour<TV, TW>(ref T y, TV f, TV x0, TV x1, TV x2, TV x3)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
    {
        nuint n = (nuint)TW.Count;
        TW.Store(TW.MultiplyAdd(x0, f, TW.Load(ref y, 0)), ref y, 0);
        TW.Store(TW.MultiplyAdd(x1, f, TW.Load(ref y, n)), ref y, n);
        TW.Store(TW.MultiplyAdd(x2, f, TW.Load(ref y, 2 * n)), ref y, 2 * n);
        TW.Store(TW.MultiplyAdd(x3, f, TW.Load(ref y, 3 * n)), ref y, 3 * n);
    }

    /// <summary><see cref="AddScaledOuterProduct"/> for rows shorter than any vector this pair may use: one value at a time.</summary>
    private static void OuterProductShortRows(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
    {
        ref T y = ref w;
        for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
        {
            T factor = scale * d[row];
            for (int i = 0; i < columns; i++)
                Unsafe.Add(ref y, i) += factor * Unsafe.Add(ref input, i);
        }
    }
}
