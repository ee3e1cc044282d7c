using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// One forward operator and one derivative operator per activation kind. The derivative operators take
// (a, delta) and return delta * f'(z), f' written through the output a = f(z), which is all the
// backward pass keeps; each computes exactly what the generator's unrolled statements do, in the same
// order, so unrolled and looped layers agree bit for bit. Vector and scalar forms agree bit for bit
// too, except the sigmoid's, whose vector exp is the runtime's (within 2 ulp of Math.Exp).

/// <summary><c>f(z) = z</c>.</summary>
internal readonly struct IdentityOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static bool Cheap => true;

    public static T Invoke(T x) => x;

    public static Vector128<T> Invoke(Vector128<T> x) => x;

    public static Vector256<T> Invoke(Vector256<T> x) => x;

    public static Vector512<T> Invoke(Vector512<T> x) => x;
}

/// <summary><c>delta * 1</c>: the delta unchanged.</summary>
internal readonly struct IdentityDerivativeOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static bool Cheap => true;

    public static T Invoke(T a, T delta) => delta;

    public static Vector128<T> Invoke(Vector128<T> a, Vector128<T> delta) => delta;

    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> delta) => delta;

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> delta) => delta;
}

/// <summary>
/// <c>1 / (1 + e^-z)</c>: scalar with <see cref="Math.Exp"/> / <see cref="MathF.Exp"/>, vectors with
/// <see cref="VectorExp"/>. Not vectorised with <see cref="Kernels.UsesSystemExp"/>, so every value
/// then takes the exact scalar form.
/// </summary>
internal readonly struct SigmoidOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => !Kernels.UsesSystemExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) => T.One / (T.One + T.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x) => Vector128<T>.One / (Vector128<T>.One + VectorExp.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256<T>.One / (Vector256<T>.One + VectorExp.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512<T>.One / (Vector512<T>.One + VectorExp.Exp(-x));
}

/// <summary><c>e^x</c>, for the softmax: scalar with <see cref="Math.Exp"/> / <see cref="MathF.Exp"/>, vectors with <see cref="VectorExp"/>.</summary>
internal readonly struct ExpOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => !Kernels.UsesSystemExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) => T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x) => VectorExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x) => VectorExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x) => VectorExp.Exp(x);
}

/// <summary><c>delta * a * (1 - a)</c>.</summary>
internal readonly struct SigmoidDerivativeOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static T Invoke(T a, T delta) => delta * a * (T.One - a);

    public static Vector128<T> Invoke(Vector128<T> a, Vector128<T> delta) => delta * a * (Vector128<T>.One - a);

    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> delta) => delta * a * (Vector256<T>.One - a);

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> delta) => delta * a * (Vector512<T>.One - a);
}

/// <summary>
/// <c>tanh z</c>: scalar with <see cref="Math.Tanh"/> / <see cref="MathF.Tanh"/>, vectors with
/// System.Numerics.Tensors' formula written step for step as TensorPrimitives.Tanh has it,
/// <c>sign(z) * -m / (m + 2)</c> with <c>m = e^(-2|z|) - 1</c>, over <see cref="VectorExp"/>: in
/// double the same exp, so a layer gets the bits that call gave (tested); in single precision NetGen's
/// own exp, equal to the runtime's for all but a few arguments. Within 2 ulp of 1 of the scalar form
/// in absolute terms (tested), not in relative terms near 0, where <c>m</c> cancels (and tanh(+0) is
/// -0, as in the library). Not vectorised with <see cref="Kernels.UsesSystemExp"/>, so every value
/// then takes the exact scalar form.
/// </summary>
/// <remarks>
/// Our own driver rather than TensorPrimitives.Tanh: that computes a row of exactly one vector twice
/// (as its first and as its last vector), and neither its operator nor the runtime's exp is inlined
/// under Native AOT, so each of W5's 16-wide tanh layers was four calls passing 512-bit vectors
/// through memory (W5 infer 1.8x the JIT with <c>IlcInstructionSet=native</c>).
/// </remarks>
internal readonly struct TanhOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => !Kernels.UsesSystemExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) => T.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x)
    {
        Vector128<T> m = VectorExp.Exp(Vector128.Create(T.CreateTruncating(-2)) * Vector128.Abs(x)) - Vector128<T>.One;
        return (-m / (m + Vector128.Create(T.CreateTruncating(2)))) ^ (x & Vector128.Create(T.NegativeZero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x)
    {
        Vector256<T> m = VectorExp.Exp(Vector256.Create(T.CreateTruncating(-2)) * Vector256.Abs(x)) - Vector256<T>.One;
        return (-m / (m + Vector256.Create(T.CreateTruncating(2)))) ^ (x & Vector256.Create(T.NegativeZero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x)
    {
        Vector512<T> m = VectorExp.Exp(Vector512.Create(T.CreateTruncating(-2)) * Vector512.Abs(x)) - Vector512<T>.One;
        return (-m / (m + Vector512.Create(T.CreateTruncating(2)))) ^ (x & Vector512.Create(T.NegativeZero));
    }
}

/// <summary><c>delta * (1 - a^2)</c>.</summary>
internal readonly struct TanhDerivativeOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static T Invoke(T a, T delta) => delta * (T.One - a * a);

    public static Vector128<T> Invoke(Vector128<T> a, Vector128<T> delta) => delta * (Vector128<T>.One - a * a);

    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> delta) => delta * (Vector256<T>.One - a * a);

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> delta) => delta * (Vector512<T>.One - a * a);
}

