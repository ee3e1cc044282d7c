using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

/// <summary>
/// RMSprop, with the semantics and defaults of PyTorch's <c>torch.optim.RMSprop</c> (learning rate 1e-2,
/// alpha 0.99, epsilon 1e-8, no weight decay, no momentum, not centred).
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// One step, with <c>g</c> the gradient and <c>p</c> the parameters:
/// <code>
/// g   = g + weightDecay * p
/// v   = alpha * v + (1 - alpha) * g * g
/// avg = sqrt(v) + epsilon                                   (not centred)
/// gm  = alpha * gm + (1 - alpha) * g;  avg = sqrt(v - gm * gm) + epsilon   (centred)
/// buf = momentum * buf + g / avg;  p = p - learningRate * buf   (momentum &gt; 0)
/// p   = p - learningRate * g / avg                          (no momentum)
/// </code>
/// Note that (as in PyTorch, unlike Keras) epsilon is added outside the square root.
/// </remarks>
public sealed class RmsProp<T> : IRangedOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private T _learningRate;

    // Allocated on the first step and kept across Reset, so steps never allocate.
    private T[]? _squareAverage;
    private T[]? _gradientAverage;
    private T[]? _momentumBuffer;
    private T[]? _decayedGradient;
    private T[]? _scratch;
    private long _step;
    private T _stepLearningRate; // fixed by BeginStep for every range of the step in progress

    /// <summary>Creates the optimizer; every argument left out takes PyTorch's default.</summary>
    /// <param name="learningRate">Step size, 0 or more; default 1e-2.</param>
    /// <param name="alpha">Decay of the running average of squared gradients, in [0, 1); default 0.99.</param>
    /// <param name="epsilon">Added to the denominator for numerical stability, above 0; default 1e-8.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient as <c>weightDecay * p</c>, 0 or more; default 0.</param>
    /// <param name="momentum">Momentum factor applied to the normalised step, 0 (none) or more; default 0.</param>
    /// <param name="centered">Normalise by an estimate of the gradient's variance instead of its uncentred second moment; default false.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument out of its range.</exception>
    public RmsProp(T? learningRate = null, T? alpha = null, T? epsilon = null, T weightDecay = default, T momentum = default, bool centered = false)
    {
        _learningRate = OptimizerState.NonNegative(learningRate ?? T.CreateTruncating(1e-2), nameof(learningRate));
        Alpha = alpha ?? T.CreateTruncating(0.99);
        if (!(Alpha >= T.Zero && Alpha < T.One))
            throw new ArgumentOutOfRangeException(nameof(alpha), Alpha, "alpha must be in [0, 1).");
        Epsilon = OptimizerState.NonNegative(epsilon ?? T.CreateTruncating(1e-8), nameof(epsilon));
        if (T.IsZero(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), Epsilon, "epsilon must be above 0.");
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
        Momentum = OptimizerState.NonNegative(momentum, nameof(momentum));
        Centered = centered;
    }

    /// <inheritdoc/>
    public T LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Decay of the running average of squared gradients.</summary>
    public T Alpha { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public T Epsilon { get; }

    /// <summary>The L2 weight-decay factor (0 = none).</summary>
    public T WeightDecay { get; }

    /// <summary>The momentum factor (0 = none).</summary>
    public T Momentum { get; }

    /// <summary>True when the step is normalised by the gradient's estimated variance.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients) => OptimizerState.WholeStep(this, parameters, gradients);

    void IRangedOptimizer<T>.BeginStep(int parameterCount)
    {
        bool hasState = _step > 0;
        Span<T> squareAverage = OptimizerState.EnsureBuffer(ref _squareAverage, hasState, parameterCount);
        OptimizerState.EnsureBuffer(ref _scratch, hasState, parameterCount);
        Span<T> gradientAverage = Centered ? OptimizerState.EnsureBuffer(ref _gradientAverage, hasState, parameterCount) : default;
        Span<T> momentumBuffer = T.IsZero(Momentum) ? default : OptimizerState.EnsureBuffer(ref _momentumBuffer, hasState, parameterCount);
        if (!T.IsZero(WeightDecay))
            OptimizerState.EnsureBuffer(ref _decayedGradient, hasState, parameterCount);
        if (!hasState)
        {
            squareAverage.Clear();
            gradientAverage.Clear();
            momentumBuffer.Clear();
        }
        _step++;
        _stepLearningRate = _learningRate;
    }

    void IRangedOptimizer<T>.StepRange(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        int length = parameters.Length;
        Span<T> squareAverage = _squareAverage.AsSpan(offset, length);
        Span<T> scratch = _scratch.AsSpan(offset, length);

        // The decayed gradient needs its own block: g is read again after the scratch holds the denominator.
        ReadOnlySpan<T> g = gradients;
        if (!T.IsZero(WeightDecay))
        {
            Span<T> decayed = _decayedGradient.AsSpan(offset, length);
            TensorPrimitives.MultiplyAdd(parameters, WeightDecay, gradients, decayed); // g + wd * p
            g = decayed;
        }

        // v = alpha v + (1 - alpha) g^2
        TensorPrimitives.Multiply(g, g, scratch);
        TensorPrimitives.Multiply(squareAverage, Alpha, squareAverage);
        TensorPrimitives.MultiplyAdd(scratch, T.One - Alpha, squareAverage, squareAverage);

        if (Centered)
        {
            // gm = lerp(gm, g, 1 - alpha); denominator = sqrt(v - gm^2) + epsilon
            Span<T> gradientAverage = _gradientAverage.AsSpan(offset, length);
            TensorPrimitives.Lerp(gradientAverage, g, T.One - Alpha, gradientAverage);
            TensorPrimitives.Multiply(gradientAverage, gradientAverage, scratch);
            TensorPrimitives.Subtract(squareAverage, scratch, scratch);
            TensorPrimitives.Sqrt(scratch, scratch);
        }
        else
        {
            TensorPrimitives.Sqrt(squareAverage, scratch);
        }
        TensorPrimitives.Add(scratch, Epsilon, scratch);

        TensorPrimitives.Divide(g, scratch, scratch); // g / avg
        if (!T.IsZero(Momentum))
        {
            Span<T> momentumBuffer = _momentumBuffer.AsSpan(offset, length);
            TensorPrimitives.MultiplyAdd(momentumBuffer, Momentum, scratch, momentumBuffer); // momentum buf + g / avg
            Kernels.AddScaled(-_stepLearningRate, momentumBuffer, parameters);
        }
        else
        {
            Kernels.AddScaled(-_stepLearningRate, scratch, parameters);
        }
    }

    /// <inheritdoc/>
    public void Reset() => _step = 0;
}
