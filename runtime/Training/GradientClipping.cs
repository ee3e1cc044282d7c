using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

/// <summary>Gradient clipping, as <see cref="TrainingOptions{T}.MaxGradientNorm"/> applies it before each optimizer step.</summary>
public static class GradientClipping
{
    // PyTorch adds this to the norm so that a zero gradient never divides by zero.
    private const double NormEpsilon = 1e-6;

    /// <summary>
    /// Scales <paramref name="gradients"/> so that their global L2 norm is at most <paramref name="maxNorm"/>, as
    /// PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> does: with <c>n</c> the norm, every gradient is multiplied by
    /// <c>maxNorm / (n + 1e-6)</c> when that is below 1, and left alone otherwise.
    /// </summary>
    /// <param name="gradients">The gradients of all parameters as one block (a network's <see cref="INetwork{T}.Gradients"/>).</param>
    /// <param name="maxNorm">The largest norm allowed, above 0.</param>
    /// <returns>The norm before clipping (PyTorch's return value); NaN or infinity when a gradient is.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not a finite number above 0.</exception>
    public static double ClipByGlobalNorm<T>(Span<T> gradients, double maxNorm)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!(double.IsFinite(maxNorm) && maxNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be a finite number above 0.");
        double norm = double.CreateTruncating(TensorPrimitives.Norm<T>(gradients));
        if (Coefficient(norm, maxNorm) is double coefficient)
            TensorPrimitives.Multiply(gradients, T.CreateTruncating(coefficient), gradients);
        return norm;
    }

    /// <summary>What the gradients of global norm <paramref name="norm"/> are multiplied by; null when they are left alone.</summary>
    internal static double? Coefficient(double norm, double maxNorm)
    {
        double coefficient = maxNorm / (norm + NormEpsilon);
        return coefficient < 1.0 ? coefficient : null;
    }
}
