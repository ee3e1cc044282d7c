// TEMPORARY: forwards the names the redesigned generator calls to the current Simd class until the
#pragma warning disable CS1591 // temporary shim, replaced by the documented kernels
// kernel rewrite (runtime/Kernels/) lands; deleted in that merge.
using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

public static partial class Kernels
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.MatrixVector(weights, x, bias, z);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void MatrixMatrix<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> inputs, int columns, Span<T> outputs, int outputStride) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.MatrixMatrix(weights, bias, inputs, columns, outputs, outputStride);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void TransposedMatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> d, Span<T> result) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.TransposedMatrixVector(weights, d, result);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddScaledOuterProduct<T>(Span<T> weights, ReadOnlySpan<T> d, ReadOnlySpan<T> x, T scale) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.AddScaledOuterProduct(weights, d, x, scale);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void AddScaled<T>(T a, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.AddScaled(a, x, y);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Identity<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => z.CopyTo(a);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.Sigmoid(z, a);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.Tanh(z, a);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.Softmax(z, a);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReLU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T> => TensorPrimitives.Max(z, T.Zero, a);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LeakyReLU<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < z.Length; i++)
            a[i] = z[i] > T.Zero ? z[i] : T.CreateTruncating(0.01) * z[i];
    }

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void SigmoidDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++)
            delta[i] = delta[i] * a[i] * (T.One - a[i]);
    }

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void TanhDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++)
            delta[i] = delta[i] * (T.One - a[i] * a[i]);
    }

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void ReLUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Simd.ReLUBackward(a, delta);

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void LeakyReLUDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++)
            delta[i] = a[i] > T.Zero ? delta[i] : T.CreateTruncating(0.01) * delta[i];
    }

    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void IdentityDerivative<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
    }
}
