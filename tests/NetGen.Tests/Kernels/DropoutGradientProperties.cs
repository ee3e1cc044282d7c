using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Reflection;
using CsCheck;
using NetGen.Tests.Support;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Backward with dropout is the exact gradient of the loss of the network its masks make, as a property over random
/// declarations (CsCheck): random sizes with one or two hidden layers, hidden activations of every kind that may stand
/// there, a rate per hidden layer (0 included), unroll limits that give unrolled, looped and mixed layers, and a
/// random training step. The masked loss is Backward's own return value at the same step, which draws the same masks.
/// Reproduce a failure with <c>CsCheck_Seed=... dotnet test --filter DropoutGradientProperties</c>.
/// </summary>
public sealed class DropoutGradientProperties
{
    private static readonly Activation[] HiddenActivations =
    {
        Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.LeakyReLU, Activation.GELU, Activation.SiLU,
        Activation.ELU, Activation.Softplus,
    };

    private static readonly (Activation Output, LossFunction Loss)[] OutputsAndLosses =
    {
        (Activation.Identity, LossFunction.HalfSquaredError), (Activation.Sigmoid, LossFunction.BinaryCrossEntropy),
        (Activation.Softmax, LossFunction.CrossEntropy), (Activation.Tanh, LossFunction.Huber),
    };

    private static readonly Gen<Declaration> Declarations =
        from sizes in Gen.Int[1, 10].Array[3, 4]
        from hidden in Gen.OneOf(HiddenActivations).Array[sizes.Length - 2]
        from rates in Gen.OneOf(0.0, 0.3, 0.5, 0.8).Array[sizes.Length - 2]
        from output in Gen.OneOf(OutputsAndLosses)
        from unrollLimit in Gen.OneOf(0, 12, 64) // 0: every layer looped; 12: some of each; 64: all unrolled
        select new Declaration(sizes, hidden.Append(output.Output).ToArray(), rates, output.Loss, unrollLimit);

    private static readonly ConcurrentDictionary<string, Assembly> Compiled = new();

    [Fact]
    public void Backward_with_dropout_matches_finite_differences_of_the_masked_loss_for_random_declarations() =>
        Gen.Select(Declarations, Gen.Int, Gen.ULong).Sample((declaration, seed, step) =>
        {
            INetwork<double> network = GeneratorHarness.Create<double>(Compiled.GetOrAdd(declaration.Source, source => GeneratorHarness.Load(source)), "Net", seed: 1);
            var random = new Random(seed);
            for (int p = 0; p < network.ParameterCount; p++)
                network.Parameters[p] = random.NextDouble() * 2 - 1;
            double[] input = Enumerable.Range(0, network.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double[] target = FiniteDifferences.Target(declaration.Loss, network.OutputSize, random);
            if (network is not IDropoutNetwork dropout)
            {
                // Every rate 0: no dropout at all, the plain gradient check.
                Assert.True(declaration.Rates.All(rate => rate == 0), declaration.Source);
                FiniteDifferences.AssertBackwardIsGradientOfLoss(network, input, target, declaration.Source);
                return;
            }

            dropout.DropoutStep = step;
            network.ZeroGradients();
            network.Backward(input, target);
            double[] analytic = network.Gradients.ToArray();
            FiniteDifferences.AssertGradientOfMaskedLoss(network, dropout, step, input, target, analytic, $"{declaration.Source} at step {step}");
        }, iter: 25);

    /// <summary>One [Network] declaration with dropout; printed as its source when a check fails.</summary>
    private sealed record Declaration(int[] Sizes, Activation[] Activations, double[] Rates, LossFunction Loss, int MaxUnrolledWeights)
    {
        public string Source =>
            $"using NetGen; [Network({string.Join(", ", Sizes)}, Activations = new[] {{ {string.Join(", ", Activations.Select(a => "Activation." + a))} }}, " +
            $"DropoutRates = new double[] {{ {string.Join(", ", Rates.Select(rate => rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))} }}, " +
            $"Loss = LossFunction.{Loss}, MaxUnrolledWeights = {MaxUnrolledWeights})] public partial class Net {{ }}";

        public override string ToString() => Source;
    }
}
