using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// Scalar activation functions the generated kernels call, one overload per precision. They know no
/// layer size; the JIT inlines them into the unrolled code.
/// </summary>
public static class Kernels
{
    /// <summary><c>1 / (1 + e^-z)</c>; 0 or 1 at the extremes, never NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    /// <summary><c>1 / (1 + e^-z)</c>; 0 or 1 at the extremes, never NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    // Sigmoid of a narrow layer's few sums at once (the generator packs 2-7 of them into the smallest
    // vector that holds them, padding with zeros): one vector exp costs about what one scalar exp
    // does, so W1's hidden layer of 3 takes 6.7 ns instead of 12.3. The vector exp is the runtime's
    // own (System.Runtime.Intrinsics); measured against Math.Exp over 10^6 random arguments in
    // [-30, 30] it differs by at most 2 ulp, and the reference-vector tests bound the result.
    // Where a vector width is not accelerated (no AVX-512, or no AVX), the overload splits into
    // halves down to scalar calls instead of running the vector exp in software.

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sigmoid(Vector128<double> z) =>
        Vector128.IsHardwareAccelerated
            ? Vector128<double>.One / (Vector128<double>.One + Vector128.Exp(-z))
            : Vector128.Create(Sigmoid(z.GetElement(0)), Sigmoid(z.GetElement(1)));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> z) =>
        Vector256.IsHardwareAccelerated
            ? Vector256<double>.One / (Vector256<double>.One + Vector256.Exp(-z))
            : Vector256.Create(Sigmoid(z.GetLower()), Sigmoid(z.GetUpper()));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> z) =>
        Vector512.IsHardwareAccelerated
            ? Vector512<double>.One / (Vector512<double>.One + Vector512.Exp(-z))
            : Vector512.Create(Sigmoid(z.GetLower()), Sigmoid(z.GetUpper()));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z) =>
        Vector128.IsHardwareAccelerated
            ? Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-z))
            : Vector128.Create(Sigmoid(z.GetElement(0)), Sigmoid(z.GetElement(1)), Sigmoid(z.GetElement(2)), Sigmoid(z.GetElement(3)));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z) =>
        Vector256.IsHardwareAccelerated
            ? Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-z))
            : Vector256.Create(Sigmoid(z.GetLower()), Sigmoid(z.GetUpper()));

    // A chunk of an unrolled layer's weight (or weight-gradient) row updated as one vector:
    // row[i] += scale * x[i] lane by lane, with the same rounding as the scalar statement (a product,
    // then a sum; no fused multiply-add). The generator emits these for rows of 2 or more values.

    /// <summary><c>row[i] += scale * x[i]</c> for the 4 or 8 lanes of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is shorter than a vector.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(Span<T> row, T scale, Vector256<T> x)
        where T : unmanaged => (Vector256.Create((ReadOnlySpan<T>)row) + Vector256.Create(scale) * x).CopyTo(row);

    /// <summary><c>row[i] += scale * x[i]</c> for the 2 or 4 lanes of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is shorter than a vector.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(Span<T> row, T scale, Vector128<T> x)
        where T : unmanaged => (Vector128.Create((ReadOnlySpan<T>)row) + Vector128.Create(scale) * x).CopyTo(row);

    // ReLU is the hardware's max instruction (one vmaxsd/vmaxss on x64) rather than a branch that
    // mispredicts as units switch on and off: W3 Predict 10.4 -> 9.9 ns, Train 29.4 -> 28.6 ns. For a
    // NaN sum it gives 0 on x64 (as the branch did) and NaN on Arm64.

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReLU(double z) => double.MaxNative(z, 0.0);

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => float.MaxNative(z, 0f);

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReLU(double z) => z > 0.0 ? z : 0.01 * z;

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z) => z > 0f ? z : 0.01f * z;
}
