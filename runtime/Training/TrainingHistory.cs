using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>The outcome of <see cref="NetworkTraining.Fit{T}"/>: one report per completed epoch and how training ended.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochReport> _epochs = new();

    internal TrainingHistory()
    {
    }

    /// <summary>One report per completed epoch, in order.</summary>
    public IReadOnlyList<EpochReport> Epochs => _epochs;

    /// <summary>The last completed epoch's report.</summary>
    public EpochReport Last => _epochs[^1];

    /// <summary>True when early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>
    /// The epoch (from 1) with the lowest monitored loss (validation loss when there are validation rows,
    /// training loss otherwise); with <see cref="TrainingOptions{T}.RestoreBestWeights"/> and early stopping,
    /// the network ends holding that epoch's weights.
    /// </summary>
    public int BestEpoch { get; internal set; }

    /// <summary>Total training time.</summary>
    public TimeSpan Elapsed { get; internal set; }

    internal void Add(EpochReport report) => _epochs.Add(report);
}
