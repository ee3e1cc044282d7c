using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Reflection;
using CsCheck;
using NetGen.Tests.Support;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Backward agrees with central finite differences of Loss as a property over random declarations
/// (CsCheck): random layer sizes, hidden activations, output/loss pairs and unroll limits, each
/// compiled at test time through the generator, with random parameters, input and target. On a
/// failure CsCheck shrinks to a smallest declaration that still fails and prints it, with the seed that
/// reproduces it (<c>CsCheck_Seed=... dotnet test --filter GradientProperties</c>).
/// </summary>
public sealed class GradientProperties
{
    private static readonly Activation[] HiddenActivations =
        { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU };

    /// <summary>Every output activation with a loss it may be declared with.</summary>
    private static readonly (Activation Output, LossFunction Loss)[] OutputsAndLosses =
    {
        (Activation.Identity, LossFunction.HalfSquaredError), (Activation.Tanh, LossFunction.MeanSquaredError),
        (Activation.ReLU, LossFunction.HalfSquaredError), (Activation.LeakyReLU, LossFunction.MeanSquaredError),
        (Activation.Sigmoid, LossFunction.HalfSquaredError), (Activation.Sigmoid, LossFunction.BinaryCrossEntropy),
        (Activation.Softmax, LossFunction.CrossEntropy),
    };

    private static readonly Gen<Declaration> Declarations =
        from sizes in Gen.Int[1, 6].Array[2, 4]
        from hidden in Gen.OneOf(HiddenActivations).Array[sizes.Length - 2]
        from output in Gen.OneOf(OutputsAndLosses)
        from unrollLimit in Gen.OneOf(0, 64) // 0: every layer a SIMD loop; 64: these small layers unrolled
        select new Declaration(sizes, hidden.Append(output.Output).ToArray(), output.Loss, unrollLimit);

    /// <summary>Compiled networks by source, so shrinking does not compile the same declaration twice.</summary>
    private static readonly ConcurrentDictionary<string, Assembly> Compiled = new();

    [Fact]
    public void Backward_matches_central_finite_differences_for_random_declarations_parameters_and_inputs() =>
        Gen.Select(Declarations, Gen.Int).Sample((declaration, seed) =>
        {
            INetwork<double> network = Create(declaration);
            var random = new Random(seed);
            // Generic parameters, biases included: zero biases could put a ReLU-family pre-activation
            // exactly on its kink, where finite differences average the two slopes.
            for (int p = 0; p < network.ParameterCount; p++)
                network.Parameters[p] = random.NextDouble() * 2 - 1;
            double[] input = Enumerable.Range(0, network.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double[] target = Target(declaration.Loss, network.OutputSize, random);

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
                Assert.True(error < 1e-6, $"d loss / d parameter {p} is {analytic[p]:R} by Backward but {numeric:R} by finite differences");
            }
        }, iter: 30);

    /// <summary>A target the loss accepts: soft class probabilities for cross-entropy (not summing to one, to test the general formula), values in [0, 1] otherwise.</summary>
    private static double[] Target(LossFunction loss, int outputs, Random random)
    {
        double[] target = Enumerable.Range(0, outputs).Select(_ => random.NextDouble()).ToArray();
        if (loss == LossFunction.CrossEntropy)
        {
            double sum = target.Sum();
            for (int k = 0; k < target.Length; k++)
                target[k] = 0.9 * target[k] / sum;
        }
        return target;
    }

    private static INetwork<double> Create(Declaration declaration) =>
        GeneratorHarness.Create<double>(Compiled.GetOrAdd(declaration.Source, source => GeneratorHarness.Load(source)), "Net", seed: 1);

    /// <summary>One [Network] declaration; printed as its source when a check fails.</summary>
    private sealed record Declaration(int[] Sizes, Activation[] Activations, LossFunction Loss, int MaxUnrolledWeights)
    {
        public string Source =>
            $"using NetGen; [Network({string.Join(", ", Sizes)}, Activations = new[] {{ {string.Join(", ", Activations.Select(a => "Activation." + a))} }}, " +
            $"Loss = LossFunction.{Loss}, MaxUnrolledWeights = {MaxUnrolledWeights})] public partial class Net {{ }}";

        public override string ToString() => Source;
    }
}
