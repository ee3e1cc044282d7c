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
    /// Whether the outer product packs rows of <paramref name="columns"/> values: rows shorter than a
    /// 128-bit vector, which the row path would update one value at a time. A row that fills a 128-bit
    /// vector is one vector read-modify-write there, and faster than packed (256x4 floats: 117 against
    /// 184 ns; 1024x2 doubles: 570 against 712 ns; 1024x2 floats packed: 331 against 1,077 ns).
    /// </summary>
    internal static bool PacksRows(int columns) =>
        columns < Vector128<T>.Count && columns < TWide.Count && PermutesInHardware;

    /// <summary>Lane number <paramref name="lane"/> as <see cref="IVectorWidth{T, TVector}.Permute"/> reads it: the bits of an integer of T's size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T LaneNumber(int lane) =>
        typeof(T) == typeof(float) ? Unsafe.BitCast<int, T>(lane) : Unsafe.BitCast<long, T>(lane);

    /// <summary>
    /// <see cref="Kernels.AddScaledOuterProduct{T}"/> for rows shorter than a 128-bit vector
    /// (<see cref="PacksRows"/>): <c>W[j, :] += (scale * d[j]) * x</c> for r rows per vector. The
    /// factors <c>scale * d[j]</c> are computed first (as the row path computes them), so each weight
    /// gets exactly the row path's multiply-add. Per vector: a load of the factors from row j on,
    /// a permute that gives each of the r rows' lanes its row's factor, a multiply-add with x repeated
    /// r times, and a store that keeps the lanes past the r rows. Vectors are taken in two passes, even
    /// ones then odd ones: a vector's load overlaps the lanes its predecessor stored (a vector spans
    /// more than r rows), and a load of lanes a store has just written waits for the store to reach
    /// the cache; two vectors apart never overlap. The last rows, whose vector would read past the end
    /// of W, go row by row.
    /// </summary>
    private static void PackedRowsOuterProduct(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
    {
        int width = TWide.Count, rowsPerVector = width / columns, used = rowsPerVector * columns;
        Span<T> patterns = stackalloc T[2 * width];
        for (int lane = 0; lane < used; lane++)
        {
            patterns[lane] = Unsafe.Add(ref input, lane % columns);
            patterns[width + lane] = LaneNumber(lane / columns);
        }
        for (int lane = used; lane < width; lane++)
        {
            patterns[lane] = T.Zero;
            patterns[width + lane] = LaneNumber(0);
        }
        TWideVector xs = TWide.Load(ref patterns[0], 0), rowOfLane = TWide.Load(ref patterns[width], 0);
        TWideVector unused = used < width ? TWide.LastLanes(width - used) : TWide.Zero;

        // Rows whose vector stays inside W: the vector of row j reads W[j * columns .. j * columns + width).
        int rows = d.Length;
        int packedRows = rows - (width - 1) / columns;
        packedRows = packedRows <= 0 ? 0 : packedRows - packedRows % rowsPerVector;
        int blockRows = PackedBlockRows - PackedBlockRows % rowsPerVector;
        Span<T> factors = stackalloc T[Math.Min(blockRows, packedRows) + width];
        for (int start = 0; start < packedRows; start += blockRows)
        {
            int count = Math.Min(blockRows, packedRows - start);
            ScaledCopy(d.Slice(start, count), scale, factors);
            ref T block = ref Unsafe.Add(ref w, start * columns);
            int vectors = count / rowsPerVector;
            for (int parity = 0; parity < 2; parity++)
            {
                for (int vector = parity; vector < vectors; vector += 2)
                {
                    int row = vector * rowsPerVector;
                    ref T target = ref Unsafe.Add(ref block, row * columns);
                    TWideVector old = TWide.Load(ref target, 0);
                    TWideVector rowFactors = TWide.Permute(TWide.Load(ref factors[row], 0), rowOfLane);
                    TWideVector updated = TWide.MultiplyAdd(xs, rowFactors, old);
                    if (used < width)
                        updated = TWide.Select(unused, old, updated);
                    TWide.Store(updated, ref target, 0);
                }
            }
        }
        if (packedRows < rows)
            RowOuterProduct(ref Unsafe.Add(ref w, packedRows * columns), d.Slice(packedRows), ref input, scale, columns);
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
