using System;
using System.Runtime.CompilerServices;

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

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReLU(double z) => z > 0.0 ? z : 0.0;

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => z > 0f ? z : 0f;

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReLU(double z) => z > 0.0 ? z : 0.01 * z;

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z) => z > 0f ? z : 0.01f * z;
}
