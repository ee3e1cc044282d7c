using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with the
/// semantics of PyTorch's <c>torch.optim.SGD</c> (dampening 0).
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// One step, with <c>g</c> the gradient, <c>p</c> the parameters, <c>m</c> the momentum and <c>buf</c> the
/// momentum buffer:
/// <code>
/// g   = g + weightDecay * p
/// buf = g                     (first step)
/// buf = m * buf + g           (later steps)
/// g   = nesterov ? g + m * buf : buf      (only when m &gt; 0)
/// p   = p - learningRate * g
/// </code>
/// Without momentum and weight decay this is <c>p -= learningRate * g</c>, exactly what
/// <see cref="INetwork{T}.ApplyGradients"/> does.
/// </remarks>
public sealed class Sgd<T> : IRangedOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private T _learningRate;

    // Allocated on the first step that needs them and kept across Reset, so steps never allocate.
    private T[]? _momentumBuffer;
    private T[]? _direction;
    private bool _hasMomentum;

    // Fixed by BeginStep for every range of the step in progress.
    private bool _firstMomentumStep;
    private T _stepLearningRate;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">Step size, 0 or more.</param>
    /// <param name="momentum">Momentum factor, 0 (none) or more; PyTorch users typically pick 0.9.</param>
    /// <param name="nesterov">Use Nesterov momentum; needs <paramref name="momentum"/> above 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient as <c>weightDecay * p</c>, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite argument.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> without momentum.</exception>
    public Sgd(T learningRate, T momentum = default, bool nesterov = false, T weightDecay = default)
    {
        _learningRate = OptimizerState.NonNegative(learningRate, nameof(learningRate));
        Momentum = OptimizerState.NonNegative(momentum, nameof(momentum));
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && T.IsZero(momentum))
            throw new ArgumentException("Nesterov momentum needs a momentum above 0 (as in PyTorch).", nameof(nesterov));
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    public T LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>The momentum factor (0 = none).</summary>
    public T Momentum { get; }

    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>The L2 weight-decay factor (0 = none).</summary>
    public T WeightDecay { get; }

    /// <summary>True when a step is just <c>p -= learningRate * g</c>: no momentum, no weight decay.</summary>
    public bool IsPlain => T.IsZero(Momentum) && T.IsZero(WeightDecay);

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients) => OptimizerState.WholeStep(this, parameters, gradients);

    void IRangedOptimizer<T>.BeginStep(int parameterCount)
    {
        // The scratch holds the decayed gradient and, with Nesterov, the look-ahead direction:
        // the caller's gradient block stays untouched.
        if (!T.IsZero(WeightDecay) || Nesterov)
            OptimizerState.EnsureBuffer(ref _direction, _hasMomentum, parameterCount);
        if (!T.IsZero(Momentum))
        {
            OptimizerState.EnsureBuffer(ref _momentumBuffer, _hasMomentum, parameterCount);
            _firstMomentumStep = !_hasMomentum;
            _hasMomentum = true;
        }
        _stepLearningRate = _learningRate;
    }

    void IRangedOptimizer<T>.StepRange(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        int length = parameters.Length;
        ReadOnlySpan<T> direction = gradients;
        Span<T> scratch = _direction is null ? default : _direction.AsSpan(offset, length);
        if (!T.IsZero(WeightDecay))
        {
            TensorPrimitives.MultiplyAdd(parameters, WeightDecay, gradients, scratch); // g + wd * p
            direction = scratch;
        }

        if (!T.IsZero(Momentum))
        {
            Span<T> buffer = _momentumBuffer.AsSpan(offset, length);
            if (_firstMomentumStep)
                direction.CopyTo(buffer);
            else
                TensorPrimitives.MultiplyAdd(buffer, Momentum, direction, buffer); // m * buf + g

            if (Nesterov)
            {
                // The scratch may already hold g: TensorPrimitives allows the destination to be an input.
                TensorPrimitives.MultiplyAdd(buffer, Momentum, direction, scratch); // g + m * buf
                direction = scratch;
            }
            else
            {
                direction = buffer;
            }
        }

        // p - lr * g, with the kernel that generated ApplyGradients uses for networks that do not run in locals
        // (TensorPrimitives.MultiplyAdd in place measured 4x slower on 100,000 parameters). A network that runs in
        // locals reads its gradients in Backward's pieces without fused multiply-adds, so there the two may differ in
        // a parameter's last bit.
        Kernels.AddScaled(-_stepLearningRate, direction, parameters);
    }

    /// <inheritdoc/>
    public void Reset() => _hasMomentum = false;
}
