using System;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Each schedule's rates against torch.optim.lr_scheduler (Fixtures/make_trainkit_fixture.py), and Fit applying them.</summary>
public class LearningRateScheduleTests
{
    [Fact]
    public void StepDecay_matches_StepLR()
    {
        AssertEpochRates("step_3_half", LearningRateSchedule.StepDecay(stepSize: 3, gamma: 0.5), epochs: 10);
    }

    [Fact]
    public void Exponential_matches_ExponentialLR()
    {
        AssertEpochRates("exponential_0_9", LearningRateSchedule.Exponential(0.9), epochs: 10);
    }

    [Fact]
    public void CosineWithWarmup_matches_LinearLR_then_CosineAnnealingLR()
    {
        AssertEpochRates("cosine_warmup_3_of_12", LearningRateSchedule.CosineWithWarmup(warmupEpochs: 3, minimumLearningRate: 0.001, warmupStartFactor: 0.1), epochs: 12);
    }

    [Fact]
    public void CosineWithWarmup_without_warmup_matches_CosineAnnealingLR()
    {
        AssertEpochRates("cosine_no_warmup_10", LearningRateSchedule.CosineWithWarmup(), epochs: 10);
    }

    [Fact]
    public void OneCycle_matches_OneCycleLR_batch_by_batch()
    {
        LearningRateSchedule schedule = LearningRateSchedule.OneCycle(maximumLearningRate: 0.1);
        schedule.Start(0.1, epochs: 5, batchesPerEpoch: 7);
        double[] expected = TrainkitReference.Schedule("one_cycle_5x7");

        for (int step = 0; step < expected.Length; step++)
            AssertClose(expected[step], schedule.LearningRateAt(step / 7, step % 7), $"step {step}");
    }

