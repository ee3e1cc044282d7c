using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

// The smooth ReLU-like activations (GELU, SiLU, ELU, Softplus): PyTorch's definitions and defaults, computed in
// double precision (a single-precision network computes them in double and rounds once, at least as accurate as
// computing in float). Each function is written once over the width of double lanes (SmoothMath), so a layer of them
// runs in vectors through the same drivers as every other activation (Apply, ApplyInPlace), and the scalar entry points
// that unrolled code calls per unit are the same steps on one value. Until 4 December they were scalar, value by value
// (GELU's erfc a series of up to 60 terms or a continued fraction): a GELU layer took 69 ns a value and 128 floats
// 8.8 us, where a tanh layer takes 0.8 ns a value.
public static partial class Kernels
{
    /// <summary>GELU, PyTorch's exact form (<c>approximate='none'</c>): <c>z * Phi(z) = 0.5 z (1 + erf(z / sqrt 2))</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double GELU(double z) => SmoothMath.Gelu<double, ScalarWidth<double>>(z);

    /// <summary>GELU in single precision: computed in double, rounded once.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float GELU(float z) => (float)GELU((double)z);

    /// <summary>d GELU / d z = Phi(z) + z phi(z).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double GELUDerivative(double z) => SmoothMath.GeluSlope<double, ScalarWidth<double>>(z);

    /// <summary>d GELU / d z in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float GELUDerivative(float z) => (float)GELUDerivative((double)z);

    /// <summary>SiLU (swish): <c>z sigmoid(z)</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double SiLU(double z) => SmoothMath.Silu<double, ScalarWidth<double>>(z);

    /// <summary>SiLU in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float SiLU(float z) => (float)SiLU((double)z);

    /// <summary>d SiLU / d z = sigmoid(z) (1 + z (1 - sigmoid(z))).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double SiLUDerivative(double z) => SmoothMath.SiluSlope<double, ScalarWidth<double>>(z);

    /// <summary>d SiLU / d z in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float SiLUDerivative(float z) => (float)SiLUDerivative((double)z);

    /// <summary>ELU with alpha 1 (PyTorch's default): <c>z</c> above 0, <c>e^z - 1</c> below.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double ELU(double z) => SmoothMath.Elu<double, ScalarWidth<double>>(z);

    /// <summary>ELU in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float ELU(float z) => (float)ELU((double)z);

    /// <summary>Softplus with PyTorch's beta 1 and threshold 20: <c>log(1 + e^z)</c>, and <c>z</c> itself above 20.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double Softplus(double z) => SmoothMath.Softplus<double, ScalarWidth<double>>(z);

    /// <summary>Softplus in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float Softplus(float z) => (float)Softplus((double)z);

    /// <summary>d Softplus / d z = sigmoid(z), and 1 above the threshold (as PyTorch's backward).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static double SoftplusDerivative(double z) => SmoothMath.SoftplusSlope<double, ScalarWidth<double>>(z);

    /// <summary>d Softplus / d z in single precision.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static float SoftplusDerivative(float z) => (float)SoftplusDerivative((double)z);

    /// <summary>GELU over a layer: <c>a[i] = GELU(z[i])</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GELU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, GeluFunction>(z, a);

    /// <summary><see cref="GELU{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GELU<T>(ReadOnlySpan<T> z, Span<T> a, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => MapRows<T, GeluFunction>(z, a, rowWidth);

    /// <summary>Multiplies a GELU layer's delta by its derivative, from the kept pre-activation z.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GELUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, GeluSlope>(z, delta);

    /// <summary><see cref="GELUDerivativeFromInput{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void GELUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScaleRows<T, GeluSlope>(z, delta, rowWidth);

    /// <summary>SiLU over a layer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SiLU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, SiluFunction>(z, a);

    /// <summary><see cref="SiLU{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SiLU<T>(ReadOnlySpan<T> z, Span<T> a, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => MapRows<T, SiluFunction>(z, a, rowWidth);

    /// <summary>Multiplies a SiLU layer's delta by its derivative, from the kept pre-activation z.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SiLUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, SiluSlope>(z, delta);

    /// <summary><see cref="SiLUDerivativeFromInput{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SiLUDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScaleRows<T, SiluSlope>(z, delta, rowWidth);

    /// <summary>ELU over a layer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ELU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, EluFunction>(z, a);

