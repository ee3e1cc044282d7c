using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// An optimizer whose step is element-wise: each parameter's update reads only that parameter, its gradient and its
/// own state. <see cref="NetworkTraining">Fit</see> then runs a step split by parameter ranges on its training
/// threads, together with the gradient sum that precedes it; any other <see cref="IOptimizer{T}"/> gets one
/// <see cref="IOptimizer{T}.Step"/> over the whole block on the calling thread.
/// </summary>
/// <remarks>
/// <see cref="IOptimizer{T}.Step"/> must be exactly <see cref="BeginStep"/> followed by <see cref="StepRange"/> over
/// the whole block: the built-in optimizers implement it that way, so a ranged step gives the same values as a whole
/// one (the ranges Fit uses start at multiples of every vector width, so no value moves between a vector loop and a
/// scalar tail).
/// </remarks>
internal interface IRangedOptimizer<T> : IOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// Starts a step over a block of <paramref name="parameterCount"/> parameters, on one thread: checks the length
    /// against the state, allocates the state on the first step, counts the step and fixes its scalars (the
    /// learning rate among them) for every range of the step.
    /// </summary>
    /// <exception cref="ArgumentException">The optimizer holds state for a block of another length.</exception>
    void BeginStep(int parameterCount);

    /// <summary>
    /// Updates one range of the block: <paramref name="parameters"/> and <paramref name="gradients"/> are the range's
    /// parts of the block, which starts at <paramref name="offset"/>. The ranges of one step are disjoint and may
    /// run at the same time on different threads.
    /// </summary>
    void StepRange(Span<T> parameters, ReadOnlySpan<T> gradients, int offset);
}
