using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

/// <summary>
/// Adam with bias correction, with the semantics and defaults of PyTorch's <c>torch.optim.Adam</c>
/// (learning rate 1e-3, betas 0.9 and 0.999, epsilon 1e-8, weight decay as an L2 term added to the gradient).
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// Step <c>t</c> (counting from 1), with <c>g</c> the gradient and <c>p</c> the parameters:
/// <code>
/// g = g + weightDecay * p
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// p = p - (learningRate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// </code>
/// On the first step this moves every parameter by <c>learningRate * g / (|g| + epsilon)</c>, about
/// <c>learningRate * sign(g)</c>.
/// </remarks>
public sealed class Adam<T> : IRangedOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly AdamMoments<T> _moments;
    private T _learningRate;

    /// <summary>Creates the optimizer; every argument left out takes PyTorch's default.</summary>
    /// <param name="learningRate">Step size, 0 or more; default 1e-3.</param>
    /// <param name="beta1">Decay of the first-moment (mean) estimate, in [0, 1); default 0.9.</param>
    /// <param name="beta2">Decay of the second-moment (uncentred variance) estimate, in [0, 1); default 0.999.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability, above 0; default 1e-8.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient as <c>weightDecay * p</c>, 0 or more; default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument out of its range.</exception>
    /// <remarks>The defaults are nullable because a generic parameter cannot default to a literal such as 0.9.</remarks>
    public Adam(T? learningRate = null, T? beta1 = null, T? beta2 = null, T? epsilon = null, T weightDecay = default)
    {
        _learningRate = OptimizerState.NonNegative(learningRate ?? T.CreateTruncating(1e-3), nameof(learningRate));
        _moments = new AdamMoments<T>(beta1, beta2, epsilon);
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
    }

    /// <inheritdoc/>
    public T LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public T Beta1 => _moments.Beta1;

    /// <summary>Decay of the second-moment estimate.</summary>
    public T Beta2 => _moments.Beta2;

    /// <summary>Added to the denominator for numerical stability.</summary>
    public T Epsilon => _moments.Epsilon;

    /// <summary>The L2 weight-decay factor (0 = none).</summary>
    public T WeightDecay { get; }

    /// <summary>How many steps have been taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _moments.StepCount;

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients) => OptimizerState.WholeStep(this, parameters, gradients);

    void IRangedOptimizer<T>.BeginStep(int parameterCount) => _moments.Begin(parameterCount, _learningRate);

    void IRangedOptimizer<T>.StepRange(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        ReadOnlySpan<T> g = gradients;
        if (!T.IsZero(WeightDecay))
        {
            Span<T> scratch = _moments.Scratch(offset, parameters.Length);
            TensorPrimitives.MultiplyAdd(parameters, WeightDecay, gradients, scratch); // g + wd * p
            g = scratch;
        }
        _moments.UpdateRange(parameters, g, offset);
    }

    /// <inheritdoc/>
    public void Reset() => _moments.Reset();
}
