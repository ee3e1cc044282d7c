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
public sealed class Adam<T> : IOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private T _learningRate;

    // Allocated on the first step and kept across Reset, so steps never allocate.
    private T[]? _firstMoment;
    private T[]? _secondMoment;
    private T[]? _scratch;
    private long _step;

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
        Beta1 = Beta(beta1 ?? T.CreateTruncating(0.9), nameof(beta1));
        Beta2 = Beta(beta2 ?? T.CreateTruncating(0.999), nameof(beta2));
        Epsilon = OptimizerState.NonNegative(epsilon ?? T.CreateTruncating(1e-8), nameof(epsilon));
        if (T.IsZero(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), Epsilon, "epsilon must be above 0.");
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
    }

    /// <summary>The step size; may be changed between steps (for a learning-rate schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite value.</exception>
    public T LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(value));
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public T Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public T Beta2 { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public T Epsilon { get; }

    /// <summary>The L2 weight-decay factor (0 = none).</summary>
    public T WeightDecay { get; }

    /// <summary>How many steps have been taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount => _step;

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        OptimizerState.CheckLengths(parameters, gradients);
        bool hasState = _step > 0;
        Span<T> m = OptimizerState.EnsureBuffer(ref _firstMoment, hasState, parameters.Length);
        Span<T> v = OptimizerState.EnsureBuffer(ref _secondMoment, hasState, parameters.Length);
        Span<T> scratch = OptimizerState.EnsureBuffer(ref _scratch, hasState, parameters.Length);
        if (!hasState)
        {
            // Reset keeps the buffers; the moments start from zero again.
            m.Clear();
            v.Clear();
        }
        _step++;

        ReadOnlySpan<T> g = gradients;
        if (!T.IsZero(WeightDecay))
        {
            TensorPrimitives.MultiplyAdd(parameters, WeightDecay, gradients, scratch); // g + wd * p
            g = scratch;
        }

        // m = m + (1 - beta1) (g - m) = beta1 m + (1 - beta1) g: PyTorch's lerp form.
        TensorPrimitives.Lerp(m, g, T.One - Beta1, m);

        // v = beta2 v + (1 - beta2) g^2. The scratch is free once g has been squared into it.
        TensorPrimitives.Multiply(g, g, scratch);
        TensorPrimitives.Multiply(v, Beta2, v);
        TensorPrimitives.MultiplyAdd(scratch, T.One - Beta2, v, v);

        T step = T.CreateTruncating(_step);
        T biasCorrection1 = T.One - T.Pow(Beta1, step);
        T biasCorrection2Sqrt = T.Sqrt(T.One - T.Pow(Beta2, step));
        T stepSize = _learningRate / biasCorrection1;

        // denominator = sqrt(v) / sqrt(1 - beta2^t) + epsilon, in the order PyTorch computes it.
        TensorPrimitives.Sqrt(v, scratch);
        TensorPrimitives.Divide(scratch, biasCorrection2Sqrt, scratch);
        TensorPrimitives.Add(scratch, Epsilon, scratch);

        // p = p - stepSize * m / denominator.
        TensorPrimitives.Divide(m, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, -stepSize, parameters, parameters);
    }

    /// <inheritdoc/>
    public void Reset() => _step = 0;

    private static T Beta(T value, string parameterName)
    {
        if (!(value >= T.Zero && value < T.One))
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be in [0, 1).");
        return value;
    }
}
