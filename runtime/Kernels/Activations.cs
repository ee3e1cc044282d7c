using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// The activations generated code calls, one set per kind, named by one rule: {Kind}(z) for a value,
// {Kind}<T>(z, a) for a whole layer (a = f(z); in place is fine) and {Kind}Derivative<T>(a, delta) for
// the backward pass (delta *= f'(z), f' written through the layer's output a), and
// {Kind}DerivativeFromInput<T>(z, delta) for callers that keep z instead of a. The sigmoid's scalar
// forms and its packed vector forms are in Exp.cs, beside the exp they use.

public static partial class Kernels
{
    /// <summary><c>z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Identity(double z) => z;

    /// <summary><c>z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Identity(float z) => z;

    /// <summary><c>a = z</c> over a whole layer (a copy; nothing in place).</summary>
    public static void Identity<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        z.CopyTo(a);
    }

    /// <summary><c>delta *= 1</c>: checks the lengths and changes nothing.</summary>
    public static void IdentityDerivative<T>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        CheckLength(delta.Length, a.Length, nameof(delta));

    /// <summary><c>delta *= 1</c> from the pre-activation z: checks the lengths and changes nothing.</summary>
    public static void IdentityDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, z.Length, nameof(delta));
        ApplyInPlace<T, FromInputOperator<T, IdentityOperator<T>, IdentityDerivativeOperator<T>>>(z, delta);
    }

    /// <summary>
    /// <c>a = sigmoid(z)</c> over a whole layer: <c>1 / (1 + e^-z)</c> with the runtime's vector exp
    /// (within 2 ulp of the formula with <see cref="Math.Exp"/>, tested), or, with <see cref="UsesSystemExp"/>,
    /// with <see cref="Math.Exp"/> / <see cref="MathF.Exp"/> per value. In place is fine.
    /// </summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        Apply<T, SigmoidOperator<T>>(z, a);
    }

    /// <summary>
    /// <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T})"/> on each row of <paramref name="rowWidth"/> values, each row
    /// exactly as a call on it alone (which vector width a call takes depends on its length): a batch's rows in one call.
    /// </summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a, int rowWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ApplyRows<T, SigmoidOperator<T>>(z, a, rowWidth);

    /// <summary><c>delta *= a (1 - a)</c>, sigmoid' written through the layer's output a.</summary>
    public static void SigmoidDerivative<T>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, a.Length, nameof(delta));
        ApplyInPlace<T, SigmoidDerivativeOperator<T>>(a, delta);
    }

    /// <summary><see cref="SigmoidDerivative{T}(ReadOnlySpan{T}, Span{T})"/> row by row, as <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>.</summary>
    public static void SigmoidDerivative<T>(ReadOnlySpan<T> a, Span<T> delta, int rowWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ApplyInPlaceRows<T, SigmoidDerivativeOperator<T>>(a, delta, rowWidth);

    /// <summary><c>delta *= s (1 - s)</c> with <c>s = sigmoid(z)</c> computed as <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T})"/> does, from the pre-activation z.</summary>
    public static void SigmoidDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, z.Length, nameof(delta));
        ApplyInPlace<T, FromInputOperator<T, SigmoidOperator<T>, SigmoidDerivativeOperator<T>>>(z, delta);
    }

    /// <summary><c>tanh z</c> (<see cref="Math.Tanh"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double z) => Math.Tanh(z);

    /// <summary><c>tanh z</c> (<see cref="MathF.Tanh"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z) => MathF.Tanh(z);

    /// <summary>
    /// <c>a = tanh(z)</c> over a whole layer: System.Numerics.Tensors' vector tanh formula (bit for bit
    /// TensorPrimitives.Tanh in double, tested; within 2 ulp of 1 of <see cref="Math.Tanh"/> in absolute
    /// terms, tested) through NetGen's activation driver, or, with <see cref="UsesSystemExp"/>,
    /// <see cref="Math.Tanh"/> / <see cref="MathF.Tanh"/> per value. In place is fine.
    /// </summary>
    /// <remarks>
    /// The formula is not accurate in relative terms near 0: tanh(1e-10) is 0 in single precision and
    /// -0 for |z| &lt; 1e-10 in double, as with System.Numerics.Tensors 11.0.0 (which gives -6e-8 in
    /// single precision).
    /// </remarks>
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        Apply<T, TanhOperator<T>>(z, a);
    }

    /// <summary><see cref="Tanh{T}(ReadOnlySpan{T}, Span{T})"/> row by row, as <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>.</summary>
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a, int rowWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ApplyRows<T, TanhOperator<T>>(z, a, rowWidth);

    /// <summary><c>delta *= 1 - a^2</c>, tanh' written through the layer's output a.</summary>
    public static void TanhDerivative<T>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, a.Length, nameof(delta));
        ApplyInPlace<T, TanhDerivativeOperator<T>>(a, delta);
    }

    /// <summary><see cref="TanhDerivative{T}(ReadOnlySpan{T}, Span{T})"/> row by row, as <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>.</summary>
    public static void TanhDerivative<T>(ReadOnlySpan<T> a, Span<T> delta, int rowWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ApplyInPlaceRows<T, TanhDerivativeOperator<T>>(a, delta, rowWidth);

    /// <summary><c>delta *= 1 - t^2</c> with <c>t = tanh z</c> computed as <see cref="Tanh{T}(ReadOnlySpan{T}, Span{T})"/> does, from the pre-activation z.</summary>
    public static void TanhDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, z.Length, nameof(delta));
        ApplyInPlace<T, FromInputOperator<T, TanhOperator<T>, TanhDerivativeOperator<T>>>(z, delta);
    }

    /// <summary><c>max(z, 0)</c>; NaN stays NaN (see the NaN policy on <see cref="Kernels"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReLU(double z) => ReLUOperator<double>.Invoke(z);

    /// <summary><c>max(z, 0)</c>; NaN stays NaN (see the NaN policy on <see cref="Kernels"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => ReLUOperator<float>.Invoke(z);

    /// <summary><c>max(z, 0)</c> lane by lane, for a narrow unrolled layer's sums computed as one vector; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ReLU<T>(Vector128<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ReLUOperator<T>.Invoke(z);

    /// <summary><c>max(z, 0)</c> lane by lane, for a narrow unrolled layer's sums computed as one vector; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ReLU<T>(Vector256<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ReLUOperator<T>.Invoke(z);

    /// <summary><c>max(z, 0)</c> lane by lane, for the wide sums of a grouped layer's units before they are split into groups; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ReLU<T>(Vector512<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => ReLUOperator<T>.Invoke(z);

    /// <summary><c>a = max(z, 0)</c> over a whole layer; NaN stays NaN. In place is fine.</summary>
    public static void ReLU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        Apply<T, ReLUOperator<T>>(z, a);
    }

    /// <summary>
    /// <c>delta = a &gt; 0 ? delta : 0</c> for a ReLU layer's outputs <paramref name="a"/>: the error
    /// times relu'(z), as vector compares and masks (a loop with a branch per unit mispredicts on
    /// about every other unit, as activity changes from sample to sample).
    /// </summary>
    public static void ReLUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, a.Length, nameof(delta));
        ApplyInPlace<T, ReLUDerivativeOperator<T>>(a, delta);
    }

    /// <summary><c>delta = z &gt; 0 ? delta : 0</c>, from the pre-activation z.</summary>
    public static void ReLUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, z.Length, nameof(delta));
        ApplyInPlace<T, FromInputOperator<T, ReLUOperator<T>, ReLUDerivativeOperator<T>>>(z, delta);
    }

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReLU(double z) => LeakyReLUOperator<double>.Invoke(z);

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z) => LeakyReLUOperator<float>.Invoke(z);

    /// <summary><c>z &gt; 0 ? z : 0.01 z</c> lane by lane, for a narrow unrolled layer's sums computed as one vector; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LeakyReLU<T>(Vector128<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => LeakyReLUOperator<T>.Invoke(z);

    /// <summary><c>z &gt; 0 ? z : 0.01 z</c> lane by lane, for a narrow unrolled layer's sums computed as one vector; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LeakyReLU<T>(Vector256<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => LeakyReLUOperator<T>.Invoke(z);

    /// <summary><c>z &gt; 0 ? z : 0.01 z</c> lane by lane, for the wide sums of a grouped layer's units before they are split into groups; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LeakyReLU<T>(Vector512<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => LeakyReLUOperator<T>.Invoke(z);

    /// <summary><c>a = z &gt; 0 ? z : 0.01 z</c> over a whole layer; NaN stays NaN. In place is fine.</summary>
    public static void LeakyReLU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        Apply<T, LeakyReLUOperator<T>>(z, a);
    }

    /// <summary><c>delta = a &gt; 0 ? delta : 0.01 delta</c> for a leaky ReLU layer's outputs <paramref name="a"/>.</summary>
    public static void LeakyReLUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, a.Length, nameof(delta));
        ApplyInPlace<T, LeakyReLUDerivativeOperator<T>>(a, delta);
    }

    /// <summary><c>delta = z &gt; 0 ? delta : 0.01 delta</c>, from the pre-activation z.</summary>
    public static void LeakyReLUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(delta.Length, z.Length, nameof(delta));
        ApplyInPlace<T, FromInputOperator<T, LeakyReLUOperator<T>, LeakyReLUDerivativeOperator<T>>>(z, delta);
    }
}