    [Fact]
    public void ReduceOnPlateau_matches_ReduceLROnPlateau_on_a_loss_sequence()
    {
        LearningRateSchedule schedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 2, cooldown: 1, minimumLearningRate: 0.02);
        double[] losses = TrainkitReference.PlateauLosses;
        double[] expected = TrainkitReference.Schedule("plateau");
        schedule.Start(0.1, epochs: losses.Length, batchesPerEpoch: 3);

        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            AssertClose(expected[epoch], schedule.LearningRateAt(epoch, 0), $"epoch {epoch}");
            schedule.EpochEnded(epoch, losses[epoch]);
        }
    }

    [Fact]
    public void Start_resets_the_plateau_state_so_a_schedule_can_serve_a_second_run()
    {
        LearningRateSchedule schedule = LearningRateSchedule.ReduceOnPlateau(factor: 0.5, patience: 0);
        schedule.Start(0.1, epochs: 3, batchesPerEpoch: 1);
        schedule.EpochEnded(0, 1.0);
        schedule.EpochEnded(1, 1.0);
        Assert.Equal(0.05, schedule.LearningRateAt(2, 0));

        schedule.Start(0.1, epochs: 3, batchesPerEpoch: 1);

        Assert.Equal(0.1, schedule.LearningRateAt(0, 0));
    }

    [Fact]
    public void Fit_sets_the_optimizers_rate_before_every_step_and_reports_it_per_epoch()
    {
        var network = new SingleLayerNetwork(2, 1);
        (double[] inputs, double[] targets) = TrainingData.Linear(8);
        var sgd = new Sgd<double>(0.01);
        var rates = new double[4];

        TrainingHistory history = network.Fit(inputs, targets, new TrainingOptions<double>
        {
            Epochs = 4,
            BatchSize = 4,
            Optimizer = sgd,
            LearningRateSchedule = LearningRateSchedule.StepDecay(stepSize: 1, gamma: 0.5),
            EpochCompleted = report => rates[report.Epoch - 1] = sgd.LearningRate,
        });

        Assert.Equal([0.01, 0.005, 0.0025, 0.00125], rates);
        Assert.Equal([0.01, 0.005, 0.0025, 0.00125], [.. System.Linq.Enumerable.Select(history.Epochs, e => e.LearningRate)]);
    }

    [Fact]
    public void Fit_with_a_schedule_takes_the_same_steps_as_setting_the_rate_by_hand()
    {
        (double[] inputs, double[] targets) = TrainingData.Linear(6);
        var scheduled = new SingleLayerNetwork(2, 1);
        var byHand = scheduled.Clone();

        scheduled.Fit(inputs, targets, new TrainingOptions<double>
        {
            Epochs = 3, BatchSize = 0, LearningRate = 0.001, LearningRateSchedule = LearningRateSchedule.Exponential(0.5),
        });
        for (int epoch = 0; epoch < 3; epoch++)
            byHand.TrainBatch(inputs, targets, 0.001 * Math.Pow(0.5, epoch));

        Assert.Equal(byHand.Snapshot(), scheduled.Snapshot());
    }

    [Fact]
    public void A_warmup_as_long_as_the_run_is_rejected_when_training_starts()
    {
        LearningRateSchedule schedule = LearningRateSchedule.CosineWithWarmup(warmupEpochs: 5);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Start(0.1, epochs: 5, batchesPerEpoch: 1));
        Assert.Contains("5 epochs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_OneCycle_rise_of_exactly_one_step_gives_that_step_the_starting_rate_instead_of_zero_over_zero()
    {
        // 0.5 of 2 steps: the rise ends at step 0, where PyTorch's OneCycleLR divides by zero.
        LearningRateSchedule schedule = LearningRateSchedule.OneCycle(0.1, warmupFraction: 0.5);
        schedule.Start(0.01, epochs: 2, batchesPerEpoch: 1);

        Assert.Equal(0.1 / 25, schedule.LearningRateAt(0, 0), 1e-17); // the cosine's end point, to its rounding
        Assert.Equal(0.1 / 25 / 1e4, schedule.LearningRateAt(1, 0), 1e-20);

        // Through Fit, with settings that hit it: 10 full-batch epochs with warmupFraction 0.1.
        var network = new SingleLayerNetwork(2, 1);
        (double[] inputs, double[] targets) = TrainingData.Linear(8);
        TrainingHistory history = network.Fit(inputs, targets, new TrainingOptions<double>
        {
            Epochs = 10, BatchSize = 0, LearningRateSchedule = LearningRateSchedule.OneCycle(0.1, warmupFraction: 0.1),
        });
        Assert.All(history.Epochs, report => Assert.True(double.IsFinite(report.LearningRate) && double.IsFinite(report.TrainingLoss)));

        // A rise shorter than one step is PyTorch's too: straight into the fall, every rate finite.
        schedule = LearningRateSchedule.OneCycle(0.1, warmupFraction: 0.3);
        schedule.Start(0.01, epochs: 1, batchesPerEpoch: 2);
        Assert.True(double.IsFinite(schedule.LearningRateAt(0, 0)) && double.IsFinite(schedule.LearningRateAt(0, 1)));
    }

    [Fact]
    public void The_built_in_schedules_refuse_a_rate_before_Start_and_for_a_step_outside_the_run()
    {
        LearningRateSchedule[] schedules =
        [
            LearningRateSchedule.StepDecay(2), LearningRateSchedule.Exponential(0.9), LearningRateSchedule.CosineWithWarmup(1),
            LearningRateSchedule.OneCycle(0.1), LearningRateSchedule.ReduceOnPlateau(),
        ];
        foreach (LearningRateSchedule schedule in schedules)
        {
            var early = Assert.Throws<InvalidOperationException>(() => schedule.LearningRateAt(0, 0));
            Assert.Contains("Start", early.Message, StringComparison.Ordinal);
            Assert.StartsWith(schedule.ToString()![..schedule.ToString()!.IndexOf('(')], early.Message, StringComparison.Ordinal); // its own name

            schedule.Start(0.1, epochs: 3, batchesPerEpoch: 4);
            Assert.True(double.IsFinite(schedule.LearningRateAt(2, 3)));
            Assert.Equal("epoch", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRateAt(3, 0)).ParamName);
            Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRateAt(0, 4)).ParamName);
            Assert.Equal("epoch", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.LearningRateAt(-1, 0)).ParamName);
        }
    }

    [Fact]
    public void Exponential_decay_stays_finite_where_gamma_to_the_epoch_overflows_but_the_rate_does_not()
    {
        LearningRateSchedule schedule = LearningRateSchedule.Exponential(1e10);
        schedule.Start(1e-200, epochs: 40, batchesPerEpoch: 1);

        // 1e10^35 overflows a double; 1e-200 * 1e10^35 = 1e150 does not.
        Assert.Equal(1e150, schedule.LearningRateAt(35, 0), 1e137);
        Assert.Equal(1e-200 * Math.Pow(1e10, 5), schedule.LearningRateAt(5, 0)); // the direct formula where it holds

        var plateau = LearningRateSchedule.ReduceOnPlateau();
        Assert.Throws<InvalidOperationException>(() => plateau.EpochEnded(0, 1.0));
    }

    [Fact]
    public void Fit_names_the_schedule_and_the_step_when_a_schedule_gives_a_rate_that_is_not_finite()
    {
        var network = new SingleLayerNetwork(2, 1);
        (double[] inputs, double[] targets) = TrainingData.Linear(8);
        double[] before = network.Snapshot();

        var error = Assert.Throws<InvalidOperationException>(() => network.Fit(inputs, targets, new TrainingOptions<double>
        {
            Epochs = 3, BatchSize = 4, LearningRate = 0.01, LearningRateSchedule = new NaNFromSecondEpoch(),
        }));

        Assert.Contains("NaNFromSecondEpoch", error.Message, StringComparison.Ordinal);
        Assert.Contains("gave NaN for epoch 2, batch 1", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(before, network.Snapshot()); // epoch 1 trained
    }

    /// <summary>A user's schedule with a bug: a rate for epoch 0 (counted from 0, as the schedules count), NaN after it.</summary>
    private sealed class NaNFromSecondEpoch : LearningRateSchedule
    {
        public override double LearningRateAt(int epoch, int batch) => epoch == 0 ? InitialLearningRate : double.NaN;
    }

    [Fact]
    public void An_optimizers_learning_rate_setter_names_LearningRate_and_the_value()
    {
        IOptimizer<double>[] optimizers = [new Sgd<double>(0.1), new Adam<double>(), new AdamW<double>(), new RmsProp<double>()];
        foreach (IOptimizer<double> optimizer in optimizers)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = double.NaN);
            Assert.Equal("LearningRate", error.ParamName);
            Assert.Equal(double.NaN, error.ActualValue);
            Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1);
        }
    }

    private static void AssertEpochRates(string name, LearningRateSchedule schedule, int epochs)
    {
        schedule.Start(0.1, epochs, batchesPerEpoch: 4);
        double[] expected = TrainkitReference.Schedule(name);
        Assert.Equal(epochs, expected.Length);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            // The rate does not move within an epoch for these per-epoch schedules.
            AssertClose(expected[epoch], schedule.LearningRateAt(epoch, 0), $"{name}, epoch {epoch}");
            AssertClose(expected[epoch], schedule.LearningRateAt(epoch, 3), $"{name}, epoch {epoch}, last batch");
        }
    }

    private static void AssertClose(double expected, double actual, string where) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-14 * Math.Max(1e-3, Math.Abs(expected)), $"{where}: torch {expected:R}, NetGen {actual:R}");
}
