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
            double[] target = FiniteDifferences.Target(declaration.Loss, network.OutputSize, random);

            FiniteDifferences.AssertBackwardIsGradientOfLoss(network, input, target, declaration.Source);
        }, iter: 30);

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