    /// <summary><see cref="ELU{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ELU<T>(ReadOnlySpan<T> z, Span<T> a, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => MapRows<T, EluFunction>(z, a, rowWidth);

    /// <summary>Multiplies an ELU layer's delta by its derivative, written through its output: 1 where a &gt; 0, a + 1 elsewhere.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ELUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, EluSlopeFromOutput>(a, delta);

    /// <summary><see cref="ELUDerivative{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ELUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScaleRows<T, EluSlopeFromOutput>(a, delta, rowWidth);

    /// <summary>Softplus over a layer.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Softplus<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Map<T, SoftplusFunction>(z, a);

    /// <summary><see cref="Softplus{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Softplus<T>(ReadOnlySpan<T> z, Span<T> a, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => MapRows<T, SoftplusFunction>(z, a, rowWidth);

    /// <summary>Multiplies a Softplus layer's delta by its derivative, from the kept pre-activation z.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SoftplusDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Scale<T, SoftplusSlope>(z, delta);

    /// <summary><see cref="SoftplusDerivativeFromInput{T}(ReadOnlySpan{T}, Span{T})"/> row by row, each row exactly as a call on it alone (<see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T}, int)"/>).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SoftplusDerivativeFromInput<T>(ReadOnlySpan<T> z, Span<T> delta, int rowWidth) where T : unmanaged, IBinaryFloatingPointIeee754<T> => ScaleRows<T, SoftplusSlope>(z, delta, rowWidth);

    // A narrow unrolled layer's few values at once: the generator packs the 2-7 sums (or kept z) of such a layer into the
    // smallest vector that holds them, padded with zeros, and takes one call here instead of a scalar call per unit (GELU's
    // is 12.5 ns, SiLU's 5). Each lane is what the layer kernel computes for it (the same SmoothMath steps in double lanes,
    // floats widened and rounded once); where a width is not accelerated, or on the exact path, a vector splits into
    // halves down to the scalar entry points, as Sigmoid's packs do. Never inlined (in a training kernel that packs a
    // layer forward and back, two inlined copies would spend the JIT's inlining budget and leave the smooth math's vector
    // steps as calls) and compiled optimised at the first call, as the layer kernels are.
    /// <summary>GELU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> GELU<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, GeluFunction>(z);

    /// <summary>GELU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> GELU<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, GeluFunction>(z);

    /// <summary>GELU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> GELU<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, GeluFunction>(z);

    /// <summary>d GELU / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> GELUDerivative<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, GeluSlope>(z);

    /// <summary>d GELU / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> GELUDerivative<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, GeluSlope>(z);

    /// <summary>d GELU / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> GELUDerivative<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, GeluSlope>(z);

    /// <summary>SiLU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> SiLU<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SiluFunction>(z);

    /// <summary>SiLU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> SiLU<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SiluFunction>(z);

    /// <summary>SiLU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> SiLU<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SiluFunction>(z);

    /// <summary>d SiLU / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> SiLUDerivative<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SiluSlope>(z);

    /// <summary>d SiLU / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> SiLUDerivative<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SiluSlope>(z);

    /// <summary>d SiLU / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> SiLUDerivative<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SiluSlope>(z);

    /// <summary>ELU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> ELU<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, EluFunction>(z);

    /// <summary>ELU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> ELU<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, EluFunction>(z);

    /// <summary>ELU lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> ELU<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, EluFunction>(z);

    /// <summary>Softplus lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> Softplus<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SoftplusFunction>(z);

    /// <summary>Softplus lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> Softplus<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SoftplusFunction>(z);

    /// <summary>Softplus lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> Softplus<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SoftplusFunction>(z);

    /// <summary>d Softplus / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector128<T> SoftplusDerivative<T>(Vector128<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SoftplusSlope>(z);

    /// <summary>d Softplus / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<T> SoftplusDerivative<T>(Vector256<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SoftplusSlope>(z);

    /// <summary>d Softplus / d z lane by lane.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<T> SoftplusDerivative<T>(Vector512<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Packed<T, SoftplusSlope>(z);

