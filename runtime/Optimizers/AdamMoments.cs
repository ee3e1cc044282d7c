using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// The bias-corrected moment estimates and the update that <see cref="Adam{T}"/> and <see cref="AdamW{T}"/>
/// share; they differ only in where weight decay enters (the gradient, or the parameters directly).
/// </summary>
internal sealed class AdamMoments<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Allocated on the first step and kept across Reset, so steps never allocate.
    private T[]? _firstMoment;
    private T[]? _secondMoment;
    private T[]? _scratch;

    // The scalars of the step in progress, fixed by Begin for every range of the step.
    private T _stepSize;
    private T _biasCorrection2Sqrt;

    public AdamMoments(T? beta1, T? beta2, T? epsilon)
    {
        Beta1 = Beta(beta1 ?? T.CreateTruncating(0.9), nameof(beta1));
        Beta2 = Beta(beta2 ?? T.CreateTruncating(0.999), nameof(beta2));
        Epsilon = OptimizerState.NonNegative(epsilon ?? T.CreateTruncating(1e-8), nameof(epsilon));
        if (T.IsZero(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), Epsilon, "epsilon must be above 0.");
    }

    public T Beta1 { get; }

    public T Beta2 { get; }

    public T Epsilon { get; }

    public long StepCount { get; private set; }

    /// <summary>
    /// Starts a step over <paramref name="parameterCount"/> parameters (see <see cref="IRangedOptimizer{T}.BeginStep"/>):
    /// checks the length against the state, counts the step and fixes its scalars for <see cref="UpdateRange"/>.
    /// </summary>
    public void Begin(int parameterCount, T learningRate)
    {
        bool hasState = StepCount > 0;
        Span<T> m = OptimizerState.EnsureBuffer(ref _firstMoment, hasState, parameterCount);
        Span<T> v = OptimizerState.EnsureBuffer(ref _secondMoment, hasState, parameterCount);
        OptimizerState.EnsureBuffer(ref _scratch, hasState, parameterCount);
        if (!hasState)
        {
            // Reset keeps the buffers; the moments start from zero again.
            m.Clear();
            v.Clear();
        }
        StepCount++;
        T step = T.CreateTruncating(StepCount);
        _stepSize = learningRate / (T.One - T.Pow(Beta1, step));
        _biasCorrection2Sqrt = T.Sqrt(T.One - T.Pow(Beta2, step));
    }

    /// <summary>The scratch block's part for the range of <paramref name="length"/> parameters at <paramref name="offset"/>, free until <see cref="UpdateRange"/>.</summary>
    public Span<T> Scratch(int offset, int length) => _scratch.AsSpan(offset, length);

    /// <summary>
    /// Updates the moments of one range with <paramref name="g"/> and moves <paramref name="parameters"/>, the range
    /// at <paramref name="offset"/>; <paramref name="g"/> may be the range's <see cref="Scratch"/>.
    /// </summary>
    public void UpdateRange(Span<T> parameters, ReadOnlySpan<T> g, int offset)
    {
        // m = m + (1 - beta1) (g - m) in PyTorch's lerp form; v = beta2 v + (1 - beta2) g^2;
        // p = p - stepSize * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon), in the order PyTorch computes it.
        // One pass over the buffers (Kernels.AdamUpdate says why it is not nine library calls).
        int length = parameters.Length;
        Kernels.AdamUpdate(parameters, g, _firstMoment.AsSpan(offset, length), _secondMoment.AsSpan(offset, length),
            Beta1, Beta2, _stepSize, _biasCorrection2Sqrt, Epsilon);
    }

    public void Reset() => StepCount = 0;

    private static T Beta(T value, string parameterName)
    {
        if (!(value >= T.Zero && value < T.One))
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be in [0, 1).");
        return value;
    }
}