/// <summary>
/// IEEE 754 <c>maximum(z, +0)</c>: NaN stays NaN and -0 becomes +0, in every form (see the NaN
/// policy on <see cref="Kernels"/>). Written as "z &lt;= 0 gives +0, anything else z" (NaN compares
/// false, so it passes through): one compare and one select, where <c>T.Max</c> and <c>Vector.Max</c>
/// spend several instructions on NaN and signed-zero cases this form already gets right.
/// </summary>
internal readonly struct ReLUOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static bool Cheap => true;

    // A branch, where the vector forms use a mask: the unrolled layers call this per unit, and there the branch measured
    // as fast or faster than a mask on one lane (benchmarks/sweep/RESULTS.md, "A branch-free scalar ReLU, tried and
    // reverted": most units are on for every sample or off for every sample, so the branch predicts well).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) => x <= T.Zero ? T.Zero : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x) => Vector128.AndNot(x, Vector128.LessThanOrEqual(x, Vector128<T>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256.AndNot(x, Vector256.LessThanOrEqual(x, Vector256<T>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // A select, not AndNot: with AVX-512 the compare gives a mask register, which a select uses as it is (vblendm),
    // where AndNot first turned it into a vector (vpmovm2q). The same lanes, one instruction fewer.
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<T>.Zero), Vector512<T>.Zero, x);
}

/// <summary><c>a &gt; 0 ? delta : 0</c>, as a vector compare and mask (a branch per unit would mispredict as units switch on and off).</summary>
internal readonly struct ReLUDerivativeOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static bool Cheap => true;

    public static T Invoke(T a, T delta) => a > T.Zero ? delta : T.Zero;

    public static Vector128<T> Invoke(Vector128<T> a, Vector128<T> delta) => delta & Vector128.GreaterThan(a, Vector128<T>.Zero);

    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> delta) => delta & Vector256.GreaterThan(a, Vector256<T>.Zero);

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> delta) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<T>.Zero), delta, Vector512<T>.Zero);
}

/// <summary><c>z &gt; 0 ? z : 0.01 z</c> (NaN stays NaN: it takes the second branch).</summary>
internal readonly struct LeakyReLUOperator<T> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The slope for negative z.</summary>
    public static T Slope
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => T.CreateTruncating(0.01);
    }

    public static bool Vectorizable => true;

    public static bool Cheap => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) => x > T.Zero ? x : Slope * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), x, Vector128.Create(Slope) * x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, Vector256.Create(Slope) * x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, Vector512.Create(Slope) * x);
}

/// <summary><c>a &gt; 0 ? delta : 0.01 delta</c>.</summary>
internal readonly struct LeakyReLUDerivativeOperator<T> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static bool Vectorizable => true;

    public static bool Cheap => true;

    public static T Invoke(T a, T delta) => a > T.Zero ? delta : LeakyReLUOperator<T>.Slope * delta;

    public static Vector128<T> Invoke(Vector128<T> a, Vector128<T> delta) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128<T>.Zero), delta, Vector128.Create(LeakyReLUOperator<T>.Slope) * delta);

    public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> delta) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<T>.Zero), delta, Vector256.Create(LeakyReLUOperator<T>.Slope) * delta);

    public static Vector512<T> Invoke(Vector512<T> a, Vector512<T> delta) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<T>.Zero), delta, Vector512.Create(LeakyReLUOperator<T>.Slope) * delta);
}

/// <summary>
/// <c>delta * f'(z)</c> from the pre-activation z: the derivative operator applied to the forward
/// operator's output, for callers that keep z instead of a. An activation whose derivative cannot be
/// written through its output (GELU, SiLU) gets its own operator of this shape instead.
/// </summary>
internal readonly struct FromInputOperator<T, TForward, TDerivative> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TForward : struct, IUnaryOperator<T>
    where TDerivative : struct, IBinaryOperator<T>
{
    public static bool Vectorizable => TForward.Vectorizable && TDerivative.Vectorizable;

    public static T Invoke(T z, T delta) => TDerivative.Invoke(TForward.Invoke(z), delta);

    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> delta) => TDerivative.Invoke(TForward.Invoke(z), delta);

    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> delta) => TDerivative.Invoke(TForward.Invoke(z), delta);

    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> delta) => TDerivative.Invoke(TForward.Invoke(z), delta);
}
