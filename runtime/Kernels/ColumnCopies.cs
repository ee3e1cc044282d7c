using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace NetGen;

public static partial class Kernels
{
    /// <summary>
    /// The length of the buffer <see cref="ColumnCopyProduct{T}"/> keeps for a W of <paramref name="rows"/> x
    /// <paramref name="columns"/>: W as last copied, then its transpose, each of whose columns starts on a 64-byte line
    /// (in a buffer that does, as an <see cref="AlignedBuffer{T}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ColumnCopyLength<T>(int rows, int columns)
        where T : unmanaged =>
        checked(ColumnCopyStride<T>(rows * columns) + columns * ColumnStride<T>(rows));

    /// <summary>
    /// How far apart the transpose's columns of <paramref name="rows"/> values are in a column copy: whole 64-byte lines,
    /// and one line more when that would be a multiple of 512 bytes, so that the columns of a large layer do not all fall
    /// into the same sets of L1: a precaution, which no measurement here has shown to matter. Constant where
    /// <paramref name="rows"/> is (generated code reads column i at i times this from <see cref="CurrentColumns{T}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ColumnStride<T>(int rows)
        where T : unmanaged
    {
        int stride = ColumnCopyStride<T>(rows);
        return stride * Unsafe.SizeOf<T>() % 512 == 0 ? stride + AlignedBuffer<T>.Alignment / Unsafe.SizeOf<T>() : stride;
    }

    /// <summary><paramref name="count"/> values rounded up to whole 64-byte lines: where the transpose starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ColumnCopyStride<T>(int count)
        where T : unmanaged
    {
        int perLine = AlignedBuffer<T>.Alignment / Unsafe.SizeOf<T>();
        return checked(count + perLine - 1) / perLine * perLine;
    }

