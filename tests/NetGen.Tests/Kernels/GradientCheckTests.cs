using System;
using System.Linq;

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
        nameof(LoopedRegression), nameof(MixedShapes), nameof(LoopedBinary), nameof(SingleLayerSoftmax),
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
            double[] target = MakeTarget(network.Description, random);

            network.ZeroGradients();
            double loss = network.Backward(input, target);
            Assert.Equal(network.Loss(input, target), loss, 15);
            double[] analytic = network.Gradients.ToArray();

            const double h = 1e-6;
            Span<double> parameters = network.Parameters;
            for (int p = 0; p < parameters.Length; p++)
            {
                double saved = parameters[p];
                parameters[p] = saved + h;
                double lossUp = network.Loss(input, target);
                parameters[p] = saved - h;
                double lossDown = network.Loss(input, target);
                parameters[p] = saved;
                double numeric = (lossUp - lossDown) / (2 * h);
                double error = Math.Abs(numeric - analytic[p]) / Math.Max(1.0, Math.Abs(numeric));
                Assert.True(error < 1e-6, $"{name} trial {trial}: d loss / d parameter {p} is {analytic[p]:R} by Backward but {numeric:R} by finite differences");
            }
        }
    }

    /// <summary>A target the loss accepts: soft class probabilities for cross-entropy (not summing to one, to test the general formula), values in [0, 1] otherwise.</summary>
    private static double[] MakeTarget(NetworkDescription description, Random random)
    {
        double[] target = Enumerable.Range(0, description.OutputSize).Select(_ => random.NextDouble()).ToArray();
        if (description.Loss == LossFunction.CrossEntropy)
        {
            double sum = target.Sum();
            for (int k = 0; k < target.Length; k++)
                target[k] = 0.9 * target[k] / sum;
        }
        return target;
    }
}
