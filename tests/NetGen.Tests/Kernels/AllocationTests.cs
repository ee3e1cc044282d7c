using System;
using NetGen.TestSupport;

namespace NetGen.Tests.Kernels;

/// <summary>The per-call contract allocates nothing: counted exactly, per thread.</summary>
public class AllocationTests
{
    [Fact]
    public void Unrolled_double_network_allocates_nothing_per_call() =>
        AssertNoAllocation<double>(new NetGen.Tests.Networks.SeedNet431(1));

    [Fact]
    public void Looped_single_network_allocates_nothing_per_call() =>
        AssertNoAllocation<float>(new NetGen.Tests.Networks.DigitsShapedNet(1));

    [Fact]
    public void Mixed_shape_network_allocates_nothing_per_call() =>
        AssertNoAllocation<double>(new MixedShapes(1));

    [Fact]
    public void Wide_784_128_10_network_allocates_nothing_per_call() =>
        AssertNoAllocation<float>(new MnistShaped(1));

    private static void AssertNoAllocation<T>(INetwork<T> network)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        const int Rows = 4;
        var input = new T[network.InputSize];
        var target = new T[network.OutputSize];
        var output = new T[network.OutputSize];
        var inputs = new T[Rows * network.InputSize];
        var targets = new T[Rows * network.OutputSize];
        var outputs = new T[Rows * network.OutputSize];
        target[0] = T.One;
        T learningRate = T.CreateTruncating(0.01);

        void CallEverything()
        {
            network.Predict(input, output);
            network.PredictBatch(inputs, outputs);
            network.Loss(input, target);
            network.ZeroGradients();
            network.Backward(input, target);
            network.BackwardBatch(inputs, targets);
            network.ApplyGradients(learningRate);
            network.Train(input, target, learningRate);
            network.TrainBatch(inputs, targets, learningRate);
            _ = network.Parameters;
            _ = network.Gradients;
        }

        CallEverything(); // JIT and tiering happen outside the measurement
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++)
                CallEverything();
        }));
    }
}
