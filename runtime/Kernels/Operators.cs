using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// An element-wise function of one value, as in System.Numerics.Tensors' TensorPrimitives: a scalar
/// form and one form per vector width, all computing the same math lane by lane. The drivers
/// (<see cref="Kernels.Apply{T, TOperator}"/>) pick the width.
/// </summary>
internal interface IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Whether the drivers may use the vector forms; if not, they run the scalar form on every value.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>
    /// A compare and a mask or two (ReLU, LeakyReLU, their derivatives, the identity): the drivers then run a plain loop
    /// with a second call site for the last vector. An exp-based operator keeps one call site (<see cref="Kernels.Apply{T, TOperator}"/>).
    /// </summary>
    static virtual bool Cheap => false;

    static abstract T Invoke(T x);

    static abstract Vector128<T> Invoke(Vector128<T> x);

    static abstract Vector256<T> Invoke(Vector256<T> x);

    static abstract Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>
/// An element-wise function of two values whose result replaces the second, such as
/// <c>delta * f'(a)</c> of an activation's derivative: a scalar form and one form per vector width,
/// all computing the same math lane by lane (<see cref="Kernels.ApplyInPlace{T, TOperator}"/>).
/// </summary>
internal interface IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Whether the drivers may use the vector forms; if not, they run the scalar form on every value.</summary>
    static abstract bool Vectorizable { get; }

    /// <summary>As <see cref="IUnaryOperator{T}.Cheap"/>.</summary>
    static virtual bool Cheap => false;

    static abstract T Invoke(T x, T y);

    static abstract Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);

    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