    // A pack of floats is computed in one vector of doubles twice its width where that width is accelerated (four floats
    // in a Vector256<double>, eight in a Vector512<double>): one evaluation's latency instead of two in a row, which is
    // what a narrow layer waits for. The same steps lane by lane as the layer kernel's two halves, so the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Packed<T, TFunction>(Vector128<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleLanesFunction
    {
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated && !UsesSystemExp)
        {
            Vector256<double> wide = TFunction.Invoke<Vector256<double>, Width256<double>>(
                Vector256.Create(Vector128.WidenLower(z.AsSingle()), Vector128.WidenUpper(z.AsSingle())));
            return Vector128.Narrow(wide.GetLower(), wide.GetUpper()).As<float, T>();
        }
        return Vector128.IsHardwareAccelerated && !UsesSystemExp ? InDoubleOperator<T, TFunction>.Invoke(z) : ByLane<T, TFunction>(z);
    }

    private static Vector128<T> ByLane<T, TFunction>(Vector128<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleLanesFunction
    {
        Vector128<T> result = z;
        for (int lane = 0; lane < Vector128<T>.Count; lane++)
            result = result.WithElement(lane, InDoubleOperator<T, TFunction>.Invoke(z.GetElement(lane)));
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Packed<T, TFunction>(Vector256<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleLanesFunction
    {
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated && !UsesSystemExp)
        {
            Vector512<double> wide = TFunction.Invoke<Vector512<double>, Width512<double>>(
                Vector512.Create(Vector256.WidenLower(z.AsSingle()), Vector256.WidenUpper(z.AsSingle())));
            return Vector256.Narrow(wide.GetLower(), wide.GetUpper()).As<float, T>();
        }
        return Vector256.IsHardwareAccelerated && !UsesSystemExp
            ? InDoubleOperator<T, TFunction>.Invoke(z)
            : Vector256.Create(Packed<T, TFunction>(z.GetLower()), Packed<T, TFunction>(z.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Packed<T, TFunction>(Vector512<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleLanesFunction =>
        Vector512.IsHardwareAccelerated && !UsesSystemExp
            ? InDoubleOperator<T, TFunction>.Invoke(z)
            : Vector512.Create(Packed<T, TFunction>(z.GetLower()), Packed<T, TFunction>(z.GetUpper()));

    // Through the same drivers as every other activation (Apply, ApplyInPlace).
    private static void Map<T, TFunction>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleLanesFunction
    {
        CheckLength(a.Length, z.Length, nameof(a));
        Apply<T, InDoubleOperator<T, TFunction>>(z, a);
    }

    private static void Scale<T, TSlope>(ReadOnlySpan<T> x, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSlope : struct, IDoubleLanesFunction
    {
        CheckLength(delta.Length, x.Length, nameof(delta));
        ApplyInPlace<T, TimesInDoubleOperator<T, TSlope>>(x, delta);
    }

    private static void MapRows<T, TFunction>(ReadOnlySpan<T> z, Span<T> a, int rowWidth,
        [CallerArgumentExpression(nameof(z))] string zName = "", [CallerArgumentExpression(nameof(a))] string aName = "")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TFunction : struct, IDoubleLanesFunction => ApplyRows<T, InDoubleOperator<T, TFunction>>(z, a, rowWidth, zName, aName);

    private static void ScaleRows<T, TSlope>(ReadOnlySpan<T> x, Span<T> delta, int rowWidth,
        [CallerArgumentExpression(nameof(x))] string xName = "", [CallerArgumentExpression(nameof(delta))] string deltaName = "")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSlope : struct, IDoubleLanesFunction => ApplyInPlaceRows<T, TimesInDoubleOperator<T, TSlope>>(x, delta, rowWidth, xName, deltaName);

    private readonly struct GeluFunction : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.Gelu<TV, TW>(x);
    }

    private readonly struct GeluSlope : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.GeluSlope<TV, TW>(x);
    }

    private readonly struct SiluFunction : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.Silu<TV, TW>(x);
    }

    private readonly struct SiluSlope : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.SiluSlope<TV, TW>(x);
    }

    private readonly struct EluFunction : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.Elu<TV, TW>(x);
    }

    private readonly struct EluSlopeFromOutput : IDoubleLanesFunction
    {
        // 1 where a > 0, a + 1 elsewhere (a NaN output gives NaN)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV output) where TV : struct where TW : struct, IVectorWidth<double, TV> =>
            TW.Select(TW.GreaterThan(output, TW.Zero), TW.Create(1.0), TW.Add(output, TW.Create(1.0)));
    }

    private readonly struct SoftplusFunction : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.Softplus<TV, TW>(x);
    }

    private readonly struct SoftplusSlope : IDoubleLanesFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV> => SmoothMath.SoftplusSlope<TV, TW>(x);
    }
}

