using System;
using System.Linq;
using NetGen;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Training;

// Networks whose first layer Fit splits by units between its threads (rule 13): a first layer of at least 256 KB and 128
// units that holds most of the weights. ReLU in floats (128 units of 512 inputs: two blocks of 64, each over 64 KB as the
// whole layer is, so each block's product streams as its does), and GELU in doubles, which keeps Z1 (128 units of 300
// inputs: four blocks of 32).
[Network(512, 128, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class SplitReluNet { }

[Network(300, 128, 8, 2, Activations = new[] { Activation.GELU, Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Double)]
public partial class SplitGeluNet { }

public class SplitFitTests
{
    [Fact]
    public void Large_first_layers_are_split_and_small_or_dropout_ones_are_not()
    {
        Assert.IsAssignableFrom<IUnitSplitNetwork<float>>(new SplitReluNet());
        Assert.IsAssignableFrom<IUnitSplitNetwork<double>>(new SplitGeluNet());
        Assert.False(new ParallelWideNet() is IUnitSplitNetwork<float>); // 64-80-3: a first layer of 20 KB
        Assert.Equal(128, ((IUnitSplitNetwork<float>)new SplitReluNet()).SplitUnits);
    }

    [Theory]
    [InlineData(64, 256, 4, 4)] // 64 KB: the product does not stream, blocks of 16
    [InlineData(72, 300, 8, 2)] // 172 KB of doubles: blocks of at least 32 units (75 KB)
    [InlineData(40, 10, 4, 2)]
    [InlineData(1000, 9, 4, 4)]
    [InlineData(128, 784, 4, 4)] // 784-128-10 floats: blocks of 32 units (100 KB), each streamed as the whole layer
    [InlineData(128, 512, 4, 2)] // blocks over 64 KB need 33 units, 48 in whole cache lines: two blocks of 64
    [InlineData(96, 784, 4, 2)] // three blocks of 32 would leave one of two threads a block and the other two
    [InlineData(64, 784, 4, 2)] // blocks of 16 (50 KB) would not stream: two blocks of 32
    [InlineData(32, 784, 4, 1)] // one block of 32: not split
    public void Unit_blocks_cover_every_unit_once_start_on_whole_cache_lines_and_stream_as_the_layer_does(int units, int inputs, int valueBytes, int expectedBlocks)
    {
        int blocks = UnitSplit.BlockCount(units, inputs, valueBytes, mostBlocks: 4);
        Assert.Equal(expectedBlocks, blocks);
        Assert.Equal(0, UnitSplit.BlockStart(0, blocks, units));
        Assert.Equal(units, UnitSplit.BlockStart(blocks, blocks, units));
        bool layerStreams = (long)units * inputs * valueBytes > 64 * 1024;
        for (int block = 0; block < blocks; block++)
        {
            int start = UnitSplit.BlockStart(block, blocks, units), end = UnitSplit.BlockStart(block + 1, blocks, units);
            Assert.Equal(0, start % UnitSplit.Alignment);
            Assert.True(end - start >= UnitSplit.Alignment, $"block {block} of {units} units: {start} to {end}");
            Assert.Equal(layerStreams, (long)(end - start) * inputs * valueBytes > 64 * 1024);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(32)]
    public void Blocks_of_units_give_BackwardBatchs_loss_and_gradients_bit_for_bit_for_ReLU(int rows)
    {
        (float[] inputs, float[] targets) = Data(rows, 512, 3, seed: 21);
        var whole = new SplitReluNet(seed: 4);
        var split = new SplitReluNet(seed: 4);
        var contract = (IUnitSplitNetwork<float>)split;
        Assert.True(rows <= contract.SplitChunkRows);

        whole.ZeroGradients();
        float wholeLoss = whole.BackwardBatch(inputs, targets);
        split.ZeroGradients();
        float splitLoss = BackwardByBlocks(contract, inputs, targets, UnitSplit.BlockCount(contract.SplitUnits, 512, sizeof(float), 4));

        Assert.Equal(wholeLoss, splitLoss);
        Assert.Equal(whole.Gradients.ToArray(), split.Gradients.ToArray());
        Assert.Contains(split.Gradients.ToArray(), value => value != 0f); // something was added
    }

    [Theory]
    [InlineData(7)]
    [InlineData(32)]
    public void Blocks_of_units_give_BackwardBatchs_gradients_for_GELU_to_the_last_bits(int rows)
    {
        // GELU's vector kernel runs a block's rows of 32 values where BackwardBatch runs rows of 128, so a value may take
        // another path through its exp; the sums are the same.
        (double[] inputs, double[] targets) = DataDouble(rows, 300, 2, seed: 8);
        var whole = new SplitGeluNet(seed: 5);
        var split = new SplitGeluNet(seed: 5);
        var contract = (IUnitSplitNetwork<double>)split;

        whole.ZeroGradients();
        double wholeLoss = whole.BackwardBatch(inputs, targets);
        split.ZeroGradients();
        int blocks = UnitSplit.BlockCount(contract.SplitUnits, 300, sizeof(double), 4);
        Assert.Equal(4, blocks);
        double splitLoss = BackwardByBlocks(contract, inputs, targets, blocks);

        Assert.Equal(wholeLoss, splitLoss, 1e-13 * Math.Abs(wholeLoss));
        double[] expected = whole.Gradients.ToArray(), actual = split.Gradients.ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * scale, $"gradient {i}: {expected[i]} against {actual[i]}");
    }

    [Fact]
    public void Fit_on_a_split_network_is_the_mean_gradient_and_Adams_step_of_BackwardBatch_bit_for_bit()
    {
        (float[] inputs, float[] targets) = Data(128, 512, 3, seed: 30);
        var fitted = new SplitReluNet(seed: 9);
        fitted.Fit(inputs, targets, new TrainingOptions<float>
        {
            Epochs = 1, BatchSize = 64, Shuffle = false, Optimizer = new Adam<float>(learningRate: 0.01f), MaxDegreeOfParallelism = 2,
            MeasureTrainingAccuracy = false,
        });

        var reference = new SplitReluNet(seed: 9);
        var adam = new Adam<float>(learningRate: 0.01f);
        for (int start = 0; start < 128; start += 64)
        {
            reference.ZeroGradients();
            reference.BackwardBatch(inputs.AsSpan(start * 512, 64 * 512), targets.AsSpan(start * 3, 64 * 3));
            Span<float> gradients = reference.Gradients;
            for (int i = 0; i < gradients.Length; i++)
                gradients[i] /= 64f;
            adam.Step(reference.Parameters, gradients);
        }

        Assert.Equal(reference.Parameters.ToArray(), fitted.Parameters.ToArray());
        Assert.NotEqual(new SplitReluNet(seed: 9).Parameters.ToArray(), fitted.Parameters.ToArray());
    }

    public static TheoryData<string, int> StepKinds() => new()
    {
        { "Adam", 64 }, { "Adam", 37 }, { "Adam", 100 }, { "AdamW guarded every step", 64 }, { "Adam clipped", 64 },
        { "Sgd", 48 }, { "custom optimizer", 64 }, { "class weights", 64 },
    };

    [Theory]
    [MemberData(nameof(StepKinds))]
    public void Every_thread_count_gives_the_same_parameters_bit_for_bit(string kind, int batchSize)
    {
        (float[] inputs, float[] targets) = Data(300, 512, 3, seed: 17);
        float[] TrainFloat(int threads)
        {
            var network = new SplitReluNet(seed: 3);
            network.Fit(inputs, targets, Options<float>(kind, batchSize, threads, learningRate: 0.01f, classes: 3));
            return network.Parameters.ToArray();
        }
        float[] one = TrainFloat(1);
        for (int threads = 2; threads <= 4; threads++)
            Assert.Equal(one, TrainFloat(threads));
        Assert.NotEqual(new SplitReluNet(seed: 3).Parameters.ToArray(), one);

        if (kind == "class weights")
            return; // a classifier's option
        (double[] doubleInputs, double[] doubleTargets) = DataDouble(200, 300, 2, seed: 19);
        double[] TrainDouble(int threads)
        {
            var network = new SplitGeluNet(seed: 3);
            network.Fit(doubleInputs, doubleTargets, Options<double>(kind, batchSize, threads, learningRate: 0.001, classes: 0));
            return network.Parameters.ToArray();
        }
        double[] oneDouble = TrainDouble(1);
        Assert.Equal(oneDouble, TrainDouble(2));
        Assert.NotEqual(new SplitGeluNet(seed: 3).Parameters.ToArray(), oneDouble);
    }

    [Fact]
    public void Split_steps_allocate_nothing_on_the_calling_thread()
    {
        (float[] inputs, float[] targets) = Data(640, 512, 3, seed: 2);
        var allocatedAtEpochEnd = new long[5];
        new SplitReluNet(seed: 5).Fit(inputs, targets, new TrainingOptions<float>
        {
            Epochs = allocatedAtEpochEnd.Length, BatchSize = 64, Optimizer = new Adam<float>(), MaxDegreeOfParallelism = 2,
            MeasureTrainingAccuracy = false, DivergenceGuard = DivergenceGuard.EveryStep,
            EpochCompleted = report => allocatedAtEpochEnd[report.Epoch - 1] = GC.GetAllocatedBytesForCurrentThread(),
        });

        long allocated = Allocations.FewestBetween(allocatedAtEpochEnd);
        Assert.True(allocated < 256, $"an epoch allocated {allocated} bytes");
    }

    [Fact]
    public void A_split_step_that_overflows_is_caught_and_undone()
    {
        (float[] inputs, float[] targets) = Data(64, 512, 3, seed: 12);
        var network = new SplitReluNet(seed: 6);
        float[] before = network.Parameters.ToArray();

        var error = Assert.Throws<TrainingDivergedException>(() => network.Fit(inputs, targets, new TrainingOptions<float>
        {
            BatchSize = 64, Optimizer = new Adam<float>(learningRate: float.MaxValue), MaxDegreeOfParallelism = 2,
            DivergenceGuard = DivergenceGuard.EveryStep,
        }));

        Assert.Equal((1, 1), (error.Epoch, error.Batch));
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void The_split_members_check_their_arguments_and_name_what_they_expected()
    {
        var contract = (IUnitSplitNetwork<float>)new SplitReluNet(seed: 1);
        var oneRow = new float[512];

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => contract.ForwardSplitUnits(oneRow, 124, 8));
        Assert.Contains("inside 0 to 127, got 8 units from unit 124", range.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => contract.AddSplitUnitGradients(oneRow, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => contract.ForwardSplitUnits(oneRow, -16, 16));

        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => contract.ForwardSplitUnits(new float[(contract.SplitChunkRows + 1) * 512], 0, 16));
        Assert.Contains($"Expected 1 to {contract.SplitChunkRows} rows of 512 values, got {contract.SplitChunkRows + 1} rows", tooMany.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => contract.BackwardAfterSplitLayer(ReadOnlySpan<float>.Empty));
        var partial = Assert.Throws<ArgumentException>(() => contract.AddSplitUnitGradients(new float[600], 0, 16));
        Assert.Equal("inputs", partial.ParamName);
    }

    /// <summary>
    /// A chunk's three steps through the interface as Fit runs them, block by block: layer 1's blocks in reverse order
    /// (any order will do, each block writes only its own columns), the rest, then layer 1's gradients block by block.
    /// </summary>
    private static T BackwardByBlocks<T>(IUnitSplitNetwork<T> contract, T[] inputs, T[] targets, int blocks)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        int units = contract.SplitUnits;
        (int First, int Count) Block(int block) =>
            (UnitSplit.BlockStart(block, blocks, units), UnitSplit.BlockStart(block + 1, blocks, units) - UnitSplit.BlockStart(block, blocks, units));
        for (int block = blocks - 1; block >= 0; block--)
            contract.ForwardSplitUnits(inputs, Block(block).First, Block(block).Count);
        T loss = contract.BackwardAfterSplitLayer(targets);
        for (int block = 0; block < blocks; block++)
            contract.AddSplitUnitGradients(inputs, Block(block).First, Block(block).Count);
        return loss;
    }

    private static TrainingOptions<T> Options<T>(string kind, int batchSize, int threads, T learningRate, int classes)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var options = new TrainingOptions<T>
        {
            Epochs = 2, BatchSize = batchSize, MaxDegreeOfParallelism = threads, Seed = 7, MeasureTrainingAccuracy = false,
        };
        options.Optimizer = kind switch
        {
            "Sgd" => new Sgd<T>(learningRate),
            "AdamW guarded every step" => new AdamW<T>(learningRate: learningRate),
            "custom optimizer" => new WholeBlock<T>(new Adam<T>(learningRate: learningRate)),
            _ => new Adam<T>(learningRate: learningRate),
        };
        if (kind.EndsWith("clipped", StringComparison.Ordinal))
            options.MaxGradientNorm = 0.05;
        if (kind.Contains("guarded", StringComparison.Ordinal))
            options.DivergenceGuard = DivergenceGuard.EveryStep;
        if (kind == "class weights")
            options.ClassWeights = Enumerable.Range(0, classes).Select(k => T.CreateTruncating(0.5 + k)).ToArray();
        return options;
    }

    /// <summary>An optimizer that only steps the whole block, so the step takes the range phase after the split.</summary>
    private sealed class WholeBlock<T>(IOptimizer<T> inner) : IOptimizer<T> where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        public T LearningRate { get => inner.LearningRate; set => inner.LearningRate = value; }

        public void Step(Span<T> parameters, ReadOnlySpan<T> gradients) => inner.Step(parameters, gradients);

        public void Reset() => inner.Reset();
    }

    /// <summary>Rows of centred values (about half of each ReLU layer active) and one-hot targets of <paramref name="classes"/> classes.</summary>
    private static (float[] Inputs, float[] Targets) Data(int rows, int features, int classes, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var inputs = new float[rows * features];
        var targets = new float[rows * classes];
        for (int row = 0; row < rows; row++)
        {
            for (int i = 0; i < features; i++)
                inputs[row * features + i] = (float)(random.NextDouble() - 0.5);
            targets[row * classes + row % classes] = 1f;
        }
        return (inputs, targets);
    }

    private static (double[] Inputs, double[] Targets) DataDouble(int rows, int features, int outputs, int seed)
    {
        var random = new SeededRandom((ulong)seed);
        var inputs = new double[rows * features];
        var targets = new double[rows * outputs];
        for (int row = 0; row < rows; row++)
        {
            for (int i = 0; i < features; i++)
                inputs[row * features + i] = random.NextDouble() - 0.5;
            for (int k = 0; k < outputs; k++)
                targets[row * outputs + k] = Math.Sin(0.1 * row + k);
        }
        return (inputs, targets);
    }
}
