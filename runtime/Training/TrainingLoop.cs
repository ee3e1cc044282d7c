using System;
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Threading;

namespace NetGen;

/// <summary>
/// One run of <see cref="NetworkTraining">Fit</see>: owns every buffer the run needs, allocated once in the
/// constructor, so that the per-batch work allocates nothing.
/// </summary>
internal sealed class TrainingLoop<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    // Mixed into the shuffle seed so that Fit(seed: s) does not replay the random numbers that
    // new Network(seed: s) drew for its weights.
    private const ulong ShuffleSeedSalt = 0x5348_5546_464C_4521UL;

    private readonly INetwork<T> _network;
    private readonly TrainingOptions<T> _options;
    private readonly DataSet<T> _training;
    private readonly DataSet<T>? _validation;
    private readonly IOptimizer<T> _optimizer;
    private readonly Sgd<T>? _plainSgd;
    private readonly int _batchSize;
    private readonly bool _isClassifier;

    private readonly int[]? _order;
    private readonly T[]? _batchInputs;
    private readonly T[]? _batchTargets;
    private readonly T[]? _lastFiniteParameters;
    private readonly ShardedBackward<T>? _sharded;
    private readonly LearningRateSchedule? _schedule;
    private readonly T[]? _bestParameters;
    private readonly EpochEvaluation<T>? _evaluation;
    private readonly ClassWeighting<T>? _classWeighting;
    private readonly T[]? _weightedGradients;
    private readonly Action<int, int> _copyRows;
    private int _batchStart; // the batch's first position in _order, for CopyRows
    private SeededRandom _random;

    // What the epoch's summed loss is divided by: its row count, or with class weights for CrossEntropy the sum of its
    // rows' weights (PyTorch's weighted mean).
    private double _epochLossDivisor;

    public TrainingLoop(INetwork<T> network, TrainingOptions<T> options, DataSet<T> training, DataSet<T>? validation, FitThreads? threads)
    {
        _network = network;
        _options = options;
        _copyRows = CopyRows;
        _training = training;
        _validation = validation;
        _optimizer = options.Optimizer ?? new Sgd<T>(options.LearningRate);
        // Plain SGD is exactly what the generated Train/TrainBatch do, without writing the gradient block
        // and reading it back: the fastest per-sample path.
        // Clipping needs the gradient block, which the fused path never writes.
        // Class weights scale each class's gradient, so they need the gradient block too.
        _plainSgd = _optimizer as Sgd<T> is { IsPlain: true } sgd && options.MaxGradientNorm is null && options.ClassWeights is null ? sgd : null;
        _batchSize = options.BatchSize == 0 || options.BatchSize >= training.Rows ? training.Rows : options.BatchSize;
        if (options.ClassWeights is { } classWeights)
        {
            _classWeighting = new ClassWeighting<T>(network, classWeights, training, _batchSize);
            _weightedGradients = new T[network.ParameterCount];
        }
        _schedule = options.LearningRateSchedule;
        if (network is IReplicableNetwork<T> replicable && _batchSize >= TrainingOptions<T>.MinimumParallelBatch)
            _sharded = new ShardedBackward<T>(replicable, _batchSize, threads);
        _isClassifier = network.Description.IsClassifier;

        // A full batch is not shuffled: the order of its rows cannot change the mean gradient.
        if (options.Shuffle && _batchSize < training.Rows)
        {
            _order = new int[training.Rows];
            for (int row = 0; row < _order.Length; row++)
                _order[row] = row;
            _random = new SeededRandom(unchecked((ulong)options.Seed) ^ ShuffleSeedSalt);
            if (_batchSize > 1)
            {
                // Shuffled rows are scattered, but BackwardBatch wants one contiguous block.
                _batchInputs = new T[_batchSize * training.InputSize];
                _batchTargets = new T[_batchSize * training.OutputSize];
            }
        }

        if (options.DivergenceGuard != DivergenceGuard.Off)
            _lastFiniteParameters = new T[network.ParameterCount];
        if (options.EarlyStoppingPatience is not null && options.RestoreBestWeights)
            _bestParameters = new T[network.ParameterCount];
        if (options.HasReportPass(_isClassifier))
            _evaluation = new EpochEvaluation<T>(network, threads, Math.Max(training.Rows, validation?.Rows ?? 0));
    }

    public TrainingHistory Run(CancellationToken cancellationToken)
    {
        var history = new TrainingHistory();
        var clock = Stopwatch.StartNew();
        double bestLoss = double.PositiveInfinity;
        int epochsWithoutImprovement = 0;
        int batchesPerEpoch = (_training.Rows + _batchSize - 1) / _batchSize;
        _schedule?.Start(double.CreateTruncating(_optimizer.LearningRate), _options.Epochs, batchesPerEpoch);

        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_order is not null)
                Shuffle(_order);

            _epochLossDivisor = 0.0;
            double trainingLoss = RunEpoch(epoch, cancellationToken) / _epochLossDivisor;
            EpochReport report = Report(epoch, trainingLoss, clock);
            history.Add(report);
            history.Elapsed = clock.Elapsed;
            _options.Progress?.Report(report);
            _options.EpochCompleted?.Invoke(report);

            double monitoredLoss = report.ValidationLoss ?? report.TrainingLoss;
            _schedule?.EpochEnded(epoch - 1, monitoredLoss);
            if (monitoredLoss < bestLoss - _options.EarlyStoppingMinDelta)
            {
                bestLoss = monitoredLoss;
                history.BestEpoch = epoch;
                epochsWithoutImprovement = 0;
                if (_bestParameters is not null)
                    _network.Parameters.CopyTo(_bestParameters);
            }
            else
            {
                epochsWithoutImprovement++;
            }

            if (_options.EarlyStoppingPatience is int patience && epochsWithoutImprovement >= patience)
            {
                history.StoppedEarly = epoch < _options.Epochs;
                break;
            }
        }

        if (_bestParameters is not null && history.BestEpoch > 0 && history.BestEpoch != history.Last.Epoch)
            _bestParameters.CopyTo(_network.Parameters);
        history.Elapsed = clock.Elapsed;
        return history;
    }

    /// <summary>Runs every batch of one epoch and returns the sum of the per-sample losses.</summary>
    private double RunEpoch(int epoch, CancellationToken cancellationToken)
    {
        DivergenceGuard guard = _options.DivergenceGuard;
        _sharded?.ParametersChanged(); // the callbacks of the last epoch's end may have changed them
        if (guard == DivergenceGuard.EveryEpoch)
            _network.Parameters.CopyTo(_lastFiniteParameters);

        double lossSum = 0.0;
        int rows = _training.Rows;
        int batch = 1;
        for (int start = 0; start < rows; start += _batchSize, batch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(_batchSize, rows - start);
            bool copyRows = BatchBlocks(start, count, out ReadOnlyMemory<T> inputs, out ReadOnlyMemory<T> targets);
            if (_schedule is not null)
                _optimizer.LearningRate = ScheduledRate(epoch, batch);

            double batchLoss = Step(inputs, targets, count, copyRows, guard == DivergenceGuard.EveryStep, out bool parametersFinite);
            if (guard != DivergenceGuard.Off && (!double.IsFinite(batchLoss) || !parametersFinite))
                Diverged(epoch, batch, batchLoss / count);
            lossSum += batchLoss;
        }

        if (guard == DivergenceGuard.EveryEpoch && !Kernels.AllFinite<T>(_network.Parameters))
            Diverged(epoch, batch - 1, lossSum / rows);
        return lossSum;
    }

    /// <summary>The schedule's rate for this step, in the network's precision; an error that names the schedule and the step unless it is a finite number of 0 or more.</summary>
    private T ScheduledRate(int epoch, int batch)
    {
        double scheduled = _schedule!.LearningRateAt(epoch - 1, batch - 1);
        T rate = T.CreateTruncating(scheduled);
        if (!T.IsFinite(rate) || T.IsNegative(rate))
            throw new InvalidOperationException(
                $"The learning-rate schedule {_schedule} gave {scheduled.ToString(System.Globalization.CultureInfo.InvariantCulture)} for epoch {epoch}, batch {batch}" +
                (double.IsFinite(scheduled) && !T.IsFinite(rate) ? $", beyond the range of {typeof(T).Name}" : "") +
                "; a learning rate must be a finite number of 0 or more. Check the schedule's parameters against the run's epochs and batches.");
        return rate;
    }

    private void Diverged(int epoch, int batch, double loss)
    {
        _lastFiniteParameters!.CopyTo(_network.Parameters);
        throw new TrainingDivergedException(epoch, batch, loss, restoredToEpochStart: _options.DivergenceGuard == DivergenceGuard.EveryEpoch);
    }

    /// <summary>
    /// One optimizer step on <paramref name="count"/> rows; returns their summed loss before the step. With
    /// <paramref name="copyRows"/> the rows are still to be copied into <paramref name="inputs"/> and
    /// <paramref name="targets"/>. With <paramref name="guardStep"/> the parameters are copied aside first and
    /// <paramref name="parametersFinite"/> says whether the new ones are all finite (else it is true).
    /// </summary>
    private double Step(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int count, bool copyRows, bool guardStep, out bool parametersFinite)
    {
        bool sharded = _sharded is not null && count >= TrainingOptions<T>.MinimumParallelBatch;
        if (sharded && _classWeighting is null)
        {
            // The whole step on the shard threads: the rows' copies, the copy aside and the check run there too.
            _epochLossDivisor += count;
            return double.CreateTruncating(_sharded!.Step(inputs, targets, count, copyRows ? _copyRows : null, _optimizer,
                _options.MaxGradientNorm, guardStep ? _lastFiniteParameters : null, out parametersFinite));
        }

        if (copyRows)
            CopyRows(0, count);
        if (guardStep)
            _network.Parameters.CopyTo(_lastFiniteParameters);
        double loss = SerialStep(inputs, targets, count, sharded);
        _sharded?.ParametersChanged();
        parametersFinite = !guardStep || Kernels.AllFinite<T>(_network.Parameters);
        return loss;
    }

    /// <summary>A step whose optimizer runs on this thread (<paramref name="sharded"/>: the gradient is summed on the shard threads).</summary>
    private double SerialStep(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int count, bool sharded)
    {
        if (_plainSgd is not null && !sharded)
        {
            T learningRate = _plainSgd.LearningRate; // read per step: a callback may schedule it
            _epochLossDivisor += count;
            return count == 1
                ? double.CreateTruncating(_network.Train(inputs.Span, targets.Span, learningRate))
                : double.CreateTruncating(_network.TrainBatch(inputs.Span, targets.Span, learningRate)) * count;
        }

        T loss, divisor = T.CreateTruncating(count);
        if (_classWeighting is not null)
            (loss, divisor) = WeightedGradient(inputs, targets, count);
        else
            loss = SummedGradient(inputs, targets, count);
        _epochLossDivisor += double.CreateTruncating(divisor);
        Span<T> gradients = _network.Gradients;
        if (divisor != T.One)
            Kernels.DivideInPlace(gradients, divisor); // the mean gradient
        if (_options.MaxGradientNorm is double maxNorm)
            GradientClipping.ClipByGlobalNorm(gradients, maxNorm);
        _optimizer.Step(_network.Parameters, _network.Gradients);
        return double.CreateTruncating(loss);
    }

    /// <summary>Sets the network's gradients to the sum over <paramref name="count"/> rows; returns their summed loss.</summary>
    private T SummedGradient(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int count)
    {
        if (_sharded is not null && count >= TrainingOptions<T>.MinimumParallelBatch)
            return _sharded.SumGradients(inputs, targets, count);
        _network.ZeroGradients();
        return count == 1 ? _network.Backward(inputs.Span, targets.Span) : _network.BackwardBatch(inputs.Span, targets.Span);
    }

    /// <summary>
    /// Sets the network's gradients to <c>sum_n w[class of n] * gradient_n</c>, one class's rows at a time; returns the
    /// weighted summed loss and what the mean divides by (see <see cref="TrainingOptions{T}.ClassWeights"/>).
    /// </summary>
    private (T Loss, T Divisor) WeightedGradient(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, int count)
    {
        ClassWeighting<T> weighting = _classWeighting!;
        weighting.Group(inputs.Span, targets.Span, count);
        Span<T> sum = _weightedGradients;
        sum.Clear();
        T loss = T.Zero, weightSum = T.Zero;
        for (int c = 0; c < weighting.ClassCount; c++)
        {
            int rows = weighting.RowsOf(c);
            T weight = weighting.Weight(c);
            // A class of weight 0 adds nothing to the loss or the gradient: its rows are not even run.
            if (rows == 0 || weight == T.Zero)
                continue;
            T classLoss = SummedGradient(weighting.InputsOf(c), weighting.TargetsOf(c), rows);
            TensorPrimitives.MultiplyAdd(_network.Gradients, weight, sum, sum);
            loss += weight * classLoss;
            weightSum += weight * T.CreateTruncating(rows);
        }
        sum.CopyTo(_network.Gradients);
        // A batch whose rows all weigh 0 has a zero gradient; dividing it by 1 keeps it zero instead of NaN.
        T divisor = weighting.DividesByWeightSum ? (weightSum > T.Zero ? weightSum : T.One) : T.CreateTruncating(count);
        return (loss, divisor);
    }

    /// <summary>
    /// The rows of one batch as contiguous blocks: slices of the data set when possible, else the batch buffers, and
    /// then it returns true: the rows are still to be copied into them (<see cref="CopyRows"/>).
    /// </summary>
    private bool BatchBlocks(int start, int count, out ReadOnlyMemory<T> inputs, out ReadOnlyMemory<T> targets)
    {
        int inputSize = _training.InputSize;
        int outputSize = _training.OutputSize;
        if (_order is null)
        {
            inputs = _training.Inputs.Slice(start * inputSize, count * inputSize);
            targets = _training.Targets.Slice(start * outputSize, count * outputSize);
            return false;
        }
        if (count == 1)
        {
            int row = _order[start];
            inputs = _training.Inputs.Slice(row * inputSize, inputSize);
            targets = _training.Targets.Slice(row * outputSize, outputSize);
            return false;
        }

        _batchStart = start;
        inputs = _batchInputs.AsMemory(0, count * inputSize);
        targets = _batchTargets.AsMemory(0, count * outputSize);
        return true;
    }

    /// <summary>
    /// Copies the shuffled rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of
    /// the batch that <see cref="BatchBlocks"/> last set up into the batch buffers. The shards of a sharded step call it
    /// for their own rows, each on its thread: scattered over the data set, the rows mostly miss the cache.
    /// </summary>
    private void CopyRows(int first, int count)
    {
        int inputSize = _training.InputSize;
        int outputSize = _training.OutputSize;
        Span<T> batchInputs = _batchInputs;
        Span<T> batchTargets = _batchTargets;
        for (int i = first; i < first + count; i++)
        {
            int row = _order![_batchStart + i];
            _training.InputRow(row).CopyTo(batchInputs.Slice(i * inputSize, inputSize));
            _training.TargetRow(row).CopyTo(batchTargets.Slice(i * outputSize, outputSize));
        }
    }

    /// <summary>Fisher-Yates shuffle driven by the run's seeded sequence.</summary>
    private void Shuffle(int[] order)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = _random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private EpochReport Report(int epoch, double trainingLoss, Stopwatch clock)
    {
        double? validationLoss = null;
        double? validationAccuracy = null;
        double? trainingAccuracy = null;
        if (_validation is DataSet<T> validation)
        {
            (double lossSum, int correct) = _evaluation!.Run(validation, computesLoss: true, countsCorrect: _isClassifier);
            validationLoss = lossSum / validation.Rows;
            if (_isClassifier)
                validationAccuracy = (double)correct / validation.Rows;
        }
        if (_isClassifier && _options.MeasureTrainingAccuracy)
            trainingAccuracy = (double)_evaluation!.Run(_training, computesLoss: false, countsCorrect: true).Correct / _training.Rows;

        return new EpochReport
        {
            Epoch = epoch,
            Epochs = _options.Epochs,
            TrainingLoss = trainingLoss,
            ValidationLoss = validationLoss,
            TrainingAccuracy = trainingAccuracy,
            ValidationAccuracy = validationAccuracy,
            LearningRate = double.CreateTruncating(_optimizer.LearningRate),
            Elapsed = clock.Elapsed,
        };
    }
}