/// <summary>
/// The smooth activations' math on lanes of doubles, written once over the width: <see cref="ScalarWidth{T}"/> for one
/// value (the scalar entry points), <see cref="Width128{T}"/> to <see cref="Width512{T}"/> for layers. The vector forms
/// multiply-add fused and take <see cref="VectorExp"/>; the scalar form multiplies and adds separately and takes
/// <see cref="Kernels.Exp(double)"/>; so a value's last bits can depend on which form computed it (as the sigmoid's do).
/// Accuracy against the definitions at 50 digits (SmoothActivationTests; largest relative errors measured): GELU and its
/// derivative 1.3e-15 for |z| &lt;= 3, then growing with z^2 (the exp of -z^2 / 2 takes z^2 rounded: 1.4e-14 at z = -12, on
/// a value of 2e-32); SiLU, ELU, Softplus and their derivatives 3.3e-16. Where a derivative crosses zero (GELU' near
/// z = -0.75, SiLU' near -1.28) the error is that of its terms, not of their small sum.
/// </summary>
internal static class SmoothMath
{
    private const double InverseSqrt2 = 0.70710678118654752440, InverseSqrt2Pi = 0.39894228040143267794;
    private const double Ln2 = 0.69314718055994530942;
    // The exp's argument reduction (VectorExp's constants): n = round(x log2 e) by adding Shift, r = x - n ln2 in two parts.
    private const double Log2E = VectorExp.Log2E, Shift = VectorExp.Shift, Ln2Hi = VectorExp.Ln2Hi, Ln2Lo = VectorExp.Ln2Lo;