public static partial class Kernels
{
    /// <summary>
    /// <c>destination[i] = TOperator(x[i])</c>, with the widest accelerated vectors that fit in the
    /// span (shorter spans take narrower ones), the last, partial vector done as one whole vector
    /// ending at the last value, and without acceleration or vector form, the scalar form. In place
    /// (<paramref name="x"/> and <paramref name="destination"/> the same span) is fine; any other overlap is not.
    /// </summary>
    /// <remarks>
    /// Each width's loop is a method of its own, compiled the first time that width runs: a fresh process compiles
    /// only the widths its layers use. With the four loops in one method, the first softmax of a Fit compiled four
    /// copies of the vector exp: 12-15 ms of its first step, against 4-6 ms for the one width used (JIT events of
    /// NetGen.ColdStart, 784-128-10, three processes each).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Apply<T, TOperator>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        ref T source = ref MemoryMarshal.GetReference(x);
        ref T target = ref MemoryMarshal.GetReference(destination);
        int length = x.Length;
        if (length == 0)
            return;
        if (TakesScalarForm<T>(TOperator.Vectorizable, length))
            Apply<T, TOperator, T, ScalarWidth<T>>(ref source, ref target, length);
        else if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
            Apply<T, TOperator, Vector512<T>, Width512<T>>(ref source, ref target, length);
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
            Apply<T, TOperator, Vector256<T>, Width256<T>>(ref source, ref target, length);
        else
            Apply<T, TOperator, Vector128<T>, Width128<T>>(ref source, ref target, length);
    }

    /// <summary>
    /// Whether the drivers run an operator's scalar form on all of a span of <paramref name="length"/> values: when it has
    /// no vector form in use, or no vector is accelerated, or the span is shorter than the narrowest vector. Otherwise they
    /// take the widest accelerated vector the span fills (an accelerated width implies the narrower ones are).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TakesScalarForm<T>(bool vectorizable, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        !vectorizable || !Vector128.IsHardwareAccelerated || length < Vector128<T>.Count;

    /// <summary>
    /// <see cref="Apply{T, TOperator}"/> on each row of <paramref name="rowWidth"/> values of <paramref name="x"/> (whole
    /// rows), each row's values exactly what a call on that row alone gives them: the batch calls' form of per-row code
    /// that calls a kernel once per row. Rows too narrow for any vector take the scalar form, which is value by value, so
    /// they are done in one pass instead of a call each (a 3-24-1 network's sigmoid output, 32 rows of one value).
    /// </summary>
    /// <remarks>A bad length is named as the public kernel's caller passed it (the argument expressions, its parameters' names).</remarks>
    internal static void ApplyRows<T, TOperator>(ReadOnlySpan<T> x, Span<T> destination, int rowWidth,
        [CallerArgumentExpression(nameof(x))] string xName = "", [CallerArgumentExpression(nameof(destination))] string destinationName = "")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        CheckLength(destination.Length, x.Length, destinationName);
        int rows = ThrowHelper.RowCount(xName, x.Length, rowWidth);
        if (rows == 0)
            return;
        if (TakesScalarForm<T>(TOperator.Vectorizable, rowWidth))
        {
            Apply<T, TOperator, T, ScalarWidth<T>>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(destination), x.Length);
            return;
        }
        for (int row = 0; row < rows; row++)
            Apply<T, TOperator>(x.Slice(row * rowWidth, rowWidth), destination.Slice(row * rowWidth, rowWidth));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Apply<T, TOperator, TVector, TWidth>(ref T x, ref T destination, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
        where TVector : struct
        where TWidth : struct, IVectorWidth<T, TVector>
    {
        // The last vector's inputs are read first: in place, the loop overwrites values it shares with them. The
        // operator has one call site, inlined once: an exp-based one is large, and inlined twice it left the JIT's
        // inlining budget short for the rest (the double tanh's exp then ran out of line).
        nuint width = (nuint)TWidth.Count, last = (nuint)length - width;
        TVector end = TWidth.Load(ref x, last);
        if (TOperator.Cheap)
        {
            // A plain loop: the one-call-site loop's selects cost more than such an operator (ReLU of 1,024 doubles in
            // place, 512-bit, 64-byte aligned: 71 -> 44 ns).
            for (nuint i = 0; i < last; i += width)
                TWidth.Store(TWidth.Invoke<TOperator>(TWidth.Load(ref x, i)), ref destination, i);
            TWidth.Store(TWidth.Invoke<TOperator>(end), ref destination, last);
            return;
        }
        for (nuint i = 0; ; i += width)
        {
            bool final = i >= last;
            nuint at = final ? last : i;
            TWidth.Store(TWidth.Invoke<TOperator>(final ? end : TWidth.Load(ref x, i)), ref destination, at);
            if (final)
                break;
        }
    }

    /// <summary>
    /// <c>y[i] = TOperator(x[i], y[i])</c>, with the widths chosen as in <see cref="Apply{T, TOperator}"/>.
    /// The spans must not overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void ApplyInPlace<T, TOperator>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        ref T first = ref MemoryMarshal.GetReference(x);
        ref T second = ref MemoryMarshal.GetReference(y);
        int length = x.Length;
        if (length == 0)
            return;
        if (TakesScalarForm<T>(TOperator.Vectorizable, length))
            ApplyInPlace<T, TOperator, T, ScalarWidth<T>>(ref first, ref second, length);
        else if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
            ApplyInPlace<T, TOperator, Vector512<T>, Width512<T>>(ref first, ref second, length);
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
            ApplyInPlace<T, TOperator, Vector256<T>, Width256<T>>(ref first, ref second, length);
        else
            ApplyInPlace<T, TOperator, Vector128<T>, Width128<T>>(ref first, ref second, length);
    }

    /// <summary><see cref="ApplyInPlace{T, TOperator}"/> row by row, as <see cref="ApplyRows{T, TOperator}"/> is <see cref="Apply{T, TOperator}"/>.</summary>
    internal static void ApplyInPlaceRows<T, TOperator>(ReadOnlySpan<T> x, Span<T> y, int rowWidth,
        [CallerArgumentExpression(nameof(x))] string xName = "", [CallerArgumentExpression(nameof(y))] string yName = "")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        CheckLength(y.Length, x.Length, yName);
        int rows = ThrowHelper.RowCount(xName, x.Length, rowWidth);
        if (rows == 0)
            return;
        if (TakesScalarForm<T>(TOperator.Vectorizable, rowWidth))
        {
            ApplyInPlace<T, TOperator, T, ScalarWidth<T>>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), x.Length);
            return;
        }
        for (int row = 0; row < rows; row++)
            ApplyInPlace<T, TOperator>(x.Slice(row * rowWidth, rowWidth), y.Slice(row * rowWidth, rowWidth));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ApplyInPlace<T, TOperator, TVector, TWidth>(ref T x, ref T y, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
        where TVector : struct
        where TWidth : struct, IVectorWidth<T, TVector>
    {
        // The last vector's values of y are read first: the loop overwrites values of y it shares with them. One
        // call site of the operator, as in Apply.
        nuint width = (nuint)TWidth.Count, last = (nuint)length - width;
        TVector endX = TWidth.Load(ref x, last), endY = TWidth.Load(ref y, last);
        if (TOperator.Cheap)
        {
            for (nuint i = 0; i < last; i += width)
                TWidth.Store(TWidth.Invoke<TOperator>(TWidth.Load(ref x, i), TWidth.Load(ref y, i)), ref y, i);
            TWidth.Store(TWidth.Invoke<TOperator>(endX, endY), ref y, last);
            return;
        }
        for (nuint i = 0; ; i += width)
        {
            bool final = i >= last;
            nuint at = final ? last : i;
            TWidth.Store(TWidth.Invoke<TOperator>(final ? endX : TWidth.Load(ref x, i), final ? endY : TWidth.Load(ref y, i)), ref y, at);
            if (final)
                break;
        }
    }
}
