using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Dropout (<see cref="NetworkAttribute.Dropout"/>, <see cref="NetworkAttribute.DropoutRates"/>): only the training
/// calls drop, with inverted scaling; Backward is the exact gradient of the network its masks make; the masks are
/// a pure function of (seed, step, row, unit), so they are reproducible, the same in one batch call or in shards, and
/// drop the declared fraction; no call allocates; a rate of 0 generates the code of a network without dropout.
/// </summary>
public class DropoutTests
{
    private const int Seed = 11;

    /// <summary>Each dropout network in double precision with its input and target sizes, in every code shape.</summary>
    public static TheoryData<string> DoubleNetworks() => new(nameof(DropoutInLocals), nameof(DropoutPerLayerInLocals), nameof(DropoutUnrolledSpans), nameof(DropoutLooped), nameof(DropoutMixedShapes));

    private static INetwork<double> Create(string name, int seed = Seed) => name switch
    {
        nameof(DropoutInLocals) => new DropoutInLocals(seed),
        nameof(DropoutPerLayerInLocals) => new DropoutPerLayerInLocals(seed),
        nameof(DropoutUnrolledSpans) => new DropoutUnrolledSpans(seed),
        nameof(DropoutLooped) => new DropoutLooped(seed),
        nameof(DropoutMixedShapes) => new DropoutMixedShapes(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (double[] Inputs, double[] Targets) Rows(INetwork<double> network, int rows, int seed = 3)
    {
        var random = new Random(seed);
        double[] inputs = Enumerable.Range(0, rows * network.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] targets = new double[rows * network.OutputSize];
        for (int row = 0; row < rows; row++)
            FiniteDifferences.Target(network.Description.Loss, network.OutputSize, random).CopyTo(targets, row * network.OutputSize);
        return (inputs, targets);
    }

    [Theory]
    [InlineData(nameof(DropoutInLocals), nameof(DropoutInLocalsTwin))]
    [InlineData(nameof(DropoutUnrolledSpans), nameof(DropoutUnrolledSpansTwin))]
    [InlineData(nameof(DropoutLooped), nameof(DropoutLoopedTwin))]
    public void Predict_PredictBatch_and_Loss_are_those_of_the_network_without_dropout(string name, string twinName)
    {
        INetwork<double> network = Create(name);
        INetwork<double> twin = twinName switch
        {
            nameof(DropoutInLocalsTwin) => new DropoutInLocalsTwin(Seed),
            nameof(DropoutUnrolledSpansTwin) => new DropoutUnrolledSpansTwin(Seed),
            _ => new DropoutLoopedTwin(Seed),
        };
        Assert.Equal(twin.Parameters.ToArray(), network.Parameters.ToArray());
        (double[] inputs, double[] targets) = Rows(network, 40);
        // Training calls in between must not leave anything behind that Predict or Loss would see.
        network.Backward(inputs.AsSpan(0, network.InputSize), targets.AsSpan(0, network.OutputSize));

        for (int row = 0; row < 40; row++)
        {
            ReadOnlySpan<double> input = inputs.AsSpan(row * network.InputSize, network.InputSize);
            ReadOnlySpan<double> target = targets.AsSpan(row * network.OutputSize, network.OutputSize);
            double[] output = new double[network.OutputSize], twinOutput = new double[network.OutputSize];
            network.Predict(input, output);
            twin.Predict(input, twinOutput);
            Assert.Equal(twinOutput, output);
            Assert.Equal(twin.Loss(input, target), network.Loss(input, target));
        }
        double[] outputs = new double[40 * network.OutputSize], twinOutputs = new double[40 * network.OutputSize];
        network.PredictBatch(inputs, outputs);
        twin.PredictBatch(inputs, twinOutputs);
        Assert.Equal(twinOutputs, outputs);
    }

    [Theory]
    [MemberData(nameof(DoubleNetworks))]
    public void Backward_is_the_gradient_of_the_loss_of_the_network_its_masks_make(string name)
    {
        INetwork<double> network = Create(name);
        var dropout = (IDropoutNetwork)network;
        (double[] inputs, double[] targets) = Rows(network, 6);
        int differing = 0;
        for (int row = 0; row < 6; row++)
        {
            double[] input = inputs.AsSpan(row * network.InputSize, network.InputSize).ToArray();
            double[] target = targets.AsSpan(row * network.OutputSize, network.OutputSize).ToArray();
            ulong step = (ulong)(100 + row);
            dropout.DropoutStep = step;
            network.ZeroGradients();
            double maskedLoss = network.Backward(input, target);
            Assert.Equal(step + 1, dropout.DropoutStep);
            double[] analytic = network.Gradients.ToArray();
            if (maskedLoss != network.Loss(input, target))
                differing++;

            // Backward with the same step draws the same masks, so its loss is the masked network's loss.
            FiniteDifferences.AssertGradientOfMaskedLoss(network, dropout, step, input, target, analytic, $"{name} row {row}");
        }
        Assert.True(differing > 0, $"{name}: dropout never changed the training loss; the masks do nothing");
    }

    [Theory]
    [MemberData(nameof(DoubleNetworks))]
    public void BackwardBatch_and_Train_draw_each_rows_masks_as_Backward_does_for_that_row(string name)
    {
        INetwork<double> batch = Create(name), single = Create(name), trained = Create(name);
        (double[] inputs, double[] targets) = Rows(batch, 37);
        ((IDropoutNetwork)batch).DropoutStep = 5;
        batch.ZeroGradients();
        double batchLoss = batch.BackwardBatch(inputs, targets);
        Assert.Equal(6UL, ((IDropoutNetwork)batch).DropoutStep);

        single.ZeroGradients();
        double singleLoss = 0;
        for (int row = 0; row < 37; row++)
        {
            ((IDropoutNetwork)single).DropoutStep = 5;
            ((IDropoutNetwork)single).DropoutFirstRow = row;
            singleLoss += single.Backward(inputs.AsSpan(row * batch.InputSize, batch.InputSize), targets.AsSpan(row * batch.OutputSize, batch.OutputSize));
        }
        // The batch path may compute layer 1 for a chunk of rows with a matrix-matrix product: equal up to rounding.
        Assert.Equal(singleLoss, batchLoss, 1e-12);
        double[] batchGradients = batch.Gradients.ToArray(), singleGradients = single.Gradients.ToArray();
        for (int p = 0; p < batchGradients.Length; p++)
            Assert.Equal(singleGradients[p], batchGradients[p], 1e-12);

        // Train is Backward followed by a plain SGD step, with the same masks.
        ((IDropoutNetwork)trained).DropoutStep = 9;
        ((IDropoutNetwork)single).DropoutStep = 9;
        ((IDropoutNetwork)single).DropoutFirstRow = 0;
        single.Parameters.Clear();
        Create(name).Parameters.CopyTo(single.Parameters);
        single.ZeroGradients();
        double loss = single.Backward(inputs.AsSpan(0, batch.InputSize), targets.AsSpan(0, batch.OutputSize));
        single.ApplyGradients(0.1);
        Assert.Equal(loss, trained.Train(inputs.AsSpan(0, batch.InputSize), targets.AsSpan(0, batch.OutputSize), 0.1), 1e-14);
        double[] expected = single.Parameters.ToArray(), actual = trained.Parameters.ToArray();
        for (int p = 0; p < expected.Length; p++)
            Assert.Equal(expected[p], actual[p], 1e-14);
        Assert.Equal(10UL, ((IDropoutNetwork)trained).DropoutStep);
    }

    [Fact]
    public void The_fraction_of_units_dropped_is_the_declared_rate()
    {
        // With sigmoid units and an identity output, a unit's bias gradient is zero exactly when dropout zeroed it.
        var network = new DropoutWideSingle(Seed);
        const int Calls = 400;
        int dropped = 0, units = 0;
        float[] input = [0.3f, -0.7f], target = [0.5f];
        for (int call = 0; call < Calls; call++)
        {
            network.ZeroGradients();
            network.Backward(input, target);
            Span<float> biasGradients = network.Gradients.Slice(2 * 64, 64);
            foreach (float gradient in biasGradients)
                dropped += gradient == 0 ? 1 : 0;
            units += 64;
        }
        double fraction = (double)dropped / units;
        // 25,600 draws: the standard deviation of the fraction is 0.003.
        Assert.InRange(fraction, 0.3 - 0.015, 0.3 + 0.015);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void The_mask_kernel_drops_the_rate_and_scales_the_rest_by_one_over_one_minus_it(double rate)
    {
        const int Units = 1000, Rows = 100;
        uint threshold = (uint)Math.Round(rate * 4294967296.0);
        double scale = 1 / (1 - rate);
        double[] a = Enumerable.Repeat(1.0, Units).ToArray(), mask = new double[Units], dropped = new double[Units];
        int zeros = 0;
        double sum = 0;
        for (int row = 0; row < Rows; row++)
        {
            NetGen.Kernels.Dropout<double>(a, NetGen.Kernels.DropoutRowKey(42, 7, row), 0, threshold, scale, mask, dropped);
            foreach (double factor in mask)
            {
                Assert.True(factor == 0 || factor == scale);
                zeros += factor == 0 ? 1 : 0;
            }
            sum += dropped.Sum();
        }
        double sd = Math.Sqrt(rate * (1 - rate) / (Units * Rows));
        Assert.InRange((double)zeros / (Units * Rows), rate - 5 * sd, rate + 5 * sd);
        // Inverted dropout keeps the expected output: the mean of the dropped ones is near 1.
        Assert.InRange(sum / (Units * Rows), 1 - 5 * sd * scale, 1 + 5 * sd * scale);
    }

    [Fact]
    public void The_same_seed_gives_the_same_parameters_after_training_and_another_seed_other_ones()
    {
        (double[] inputs, double[] targets) = Rows(new DropoutLooped(0), 64);
        var options = new TrainingOptions<double> { Epochs = 3, BatchSize = 8, LearningRate = 0.5, MaxDegreeOfParallelism = 1 };
        var first = new DropoutLooped(Seed);
        var second = new DropoutLooped(Seed);
        var otherMasks = new DropoutLooped(Seed) { DropoutSeed = 12345 };
        first.Fit(inputs, targets, options);
        second.Fit(inputs, targets, options);
        otherMasks.Fit(inputs, targets, options);

        Assert.Equal(first.Parameters.ToArray(), second.Parameters.ToArray());
        Assert.NotEqual(first.Parameters.ToArray(), otherMasks.Parameters.ToArray());
        Assert.Equal((ulong)(3 * 8), first.DropoutStep);
    }

    [Fact]
    public void Data_parallel_Fit_with_dropout_gives_the_same_parameters_on_one_and_two_threads_and_the_masks_of_one_network()
    {
        var random = new Random(5);
        const int Rows = 256;
        float[] inputs = Enumerable.Range(0, Rows * 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        int[] labels = Enumerable.Range(0, Rows).Select(row => (int)((inputs[row * 8] + 1) * 1.5) % 3).ToArray();

        float[] Train(int threads, int batchSize)
        {
            var network = new DropoutClassifier(Seed);
            network.Fit(inputs, labels, new TrainingOptions<float> { Epochs = 2, BatchSize = batchSize, Optimizer = new Adam<float>(1e-2f), MaxDegreeOfParallelism = threads });
            return network.Parameters.ToArray();
        }

        float[] oneThread = Train(1, 128), twoThreads = Train(2, 128);
        Assert.Equal(oneThread, twoThreads);

        // Sharded (batch 128: four shards on replicas) and not (batch 8 never shards) differ in the batches, so compare
        // one sharded step with the same batch on one network: equal but for the order of the sums.
        var sharded = new DropoutClassifier(Seed);
        var whole = new DropoutClassifier(Seed);
        float[] targets = new float[Rows * 3];
        for (int row = 0; row < Rows; row++)
            targets[row * 3 + labels[row]] = 1;
        sharded.Fit(inputs.AsMemory(0, 128 * 8), targets.AsMemory(0, 128 * 3), new TrainingOptions<float> { Epochs = 1, BatchSize = 128, Shuffle = false, Optimizer = new Adam<float>(1e-2f) });
        whole.ZeroGradients();
        whole.BackwardBatch(inputs.AsSpan(0, 128 * 8), targets.AsSpan(0, 128 * 3));
        var adam = new Adam<float>(1e-2f);
        DivideInPlace(whole.Gradients, 128);
        adam.Step(whole.Parameters, whole.Gradients);
        float[] expected = whole.Parameters.ToArray(), actual = sharded.Parameters.ToArray();
        for (int p = 0; p < expected.Length; p++)
            Assert.True(Math.Abs(expected[p] - actual[p]) <= 1e-4f, $"parameter {p}: {actual[p]} sharded, {expected[p]} in one call");
        Assert.Equal(1UL, sharded.DropoutStep);
    }

    private static void DivideInPlace(Span<float> values, int by)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] /= by;
    }

    [Fact]
    public void The_training_calls_of_dropout_networks_allocate_nothing()
    {
        INetwork<double>[] networks = DoubleNetworks().Select(row => Create((string)row.Data)).ToArray();
        var single = new DropoutWideSingle(Seed);
        float[] singleInputs = new float[64 * 2], singleTargets = new float[64];

        (double[] Inputs, double[] Targets)[] data = networks.Select(network => Rows(network, 64)).ToArray();
        void Run()
        {
            for (int i = 0; i < networks.Length; i++)
            {
                INetwork<double> network = networks[i];
                (double[] inputs, double[] targets) = data[i];
                network.Backward(inputs.AsSpan(0, network.InputSize), targets.AsSpan(0, network.OutputSize));
                network.Train(inputs.AsSpan(0, network.InputSize), targets.AsSpan(0, network.OutputSize), 0.01);
                network.BackwardBatch(inputs, targets);
                network.TrainBatch(inputs, targets, 0.01);
            }
            single.BackwardBatch(singleInputs, singleTargets);
            single.TrainBatch(singleInputs, singleTargets, 0.01f);
        }

        Run(); // JIT and tiering happen outside the measurement
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 20; i++)
                Run();
        }));
    }

    [Fact]
    public void Predict_and_Loss_do_not_move_the_dropout_step()
    {
        var network = new DropoutInLocals(Seed);
        double[] input = [0.1, 0.2, 0.3], target = [0.5, -0.5], output = new double[2];
        network.Predict(input, output);
        network.Loss(input, target);
        network.PredictBatch(input, output);
        Assert.Equal(0UL, network.DropoutStep);
        network.Backward(input, target);
        Assert.Equal(1UL, network.DropoutStep);
    }

    [Fact]
    public void The_seed_constructor_seeds_the_masks()
    {
        Assert.Equal(7UL, new DropoutLooped(7).DropoutSeed);
        Assert.NotEqual(new DropoutLooped(7).DropoutSeed, new DropoutLooped(8).DropoutSeed);
    }

    private static NetworkPlan PlanOf(int maxUnrolledWeights, params double[] rates)
    {
        var model = new NetworkModel(null, EquatableArray<ContainingType>.Empty, "Net", "Network", new[] { 4, 6, 5, 2 }.ToEquatableArray(),
            new[] { ActivationKind.GELU, ActivationKind.Tanh, ActivationKind.Identity }.ToEquatableArray(), LossKind.HalfSquaredError,
            PrecisionKind.Double, InitializerKind.Default, maxUnrolledWeights, DropoutRates: rates.ToEquatableArray());
        return Planner.Plan(model);
    }

    [Fact]
    public void The_plan_gives_each_dropout_layer_its_threshold_scale_and_own_buffer_ranges_after_the_kept_z()
    {
        NetworkPlan looped = PlanOf(0, 0.25, 0.5, 0.0);
        NetworkPlan without = PlanOf(0);
        Assert.False(looped.RunsInLocals);
        DropoutPlan first = looped.Layers[0].Dropout!, second = looped.Layers[1].Dropout!;
        Assert.Null(looped.OutputLayer.Dropout);
        Assert.Equal((1U << 30, 4.0 / 3.0), (first.DropThreshold, first.KeptScale));
        Assert.Equal((1U << 31, 2.0), (second.DropThreshold, second.KeptScale));
        // Layer 1 keeps its GELU z (6 values) after the logits; the dropout ranges follow, none overlapping.
        Assert.Equal(without.ActivationCount, first.DroppedOffset);
        Assert.Equal(first.DroppedOffset + 6, first.MaskOffset);
        Assert.Equal(first.MaskOffset + 6, second.DroppedOffset);
        Assert.Equal(second.DroppedOffset + 5, second.MaskOffset);
        Assert.Equal(without.ActivationCount + 2 * (6 + 5), looped.ActivationCount);

        // Networks that run in locals keep masks in locals: no buffer space.
        NetworkPlan inLocals = PlanOf(64, 0.25, 0.5, 0.0);
        Assert.True(inLocals.RunsInLocals);
        Assert.Equal(PlanOf(64).ActivationCount, inLocals.ActivationCount);
        Assert.Equal(-1, inLocals.Layers[0].Dropout!.MaskOffset);
    }

    [Fact]
    public void A_rate_just_below_1_drops_all_but_one_in_2_to_the_32_units()
    {
        DropoutPlan almostAll = PlanOf(0, 1 - 1e-12, 0.0, 0.0).Layers[0].Dropout!;
        Assert.Equal(uint.MaxValue, almostAll.DropThreshold);
    }

    [Theory]
    [InlineData("Dropout = 0")]
    [InlineData("Dropout = 0.0")]
    [InlineData("DropoutRates = new[] { 0.0, 0.0 }")]
    public void A_rate_of_0_generates_the_code_of_a_network_without_dropout(string dropout)
    {
        const string Declaration = "[Network(5, 12, 9, 2, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, MaxUnrolledWeights = 60DROPOUT)] public partial class Net { }";
        string without = GeneratedBody(Declaration.Replace("DROPOUT", "", StringComparison.Ordinal));
        string with = GeneratedBody(Declaration.Replace("DROPOUT", ", " + dropout, StringComparison.Ordinal));
        Assert.Equal(without, with);
        Assert.DoesNotContain("ropout", with, StringComparison.Ordinal);
    }

    /// <summary>The generated source without its header line, which quotes the attribute.</summary>
    private static string GeneratedBody(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\nnamespace Samples;\n" + declaration);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        string source = Assert.Single(run.Sources).SourceText.ToString();
        return string.Join("\n", source.Split('\n').Where(line => !line.StartsWith("// Generated by NetGen from", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Dropout = -0.1", "Dropout = -0.1")]
    [InlineData("Dropout = 1", "Dropout = 1")]
    [InlineData("Dropout = double.NaN", "Dropout = NaN")]
    [InlineData("DropoutRates = new[] { 0.2, 1.5 }", "DropoutRates[1] = 1.5")]
    public void NG0021_a_rate_outside_0_to_1(string dropout, string messagePart) =>
        AssertDiagnostic($"[Network(4, 3, 3, 1, {dropout})] public partial class Net {{ }}", "NG0021", messagePart);

    [Theory]
    [InlineData("[Network(4, 3, 3, 1, DropoutRates = new[] { 0.2 })]", "gives DropoutRates 1 rate(s)")]
    [InlineData("[Network(4, 3, 3, 1, Dropout = 0.2, DropoutRates = new[] { 0.2, 0.2 })]", "sets both Dropout and DropoutRates")]
    [InlineData("[Network(4, 1, Dropout = 0.2)]", "has no hidden layer")]
    public void NG0022_dropout_that_does_not_match_the_hidden_layers(string attribute, string messagePart) =>
        AssertDiagnostic(attribute + " public partial class Net { }", "NG0022", messagePart);

    [Fact]
    public void A_user_member_named_like_a_dropout_member_clashes_only_in_a_network_with_dropout()
    {
        GeneratorRun clash = GeneratorHarness.Run("using NetGen;\n[Network(4, 3, 1, Dropout = 0.5)] public partial class Net { public int DropoutStep; }");
        Assert.Contains(clash.GeneratorDiagnostics, d => d.Id == "NG0013");
        GeneratorRun noClash = GeneratorHarness.Run("using NetGen;\n[Network(4, 3, 1)] public partial class Net { public int DropoutStep; }");
        Assert.Empty(noClash.GeneratorDiagnostics);
    }

    private static void AssertDiagnostic(string declaration, string id, string messagePart)
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\n" + declaration);
        Assert.Null(run.Exception);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == id);
        Assert.Contains(messagePart, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.Sources);
    }
}
