using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Tests.Support;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Every activation and every loss, taken from the runtime's enums (so a kind added there is tested
/// here without editing this file), in every code shape and both precisions: Backward agrees with
/// central finite differences of Loss in double, and the single-precision network's gradient with the
/// double one's. A kind the generator has no row for fails to generate (NG0099) and so fails here.
/// </summary>
public class EveryKindGradientTests
{
    /// <summary>The code shapes a layer can take, each forced by its width and unroll limit.</summary>
    public enum Shape
    {
        /// <summary>Unrolled, activated neuron by neuron (and packed, for narrow sigmoid layers).</summary>
        Unrolled,

        /// <summary>Unrolled, as wide as one 512-bit vector of doubles: the kinds the runtime packs are packed in both precisions.</summary>
        UnrolledPacked,

        /// <summary>Unrolled, but too wide for one 512-bit vector in either precision: exp- and tanh-based activations take one layer kernel call.</summary>
        UnrolledWide,

        /// <summary>Every layer looped: whole-layer kernels.</summary>
        Looped,
    }

    private sealed record Case(string Name, Activation Hidden, Activation Output, LossFunction Loss, Shape Shape);

    private static readonly Lazy<(Assembly Assembly, IReadOnlyList<Case> Cases)> Networks = new(Build);

    private static int Width(Shape shape) => shape switch
    {
        Shape.Unrolled => 3,
        Shape.UnrolledPacked => PlanLimits.MaxPackedBytes / sizeof(double),
        Shape.UnrolledWide => PlanLimits.MaxPackedBytes / sizeof(float) + 1,
        Shape.Looped => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private static int MaxUnrolledWeights(Shape shape) => shape == Shape.Looped ? 0 : NetGen.Generator.Limits.MaxUnrolledWeightsCeiling;

    /// <summary>Every activation on a hidden layer (where it may stand) and on the output layer, and every loss, in every shape.</summary>
    private static IEnumerable<Case> Cases()
    {
        foreach (Shape shape in Enum.GetValues<Shape>())
        {
            foreach (Activation activation in Enum.GetValues<Activation>())
            {
                ActivationInfo info = ActivationInfo.Of((ActivationKind)activation);
                if (info.Placement == ActivationPlacement.AnyLayer)
                {
                    yield return new($"Hidden{activation}{shape}", activation, Activation.Identity, LossFunction.MeanSquaredError, shape);
                    yield return new($"Output{activation}{shape}", Activation.Tanh, activation, LossFunction.HalfSquaredError, shape);
                }
                else
                {
                    yield return new($"Output{activation}{shape}", Activation.Tanh, activation, (LossFunction)info.RequiredLoss!.Value, shape);
                }
            }
            foreach (LossFunction loss in Enum.GetValues<LossFunction>())
            {
                ActivationKind? required = LossInfo.Of((LossKind)loss).RequiredOutput;
                Activation output = required is null ? Activation.Identity : (Activation)required.Value;
                yield return new($"Loss{loss}{shape}", Activation.Sigmoid, output, loss, shape);
            }
        }
    }

    private static (Assembly, IReadOnlyList<Case>) Build()
    {
        List<Case> cases = Cases().ToList();
        var source = new System.Text.StringBuilder("using NetGen;\nnamespace EveryKind;\n");
        foreach (Case c in cases)
        {
            int width = Width(c.Shape);
            foreach (Precision precision in Enum.GetValues<Precision>())
            {
                source.AppendLine(CultureInfo.InvariantCulture,
                    $"[Network(3, {width}, {width}, Activations = new[] {{ Activation.{c.Hidden}, Activation.{c.Output} }}, Loss = LossFunction.{c.Loss}, Precision = Precision.{precision}, MaxUnrolledWeights = {MaxUnrolledWeights(c.Shape)})]");
                source.AppendLine(CultureInfo.InvariantCulture, $"public partial class {c.Name}{precision} {{ }}");
            }
        }
        return (GeneratorHarness.Load(source.ToString()), cases);
    }

    public static TheoryData<string> CaseNames() => new(Cases().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Backward_is_the_gradient_of_Loss_in_both_precisions(string name)
    {
        (Assembly assembly, IReadOnlyList<Case> cases) = Networks.Value;
        Case c = cases.Single(candidate => candidate.Name == name);
        INetwork<double> network = GeneratorHarness.Create<double>(assembly, $"EveryKind.{name}Double", seed: 1);
        INetwork<float> single = GeneratorHarness.Create<float>(assembly, $"EveryKind.{name}Single", seed: 1);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal));

        for (int trial = 0; trial < 2; trial++)
        {
            // Parameters representable in single precision, so both networks compute the same function.
            for (int p = 0; p < network.ParameterCount; p++)
            {
                single.Parameters[p] = (float)(random.NextDouble() * 2 - 1);
                network.Parameters[p] = single.Parameters[p];
            }
            double[] input = Enumerable.Range(0, network.InputSize).Select(_ => (double)(float)(random.NextDouble() * 2 - 1)).ToArray();
            double[] target = Target(c.Loss, network.OutputSize, random);

            double[] analytic = FiniteDifferences.AssertBackwardIsGradientOfLoss(network, input, target, name);
            double loss = network.Loss(input, target);

            single.ZeroGradients();
            float singleLoss = single.Backward(input.Select(x => (float)x).ToArray(), target.Select(x => (float)x).ToArray());
            Assert.True(Math.Abs(singleLoss - loss) <= 1e-4 * Math.Max(1, Math.Abs(loss)), $"{name}: single-precision loss {singleLoss} against {loss}");
            for (int p = 0; p < network.ParameterCount; p++)
            {
                Assert.True(Math.Abs(single.Gradients[p] - analytic[p]) <= 1e-3 * Math.Max(1, Math.Abs(analytic[p])),
                    $"{name}: single-precision d loss / d parameter {p} is {single.Gradients[p]} against {analytic[p]:R} in double");
            }
        }
    }

