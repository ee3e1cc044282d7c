using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>
/// The matrix products' path for weight matrices too large for L1 with long rows: the rows streamed past the input
/// (one or four rows at a time for one input, by processor maker: <see cref="OneRowAtATime"/>; each row past four
/// inputs for a batch), which is copied to a cache
/// line first when it is not on one; and a minibatch chunk's product in the same order, in blocks of eight rows.
/// </summary>
internal static class StreamedRows
{
    /// <summary>
    /// Weight matrices larger than this (in bytes) do not stay in L1 between calls, so the products
    /// read them from L2 or memory. There, four rows at a time are faster than eight: eight concurrent
    /// row streams reach only about 60% of L2 bandwidth (784x128 single on an AMD EPYC: one row 3.0 against
    /// eight 3.6 us; on an Intel Xeon four rows 3.7 against one 4.2 us). In L1 it is the other way round
    /// (eight rows share each load of x: 16x784 single, 190 against 294 ns).
    /// </summary>
    public const int MatrixBytes = 64 * 1024;

    /// <summary>
    /// Whether one input's streamed product reads the weight rows one at a time rather than four at a time (each load of
    /// x then serving four rows): true on AMD processors, false elsewhere. The two give the same bits; only the speed
    /// differs, and it differs by maker. On an AMD EPYC (Zen 5, 2 December; 25 x n calls, fastest, weights on cache
    /// lines) one row at a time took 2.76 against 3.55 us for 128 x 784 floats, 0.96-1.00 against 1.25 us for 33 x
    /// 1024, 3.27 against 4.54-4.59 us for 64 x 2048, 7.2-7.5 against 8.5 us for 300 x 784 and 22-23 against 23-24 us
    /// for 1000 x 500 (2 MB); on an Intel Xeon four rows took 3.7 against 4.2 us for 128 x 784. Settable so that tests
    /// can run both on any machine.
    /// </summary>
    internal static bool OneRowAtATime { get; set; } = IsAmd();

    /// <summary>
    /// Whether a minibatch chunk's streamed product (<c>ChunkProduct</c>) streams each weight row past four inputs at a
    /// time, as <c>MatrixMatrix</c> does, rather than taking blocks of eight rows and two inputs one chain at a time
    /// (<c>StreamedChunk</c>): true on AMD processors, false elsewhere. The two give the same bits (RowDot's); the speed
    /// differs by maker. On an AMD EPYC (Zen 5, 3 December; 32 inputs, median of 15 x 50 calls) the four-input streams
    /// took 63 against 76 us for 128 x 784 floats, 31 against 43 for 64 x 784, 16 against 19 for 32 x 784, 39 against 49
    /// for 128 x 512 and 170 against 275 for 256 x 1024; on an Intel Xeon the blocks took 784-128-10's <c>TrainBatch</c> at
    /// 128 rows from 59-94 to 115-116 GFLOP/s (b72c7ba). Settable so that tests can run both on any machine.
    /// </summary>
    internal static bool ChunkInRowStreams { get; set; } = IsAmd();

