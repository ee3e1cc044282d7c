using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

/// <summary>
/// Adam with decoupled weight decay, with the semantics and defaults of PyTorch's <c>torch.optim.AdamW</c>
/// (learning rate 1e-3, betas 0.9 and 0.999, epsilon 1e-8, weight decay 0.01).
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// Step <c>t</c> (counting from 1), with <c>g</c> the gradient and <c>p</c> the parameters:
/// <code>
/// p = p * (1 - learningRate * weightDecay)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// p = p - (learningRate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// </code>
/// Unlike <see cref="Adam{T}"/>'s L2 term, the decay never enters the moments, so it shrinks every weight by the
/// same factor however large or small its gradients are (Loshchilov and Hutter, "Decoupled Weight Decay Regularization").
/// </remarks>
public sealed class AdamW<T> : IRangedOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly AdamMoments<T> _moments;
    private T _learningRate;
    private T _decayFactor; // 1 - learningRate * weightDecay for the step in progress

    /// <summary>Creates the optimizer; every argument left out takes PyTorch's default.</summary>
    /// <param name="learningRate">Step size, 0 or more; default 1e-3.</param>
    /// <param name="beta1">Decay of the first-moment (mean) estimate, in [0, 1); default 0.9.</param>
    /// <param name="beta2">Decay of the second-moment (uncentred variance) estimate, in [0, 1); default 0.999.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability, above 0; default 1e-8.</param>
    /// <param name="weightDecay">Decoupled decay: each step multiplies the parameters by <c>1 - learningRate * weightDecay</c>; 0 or more, default 0.01.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument out of its range.</exception>
    /// <remarks>The defaults are nullable because a generic parameter cannot default to a literal such as 0.9.</remarks>
    public AdamW(T? learningRate = null, T? beta1 = null, T? beta2 = null, T? epsilon = null, T? weightDecay = null)
    {
        _learningRate = OptimizerState.NonNegative(learningRate ?? T.CreateTruncating(1e-3), nameof(learningRate));
        _moments = new AdamMoments<T>(beta1, beta2, epsilon);
        WeightDecay = OptimizerState.NonNegative(weightDecay ?? T.CreateTruncating(0.01), nameof(weightDecay));
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

    /// <summary>The decoupled weight-decay factor (0 = none, which makes this <see cref="Adam{T}"/>).</summary>
    public T WeightDecay { get; }

    /// <summary>How many steps have been taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _moments.StepCount;

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients) => OptimizerState.WholeStep(this, parameters, gradients);

    void IRangedOptimizer<T>.BeginStep(int parameterCount)
    {
        _moments.Begin(parameterCount, _learningRate);
        _decayFactor = T.One - _learningRate * WeightDecay;
    }

    void IRangedOptimizer<T>.StepRange(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        if (!T.IsZero(WeightDecay))
            TensorPrimitives.Multiply(parameters, _decayFactor, parameters);
        _moments.UpdateRange(parameters, gradients, offset);
    }

    /// <inheritdoc/>
    public void Reset() => _moments.Reset();
}
