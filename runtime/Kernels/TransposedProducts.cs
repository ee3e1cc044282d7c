using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

public static partial class Kernels
{
    /// <summary><c>result = W^T d</c>: the error sent back through a row-major W of <c>d.Length</c> rows and <c>result.Length</c> columns.</summary>
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
    /// those of inactive ReLUs, are skipped: they would add exactly zero.
    /// </summary>
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
}

internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
{
    /// <summary><see cref="Kernels.TransposedMatrixVector{T}"/> with its arguments checked.</summary>
    public static void TransposedMatrixVector(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, Span<T> result)
    {
        int rows = d.Length, columns = result.Length;
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T output = ref MemoryMarshal.GetReference(result);
        int column = TransposedColumnBlocks(ref w, d, ref output, columns);
        if (column == columns)
            return;

        // The columns short of a wide vector, with narrow vectors, two rows per pass to halve the
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
            TNarrowVector v0 = TNarrow.Create(d0), v1 = TNarrow.Create(d1);
            int i = 0;
            for (; i + TNarrow.Count <= width; i += TNarrow.Count)
            {
                TNarrowVector sum = TNarrow.Load(ref rest, (nuint)i);
                sum = TNarrow.MultiplyAdd(TNarrow.Load(ref w0, (nuint)i), v0, sum);
                sum = TNarrow.MultiplyAdd(TNarrow.Load(ref w1, (nuint)i), v1, sum);
                TNarrow.Store(sum, ref rest, (nuint)i);
            }
            for (; i < width; i++)
                Unsafe.Add(ref rest, i) += Unsafe.Add(ref w0, i) * d0 + Unsafe.Add(ref w1, i) * d1;
        }
        for (; row < rows; row++)
            AddScaled(d[row], ref Unsafe.Add(ref w, row * columns + column), ref rest, width);
    }

    /// <summary>
    /// The whole wide column vectors of <see cref="TransposedMatrixVector"/>, up to eight at a time:
    /// the block of result stays in registers while every row of W is added into it, and is stored
    /// once. Returns how many columns it did; the caller finishes the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int TransposedColumnBlocks(ref T w, ReadOnlySpan<T> d, ref T output, int columns)
    {
        nuint n = (nuint)TWide.Count;
        int column = 0;
        while (columns - column >= TWide.Count)
        {
            int vectors = Math.Min(8, (columns - column) / TWide.Count);
            TWideVector r0 = TWide.Zero, r1 = r0, r2 = r0, r3 = r0, r4 = r0, r5 = r0, r6 = r0, r7 = r0;
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                TWideVector f = TWide.Create(d[row]);
                r0 = TWide.MultiplyAdd(TWide.Load(ref y, 0), f, r0);
                if (vectors > 1) r1 = TWide.MultiplyAdd(TWide.Load(ref y, n), f, r1);
                if (vectors > 2) r2 = TWide.MultiplyAdd(TWide.Load(ref y, 2 * n), f, r2);
                if (vectors > 3) r3 = TWide.MultiplyAdd(TWide.Load(ref y, 3 * n), f, r3);
                if (vectors > 4) r4 = TWide.MultiplyAdd(TWide.Load(ref y, 4 * n), f, r4);
                if (vectors > 5) r5 = TWide.MultiplyAdd(TWide.Load(ref y, 5 * n), f, r5);
                if (vectors > 6) r6 = TWide.MultiplyAdd(TWide.Load(ref y, 6 * n), f, r6);
                if (vectors > 7) r7 = TWide.MultiplyAdd(TWide.Load(ref y, 7 * n), f, r7);
            }
            ref T block = ref Unsafe.Add(ref output, column);
            TWide.Store(r0, ref block, 0);
            if (vectors > 1) TWide.Store(r1, ref block, n);
            if (vectors > 2) TWide.Store(r2, ref block, 2 * n);
            if (vectors > 3) TWide.Store(r3, ref block, 3 * n);
            if (vectors > 4) TWide.Store(r4, ref block, 4 * n);
            if (vectors > 5) TWide.Store(r5, ref block, 5 * n);
            if (vectors > 6) TWide.Store(r6, ref block, 6 * n);
            if (vectors > 7) TWide.Store(r7, ref block, 7 * n);
            column += vectors * TWide.Count;
        }
        return column;
    }

    /// <summary><see cref="Kernels.AddScaledOuterProduct{T}"/> with its arguments checked.</summary>
    public static void AddScaledOuterProduct(Span<T> weights, ReadOnlySpan<T> d, ReadOnlySpan<T> x, T scale)
    {
        int rows = d.Length, columns = x.Length;
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T input = ref MemoryMarshal.GetReference(x);
        int done = OuterProductColumnBlocks(ref w, d, ref input, scale, columns);
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
    /// The whole wide column vectors of <see cref="AddScaledOuterProduct"/>, up to eight at a time:
    /// each block of x is loaded into registers once and serves every row, so a weight vector costs
    /// one load, one multiply-add and one store (reloading x for every row would double the loads).
    /// Returns how many columns it did; the caller finishes the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int OuterProductColumnBlocks(ref T w, ReadOnlySpan<T> d, ref T input, T scale, int columns)
    {
        nuint n = (nuint)TWide.Count;
        int column = 0;
        while (columns - column >= TWide.Count)
        {
            int vectors = Math.Min(8, (columns - column) / TWide.Count);
            ref T block = ref Unsafe.Add(ref input, column);
            TWideVector x0 = TWide.Load(ref block, 0);
            TWideVector x1 = vectors > 1 ? TWide.Load(ref block, n) : default;
            TWideVector x2 = vectors > 2 ? TWide.Load(ref block, 2 * n) : default;
            TWideVector x3 = vectors > 3 ? TWide.Load(ref block, 3 * n) : default;
            TWideVector x4 = vectors > 4 ? TWide.Load(ref block, 4 * n) : default;
            TWideVector x5 = vectors > 5 ? TWide.Load(ref block, 5 * n) : default;
            TWideVector x6 = vectors > 6 ? TWide.Load(ref block, 6 * n) : default;
            TWideVector x7 = vectors > 7 ? TWide.Load(ref block, 7 * n) : default;
            ref T y = ref Unsafe.Add(ref w, column);
            for (int row = 0; row < d.Length; row++, y = ref Unsafe.Add(ref y, columns))
            {
                T factor = scale * d[row];
                if (factor == T.Zero)
                    continue;
                TWideVector f = TWide.Create(factor);
                TWide.Store(TWide.MultiplyAdd(x0, f, TWide.Load(ref y, 0)), ref y, 0);
                if (vectors > 1) TWide.Store(TWide.MultiplyAdd(x1, f, TWide.Load(ref y, n)), ref y, n);
                if (vectors > 2) TWide.Store(TWide.MultiplyAdd(x2, f, TWide.Load(ref y, 2 * n)), ref y, 2 * n);
                if (vectors > 3) TWide.Store(TWide.MultiplyAdd(x3, f, TWide.Load(ref y, 3 * n)), ref y, 3 * n);
                if (vectors > 4) TWide.Store(TWide.MultiplyAdd(x4, f, TWide.Load(ref y, 4 * n)), ref y, 4 * n);
                if (vectors > 5) TWide.Store(TWide.MultiplyAdd(x5, f, TWide.Load(ref y, 5 * n)), ref y, 5 * n);
                if (vectors > 6) TWide.Store(TWide.MultiplyAdd(x6, f, TWide.Load(ref y, 6 * n)), ref y, 6 * n);
                if (vectors > 7) TWide.Store(TWide.MultiplyAdd(x7, f, TWide.Load(ref y, 7 * n)), ref y, 7 * n);
            }
            column += vectors * TWide.Count;
        }
        return column;
    }
}
