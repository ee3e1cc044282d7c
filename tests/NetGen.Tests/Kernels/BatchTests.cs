using System;
using System.Linq;
using System.Numerics;
using NetGen;

namespace NetGen.Tests.Kernels;

[Network(40, 20, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class SingleLayerLooped { }

// A looped GELU layer (the batch keeps Z1) under two unrolled layers in span code: tanh neuron by neuron, then identity.
[Network(20, 9, 5, 3, Activations = new[] { Activation.GELU, Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
public partial class MixedShapesRegression { }

// Sigmoid layers wide enough for the vector kernel, binary cross-entropy over a wide output (its whole-layer loss kernel).
[Network(30, 40, 12, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
public partial class WideSigmoidClassifier { }

// Too wide for a chunk of two rows in the batch scratch: BackwardBatch then runs row by row through Backward.
[Network(2, 32767, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
public partial class TooWideForAChunk { }

// The other activations, each where its derivative reads what it needs (ELU the output a, SiLU and Softplus the kept z).
[Network(17, 33, 21, 4, Activations = new[] { Activation.ELU, Activation.SiLU, Activation.Identity }, Loss = LossFunction.Huber)]
public partial class EluSiluRegression { }

[Network(12, 70, 6, 2, Activations = new[] { Activation.Softplus, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.L1, Precision = Precision.Single)]
public partial class SoftplusLeakyRegression { }

// In locals, with sums long enough that BackwardBatch's rows add them in chains: 18 terms before tanh; 12, 8 and 10 in
// the forward pass and 9 in layer 1's delta below, whose 158 weights are also past the update calls' limit (updates
// written out through references).
[Network(17, 1, 5, Hidden = Activation.Tanh, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
public partial class ChainedBottleneck { }

// 15 hidden units: in locals, its batches row by row, with forward sums of 11 and 9 terms and a delta sum of 9.
[Network(11, 6, 9, 2, Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
public partial class ChainedDeltas { }

// 16 hidden units: Predict, Backward and Train in locals, the batch calls in chunks through the layer kernels (rule 10).
[Network(11, 7, 9, 2, Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
public partial class ChunkedInLocals { }

// 1024 hidden units: a chunk holds at most 31 rows of its activations and deltas (the batch scratch's limit), so a batch
// of 32 or 64 rows does not split into whole chunks.
[Network(2, 1024, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Double)]
public partial class WideHiddenRegression { }

// Narrow layers past the in-locals budget (410 weights): trains through the layer kernels, predicts unrolled whole.
[Network(10, 10, 10, 10, 10, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Single)]
public partial class NarrowDeepRegression { }

/// <summary>
/// BackwardBatch (so TrainBatch) runs chunks of rows through every layer as matrix-matrix products, and PredictBatch a
/// looped first layer. The batch training calls may differ from the per-row contract (ZeroGradients, Backward per row,
/// ApplyGradients) only by the order of floating-point sums (and fused multiply-adds), across several chunks (a batch
/// is split into the fewest chunks, as even as it goes): every loss, gradient and parameter must agree within
/// <see cref="SumOrderUlps"/> units in the last place of the largest value of its kind. A wrong row, a missed term or a
/// term counted twice moves a gradient by far more. Each row of PredictBatch is exactly Predict's.
/// </summary>
public class BatchTests
{
    private const int Rows = 70; // three chunks of at most 32: 23, 23 and 24 rows

    /// <summary>
    /// How far a value may move when its sums are formed in another order, in units of the precision's epsilon times the
    /// largest magnitude among the values compared (all gradients, or all parameters): each sum here has at most a few
    /// hundred terms of mixed signs, and the differences measured on these networks stay under 8 units.
    /// </summary>
    private const int SumOrderUlps = 64;

    [Fact]
    public void Digits_shaped_network() => AssertBatchEqualsPerRow<float>(() => new NetGen.Tests.Networks.DigitsShapedNet(3));

    [Fact]
    public void Mnist_shaped_network() => AssertBatchEqualsPerRow<float>(() => new MnistShaped(3));

    [Fact]
    public void Looped_double_network_with_a_narrow_first_layer() => AssertBatchEqualsPerRow<double>(() => new LoopedRegression(3));

    [Fact]
    public void Network_whose_only_layer_is_looped() => AssertBatchEqualsPerRow<float>(() => new SingleLayerLooped(3));

    [Fact]
    public void Looped_gelu_under_unrolled_tanh_layers() => AssertBatchEqualsPerRow<double>(() => new MixedShapesRegression(3));

    [Fact]
    public void Wide_sigmoid_layers_with_binary_cross_entropy() => AssertBatchEqualsPerRow<float>(() => new WideSigmoidClassifier(3));

    [Fact]
    public void Elu_and_silu_layers() => AssertBatchEqualsPerRow<double>(() => new EluSiluRegression(3));

    [Fact]
    public void Softplus_and_leaky_relu_layers() => AssertBatchEqualsPerRow<float>(() => new SoftplusLeakyRegression(3));

    [Fact]
    public void Network_too_wide_for_a_chunk() => AssertBatchEqualsPerRow<float>(() => new TooWideForAChunk(3));

    [Fact]
    public void Unrolled_network() => AssertBatchEqualsPerRow<double>(() => new NetGen.Tests.Networks.SeedNet431(3));

    [Fact]
    public void Network_in_locals_with_a_long_sum_before_its_bottleneck() => AssertBatchEqualsPerRow<float>(() => new ChainedBottleneck(3));

    [Fact]
    public void Network_that_predicts_in_locals_and_trains_through_the_layer_kernels() => AssertBatchEqualsPerRow<float>(() => new NarrowDeepRegression(3));

    [Fact]
    public void Small_network_with_a_wide_layer_that_trains_samples_in_locals() => AssertBatchEqualsPerRow<double>(() => new SmallWideInLocals(3));

    [Fact]
    public void A_network_that_predicts_in_locals_predicts_what_its_training_calls_compute()
    {
        // Predict's unrolled sums against a plain double forward pass and against Loss (the layer kernels' forward pass):
        // equal up to the order of single-precision sums.
        var network = new NarrowDeepRegression(5);
        float[] parameters = network.Parameters.ToArray();
        var random = new Random(3);
        var output = new float[1];
        for (int sample = 0; sample < 50; sample++)
        {
            float[] input = Enumerable.Range(0, 10).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double[] a = input.Select(v => (double)v).ToArray();
            int offset = 0;
            foreach (int outputs in new[] { 10, 10, 10, 10, 1 })
            {
                var z = new double[outputs];
                for (int j = 0; j < outputs; j++)
                {
                    double sum = parameters[offset + outputs * a.Length + j];
                    for (int i = 0; i < a.Length; i++)
                        sum += parameters[offset + j * a.Length + i] * a[i];
                    z[j] = outputs == 1 ? sum : Math.Max(sum, 0);
                }
                offset += outputs * a.Length + outputs;
                a = z;
            }
            network.Predict(input, output);
            Assert.True(Math.Abs(output[0] - a[0]) <= 1e-5 * (1 + Math.Abs(a[0])), $"sample {sample}: Predict {output[0]}, double forward pass {a[0]}");
            float loss = network.Loss(input, [0f]);
            Assert.True(Math.Abs(loss - 0.5 * output[0] * output[0]) <= 1e-5 * (1 + loss), $"sample {sample}: Loss {loss}, from Predict {0.5 * output[0] * output[0]}");
        }
    }

    [Fact]
    public void Network_in_locals_with_long_forward_and_delta_sums() => AssertBatchEqualsPerRow<double>(() => new ChainedDeltas(3));

    [Fact]
    public void Network_in_locals_whose_batches_run_in_chunks() => AssertBatchEqualsPerRow<double>(() => new ChunkedInLocals(3));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(62)]
    [InlineData(64)]
    [InlineData(65)]
    public void Batches_around_the_chunk_limit(int rows)
    {
        // The case this covers: a chunk limit under 32, so that 32 and 64 rows split into uneven chunks.
        object? limit = typeof(WideHiddenRegression).GetField("BatchRows", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)?.GetRawConstantValue();
        Assert.Equal(31, limit);
        AssertBatchEqualsPerRow<double>(() => new WideHiddenRegression(3), rows);
    }

    /// <summary>
    /// The batch calls against the per-row contract on <paramref name="rows"/> rows of inputs in [-inputRange, inputRange]:
    /// within <see cref="SumOrderUlps"/>, or with <paramref name="exact"/> bit for bit.
    /// </summary>
    internal static void AssertBatchEqualsPerRow<T>(Func<INetwork<T>> create, int rows = Rows, bool exact = false, double inputRange = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        void AssertClose(T[] expected, T[] actual, string what)
        {
            if (exact)
                Assert.Equal(expected, actual);
            else
                AssertSumOrderClose(expected, actual, what);
        }

        INetwork<T> batched = create(), perRow = create();
        var random = new Random(11);
        T[] inputs = Enumerable.Range(0, rows * batched.InputSize).Select(_ => T.CreateTruncating((random.NextDouble() * 2 - 1) * inputRange)).ToArray();
        var targets = new T[rows * batched.OutputSize];
        for (int row = 0; row < rows; row++)
            targets[row * batched.OutputSize + row % batched.OutputSize] = T.One;

        T batchLoss = batched.BackwardBatch(inputs, targets);
        T rowLoss = T.Zero;
        for (int row = 0; row < rows; row++)
            rowLoss += perRow.Backward(inputs.AsSpan(row * batched.InputSize, batched.InputSize), targets.AsSpan(row * batched.OutputSize, batched.OutputSize));
        AssertClose([rowLoss], [batchLoss], "summed loss");
        AssertClose(perRow.Gradients.ToArray(), batched.Gradients.ToArray(), "gradients");
        Assert.Contains(batched.Gradients.ToArray(), gradient => gradient != T.Zero);

        T learningRate = T.CreateTruncating(0.05);
        batched.Parameters.CopyTo(perRow.Parameters); // both start the step from the same parameters
        T meanLoss = batched.TrainBatch(inputs, targets, learningRate);
        perRow.ZeroGradients();
        T summed = T.Zero;
        for (int row = 0; row < rows; row++)
            summed += perRow.Backward(inputs.AsSpan(row * batched.InputSize, batched.InputSize), targets.AsSpan(row * batched.OutputSize, batched.OutputSize));
        perRow.ApplyGradients(learningRate / T.CreateTruncating(rows));
        AssertClose([summed / T.CreateTruncating(rows)], [meanLoss], "mean loss");
        AssertClose(perRow.Parameters.ToArray(), batched.Parameters.ToArray(), "parameters after the step");
        batched.Parameters.CopyTo(perRow.Parameters);

        // PredictBatch runs chunks of its own (on the stack, under its own limit, split as evenly), or
        // for an all-unrolled network each row through Predict's own pass (which packs narrow sigmoid
        // layers into one vector exp); either way each row's outputs are exactly Predict's.
        var outputs = new T[rows * batched.OutputSize];
        batched.PredictBatch(inputs, outputs);
        var output = new T[batched.OutputSize];
        for (int row = 0; row < rows; row++)
        {
            batched.Predict(inputs.AsSpan(row * batched.InputSize, batched.InputSize), output);
            for (int k = 0; k < output.Length; k++)
                Assert.Equal(output[k], outputs[row * batched.OutputSize + k]);
        }
    }

    /// <summary>Every pair within <see cref="SumOrderUlps"/> epsilons of the largest magnitude in <paramref name="expected"/> (at least 1).</summary>
    private static void AssertSumOrderClose<T>(T[] expected, T[] actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        T scale = T.One;
        foreach (T value in expected)
            scale = T.Max(scale, T.Abs(value));
        T epsilon = T.BitIncrement(T.One) - T.One; // 2^-23 or 2^-52 (T.Epsilon is the smallest subnormal)
        T bound = T.CreateTruncating(SumOrderUlps) * epsilon * scale;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(T.IsFinite(actual[i]), $"{what}[{i}] is {actual[i]}");
            Assert.True(T.Abs(expected[i] - actual[i]) <= bound,
                $"{what}[{i}]: per row {expected[i]}, batch {actual[i]}, differ by {T.Abs(expected[i] - actual[i])}, more than the bound {bound}");
        }
    }
}
