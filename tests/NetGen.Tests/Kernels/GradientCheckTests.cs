using System;
using System.Linq;

using NetGen.Tests.Support;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Backward agrees with central finite differences of Loss for every parameter, on networks the
/// tests make up (every activation, every loss, both code shapes): a check independent of PyTorch.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<string> Networks() => new()
    {
        nameof(SigmoidTanhMse), nameof(LeakySoftmax), nameof(ReluBinary), nameof(WideTanhSoftmax),
        nameof(LoopedRegression), nameof(MixedShapes), nameof(LoopedBinary), nameof(SingleLayerSoftmax), nameof(SmallWideInLocals),
    };

    private static INetwork<double> Create(string name, int seed) => name switch
    {
        nameof(SigmoidTanhMse) => new SigmoidTanhMse(seed),
        nameof(LeakySoftmax) => new LeakySoftmax(seed),
        nameof(ReluBinary) => new ReluBinary(seed),
        nameof(WideTanhSoftmax) => new WideTanhSoftmax(seed),
        nameof(LoopedRegression) => new LoopedRegression(seed),
        nameof(MixedShapes) => new MixedShapes(seed),
        nameof(LoopedBinary) => new LoopedBinary(seed),
        nameof(SingleLayerSoftmax) => new SingleLayerSoftmax(seed),
        nameof(SmallWideInLocals) => new SmallWideInLocals(seed),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backward_matches_central_finite_differences(string name)
    {
        for (int trial = 0; trial < 3; trial++)
        {
            INetwork<double> network = Create(name, seed: 100 + trial);
            var random = new Random(trial);
            // Generic parameters, biases included: an initializer's zero biases can put a ReLU-family
            // pre-activation exactly on its kink, where finite differences average the two slopes.
            for (int p = 0; p < network.ParameterCount; p++)
                network.Parameters[p] = random.NextDouble() * 2 - 1;
            double[] input = Enumerable.Range(0, network.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double[] target = FiniteDifferences.Target(network.Description.Loss, network.OutputSize, random);

            // These networks' Backward and Loss compute the loss the same way: equal to 15 digits, tighter than the shared
            // check's 12. SmallWideInLocals's Backward runs unrolled in locals and its Loss through the layer kernels, whose
            // sums have another order: equal to a few units in the last place.
            double loss = network.Loss(input, target), backwardLoss = network.Backward(input, target);
            if (name == nameof(SmallWideInLocals))
                Assert.True(Math.Abs(loss - backwardLoss) <= 8 * Math.Pow(2, -52) * Math.Abs(loss), $"Loss {loss}, Backward {backwardLoss}");
            else
                Assert.Equal(loss, backwardLoss, 15);
            FiniteDifferences.AssertBackwardIsGradientOfLoss(network, input, target, $"{name} trial {trial}");
        }
    }
}
