using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Updates a flat parameter block from a gradient block of the same layout, such as a network's
/// <see cref="INetwork{T}.Parameters"/> and <see cref="INetwork{T}.Gradients"/>.
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// An optimizer keeps per-parameter state (momentum, moment estimates) for one parameter block:
/// use one instance per network. The state is allocated on the first <see cref="Step"/>; every later
/// step allocates nothing. <see cref="NetworkTraining">Fit</see> calls <see cref="Step"/> on the thread that called
/// it; only the built-in optimizers, whose updates are element-wise, does it run by parameter ranges on its training
/// threads (see <see cref="TrainingOptions{T}.MaxDegreeOfParallelism"/>).
/// </remarks>
public interface IOptimizer<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// The step size of the next <see cref="Step"/>. <see cref="NetworkTraining">Fit</see> sets it before each step
    /// when <see cref="TrainingOptions{T}.LearningRateSchedule"/> is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    T LearningRate { get; set; }

    /// <summary>Moves <paramref name="parameters"/> one step against <paramref name="gradients"/>.</summary>
    /// <param name="parameters">The parameters to update in place.</param>
    /// <param name="gradients">The gradient of the loss with respect to each parameter (for a batch: the mean gradient).</param>
    /// <exception cref="ArgumentException">
    /// The two spans differ in length, or an optimizer that keeps state is handed a block of another
    /// length than in earlier steps (call <see cref="Reset"/> first to move it to another block).
    /// </exception>
    void Step(Span<T> parameters, ReadOnlySpan<T> gradients);

    /// <summary>Forgets all state, so the next <see cref="Step"/> behaves like the first one.</summary>
    void Reset();
}
