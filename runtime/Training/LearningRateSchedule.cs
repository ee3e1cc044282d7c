using System;

namespace NetGen;

/// <summary>
/// A learning-rate schedule for <see cref="TrainingOptions{T}.LearningRateSchedule"/>: <see cref="NetworkTraining">Fit</see>
/// asks it for the rate of every step and sets <see cref="IOptimizer{T}.LearningRate"/> to it. The factories give
/// PyTorch's schedulers (<c>torch.optim.lr_scheduler</c>) with the same numbers.
/// </summary>
/// <remarks>
/// Epochs and batches count from 0 here, as PyTorch's <c>last_epoch</c> does. The rate the optimizer holds when
/// Fit starts is the schedule's <see cref="InitialLearningRate"/> (PyTorch's <c>initial_lr</c>), except for
/// <see cref="OneCycle"/>, which, as in PyTorch, derives every rate from its own maximum. Each Fit call starts
/// the schedule again from epoch 0, so one schedule object can be reused across runs. Fit sets the rate through
/// the optimizer's setter, and leaves the optimizer holding the rate of the last step.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The optimizer's learning rate when training started.</summary>
    public double InitialLearningRate { get; private set; }

    /// <summary>The number of epochs of the run (<see cref="TrainingOptions{T}.Epochs"/>).</summary>
    public int Epochs { get; private set; }

    /// <summary>The number of optimizer steps per epoch.</summary>
    public int BatchesPerEpoch { get; private set; }

    /// <summary>Called by Fit before the first step; resets any state (such as <see cref="ReduceOnPlateau"/>'s).</summary>
    /// <param name="initialLearningRate">The optimizer's learning rate now.</param>
    /// <param name="epochs">Epochs the run will take at most.</param>
    /// <param name="batchesPerEpoch">Optimizer steps per epoch.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count below 1, or a rate that is negative or not finite.</exception>
    public void Start(double initialLearningRate, int epochs, int batchesPerEpoch)
    {
        if (!(double.IsFinite(initialLearningRate) && initialLearningRate >= 0))
            throw new ArgumentOutOfRangeException(nameof(initialLearningRate), initialLearningRate, "The initial learning rate must be a finite number of 0 or more.");
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchesPerEpoch, 1);
        InitialLearningRate = initialLearningRate;
        Epochs = epochs;
        BatchesPerEpoch = batchesPerEpoch;
        OnStart();
    }

    /// <summary>The learning rate of the step on batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (both from 0).</summary>
    /// <remarks>The built-in schedules throw <see cref="InvalidOperationException"/> before <see cref="Start"/> and
    /// <see cref="ArgumentOutOfRangeException"/> for a step outside the run.</remarks>
    public abstract double LearningRateAt(int epoch, int batch);

    /// <summary>
    /// Throws unless <see cref="Start"/> has been called and the step is inside the run it described: for the built-in
    /// schedules' <see cref="LearningRateAt"/>, whose formulas divide by the run's length.
    /// </summary>
    protected void CheckStep(int epoch, int batch)
    {
        if (Epochs == 0)
            throw new InvalidOperationException($"{this}: call Start(initialLearningRate, epochs, batchesPerEpoch) before LearningRateAt (Fit does).");
        if ((uint)epoch >= (uint)Epochs)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"The run has epochs 0 to {Epochs - 1}.");
        if ((uint)batch >= (uint)BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The run has batches 0 to {BatchesPerEpoch - 1} per epoch.");
    }

    /// <summary>Called by Fit after each epoch with the loss it monitors (validation loss when there are validation rows, else training loss).</summary>
    /// <param name="epoch">The epoch just completed, from 0.</param>
    /// <param name="monitoredLoss">Its monitored loss.</param>
    public virtual void EpochEnded(int epoch, double monitoredLoss)
    {
    }

    /// <summary>Resets per-run state; called by <see cref="Start"/> after the run's facts are set.</summary>
    protected virtual void OnStart()
    {
    }

    /// <summary>
    /// PyTorch's <c>StepLR</c>: the rate is multiplied by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs,
    /// <c>rate = initial * gamma^floor(epoch / stepSize)</c>.
    /// </summary>
    /// <param name="stepSize">Epochs between decays, 1 or more.</param>
    /// <param name="gamma">Factor of each decay, above 0; default 0.1.</param>
    public static LearningRateSchedule StepDecay(int stepSize, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        CheckPositive(gamma, nameof(gamma));
        return new StepDecaySchedule(stepSize, gamma, $"StepDecay(stepSize: {stepSize}, gamma: {gamma})");
    }

    /// <summary>PyTorch's <c>ExponentialLR</c>: <c>rate = initial * gamma^epoch</c>.</summary>
    /// <param name="gamma">Factor per epoch, above 0.</param>
    public static LearningRateSchedule Exponential(double gamma)
    {
        CheckPositive(gamma, nameof(gamma));
        return new StepDecaySchedule(1, gamma, $"Exponential(gamma: {gamma})");
    }

    /// <summary>
    /// A linear warm-up followed by a cosine decay, per epoch: PyTorch's
    /// <c>SequentialLR([LinearLR(start_factor, total_iters=warmupEpochs), CosineAnnealingLR(T_max=epochs - warmupEpochs, eta_min)], milestones=[warmupEpochs])</c>.
    /// During warm-up <c>rate = initial * (startFactor + (1 - startFactor) * epoch / warmupEpochs)</c>; then
    /// <c>rate = min + (initial - min) * (1 + cos(pi * (epoch - warmupEpochs) / (epochs - warmupEpochs))) / 2</c>.
    /// With no warm-up this is <c>CosineAnnealingLR(T_max=epochs)</c>.
    /// </summary>
    /// <param name="warmupEpochs">Epochs of linear warm-up, 0 or more; fewer than the run's epochs.</param>
    /// <param name="minimumLearningRate">The rate the cosine decays towards (PyTorch's <c>eta_min</c>), 0 or more; default 0.</param>
    /// <param name="warmupStartFactor">The fraction of the initial rate the warm-up starts from, in (0, 1]; default 1/3 (PyTorch's <c>LinearLR</c> default).</param>
    public static LearningRateSchedule CosineWithWarmup(int warmupEpochs = 0, double minimumLearningRate = 0, double warmupStartFactor = 1.0 / 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupEpochs);
        CheckNonNegative(minimumLearningRate, nameof(minimumLearningRate));
        if (!(warmupStartFactor > 0 && warmupStartFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, "warmupStartFactor must be in (0, 1].");
        return new CosineWithWarmupSchedule(warmupEpochs, minimumLearningRate, warmupStartFactor);
    }

    /// <summary>
    /// PyTorch's <c>OneCycleLR</c> (cosine annealing, two phases), stepped per batch over <c>epochs * batchesPerEpoch</c>
    /// steps: from <c>maximum / divFactor</c> up to <paramref name="maximumLearningRate"/> over the first
    /// <paramref name="warmupFraction"/> of the steps, then down to <c>maximum / divFactor / finalDivFactor</c>.
    /// Momentum is not cycled (PyTorch's <c>cycle_momentum=False</c>). A rise of exactly one step (<c>warmupFraction</c>
    /// times the steps is 1) gives that step the starting rate, where PyTorch divides by zero.
    /// </summary>
    /// <param name="maximumLearningRate">The peak rate (PyTorch's <c>max_lr</c>), above 0; the optimizer's own rate is ignored.</param>
    /// <param name="warmupFraction">The fraction of the steps spent rising (PyTorch's <c>pct_start</c>), in (0, 1); default 0.3.</param>
    /// <param name="divFactor">The starting rate is <c>maximum / divFactor</c>; above 0, default 25.</param>
    /// <param name="finalDivFactor">The final rate is the starting rate divided by this; above 0, default 1e4.</param>
    public static LearningRateSchedule OneCycle(double maximumLearningRate, double warmupFraction = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    {
        CheckPositive(maximumLearningRate, nameof(maximumLearningRate));
        if (!(warmupFraction > 0 && warmupFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(warmupFraction), warmupFraction, "warmupFraction must be in (0, 1).");
        CheckPositive(divFactor, nameof(divFactor));
        CheckPositive(finalDivFactor, nameof(finalDivFactor));
        return new OneCycleSchedule(maximumLearningRate, warmupFraction, divFactor, finalDivFactor);
    }

    /// <summary>
    /// PyTorch's <c>ReduceLROnPlateau</c> (mode min, relative threshold): when the monitored loss has not fallen below
    /// <c>best * (1 - threshold)</c> for more than <paramref name="patience"/> epochs, the rate is multiplied by
    /// <paramref name="factor"/> (not below <paramref name="minimumLearningRate"/>), then <paramref name="cooldown"/> epochs pass
    /// before counting again. The new rate applies from the next epoch on.
    /// </summary>
    /// <param name="factor">Factor of each reduction, in (0, 1); default 0.1.</param>
    /// <param name="patience">Epochs without improvement tolerated, 0 or more; default 10.</param>
    /// <param name="threshold">Relative improvement that counts, 0 or more; default 1e-4.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting again, 0 or more; default 0.</param>
    /// <param name="minimumLearningRate">Lower bound of the rate, 0 or more; default 0.</param>
    public static LearningRateSchedule ReduceOnPlateau(double factor = 0.1, int patience = 10, double threshold = 1e-4, int cooldown = 0, double minimumLearningRate = 0)
    {
        if (!(factor > 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        CheckNonNegative(threshold, nameof(threshold));
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        CheckNonNegative(minimumLearningRate, nameof(minimumLearningRate));
        return new ReduceOnPlateauSchedule(factor, patience, threshold, cooldown, minimumLearningRate);
    }

    private static void CheckPositive(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number above 0.");
    }

    private static void CheckNonNegative(double value, string name)
    {
        if (!(double.IsFinite(value) && value >= 0))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number of 0 or more.");
    }

    private sealed class StepDecaySchedule(int stepSize, double gamma, string name) : LearningRateSchedule
    {
        public override string ToString() => name;

        public override double LearningRateAt(int epoch, int batch)
        {
            CheckStep(epoch, batch);
            double decay = Math.Pow(gamma, epoch / stepSize);
            double rate = InitialLearningRate * decay;
            // gamma^k alone can overflow or vanish where the rate does not (a tiny initial rate and a large gamma, or
            // the reverse): then the product through logarithms, as PyTorch's rate multiplied by gamma epoch by epoch stays.
            if ((double.IsInfinity(decay) || decay == 0) && InitialLearningRate > 0)
                rate = Math.Exp(Math.Log(InitialLearningRate) + epoch / stepSize * Math.Log(gamma));
            return rate;
        }
    }

    private sealed class CosineWithWarmupSchedule(int warmupEpochs, double minimum, double startFactor) : LearningRateSchedule
    {
        public override string ToString() => $"CosineWithWarmup(warmupEpochs: {warmupEpochs}, minimumLearningRate: {minimum}, warmupStartFactor: {startFactor})";

        protected override void OnStart()
        {
            if (warmupEpochs >= Epochs)
                throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, $"The warm-up must be shorter than the run's {Epochs} epochs.");
        }

        public override double LearningRateAt(int epoch, int batch)
        {
            CheckStep(epoch, batch);
            if (epoch < warmupEpochs)
                return InitialLearningRate * (startFactor + (1 - startFactor) * epoch / warmupEpochs);
            int cosineEpochs = Epochs - warmupEpochs;
            return minimum + (InitialLearningRate - minimum) * (1 + Math.Cos(Math.PI * (epoch - warmupEpochs) / cosineEpochs)) / 2;
        }
    }

    private sealed class OneCycleSchedule(double maximum, double warmupFraction, double divFactor, double finalDivFactor) : LearningRateSchedule
    {
        public override string ToString() =>
            $"OneCycle(maximumLearningRate: {maximum}, warmupFraction: {warmupFraction}, divFactor: {divFactor}, finalDivFactor: {finalDivFactor})";

        public override double LearningRateAt(int epoch, int batch)
        {
            CheckStep(epoch, batch);
            double initial = maximum / divFactor;
            double final = initial / finalDivFactor;
            int totalSteps = Epochs * BatchesPerEpoch;
            int step = epoch * BatchesPerEpoch + batch;
            // PyTorch's phase ends are step indices as floats: the rise ends at pct_start * total - 1.
            double riseEnd = warmupFraction * totalSteps - 1;
            double fallEnd = totalSteps - 1;
            // A rise that ends at step 0 is that step alone, at the starting rate: PyTorch's OneCycleLR divides 0 by 0
            // there (ZeroDivisionError), for ordinary settings such as 10 full-batch epochs with warmupFraction 0.1.
            if (step <= riseEnd)
                return CosineAnneal(initial, maximum, riseEnd == 0 ? 0 : step / riseEnd);
            return CosineAnneal(maximum, final, (step - riseEnd) / (fallEnd - riseEnd));
        }

        private static double CosineAnneal(double start, double end, double fraction) =>
            end + (start - end) / 2 * (Math.Cos(Math.PI * fraction) + 1);
    }

    private sealed class ReduceOnPlateauSchedule(double factor, int patience, double threshold, int cooldown, double minimum) : LearningRateSchedule
    {
        public override string ToString() =>
            $"ReduceOnPlateau(factor: {factor}, patience: {patience}, threshold: {threshold}, cooldown: {cooldown}, minimumLearningRate: {minimum})";

        // PyTorch skips a reduction smaller than this, so a rate at its floor stays put.
        private const double MinimumChange = 1e-8;

        private double _rate;
        private double _best;
        private int _badEpochs;
        private int _cooldownLeft;

        protected override void OnStart()
        {
            _rate = InitialLearningRate;
            _best = double.PositiveInfinity;
            _badEpochs = 0;
            _cooldownLeft = 0;
        }

        public override double LearningRateAt(int epoch, int batch)
        {
            CheckStep(epoch, batch);
            return _rate;
        }

        public override void EpochEnded(int epoch, double monitoredLoss)
        {
            CheckStep(epoch, 0);
            if (monitoredLoss < _best * (1 - threshold))
            {
                _best = monitoredLoss;
                _badEpochs = 0;
            }
            else
            {
                _badEpochs++;
            }
            if (_cooldownLeft > 0)
            {
                _cooldownLeft--;
                _badEpochs = 0;
            }
            if (_badEpochs > patience)
            {
                double reduced = Math.Max(_rate * factor, minimum);
                if (_rate - reduced > MinimumChange)
                    _rate = reduced;
                _cooldownLeft = cooldown;
                _badEpochs = 0;
            }
        }
    }
}