    /// <summary>GELU(z) = z Phi(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Gelu<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV lower = LowerTail<TV, TW>(z, out _);
        return TW.Multiply(z, NormalCdf<TV, TW>(z, lower));
    }

    /// <summary>d GELU / d z = Phi(z) + z phi(z), with phi(z) = e^(-z^2 / 2) / sqrt(2 pi), whose exp the erfc shares.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV GeluSlope<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV lower = LowerTail<TV, TW>(z, out TV gaussian);
        return TW.MultiplyAdd(TW.Multiply(z, gaussian), TW.Create(InverseSqrt2Pi), NormalCdf<TV, TW>(z, lower));
    }

    /// <summary>Phi(z) from Phi(-|z|): that tail below 0, one minus it above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV NormalCdf<TV, TW>(TV z, TV lower) where TV : struct where TW : struct, IVectorWidth<double, TV> =>
        TW.Select(TW.LessThan(z, TW.Zero), lower, TW.Subtract(TW.Create(1.0), lower));

    /// <summary>
    /// Phi(-|z|) = erfc(t) / 2 with t = |z| / sqrt 2, and <paramref name="gaussian"/> = e^(-t^2) = e^(-z^2 / 2). erfc(t) =
    /// e^(-t^2) G(t), where G(t) = erfc(t) e^(t^2) falls smoothly from 1 at t = 0 to 0.056 at t = 10: a polynomial of
    /// degree 21 in y = 1 / (1 + t / 4), mapped from [y(10), 1] onto [-1, 1] (<see cref="ErfcSeries"/>; y held at y(10)
    /// beyond t = 10, where erfc is below 2e-44 and the tail loses its relative accuracy, not its absolute one). Through
    /// erfc, not 1 - erf, so that Phi keeps its relative precision far into the left tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LowerTail<TV, TW>(TV z, out TV gaussian) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV t = TW.Multiply(TW.Abs(z), TW.Create(InverseSqrt2));
        gaussian = TW.Exp(TW.Multiply(TW.Subtract(TW.Zero, t), t));
        TV y = TW.MaxNative(TW.Divide(TW.Create(1.0), TW.MultiplyAdd(t, TW.Create(0.25), TW.Create(1.0))), TW.Create(ErfcSeries.LowestY));
        TV s = TW.MultiplyAdd(y, TW.Create(ErfcSeries.Scale), TW.Create(ErfcSeries.Offset));
        TV series = ErfcSeries.Evaluate<TV, TW>(s);
        return TW.Multiply(TW.Multiply(gaussian, series), TW.Create(0.5));
    }

    /// <summary>SiLU(z) = z sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Silu<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV> =>
        TW.Multiply(z, Sigmoid<TV, TW>(z, out _));

    /// <summary>d SiLU / d z = sigmoid(z) (1 + z (1 - sigmoid(z))).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV SiluSlope<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV sigmoid = Sigmoid<TV, TW>(z, out TV complement);
        return TW.Multiply(sigmoid, TW.MultiplyAdd(z, complement, TW.Create(1.0)));
    }

    /// <summary>
    /// sigmoid(z) and <paramref name="complement"/> = 1 - sigmoid(z), each from e = e^(-|z|) without a cancellation:
    /// 1 / (1 + e) and e / (1 + e), swapped below 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Sigmoid<TV, TW>(TV z, out TV complement) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV e = TW.Exp(TW.Subtract(TW.Zero, TW.Abs(z)));
        TV inverse = TW.Divide(TW.Create(1.0), TW.Add(TW.Create(1.0), e));
        TV small = TW.Multiply(e, inverse), large = inverse;
        TV negative = TW.LessThan(z, TW.Zero);
        complement = TW.Select(negative, large, small);
        return TW.Select(negative, small, large);
    }

    /// <summary>ELU(z) = z above 0, e^z - 1 at and below (and NaN for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Elu<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV> =>
        TW.Select(TW.LessThanOrEqual(z, TW.Zero), ExpM1OfNonPositive<TV, TW>(z), z);

    /// <summary>
    /// e^x - 1 for x &lt;= 0 (other lanes give a value that is not used): x is held in [-60, 0] (e^-60 - 1 rounds to -1),
    /// x = n ln2 + r with n = round(x / ln2), |r| &lt;= ln2 / 2 (r in two parts, as <see cref="VectorExp"/>), and
    /// e^x - 1 = 2^n (e^r - 1) + (2^n - 1), with e^r - 1 = r + r^2 q(r), q the Taylor series from 1/2! to r^11/13!
    /// (truncation below 5e-18 relative): no cancellation between e^x and 1 when x is near 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpM1OfNonPositive<TV, TW>(TV x) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        x = TW.Clamp(x, TW.Create(-60.0), TW.Zero);
        TV shifted = TW.MultiplyAdd(x, TW.Create(Log2E), TW.Create(Shift));
        TV n = TW.Subtract(shifted, TW.Create(Shift));
        TV r = TW.MultiplyAdd(n, TW.Create(-Ln2Hi), x);
        r = TW.MultiplyAdd(n, TW.Create(-Ln2Lo), r);
        TV fraction = TW.MultiplyAdd(TW.Multiply(r, r), Horner<TV, TW>(ExpM1Series.Coefficients, r), r);
        TV scale = TW.ScaleByPowerOfTwo(TW.Create(1.0), shifted);
        return TW.MultiplyAdd(scale, fraction, TW.Subtract(scale, TW.Create(1.0)));
    }

    /// <summary>Softplus(z) = z above 20, otherwise log(1 + e^z), computed as max(z, 0) + log(1 + e^(-|z|)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Softplus<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV softplus = TW.Add(TW.MaxNative(z, TW.Zero), LogOnePlus<TV, TW>(TW.Exp(TW.Subtract(TW.Zero, TW.Abs(z)))));
        return TW.Select(TW.GreaterThan(z, TW.Create(20.0)), z, softplus);
    }

    /// <summary>d Softplus / d z = sigmoid(z), and 1 above 20.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV SoftplusSlope<TV, TW>(TV z) where TV : struct where TW : struct, IVectorWidth<double, TV> =>
        TW.Select(TW.GreaterThan(z, TW.Create(20.0)), TW.Create(1.0), Sigmoid<TV, TW>(z, out _));

    /// <summary>
    /// log(1 + v) for v in [0, 1]: 2 atanh(s) with s = v / (2 + v), or, for v above sqrt 2 - 1, ln 2 + 2 atanh(s) with
    /// s = (v - 1) / (v + 3) (log((1 + v) / 2)); either way |s| &lt;= 0.172 and atanh(s) / s = 1 + s^2 / 3 + ... + s^22 / 23
    /// (truncation below 1e-18). 1 + v is never formed, so a small v keeps its bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LogOnePlus<TV, TW>(TV v) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        TV large = TW.GreaterThan(v, TW.Create(0.41421356237309503));
        TV s = TW.Divide(TW.Select(large, TW.Subtract(v, TW.Create(1.0)), v), TW.Add(v, TW.Select(large, TW.Create(3.0), TW.Create(2.0))));
        TV p = Horner<TV, TW>(AtanhSeries.Coefficients, TW.Multiply(s, s));
        return TW.MultiplyAdd(TW.Add(s, s), p, TW.And(TW.Create(Ln2), large));
    }

    /// <summary><c>c_0 + c_1 x + ... + c_n x^n</c> by Horner's rule, the highest coefficient first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Horner<TV, TW>(double[] coefficients, TV x) where TV : struct where TW : struct, IVectorWidth<double, TV>
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(coefficients);
        TV sum = TW.Create(Unsafe.Add(ref c, coefficients.Length - 1));
        for (nint k = coefficients.Length - 2; k >= 0; k--)
            sum = TW.MultiplyAdd(sum, x, TW.Create(Unsafe.Add(ref c, k)));
        return sum;
    }

    // The coefficient tables, each in a class whose only initialiser is the literal, which Native AOT builds into the
    // image (as Kernels.ExpTable): no initialisation check at run time.

    /// <summary>
    /// G(t) = erfc(t) e^(t^2) as a polynomial of degree 21 in s = Scale y + Offset, y = 1 / (1 + t / 4) held at
    /// <see cref="LowestY"/> = y(10): the first 22 terms of the Chebyshev interpolant at 48 nodes, computed at 50 digits
    /// by runtime/Kernels/erfc_fit.py (mpmath; the first term dropped is 7.6e-20), written in powers of s. The script also
    /// reports the largest relative error of this evaluation in double on [0, 10]: 1.75e-15 (1.3e-15 for t up to 3).
    /// </summary>
    private static class ErfcSeries
    {
        public const double LowestY = 0.2857142857142857, Scale = 2.8, Offset = -1.8;

        private const double A0 = 0.23357014079712216, A1 = 0.3121123788105948, A2 = 0.22005571188474046, A3 = 0.13060056423982497,
            A4 = 0.06507864834470875, A5 = 0.02690895926287893, A6 = 0.008994290826195697, A7 = 0.0022964618230804823,
            A8 = 0.0003839677032051773, A9 = 1.3910659196932944e-05, A10 = -1.2387361270462002e-05, A11 = -2.9218974593974864e-06,
            A12 = 1.1467581961374679e-07, A13 = 1.5803707957840576e-07, A14 = 1.0468184422044402e-08, A15 = -7.693221832994049e-09,
            A16 = -1.031403828409002e-09, A17 = 4.0915273212225877e-10, A18 = 6.770694925757809e-11, A19 = -2.4238659663953237e-11,
            A20 = -3.097651003043692e-12, A21 = 1.2002104191451728e-12;

        /// <summary>
        /// sum A_k s^k by Estrin's scheme: pairs A_2i + A_2i+1 s, then pairs of those times s^2, s^4, s^8, s^16: five
        /// multiply-adds deep instead of Horner's 21 (GELU's scalar form waits on this chain).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Evaluate<TV, TW>(TV s) where TV : struct where TW : struct, IVectorWidth<double, TV>
        {
            TV s2 = TW.Multiply(s, s), s4 = TW.Multiply(s2, s2), s8 = TW.Multiply(s4, s4), s16 = TW.Multiply(s8, s8);
            TV q0 = TW.MultiplyAdd(s, TW.Create(A1), TW.Create(A0)), q1 = TW.MultiplyAdd(s, TW.Create(A3), TW.Create(A2));
            TV q2 = TW.MultiplyAdd(s, TW.Create(A5), TW.Create(A4)), q3 = TW.MultiplyAdd(s, TW.Create(A7), TW.Create(A6));
            TV q4 = TW.MultiplyAdd(s, TW.Create(A9), TW.Create(A8)), q5 = TW.MultiplyAdd(s, TW.Create(A11), TW.Create(A10));
            TV q6 = TW.MultiplyAdd(s, TW.Create(A13), TW.Create(A12)), q7 = TW.MultiplyAdd(s, TW.Create(A15), TW.Create(A14));
            TV q8 = TW.MultiplyAdd(s, TW.Create(A17), TW.Create(A16)), q9 = TW.MultiplyAdd(s, TW.Create(A19), TW.Create(A18));
            TV q10 = TW.MultiplyAdd(s, TW.Create(A21), TW.Create(A20));
            TV r0 = TW.MultiplyAdd(s2, q1, q0), r1 = TW.MultiplyAdd(s2, q3, q2), r2 = TW.MultiplyAdd(s2, q5, q4);
            TV r3 = TW.MultiplyAdd(s2, q7, q6), r4 = TW.MultiplyAdd(s2, q9, q8);
            TV u0 = TW.MultiplyAdd(s4, r1, r0), u1 = TW.MultiplyAdd(s4, r3, r2), u2 = TW.MultiplyAdd(s4, q10, r4);
            return TW.MultiplyAdd(s16, u2, TW.MultiplyAdd(s8, u1, u0));
        }
    }

    /// <summary>1/2!, 1/3!, ..., 1/13!: q(r) of (e^r - 1 - r) / r^2.</summary>
    private static class ExpM1Series
    {
        public static readonly double[] Coefficients =
        {
            1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880,
            1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800,
        };
    }

    /// <summary>1, 1/3, 1/5, ..., 1/23: atanh(s) / s in powers of s^2.</summary>
    private static class AtanhSeries
    {
        public static readonly double[] Coefficients =
        {
            1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23,
        };
    }
}

