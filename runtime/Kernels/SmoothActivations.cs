using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace NetGen;

// The smooth ReLU-like activations (GELU, SiLU, ELU, Softplus): PyTorch's definitions and defaults,
// in double precision. Single-precision networks compute them in double and round once, which is at
// least as accurate as computing in float. Layers of them go through the same drivers as every other
// activation, value by value: correct first; vector forms are future work.
public static partial class Kernels
{
    private const double InverseSqrt2 = 0.70710678118654752440;
    private const double InverseSqrt2Pi = 0.39894228040143267794;
    private const double InverseSqrtPi = 0.56418958354775628695;

    /// <summary>GELU, PyTorch's exact form (<c>approximate='none'</c>): <c>z * Phi(z) = 0.5 z (1 + erf(z / sqrt 2))</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double GELU(double z) => z * NormalCdf(z);

    /// <summary>GELU in single precision: computed in double, rounded once.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float GELU(float z) => (float)GELU((double)z);

    /// <summary>d GELU / d z = Phi(z) + z phi(z).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double GELUDerivative(double z) => NormalCdf(z) + z * InverseSqrt2Pi * Math.Exp(-0.5 * z * z);

    /// <summary>d GELU / d z in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float GELUDerivative(float z) => (float)GELUDerivative((double)z);

    /// <summary>SiLU (swish): <c>z sigmoid(z)</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double SiLU(double z) => z * LogisticOf(z);

    /// <summary>SiLU in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float SiLU(float z) => (float)SiLU((double)z);

    /// <summary>d SiLU / d z = sigmoid(z) (1 + z (1 - sigmoid(z))).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double SiLUDerivative(double z)
    {
        double s = LogisticOf(z);
        return s * (1 + z * (1 - s));
    }

    /// <summary>d SiLU / d z in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float SiLUDerivative(float z) => (float)SiLUDerivative((double)z);

    /// <summary>ELU with alpha 1 (PyTorch's default): <c>z</c> above 0, <c>e^z - 1</c> below.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double ELU(double z) => z > 0 ? z : double.IsNaN(z) ? z : double.ExpM1(z);

    /// <summary>ELU in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float ELU(float z) => (float)ELU((double)z);

    /// <summary>Softplus with PyTorch's beta 1 and threshold 20: <c>log(1 + e^z)</c>, and <c>z</c> itself above 20.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double Softplus(double z) => z > 20 ? z : double.LogP1(Math.Exp(z));

    /// <summary>Softplus in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float Softplus(float z) => (float)Softplus((double)z);

    /// <summary>d Softplus / d z = sigmoid(z), and 1 above the threshold (as PyTorch's backward).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double SoftplusDerivative(double z) => z > 20 ? 1 : LogisticOf(z);

    /// <summary>d Softplus / d z in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float SoftplusDerivative(float z) => (float)SoftplusDerivative((double)z);

    /// <summary>GELU over a layer: <c>a[i] = GELU(z[i])</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GELU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, GeluFunction>(z, a);

    /// <summary>Multiplies a GELU layer's delta by its derivative, from the kept pre-activation z.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GELUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, GeluSlope>(z, delta);

    /// <summary>SiLU over a layer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SiLU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, SiluFunction>(z, a);

    /// <summary>Multiplies a SiLU layer's delta by its derivative, from the kept pre-activation z.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SiLUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, SiluSlope>(z, delta);

    /// <summary>ELU over a layer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ELU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, EluFunction>(z, a);

    /// <summary>Multiplies an ELU layer's delta by its derivative, written through its output: 1 where a &gt; 0, a + 1 elsewhere.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ELUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, EluSlopeFromOutput>(a, delta);

    /// <summary>Softplus over a layer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Softplus<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, SoftplusFunction>(z, a);

    /// <summary>Multiplies a Softplus layer's delta by its derivative, from the kept pre-activation z.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SoftplusDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, SoftplusSlope>(z, delta);

    // Through the same drivers as every other activation (Apply, ApplyInPlace), value by value.
    private static void Map<T, TFunction>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleFunction
    {
        CheckLength(a.Length, z.Length, nameof(a));
        Apply<T, InDoubleOperator<T, TFunction>>(z, a);
    }

