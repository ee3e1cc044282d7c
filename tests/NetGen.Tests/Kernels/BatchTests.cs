using System;
using System.Linq;
using System.Numerics;
using NetGen;

namespace NetGen.Tests.Kernels;

[Network(40, 20, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class SingleLayerLooped { }

/// <summary>
/// BackwardBatch and PredictBatch run a looped first layer for a chunk of rows at once
/// (Kernels.MatrixMatrix) and the rest row by row. Chunking must not change a single bit: the batch calls give exactly what the
/// per-row contract (ZeroGradients, Backward per row, ApplyGradients) gives, across several chunks
/// and a partial last one, for every kind of network.
/// </summary>
public class BatchTests
{
    private const int Rows = 70; // two full chunks of 32 and a partial one of 6

    [Fact]
    public void Digits_shaped_network() => AssertBatchEqualsPerRow<float>(() => new NetGen.Tests.Networks.DigitsShapedNet(3));

    [Fact]
    public void Mnist_shaped_network() => AssertBatchEqualsPerRow<float>(() => new MnistShaped(3));

    [Fact]
    public void Looped_double_network_with_a_narrow_first_layer() => AssertBatchEqualsPerRow<double>(() => new LoopedRegression(3));

    [Fact]
    public void Network_whose_only_layer_is_looped() => AssertBatchEqualsPerRow<float>(() => new SingleLayerLooped(3));

    [Fact]
    public void Unrolled_network() => AssertBatchEqualsPerRow<double>(() => new NetGen.Tests.Networks.SeedNet431(3));

    private static void AssertBatchEqualsPerRow<T>(Func<INetwork<T>> create)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        INetwork<T> batched = create(), perRow = create();
        var random = new Random(11);
        T[] inputs = Enumerable.Range(0, Rows * batched.InputSize).Select(_ => T.CreateTruncating(random.NextDouble() * 2 - 1)).ToArray();
        var targets = new T[Rows * batched.OutputSize];
        for (int row = 0; row < Rows; row++)
            targets[row * batched.OutputSize + row % batched.OutputSize] = T.One;

        T batchLoss = batched.BackwardBatch(inputs, targets);
        T rowLoss = T.Zero;
        for (int row = 0; row < Rows; row++)
            rowLoss += perRow.Backward(inputs.AsSpan(row * batched.InputSize, batched.InputSize), targets.AsSpan(row * batched.OutputSize, batched.OutputSize));
        Assert.Equal(rowLoss, batchLoss);
        Assert.Equal(perRow.Gradients.ToArray(), batched.Gradients.ToArray());

        T learningRate = T.CreateTruncating(0.05);
        T meanLoss = batched.TrainBatch(inputs, targets, learningRate);
        perRow.ZeroGradients();
        T summed = T.Zero;
        for (int row = 0; row < Rows; row++)
            summed += perRow.Backward(inputs.AsSpan(row * batched.InputSize, batched.InputSize), targets.AsSpan(row * batched.OutputSize, batched.OutputSize));
        perRow.ApplyGradients(learningRate / T.CreateTruncating(Rows));
        Assert.Equal(summed / T.CreateTruncating(Rows), meanLoss);
        Assert.Equal(perRow.Parameters.ToArray(), batched.Parameters.ToArray());

        // PredictBatch runs the same chunks (on the stack), or for an all-unrolled network each row
        // through Predict's own pass (which packs narrow sigmoid layers into one vector exp); either
        // way each row's outputs are exactly Predict's.
        var outputs = new T[Rows * batched.OutputSize];
        batched.PredictBatch(inputs, outputs);
        var output = new T[batched.OutputSize];
        for (int row = 0; row < Rows; row++)
        {
            batched.Predict(inputs.AsSpan(row * batched.InputSize, batched.InputSize), output);
            for (int k = 0; k < output.Length; k++)
                Assert.Equal(output[k], outputs[row * batched.OutputSize + k]);
        }
    }
}