/// <summary>A function of double lanes, written once over the width (<see cref="SmoothMath"/>).</summary>
internal interface IDoubleLanesFunction
{
    static abstract TV Invoke<TV, TW>(TV x)
        where TV : struct
        where TW : struct, IVectorWidth<double, TV>;
}

/// <summary>
/// <c>f(x)</c> computed in double and rounded once to <typeparamref name="T"/>: doubles lane by lane at their own width;
/// floats widened to two vectors of doubles, each computed, then narrowed (as <see cref="VectorExp"/> does).
/// Not vectorised with <see cref="Kernels.UsesSystemExp"/> (the exact path): every value then takes the scalar form,
/// whose exp is <see cref="Math.Exp"/> there.
/// </summary>
internal readonly struct InDoubleOperator<T, TFunction> : IUnaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFunction : struct, IDoubleLanesFunction
{
    public static bool Vectorizable => !Kernels.UsesSystemExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x) => T.CreateTruncating(TFunction.Invoke<double, ScalarWidth<double>>(double.CreateTruncating(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x) =>
        typeof(T) == typeof(double)
            ? TFunction.Invoke<Vector128<double>, Width128<double>>(x.AsDouble()).As<double, T>()
            : Vector128.Narrow(TFunction.Invoke<Vector128<double>, Width128<double>>(Vector128.WidenLower(x.AsSingle())),
                TFunction.Invoke<Vector128<double>, Width128<double>>(Vector128.WidenUpper(x.AsSingle()))).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x) =>
        typeof(T) == typeof(double)
            ? TFunction.Invoke<Vector256<double>, Width256<double>>(x.AsDouble()).As<double, T>()
            : Vector256.Narrow(TFunction.Invoke<Vector256<double>, Width256<double>>(Vector256.WidenLower(x.AsSingle())),
                TFunction.Invoke<Vector256<double>, Width256<double>>(Vector256.WidenUpper(x.AsSingle()))).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x) =>
        typeof(T) == typeof(double)
            ? TFunction.Invoke<Vector512<double>, Width512<double>>(x.AsDouble()).As<double, T>()
            : Vector512.Narrow(TFunction.Invoke<Vector512<double>, Width512<double>>(Vector512.WidenLower(x.AsSingle())),
                TFunction.Invoke<Vector512<double>, Width512<double>>(Vector512.WidenUpper(x.AsSingle()))).As<float, T>();
}

/// <summary><c>delta * f(x)</c> with <c>f(x)</c> computed in double and rounded once, as <see cref="InDoubleOperator{T, TFunction}"/>.</summary>
internal readonly struct TimesInDoubleOperator<T, TFunction> : IBinaryOperator<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TFunction : struct, IDoubleLanesFunction
{
    public static bool Vectorizable => !Kernels.UsesSystemExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x, T delta) => delta * InDoubleOperator<T, TFunction>.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> delta) => delta * InDoubleOperator<T, TFunction>.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> delta) => delta * InDoubleOperator<T, TFunction>.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> delta) => delta * InDoubleOperator<T, TFunction>.Invoke(x);
}