    private static void Scale<T, TSlope>(ReadOnlySpan<T> x, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSlope : struct, IDoubleFunction
    {
        CheckLength(delta.Length, x.Length, nameof(delta));
        ApplyInPlace<T, TimesInDoubleOperator<T, TSlope>>(x, delta);
    }

    private readonly struct GeluFunction : IDoubleFunction
    {
        public static double Invoke(double x) => GELU(x);
    }

    private readonly struct GeluSlope : IDoubleFunction
    {
        public static double Invoke(double x) => GELUDerivative(x);
    }

    private readonly struct SiluFunction : IDoubleFunction
    {
        public static double Invoke(double x) => SiLU(x);
    }

    private readonly struct SiluSlope : IDoubleFunction
    {
        public static double Invoke(double x) => SiLUDerivative(x);
    }

    private readonly struct EluFunction : IDoubleFunction
    {
        public static double Invoke(double x) => ELU(x);
    }

    private readonly struct EluSlopeFromOutput : IDoubleFunction
    {
        public static double Invoke(double output) => output > 0 ? 1 : output + 1;
    }

    private readonly struct SoftplusFunction : IDoubleFunction
    {
        public static double Invoke(double x) => Softplus(x);
    }

    private readonly struct SoftplusSlope : IDoubleFunction
    {
        public static double Invoke(double x) => SoftplusDerivative(x);
    }

    /// <summary>1 / (1 + e^-z), written so that neither branch overflows.</summary>
    private static double LogisticOf(double z)
    {
        if (z >= 0)
            return 1 / (1 + Math.Exp(-z));
        double e = Math.Exp(z);
        return e / (1 + e);
    }

    /// <summary>
    /// Phi(z), the standard normal distribution function, as 0.5 erfc(-z / sqrt 2): through erfc, so
    /// that the small values far in the left tail keep their relative precision.
    /// </summary>
    internal static double NormalCdf(double z) => 0.5 * Erfc(-z * InverseSqrt2);

    /// <summary>
    /// The complementary error function, to about 1e-15 relative: below |x| = 3 from the series
    /// erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1)), whose terms are all
    /// positive (no cancellation); above, from erfc's continued fraction (modified Lentz), which
    /// converges fast there. erfc(-x) = 2 - erfc(x).
    /// </summary>
    internal static double Erfc(double x)
    {
        if (double.IsNaN(x))
            return x;
        if (x < 0)
            return 2 - Erfc(-x);
        if (x < 3)
            return 1 - ErfSeries(x);
        if (x > 27)
            return 0; // below the smallest double
        return ErfcContinuedFraction(x);
    }

    private static double ErfSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17)
                break;
        }
        return 2 * InverseSqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).</summary>
    private static double ErfcContinuedFraction(double x)
    {
        const double Tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double a = 0.5 * n;
            d = x + a * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
                break;
        }
        return InverseSqrtPi * Math.Exp(-x * x) / f;
    }
}

/// <summary>A function of one double: the scalar math of an activation that has no vector form yet.</summary>
internal interface IDoubleFunction
{
    static abstract double Invoke(double x);
}

/// <summary><c>f(x)</c> computed in double and rounded once to <typeparamref name="T"/>, lane by lane in the vector forms (not vectorised).</summary>
internal readonly struct InDoubleOperator<T, TFunction> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFunction : struct, IDoubleFunction
{
    public static bool Vectorizable => false;

    public static T Invoke(T x) => T.CreateTruncating(TFunction.Invoke(double.CreateTruncating(x)));

    public static Vector128<T> Invoke(Vector128<T> x)
    {
        for (int i = 0; i < Vector128<T>.Count; i++)
            x = x.WithElement(i, Invoke(x.GetElement(i)));
        return x;
    }

    public static Vector256<T> Invoke(Vector256<T> x) => Vector256.Create(Invoke(x.GetLower()), Invoke(x.GetUpper()));

    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.Create(Invoke(x.GetLower()), Invoke(x.GetUpper()));
}

/// <summary><c>delta * f(x)</c> with <c>f(x)</c> computed in double and rounded once, lane by lane in the vector forms (not vectorised).</summary>
internal readonly struct TimesInDoubleOperator<T, TFunction> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFunction : struct, IDoubleFunction
{
    public static bool Vectorizable => false;

    public static T Invoke(T x, T delta) => delta * T.CreateTruncating(TFunction.Invoke(double.CreateTruncating(x)));

    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> delta)
    {
        for (int i = 0; i < Vector128<T>.Count; i++)
            delta = delta.WithElement(i, Invoke(x.GetElement(i), delta.GetElement(i)));
        return delta;
    }

    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> delta) =>
        Vector256.Create(Invoke(x.GetLower(), delta.GetLower()), Invoke(x.GetUpper(), delta.GetUpper()));

    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> delta) =>
        Vector512.Create(Invoke(x.GetLower(), delta.GetLower()), Invoke(x.GetUpper(), delta.GetUpper()));
}
