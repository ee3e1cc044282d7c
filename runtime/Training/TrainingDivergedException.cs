using System;

namespace NetGen;

/// <summary>
/// Thrown by <see cref="NetworkTraining">Fit</see> when a step's loss or the updated weights stop being finite
/// (NaN or infinity). The network keeps the weights from before that step, which are all finite.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a step that diverged.</summary>
    /// <param name="epoch">The epoch, counting from 1.</param>
    /// <param name="batch">The batch within the epoch, counting from 1.</param>
    /// <param name="loss">The batch's mean loss (may be finite when only the weights overflowed).</param>
    public TrainingDivergedException(int epoch, int batch, double loss)
        : this(epoch, batch, loss, restoredToEpochStart: false)
    {
    }

    /// <summary>Creates the exception for a step that diverged, saying which weights the network was given back.</summary>
    /// <param name="epoch">The epoch, counting from 1.</param>
    /// <param name="batch">The batch within the epoch, counting from 1 (with <see cref="DivergenceGuard.EveryEpoch"/> and finite losses, the epoch's last).</param>
    /// <param name="loss">The batch's mean loss (may be finite when only the weights overflowed).</param>
    /// <param name="restoredToEpochStart">True when the network holds the weights from the start of the epoch (<see cref="DivergenceGuard.EveryEpoch"/>), false for those from before the batch.</param>
    public TrainingDivergedException(int epoch, int batch, double loss, bool restoredToEpochStart)
        : base(
            $"Training diverged in epoch {epoch}, batch {batch}: " +
            (double.IsFinite(loss) ? $"the step made a weight NaN or infinite (batch loss {loss:R})." : $"the batch loss became {loss}.") +
            (restoredToEpochStart ? " The network keeps its weights from the start of that epoch." : " The network keeps its weights from before that batch.") +
            " Try a smaller learning rate, or scale the inputs.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
    }

    /// <summary>The epoch in which training diverged, counting from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within <see cref="Epoch"/> that diverged, counting from 1.</summary>
    public int Batch { get; }

    /// <summary>The mean loss of that batch, before its step.</summary>
    public double Loss { get; }
}
