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
    /// Counts the step and returns a scratch block of the parameters' length (free until <see cref="Update"/>),
    /// after checking the lengths against the state.
    /// </summary>
    public Span<T> Begin(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        OptimizerState.CheckLengths(parameters, gradients);
        bool hasState = StepCount > 0;
        Span<T> m = OptimizerState.EnsureBuffer(ref _firstMoment, hasState, parameters.Length);
        Span<T> v = OptimizerState.EnsureBuffer(ref _secondMoment, hasState, parameters.Length);
        Span<T> scratch = OptimizerState.EnsureBuffer(ref _scratch, hasState, parameters.Length);
        if (!hasState)
        {
            // Reset keeps the buffers; the moments start from zero again.
            m.Clear();
            v.Clear();
        }
        StepCount++;
        return scratch;
    }

    /// <summary>Updates the moments with <paramref name="g"/> and moves <paramref name="parameters"/>; <paramref name="g"/> may be the scratch.</summary>
    public void Update(Span<T> parameters, ReadOnlySpan<T> g, T learningRate)
    {
        T step = T.CreateTruncating(StepCount);
        T biasCorrection1 = T.One - T.Pow(Beta1, step);
        T biasCorrection2Sqrt = T.Sqrt(T.One - T.Pow(Beta2, step));
        T stepSize = learningRate / biasCorrection1;

        // m = m + (1 - beta1) (g - m) in PyTorch's lerp form; v = beta2 v + (1 - beta2) g^2;
        // p = p - stepSize * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon), in the order PyTorch computes it.
        // One pass over the buffers (Kernels.AdamUpdate says why it is not nine library calls).
        Kernels.AdamUpdate(parameters, g, _firstMoment, _secondMoment, Beta1, Beta2, stepSize, biasCorrection2Sqrt, Epsilon);
    }

    public void Reset() => StepCount = 0;

    private static T Beta(T value, string parameterName)
    {
        if (!(value >= T.Zero && value < T.One))
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be in [0, 1).");
        return value;
    }
}