    [Fact]
    public void Every_case_is_planned_in_the_shape_it_names()
    {
        (Assembly assembly, IReadOnlyList<Case> cases) = Networks.Value;
        foreach (Case c in cases)
        {
            var model = new NetworkModel(null, EquatableArray<ContainingType>.Empty, c.Name, "Network", new[] { 3, Width(c.Shape), Width(c.Shape) }.ToEquatableArray(),
                new[] { (ActivationKind)c.Hidden, (ActivationKind)c.Output }.ToEquatableArray(), (LossKind)c.Loss, PrecisionKind.Double, InitializerKind.Default, MaxUnrolledWeights(c.Shape));
            NetworkPlan plan = Planner.Plan(model);
            CodeShape expected = c.Shape == Shape.Looped ? CodeShape.Loops : CodeShape.Unrolled;
            Assert.All(plan.Layers, layer => Assert.Equal(expected, layer.Shape));
            ActivationInfo hidden = ActivationInfo.Of((ActivationKind)c.Hidden);
            if (c.Shape == Shape.UnrolledWide && hidden.IsTranscendental)
                Assert.Equal(ActivationStep.LayerKernel, plan.Layers[0].Step);
            if (c.Shape == Shape.UnrolledPacked && hidden.Packs)
            {
                // A layer of 8 doubles packs where the network runs in locals; a sigmoid output as wide (binary cross-entropy)
                // stays a kernel call, which keeps the network's layers in spans, where the hidden layer takes its kernel too.
                Assert.Equal(plan.RunsInLocals, plan.Layers[0].PacksActivation);
                if (c.Output == Activation.Identity)
                    Assert.True(plan.Layers[0].PacksActivation, $"{c.Name}: a layer of {Width(c.Shape)} doubles packs");
            }
            Assert.NotNull(assembly.GetType($"EveryKind.{c.Name}Single"));
        }
    }

    /// <summary>A target the loss accepts (<see cref="FiniteDifferences.Target"/>), rounded to single precision so both networks see the same numbers.</summary>
    private static double[] Target(LossFunction loss, int size, Random random) =>
        FiniteDifferences.Target(loss, size, random).Select(value => (double)(float)value).ToArray();
}