    /// <summary>
    /// <c>z_s = W x_s + b</c> for every input row <c>x_s</c>, for a row-major W of few columns (a layer of few inputs and
    /// many units, whose rows are too short for dot products to pay): each output is its bias plus one multiply-add per
    /// column, in column order, read from an input-major (columns x rows) copy of W, so that each multiply-add serves a
    /// whole vector of outputs. <paramref name="columnCopy"/> (<see cref="ColumnCopyLength"/> values) holds W as it was
    /// when last copied, then that copy's transpose; when W differs from the first in any bit (its parameters were
    /// written since), both are written again before they are read. So the copy can never be stale, and a caller can
    /// write W at any time, through any span.
    /// </summary>
    /// <remarks>
    /// <para>The check reads W and the copy once each, in order, which costs a few instructions per vector of weights,
    /// where a dot product per row of nine floats costs two loads, two multiply-adds and a share of a reduction tree.</para>
    /// <para>Calls on several threads at once are safe while nothing writes W: threads that find the copy stale write the
    /// same values into it, the transpose before the copy of W (with a write barrier between), and a thread reads the
    /// transpose only after it has found the copy of W equal to W (then a read barrier), so what it reads is complete.</para>
    /// <para>Each output's arithmetic depends only on the number of rows (which vector width holds them), not on the
    /// number of inputs, so a row of a batch gets exactly what the same row gets alone.</para>
    /// </remarks>
    /// <param name="weights">W, rows x <paramref name="columns"/>, row-major.</param>
    /// <param name="bias">b, one value per row of W.</param>
    /// <param name="inputs">One or more input rows of <paramref name="columns"/> values.</param>
    /// <param name="columns">The columns of W (the inputs of the layer).</param>
    /// <param name="outputs">Receives each input's outputs, <paramref name="outputStride"/> apart.</param>
    /// <param name="outputStride">The distance between two inputs' outputs: at least the rows of W.</param>
    /// <param name="columnCopy">The copy's buffer, owned by the caller and used for no other W.</param>
    /// <param name="activation">
    /// Applied to each vector of outputs before it is stored, <c>a_s = f(W x_s + b)</c>: the values the product followed by
    /// the activation kernel would give, without a second pass over the outputs (Predict of a layer whose z it need not
    /// keep). Identity (the default), ReLU or leaky ReLU, the activations that cost less than that pass.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is another activation.</exception>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ColumnCopyProduct<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs, int outputStride,
        Span<T> columnCopy, Activation activation = Activation.Identity)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case Activation.Identity: ColumnCopyProduct<T, IdentityOperator<T>>(weights, bias, inputs, columns, outputs, outputStride, columnCopy); break;
            case Activation.ReLU: ColumnCopyProduct<T, ReLUOperator<T>>(weights, bias, inputs, columns, outputs, outputStride, columnCopy); break;
            case Activation.LeakyReLU: ColumnCopyProduct<T, LeakyReLUOperator<T>>(weights, bias, inputs, columns, outputs, outputStride, columnCopy); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "The column-copy product applies identity, ReLU or leaky ReLU; apply other activations with their own kernel.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnCopyProduct<T, TActivation>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs, int outputStride,
        Span<T> columnCopy)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TActivation : struct, IUnaryOperator<T>
    {
        int samples = CheckProduct(weights, bias, inputs, columns, outputs, outputStride), rows = bias.Length;
        CheckLength(columnCopy.Length, ColumnCopyLength<T>(rows, columns), nameof(columnCopy));
        if (samples == 0 || rows == 0)
            return;

        int stride = ColumnStride<T>(rows);
        ref T t = ref ColumnsOfCopy(weights, rows, columns, columnCopy);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T z = ref MemoryMarshal.GetReference(outputs);
        if (Vector512.IsHardwareAccelerated)
            KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.FromColumns<TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
        else if (Vector256.IsHardwareAccelerated)
            KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.FromColumns<TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
        else if (Vector128.IsHardwareAccelerated)
            KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.FromColumns<TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
        else
            KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.FromColumns<TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
    }

    /// <summary>
    /// The transpose of W (<paramref name="rows"/> x <paramref name="columns"/>, row-major) that <paramref name="columnCopy"/>
    /// (<see cref="ColumnCopyLength"/> values) keeps, as a reference to its column 0, column i starting
    /// <see cref="ColumnStride{T}"/> values after it: checked against W first, and written again (the copy of W with it)
    /// when W differs in any bit, so what it returns is W's current transpose. For the grouped hidden layers of Predict,
    /// which read whole vectors of units from a column (their rows of two to four inputs are too short to load as
    /// columns); <see cref="ColumnCopyProduct{T}"/>'s remarks say why calls on several threads at once are safe.
    /// </summary>
    /// <param name="weights">W, <paramref name="rows"/> x <paramref name="columns"/>, row-major.</param>
    /// <param name="rows">The rows of W (the units of the layer).</param>
    /// <param name="columns">The columns of W (the inputs of the layer).</param>
    /// <param name="columnCopy">The copy's buffer, owned by the caller and used for no other W.</param>
    /// <exception cref="ArgumentException">W is not <paramref name="rows"/> x <paramref name="columns"/>, or the buffer is not <see cref="ColumnCopyLength"/> values.</exception>
    /// <remarks>
    /// Inlined, so that with the constant sizes of generated code the checks fold away and the comparison runs in the
    /// caller: as a call (its own and the comparison's) it took 5.5 ns of 4-32-1's Predict, which then took 20 ns against 14.6.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T CurrentColumns<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<T> columnCopy)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        CheckLength(weights.Length, checked(rows * columns), nameof(weights));
        CheckLength(columnCopy.Length, ColumnCopyLength<T>(rows, columns), nameof(columnCopy));
        return ref ColumnsOfCopy(weights, rows, columns, columnCopy);
    }

    /// <summary><see cref="CurrentColumns{T}"/> for checked lengths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T ColumnsOfCopy<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<T> columnCopy)
        where T : unmanaged
    {
        int length = rows * columns;
        Span<T> copied = columnCopy.Slice(0, length), transposed = columnCopy.Slice(ColumnCopyStride<T>(length));
        if (!BitsEqual(MemoryMarshal.AsBytes(weights), MemoryMarshal.AsBytes<T>(copied)))
            CopyColumns(weights, rows, columns, copied, transposed, ColumnStride<T>(rows));
        Volatile.ReadBarrier(); // the transpose read after this is at least as new as the copy of W just compared
        return ref MemoryMarshal.GetReference(transposed);
    }

    /// <summary>
    /// Whether two equally long byte ranges hold the same bytes: four vectors a step, their differences or-ed together
    /// and tested once at the end (a W that changed is the rare case, so no early exit is worth a branch a step).
    /// <c>SequenceEqual</c> took 30 ns for 4,680 bytes on an AMD EPYC, one 256-bit compare and branch a step. Inlined
    /// into its two callers (<see cref="CurrentColumns{T}"/> runs in Predict's own code).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool BitsEqual(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        ref byte a = ref MemoryMarshal.GetReference(left);
        ref byte b = ref MemoryMarshal.GetReference(right);
        nuint length = (nuint)left.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> differences = Vector512<byte>.Zero;
            for (; i + 256 <= length; i += 256)
            {
                differences |= (Vector512.LoadUnsafe(ref a, i) ^ Vector512.LoadUnsafe(ref b, i))
                    | (Vector512.LoadUnsafe(ref a, i + 64) ^ Vector512.LoadUnsafe(ref b, i + 64))
                    | (Vector512.LoadUnsafe(ref a, i + 128) ^ Vector512.LoadUnsafe(ref b, i + 128))
                    | (Vector512.LoadUnsafe(ref a, i + 192) ^ Vector512.LoadUnsafe(ref b, i + 192));
            }
            for (; i + 64 <= length; i += 64)
                differences |= Vector512.LoadUnsafe(ref a, i) ^ Vector512.LoadUnsafe(ref b, i);
            if (differences != Vector512<byte>.Zero)
                return false;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> differences = Vector256<byte>.Zero;
            for (; i + 128 <= length; i += 128)
            {
                differences |= (Vector256.LoadUnsafe(ref a, i) ^ Vector256.LoadUnsafe(ref b, i))
                    | (Vector256.LoadUnsafe(ref a, i + 32) ^ Vector256.LoadUnsafe(ref b, i + 32))
                    | (Vector256.LoadUnsafe(ref a, i + 64) ^ Vector256.LoadUnsafe(ref b, i + 64))
                    | (Vector256.LoadUnsafe(ref a, i + 96) ^ Vector256.LoadUnsafe(ref b, i + 96));
            }
            for (; i + 32 <= length; i += 32)
                differences |= Vector256.LoadUnsafe(ref a, i) ^ Vector256.LoadUnsafe(ref b, i);
            if (differences != Vector256<byte>.Zero)
                return false;
        }
        // The rest after the wider vectors (all of it with 128-bit vectors only): 16 bytes a step, then the last 16 bytes,
        // overlapping bytes already compared.
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> differences = Vector128<byte>.Zero;
            for (; i + 16 <= length; i += 16)
                differences |= Vector128.LoadUnsafe(ref a, i) ^ Vector128.LoadUnsafe(ref b, i);
            if (i != length && length >= 16)
            {
                i = length - 16;
                differences |= Vector128.LoadUnsafe(ref a, i) ^ Vector128.LoadUnsafe(ref b, i);
                i = length;
            }
            if (differences != Vector128<byte>.Zero)
                return false;
        }
        if (i == length)
            return true;
        // The rest (all of it without vectors, or shorter than 16 bytes): the library's comparison.
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref a, i), (int)(length - i))
            .SequenceEqual(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref b, i), (int)(length - i)));
    }

    /// <summary>Writes W's transpose, then (after a write barrier) W itself, into the column copy: the copy of W last, so that a thread that finds it equal to W finds the transpose complete.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void CopyColumns<T>(ReadOnlySpan<T> weights, int rows, int columns, Span<T> copied, Span<T> transposed, int stride)
        where T : unmanaged
    {
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> source = weights.Slice(row * columns, columns);
            for (int column = 0; column < columns; column++)
                transposed[column * stride + row] = source[column];
        }
        Volatile.WriteBarrier();
        weights.CopyTo(copied);
    }
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary>
    /// <see cref="Kernels.ColumnCopyProduct{T}"/>'s outputs from the transpose <paramref name="t"/> (columns of
    /// <paramref name="rows"/> values, <paramref name="stride"/> apart): for
    /// each input, vectors of outputs, each <c>b + t[0] x_0 + t[1] x_1 + ...</c> by one multiply-add per column: eight
    /// vectors at a time (eight independent chains, as many multiply-adds in flight as the latency allows), then two, then
    /// one, the last one ending at the last row (a store, so recomputing lanes gives the same values). Rows fewer than a wide vector take the narrow one, or one value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void FromColumns<TActivation>(ref T t, int stride, ref T b, ref T x, int rows, int columns, int samples, ref T z, int outputStride)
        where TActivation : struct, IUnaryOperator<T>
    {
        if (rows >= TWide.Count)
            FromColumns<TWideVector, TWide, TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
        else if (rows >= TNarrow.Count)
            FromColumns<TNarrowVector, TNarrow, TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
        else
            FromColumns<T, ScalarWidth<T>, TActivation>(ref t, stride, ref b, ref x, rows, columns, samples, ref z, outputStride);
    }

    /// <remarks>Each vector of sums is activated (<typeparamref name="TActivation"/>, lane by lane) as it is stored.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FromColumns<TV, TW, TActivation>(ref T t, int columnStride, ref T b, ref T x, int rows, int columns, int samples, ref T z, int outputStride)
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
        where TActivation : struct, IUnaryOperator<T>
    {
        nuint stride = (nuint)columnStride;
        int width = TW.Count, lastVector = rows - width;
        for (int sample = 0; sample < samples; sample++)
        {
            ref T input = ref Unsafe.Add(ref x, sample * columns);
            ref T output = ref Unsafe.Add(ref z, sample * outputStride);
            int row = 0;
            for (; row + 8 * width <= rows; row += 8 * width)
            {
                ref T column = ref Unsafe.Add(ref t, row);
                ref T bias = ref Unsafe.Add(ref b, row);
                TV s0 = TW.Load(ref bias, 0), s1 = TW.Load(ref bias, (nuint)width);
                TV s2 = TW.Load(ref bias, (nuint)(2 * width)), s3 = TW.Load(ref bias, (nuint)(3 * width));
                TV s4 = TW.Load(ref bias, (nuint)(4 * width)), s5 = TW.Load(ref bias, (nuint)(5 * width));
                TV s6 = TW.Load(ref bias, (nuint)(6 * width)), s7 = TW.Load(ref bias, (nuint)(7 * width));
                for (int i = 0; i < columns; i++, column = ref Unsafe.Add(ref column, stride))
                {
                    TV xi = TW.Create(Unsafe.Add(ref input, i));
                    s0 = TW.MultiplyAdd(TW.Load(ref column, 0), xi, s0);
                    s1 = TW.MultiplyAdd(TW.Load(ref column, (nuint)width), xi, s1);
                    s2 = TW.MultiplyAdd(TW.Load(ref column, (nuint)(2 * width)), xi, s2);
                    s3 = TW.MultiplyAdd(TW.Load(ref column, (nuint)(3 * width)), xi, s3);
                    s4 = TW.MultiplyAdd(TW.Load(ref column, (nuint)(4 * width)), xi, s4);
                    s5 = TW.MultiplyAdd(TW.Load(ref column, (nuint)(5 * width)), xi, s5);
                    s6 = TW.MultiplyAdd(TW.Load(ref column, (nuint)(6 * width)), xi, s6);
                    s7 = TW.MultiplyAdd(TW.Load(ref column, (nuint)(7 * width)), xi, s7);
                }
                ref T target = ref Unsafe.Add(ref output, row);
                TW.Store(TW.Invoke<TActivation>(s0), ref target, 0);
                TW.Store(TW.Invoke<TActivation>(s1), ref target, (nuint)width);
                TW.Store(TW.Invoke<TActivation>(s2), ref target, (nuint)(2 * width));
                TW.Store(TW.Invoke<TActivation>(s3), ref target, (nuint)(3 * width));
                TW.Store(TW.Invoke<TActivation>(s4), ref target, (nuint)(4 * width));
                TW.Store(TW.Invoke<TActivation>(s5), ref target, (nuint)(5 * width));
                TW.Store(TW.Invoke<TActivation>(s6), ref target, (nuint)(6 * width));
                TW.Store(TW.Invoke<TActivation>(s7), ref target, (nuint)(7 * width));
            }
            for (; row + 2 * width <= rows; row += 2 * width)
            {
                ref T column = ref Unsafe.Add(ref t, row);
                TV s0 = TW.Load(ref b, (nuint)row), s1 = TW.Load(ref b, (nuint)(row + width));
                for (int i = 0; i < columns; i++, column = ref Unsafe.Add(ref column, stride))
                {
                    TV xi = TW.Create(Unsafe.Add(ref input, i));
                    s0 = TW.MultiplyAdd(TW.Load(ref column, 0), xi, s0);
                    s1 = TW.MultiplyAdd(TW.Load(ref column, (nuint)width), xi, s1);
                }
                TW.Store(TW.Invoke<TActivation>(s0), ref output, (nuint)row);
                TW.Store(TW.Invoke<TActivation>(s1), ref output, (nuint)(row + width));
            }
            while (row < rows)
            {
                row = Math.Min(row, lastVector); // the last vector ends at the last row
                ref T column = ref Unsafe.Add(ref t, row);
                TV s = TW.Load(ref b, (nuint)row);
                for (int i = 0; i < columns; i++, column = ref Unsafe.Add(ref column, stride))
                    s = TW.MultiplyAdd(TW.Load(ref column, 0), TW.Create(Unsafe.Add(ref input, i)), s);
                TW.Store(TW.Invoke<TActivation>(s), ref output, (nuint)row);
                row += width;
            }
        }
    }
}