    /// <summary>Whether the processor's CPUID vendor string is AMD's.</summary>
    private static bool IsAmd()
    {
        if (!X86Base.IsSupported)
            return false;
        (int _, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        // "AuthenticAMD" in EBX, EDX, ECX: "Auth", "enti", "cAMD" as little-endian integers.
        return ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163;
    }

    /// <summary>
    /// The shortest rows, in wide vectors, that the streamed paths take. Each streamed row ends in a reduction of its
    /// own (a few shuffles per input), which only a long row makes small beside its multiply-adds; shorter rows stay in
    /// the blocks of eight, which reduce eight rows together. A minibatch's forward product (<c>ChunkProduct</c>) takes
    /// the same path as one input, so that it sums each pre-activation in the same order. Short rows streamed that way
    /// made <c>TrainBatch</c> slow (64-512-10, rows of four vectors: 219 against 96 us in one sweep run), and 16 vectors
    /// keeps the streamed order to long rows such as 784-128's, whose four chains per row are a C programmer's dot
    /// product; <c>Predict</c> of the shorter rows got faster in the blocks (64-512-10: 2.3-2.7 against 3.6-4.5 us).
    /// </summary>
    public const int MinimumRowVectors = 16;

    /// <summary>
    /// The largest input block (in bytes) the streamed paths copy to a cache line on the stack: four
    /// rows of 784 floats, 512 doubles. Longer rows are read where they are.
    /// </summary>
    public const int MaxAlignedCopyBytes = 16 * 1024;

    /// <summary>
    /// Whether the streamed paths should copy <paramref name="length"/> values at <paramref name="start"/>
    /// to a cache line first: they are not on one, and they fit in <see cref="MaxAlignedCopyBytes"/>.
    /// Only where data sit changes; the arithmetic, and so every result bit, does not depend on it.
    /// </summary>
    public static bool NeedsAlignedCopy<T>(ref T start, int length)
        where T : unmanaged =>
        (Address(ref start) & (AlignedBuffer<T>.Alignment - 1)) != 0
        && (long)length * Unsafe.SizeOf<T>() <= MaxAlignedCopyBytes;

    /// <summary>The address of <paramref name="value"/>, for its offset in a cache line.</summary>
    /// <remarks>
    /// Written as minus the offset from the value to null: the JIT (.NET 10) compiles
    /// <c>Unsafe.ByteOffset(ref Unsafe.NullRef&lt;T&gt;(), ref value)</c>, and every method that inlines it,
    /// without optimization (MinOpts), which left the whole streamed product unoptimized.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint Address<T>(ref T value) => -Unsafe.ByteOffset(ref value, ref Unsafe.NullRef<T>());

    /// <summary>Elements of slack that let a stack buffer hold a block starting on a cache line.</summary>
    public static int AlignmentSlack<T>()
        where T : unmanaged => AlignedBuffer<T>.Alignment / Unsafe.SizeOf<T>();

    /// <summary>Copies <paramref name="values"/> into <paramref name="buffer"/> at its first cache line and returns a reference to the copy.</summary>
    public static ref T AlignedCopy<T>(ReadOnlySpan<T> values, Span<T> buffer)
        where T : unmanaged
    {
        ref T start = ref MemoryMarshal.GetReference(buffer);
        int misalignment = (int)(Address(ref start) & (AlignedBuffer<T>.Alignment - 1));
        ref T aligned = ref Unsafe.Add(ref start, (AlignedBuffer<T>.Alignment - misalignment) % AlignedBuffer<T>.Alignment / Unsafe.SizeOf<T>());
        values.CopyTo(MemoryMarshal.CreateSpan(ref aligned, values.Length));
        return ref aligned;
    }

    /// <summary>
    /// <paramref name="values"/> where they are, or their copy on a cache line in <paramref name="buffer"/>
    /// (see <see cref="NeedsAlignedCopy{T}"/>); an empty buffer means no copy.
    /// </summary>
    public static ref T OnCacheLine<T>(ReadOnlySpan<T> values, Span<T> buffer)
        where T : unmanaged
    {
        ref T start = ref MemoryMarshal.GetReference(values);
        if (buffer.IsEmpty || !NeedsAlignedCopy(ref start, values.Length))
            return ref start;
        return ref AlignedCopy(values, buffer);
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary>
    /// Whether <see cref="MatrixMatrix"/> takes the streamed path for this shape: a matrix over
    /// <see cref="StreamedRows.MatrixBytes"/> whose rows are at least <see cref="StreamedRows.MinimumRowVectors"/>
    /// wide vectors long. Decided from the shape alone, so a batch row gets exactly what a single input gets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool StreamsRows(int rows, int columns) =>
        columns >= StreamedRows.MinimumRowVectors * TWide.Count
        && (long)rows * columns * Unsafe.SizeOf<T>() > StreamedRows.MatrixBytes;

    /// <summary>
    /// <see cref="MatrixMatrix"/> for a matrix that <see cref="StreamsRows"/>: four inputs at a
    /// time (copied to a cache line if they are not on one), and for each group every weight row
    /// streamed past them once, each load of it serving all four; then the inputs left over one by one,
    /// four weight rows at a time.
    /// </summary>
    /// <remarks>
    /// The two loops are methods of their own, each compiled the first time a call needs it: <c>Predict</c> runs only the
    /// second, a batch of a multiple of four inputs only the first. Together in one method they took 15-16 ms to compile
    /// in a fresh process (two copies of <see cref="FourDots"/>' sixteen chains, and <see cref="RowDot"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamedMatrixMatrix(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
    {
        int grouped = samples - samples % 4;
        if (grouped > 0)
            StreamedGroupsOfFour(weights, bias, inputs, columns, grouped, outputs, outputStride);
        if (grouped < samples)
            StreamedSingleInputs(weights, bias, inputs, columns, grouped, samples, outputs, outputStride);
    }

    /// <summary><see cref="StreamedMatrixMatrix"/>'s inputs <c>[0, samples)</c> (a multiple of four), four at a time.</summary>
    [SkipLocalsInit] // its stackalloc is written before it is read (Kernels.OnStack says why zeroing matters)
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StreamedGroupsOfFour(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs, int outputStride)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        int rows = bias.Length;
        // Rows of the batch need not all sit alike (a row of 100 floats is not a whole number of cache
        // lines), so each group is checked; the buffer exists whenever a group fits in it.
        Span<T> copy = 4L * columns * Unsafe.SizeOf<T>() <= StreamedRows.MaxAlignedCopyBytes
            ? stackalloc T[4 * columns + StreamedRows.AlignmentSlack<T>()]
            : default;
        for (int sample = 0; sample < samples; sample += 4)
        {
            ref T x = ref StreamedRows.OnCacheLine(inputs.Slice(sample * columns, 4 * columns), copy);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            for (int row = 0; row < rows; row++)
                RowDotFourInputs(ref Unsafe.Add(ref w, row * columns), ref x, columns, Unsafe.Add(ref b, row), ref Unsafe.Add(ref output, row), outputStride);
        }
    }

    /// <summary>
    /// <see cref="ChunkProduct"/> for a matrix that <see cref="StreamsRows"/>: each output exactly as <see cref="RowDot"/>
    /// computes it (so exactly <see cref="Kernels.MatrixVector{T}"/>'s), but a block of eight rows and two inputs at a time,
    /// as <see cref="EightRowsTwoInputs{TV, TW}"/> reads them: each load of an input serves eight rows and each load of a
    /// row two inputs, where the streamed path's four inputs per row take one load per multiply-add and more. The block
    /// makes one pass per chain of <see cref="RowDot"/> (chain k: the row's vectors k, k + 4, ...; the vectors after the
    /// last group of four go to chain 0), with sixteen sums in registers, and keeps each pass's sums on the stack until
    /// the four chains are added, as <see cref="FinishRowDot"/> adds them. Rows after the last block of eight, and an
    /// odd last input, take the one-input path (<see cref="StreamedSingleInputs"/>).
    /// </summary>
    [SkipLocalsInit] // its stackalloc is written before it is read (Kernels.OnStack says why zeroing matters)
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StreamedChunk(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int samples, Span<T> outputs)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        int rows = bias.Length, blockRows = rows - rows % 8, pairs = samples - samples % 2;
        Span<T> chains = stackalloc T[4 * 16 * TWide.Count];
        ref T sums = ref MemoryMarshal.GetReference(chains);
        for (int row = 0; row < blockRows; row += 8)
        {
            for (int sample = 0; sample < pairs; sample += 2)
                EightRowsTwoInputsByChains(ref Unsafe.Add(ref w, row * columns), ref Unsafe.Add(ref x, sample * columns), columns,
                    ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref z, sample * rows + row), rows, ref sums);
        }
        // The rows after the blocks for the pairs, and every row for an odd last input: the one-input path's order.
        if (blockRows < rows && pairs > 0)
            StreamedSingleInputs(weights.Slice(blockRows * columns), bias.Slice(blockRows), inputs, columns, 0, pairs, outputs.Slice(blockRows), rows);
        if (pairs < samples)
            StreamedSingleInputs(weights, bias, inputs, columns, pairs, samples, outputs, rows);
    }

    /// <summary>
    /// <see cref="StreamedChunk"/>'s block: eight rows from <paramref name="w0"/> against two inputs from
    /// <paramref name="input"/> (<paramref name="columns"/> apart), outputs <paramref name="outputStride"/> apart, each
    /// sum in <see cref="RowDot"/>'s order; <paramref name="sums"/> holds the four chains' 16 sums between passes.
    /// A method of its own: inlined into <see cref="StreamedChunk"/> beside the one-input paths it made a method the JIT
    /// took long enough over to double a fresh process's first Fit epoch (784-128-10: 336 against 151-168 ms).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EightRowsTwoInputsByChains(ref T w0, ref T input, int columns, ref T bias, ref T z, int outputStride, ref T sums)
    {
        nuint width = (nuint)TWide.Count, stride = (nuint)columns;
        nuint whole = (nuint)(columns - columns % TWide.Count), quads = (nuint)(columns - columns % (4 * TWide.Count));
        ref T other = ref Unsafe.Add(ref input, columns);
        for (nuint chain = 0; chain < 4; chain++)
        {
            TWideVector s0 = TWide.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            TWideVector t0 = s0, t1 = s0, t2 = s0, t3 = s0, t4 = s0, t5 = s0, t6 = s0, t7 = s0;
            // Chain k's vectors k, k + 4, ... of the groups of four; then chain 0's the vectors after them.
            nuint step = 4 * width, end = quads;
            for (nuint i = chain * width; ; i += step)
            {
                if (i >= end)
                {
                    if (chain != 0 || step == width)
                        break;
                    (i, step, end) = (quads, width, whole);
                    if (i >= end)
                        break;
                }
                TWideVector xi = TWide.Load(ref input, i), yi = TWide.Load(ref other, i);
                TWideVector wi = TWide.Load(ref w0, i);
                s0 = TWide.MultiplyAdd(wi, xi, s0);
                t0 = TWide.MultiplyAdd(wi, yi, t0);
                wi = TWide.Load(ref w0, i + stride);
                s1 = TWide.MultiplyAdd(wi, xi, s1);
                t1 = TWide.MultiplyAdd(wi, yi, t1);
                wi = TWide.Load(ref w0, i + 2 * stride);
                s2 = TWide.MultiplyAdd(wi, xi, s2);
                t2 = TWide.MultiplyAdd(wi, yi, t2);
                wi = TWide.Load(ref w0, i + 3 * stride);
                s3 = TWide.MultiplyAdd(wi, xi, s3);
                t3 = TWide.MultiplyAdd(wi, yi, t3);
                wi = TWide.Load(ref w0, i + 4 * stride);
                s4 = TWide.MultiplyAdd(wi, xi, s4);
                t4 = TWide.MultiplyAdd(wi, yi, t4);
                wi = TWide.Load(ref w0, i + 5 * stride);
                s5 = TWide.MultiplyAdd(wi, xi, s5);
                t5 = TWide.MultiplyAdd(wi, yi, t5);
                wi = TWide.Load(ref w0, i + 6 * stride);
                s6 = TWide.MultiplyAdd(wi, xi, s6);
                t6 = TWide.MultiplyAdd(wi, yi, t6);
                wi = TWide.Load(ref w0, i + 7 * stride);
                s7 = TWide.MultiplyAdd(wi, xi, s7);
                t7 = TWide.MultiplyAdd(wi, yi, t7);
            }
            // Chain k of row r and input j at sums[((r * 2 + j) * 4 + k) * width].
            nuint at = chain * width;
            TWide.Store(s0, ref sums, at);
            TWide.Store(t0, ref sums, at + 4 * width);
            TWide.Store(s1, ref sums, at + 8 * width);
            TWide.Store(t1, ref sums, at + 12 * width);
            TWide.Store(s2, ref sums, at + 16 * width);
            TWide.Store(t2, ref sums, at + 20 * width);
            TWide.Store(s3, ref sums, at + 24 * width);
            TWide.Store(t3, ref sums, at + 28 * width);
            TWide.Store(s4, ref sums, at + 32 * width);
            TWide.Store(t4, ref sums, at + 36 * width);
            TWide.Store(s5, ref sums, at + 40 * width);
            TWide.Store(t5, ref sums, at + 44 * width);
            TWide.Store(s6, ref sums, at + 48 * width);
            TWide.Store(t6, ref sums, at + 52 * width);
            TWide.Store(s7, ref sums, at + 56 * width);
            TWide.Store(t7, ref sums, at + 60 * width);
        }
        for (int r = 0; r < 8; r++)
        {
            ref T row = ref Unsafe.Add(ref w0, r * columns);
            for (int j = 0; j < 2; j++)
            {
                nuint at = (nuint)((r * 2 + j) * 4) * width;
                T total = FinishRowDot(TWide.Load(ref sums, at), TWide.Load(ref sums, at + width), TWide.Load(ref sums, at + 2 * width),
                    TWide.Load(ref sums, at + 3 * width), ref row, ref Unsafe.Add(ref input, j * columns), (int)whole, columns);
                Unsafe.Add(ref z, j * outputStride + r) = Unsafe.Add(ref bias, r) + total;
            }
        }
    }

    /// <summary>
    /// <see cref="StreamedMatrixMatrix"/>'s inputs <c>[first, samples)</c> one at a time: the weight rows four at a time
    /// (<see cref="FourRowsDot"/>), or one at a time where <see cref="StreamedRows.OneRowAtATime"/> says so. Either way each
    /// output is <see cref="RowDot"/>'s, bit for bit.
    /// </summary>
    [SkipLocalsInit] // its stackalloc is written before it is read (Kernels.OnStack says why zeroing matters)
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StreamedSingleInputs(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, int first, int samples, Span<T> outputs, int outputStride)
    {
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        int rows = bias.Length;
        Span<T> copy = (long)columns * Unsafe.SizeOf<T>() <= StreamedRows.MaxAlignedCopyBytes
            ? stackalloc T[columns + StreamedRows.AlignmentSlack<T>()]
            : default;
        for (int sample = first; sample < samples; sample++)
        {
            ref T x = ref StreamedRows.OnCacheLine(inputs.Slice(sample * columns, columns), copy);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            int row = 0;
            if (!StreamedRows.OneRowAtATime)
            {
                for (; row + 4 <= rows; row += 4)
                    FourRowsDot(ref Unsafe.Add(ref w, row * columns), ref x, columns, ref Unsafe.Add(ref b, row), ref Unsafe.Add(ref output, row));
            }
            for (; row < rows; row++)
                Unsafe.Add(ref output, row) = Unsafe.Add(ref b, row) + RowDot(ref Unsafe.Add(ref w, row * columns), ref x, columns);
        }
    }

    /// <summary>
    /// <c>W[row, :] x</c> for one long row: four independent chains over wide vectors, the vectors
    /// left over into the first chain, the chains added pairwise, then the lanes, then the columns
    /// left over one by one. <see cref="RowDotFourInputs"/> computes exactly this for four inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T RowDot(ref T w, ref T x, int columns)
    {
        nuint width = (nuint)TWide.Count, whole = (nuint)(columns - columns % TWide.Count);
        nuint quads = (nuint)(columns - columns % (4 * TWide.Count));
        TWideVector a0 = TWide.Zero, a1 = a0, a2 = a0, a3 = a0;
        nuint i = 0;
        for (; i < quads; i += 4 * width)
        {
            a0 = TWide.MultiplyAdd(TWide.Load(ref w, i), TWide.Load(ref x, i), a0);
            a1 = TWide.MultiplyAdd(TWide.Load(ref w, i + width), TWide.Load(ref x, i + width), a1);
            a2 = TWide.MultiplyAdd(TWide.Load(ref w, i + 2 * width), TWide.Load(ref x, i + 2 * width), a2);
            a3 = TWide.MultiplyAdd(TWide.Load(ref w, i + 3 * width), TWide.Load(ref x, i + 3 * width), a3);
        }
        for (; i < whole; i += width)
            a0 = TWide.MultiplyAdd(TWide.Load(ref w, i), TWide.Load(ref x, i), a0);
        return FinishRowDot(a0, a1, a2, a3, ref w, ref x, (int)whole, columns);
    }

    /// <summary>
    /// <see cref="RowDot"/> of one weight row with four inputs <c>columns</c> apart, written to
    /// <c>z[0]</c>, <c>z[outputStride]</c>, ... with the bias added: each load of the row serves four
    /// inputs. The operations on each input are exactly <see cref="RowDot"/>'s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowDotFourInputs(ref T w, ref T x, int columns, T bias, ref T z, int outputStride)
    {
        FourDots(ref w, ref x, columns, out T d0, out T d1, out T d2, out T d3);
        z = bias + d0;
        Unsafe.Add(ref z, outputStride) = bias + d1;
        Unsafe.Add(ref z, 2 * outputStride) = bias + d2;
        Unsafe.Add(ref z, 3 * outputStride) = bias + d3;
    }

    /// <summary>
    /// <see cref="RowDot"/> of four consecutive weight rows with one input, written to <c>z[0..3]</c> with their biases
    /// added: four row streams at once, each load of x serving four rows (784x128 floats from L2, 3.7 against 4.2 us
    /// one row at a time on an Intel Xeon with AVX-512). Each row's operations are exactly <see cref="RowDot"/>'s, so a
    /// row's output does not depend on which of the two computed it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRowsDot(ref T w, ref T x, int columns, ref T b, ref T z)
    {
        // The input is the shared vector here and the rows are the four others: a product's two factors may trade
        // places without changing a bit (x * w == w * x, and so for a fused multiply-add).
        FourDots(ref x, ref w, columns, out T d0, out T d1, out T d2, out T d3);
        z = b + d0;
        Unsafe.Add(ref z, 1) = Unsafe.Add(ref b, 1) + d1;
        Unsafe.Add(ref z, 2) = Unsafe.Add(ref b, 2) + d2;
        Unsafe.Add(ref z, 3) = Unsafe.Add(ref b, 3) + d3;
    }

    /// <summary>
    /// The dot products of <paramref name="shared"/> with four vectors <c>columns</c> apart from <paramref name="first"/>
    /// on, each computed exactly as <see cref="RowDot"/> computes one (the same four chains, the same order), and every
    /// load of <paramref name="shared"/> serving all four.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourDots(ref T shared, ref T first, int columns, out T d0, out T d1, out T d2, out T d3)
    {
        nuint width = (nuint)TWide.Count, whole = (nuint)(columns - columns % TWide.Count);
        nuint quads = (nuint)(columns - columns % (4 * TWide.Count));
        ref T x0 = ref first;
        ref T x1 = ref Unsafe.Add(ref x0, columns);
        ref T x2 = ref Unsafe.Add(ref x1, columns);
        ref T x3 = ref Unsafe.Add(ref x2, columns);
        TWideVector a0 = TWide.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        TWideVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        nuint i = 0;
        for (; i < quads; i += 4 * width)
        {
            nuint i1 = i + width, i2 = i + 2 * width, i3 = i + 3 * width;
            TWideVector s0 = TWide.Load(ref shared, i), s1 = TWide.Load(ref shared, i1);
            TWideVector s2 = TWide.Load(ref shared, i2), s3 = TWide.Load(ref shared, i3);
            a0 = TWide.MultiplyAdd(s0, TWide.Load(ref x0, i), a0);
            a1 = TWide.MultiplyAdd(s1, TWide.Load(ref x0, i1), a1);
            a2 = TWide.MultiplyAdd(s2, TWide.Load(ref x0, i2), a2);
            a3 = TWide.MultiplyAdd(s3, TWide.Load(ref x0, i3), a3);
            b0 = TWide.MultiplyAdd(s0, TWide.Load(ref x1, i), b0);
            b1 = TWide.MultiplyAdd(s1, TWide.Load(ref x1, i1), b1);
            b2 = TWide.MultiplyAdd(s2, TWide.Load(ref x1, i2), b2);
            b3 = TWide.MultiplyAdd(s3, TWide.Load(ref x1, i3), b3);
            c0 = TWide.MultiplyAdd(s0, TWide.Load(ref x2, i), c0);
            c1 = TWide.MultiplyAdd(s1, TWide.Load(ref x2, i1), c1);
            c2 = TWide.MultiplyAdd(s2, TWide.Load(ref x2, i2), c2);
            c3 = TWide.MultiplyAdd(s3, TWide.Load(ref x2, i3), c3);
            e0 = TWide.MultiplyAdd(s0, TWide.Load(ref x3, i), e0);
            e1 = TWide.MultiplyAdd(s1, TWide.Load(ref x3, i1), e1);
            e2 = TWide.MultiplyAdd(s2, TWide.Load(ref x3, i2), e2);
            e3 = TWide.MultiplyAdd(s3, TWide.Load(ref x3, i3), e3);
        }
        for (; i < whole; i += width)
        {
            TWideVector si = TWide.Load(ref shared, i);
            a0 = TWide.MultiplyAdd(si, TWide.Load(ref x0, i), a0);
            b0 = TWide.MultiplyAdd(si, TWide.Load(ref x1, i), b0);
            c0 = TWide.MultiplyAdd(si, TWide.Load(ref x2, i), c0);
            e0 = TWide.MultiplyAdd(si, TWide.Load(ref x3, i), e0);
        }
        d0 = FinishRowDot(a0, a1, a2, a3, ref shared, ref x0, (int)whole, columns);
        d1 = FinishRowDot(b0, b1, b2, b3, ref shared, ref x1, (int)whole, columns);
        d2 = FinishRowDot(c0, c1, c2, c3, ref shared, ref x2, (int)whole, columns);
        d3 = FinishRowDot(e0, e1, e2, e3, ref shared, ref x3, (int)whole, columns);
    }

    /// <summary>The lane sum of a row's four chains, added pairwise, plus the products of the columns from <paramref name="from"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T FinishRowDot(TWideVector a0, TWideVector a1, TWideVector a2, TWideVector a3, ref T w, ref T x, int from, int columns)
    {
        T total = TWide.Sum(TWide.Add(TWide.Add(a0, a1), TWide.Add(a2, a3)));
        for (int j = from; j < columns; j++)
            total += Unsafe.Add(ref w, j) * Unsafe.Add(ref x, j);
        return total;
    }
}
