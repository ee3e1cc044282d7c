using System;
using System.Numerics;

namespace NetGen;

/// <summary>Argument checks and state-buffer management the optimizers share.</summary>
internal static class OptimizerState
{
    /// <summary>
    /// Checks that both spans have the same length and returns the state buffer to use: the existing one
    /// when its length matches, a new one on the first step (or after a reset with a different length).
    /// </summary>
    /// <param name="buffer">The optimizer's buffer; null before the first step.</param>
    /// <param name="hasState">False before the first step and after <see cref="IOptimizer{T}.Reset"/>: a new length is accepted then.</param>
    /// <param name="length">The length of the parameter block.</param>
    public static T[] EnsureBuffer<T>(ref T[]? buffer, bool hasState, int length)
    {
        if (buffer is not null && buffer.Length == length)
            return buffer;
        if (buffer is not null && hasState)
            throw new ArgumentException(
                $"The optimizer holds state for {buffer.Length} parameters, from the network it stepped before; this block has {length}. " +
                "Use a new optimizer for each network, or call Reset() to start this one again.", "parameters");
        buffer = new T[length];
        return buffer;
    }

    /// <summary>
    /// <see cref="IOptimizer{T}.Step"/> of an element-wise optimizer: the lengths checked, then one range that is the
    /// whole block, so that a step split into ranges by Fit computes exactly what one call computes.
    /// </summary>
    public static void WholeStep<T>(IRangedOptimizer<T> optimizer, Span<T> parameters, ReadOnlySpan<T> gradients)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLengths(parameters, gradients);
        optimizer.BeginStep(parameters.Length);
        optimizer.StepRange(parameters, gradients, 0);
    }

    /// <summary>Throws unless <paramref name="parameters"/> and <paramref name="gradients"/> have the same length.</summary>
    public static void CheckLengths<T>(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (gradients.Length != parameters.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(gradients), parameters.Length, gradients.Length);
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative.</summary>
    public static T NonNegative<T>(T value, string parameterName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value) || T.IsNegative(value))
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be a finite number of 0 or more.");
        return value;
    }
}
