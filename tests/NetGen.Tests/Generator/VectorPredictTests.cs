using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Reflection;
using NetGen.Generator;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// Predict's narrow hidden layers as vectors (<see cref="LayerPlan.PredictsAsVector"/>): which layers the planner picks,
/// and that the vector form computes the scalar sums operation for operation, so Predict's results do not change.
/// </summary>
public class VectorPredictTests
{
    private static readonly ActivationKind ReLU = ActivationKind.ReLU, Leaky = ActivationKind.LeakyReLU, Identity = ActivationKind.Identity;

    private static NetworkModel Model(string name, int[] sizes, ActivationKind[] activations, PrecisionKind precision = PrecisionKind.Double) =>
        PlannerTests.Model(name, sizes, activations, precision: precision);

    [Fact]
    public void A_narrow_arithmetic_hidden_layer_of_a_network_in_locals_predicts_as_a_vector()
    {
        NetworkPlan w3 = Planner.Plan(Model("W3", new[] { 3, 4, 1 }, new[] { ReLU, ActivationKind.Sigmoid }));
        Assert.True(w3.RunsInLocals);
        Assert.True(w3.Layers[0].PredictsAsVector);
        Assert.False(w3.Layers[1].PredictsAsVector); // the output layer stays neuron by neuron

        // Sigmoid and tanh layers keep their own forms (the packed sigmoid, a call per neuron).
        NetworkPlan xor = Planner.Plan(Model("Xor", new[] { 4, 3, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid }));
        Assert.All(xor.Layers, layer => Assert.False(layer.PredictsAsVector));
        NetworkPlan tanh = Planner.Plan(Model("Tanh", new[] { 3, 4, 1 }, new[] { ActivationKind.Tanh, Identity }));
        Assert.All(tanh.Layers, layer => Assert.False(layer.PredictsAsVector));

        // Layers that fill a Vector128 or Vector256 (2 or 4 doubles, 4 or 8 floats); padding lanes measured slower.
        foreach ((int width, PrecisionKind precision, bool vector) in new[]
        {
            (1, PrecisionKind.Double, false), (2, PrecisionKind.Double, true), (3, PrecisionKind.Double, false), (4, PrecisionKind.Double, true),
            (5, PrecisionKind.Double, false), (2, PrecisionKind.Single, false), (3, PrecisionKind.Single, false), (4, PrecisionKind.Single, true),
            (6, PrecisionKind.Single, false), (8, PrecisionKind.Single, true), (9, PrecisionKind.Single, false),
        })
        {
            NetworkPlan plan = Planner.Plan(Model("Width" + width, new[] { 3, width, 1 }, new[] { Leaky, Identity }, precision));
            Assert.True(plan.RunsInLocals);
            Assert.True(vector == plan.Layers[0].PredictsAsVector, $"{width} {precision}: expected PredictsAsVector {vector}");
        }

        // The layer above a vector layer takes it by rows; its own sums stay scalar, the next may be a vector again.
        NetworkPlan deep = Planner.Plan(Model("Deep", new[] { 5, 4, 4, 2, 2 }, new[] { ReLU, Leaky, ReLU, Identity }));
        Assert.Equal(new[] { true, false, true, false }, deep.Layers.Select(layer => layer.PredictsAsVector).ToArray());

        // A network that does not run in locals has no in-locals Predict.
        NetworkPlan looped = Planner.Plan(Model("Looped", new[] { 64, 4, 1 }, new[] { ReLU, Identity }));
        Assert.False(looped.RunsInLocals);
        Assert.All(looped.Layers, layer => Assert.False(layer.PredictsAsVector));
    }

    private static readonly NetworkModel[] Shapes =
    {
        Model("Full", new[] { 3, 4, 1 }, new[] { ReLU, Identity }),
        Model("W3Shape", new[] { 3, 4, 1 }, new[] { ReLU, ActivationKind.Sigmoid }),
        Model("Leaky", new[] { 2, 4, 3 }, new[] { Leaky, Identity }),
        Model("Pair", new[] { 2, 2, 3 }, new[] { ReLU, Identity }),
        Model("Deep", new[] { 5, 4, 4, 2, 2 }, new[] { ReLU, Leaky, ReLU, Identity }),
        Model("IdentityHidden", new[] { 3, 2, 2 }, new[] { Identity, Identity }),
        Model("FullSingle", new[] { 3, 8, 2 }, new[] { ReLU, Identity }, PrecisionKind.Single),
        Model("NarrowSingle", new[] { 2, 4, 2 }, new[] { Leaky, Identity }, PrecisionKind.Single),
        Model("LongSums", new[] { 9, 4, 1 }, new[] { ReLU, Identity }), // 10-term sums in the vector layer: two chains
    };

    [Fact]
    public void Predict_with_vector_layers_gives_the_scalar_forward_pass_bit_for_bit()
    {
        foreach (NetworkModel model in Shapes)
            Assert.Contains(Planner.Plan(model).Layers, layer => layer.PredictsAsVector);
        Assembly assembly = GeneratorHarness.LoadCompilation(GeneratorHarness.Compile(Shapes.Select(model => Emitter.Emit(Planner.Plan(model), default)).ToArray()));

        foreach (NetworkModel model in Shapes)
        {
            if (model.Precision == PrecisionKind.Single)
                AssertScalarForward<float>(assembly, model);
            else
                AssertScalarForward<double>(assembly, model);
        }
    }

    /// <summary>Predict against the forward pass written out here neuron by neuron, in the generated sums' order, over random rows and special values.</summary>
    internal static void AssertScalarForward<T>(Assembly assembly, NetworkModel model)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        INetwork<T> network = GeneratorHarness.Create<T>(assembly, model.ClassName, seed: 3);
        int[] sizes = model.LayerSizes.ToArray();
        var random = new Random(11);
        T[] specials = { T.Zero, T.NegativeZero, T.NaN, T.PositiveInfinity, T.CreateChecked(-1e30), T.CreateChecked(1e-30) };
        var input = new T[model.InputSize];
        var output = new T[model.OutputSize];
        for (int row = 0; row < 400; row++)
        {
            for (int i = 0; i < input.Length; i++)
                input[i] = row >= 300 && random.Next(3) == 0 ? specials[random.Next(specials.Length)] : T.CreateChecked(random.NextDouble() * 8 - 4);
            network.Predict(input, output);
            T[] expected = Forward(network.Parameters, sizes, model.Activations.ToArray(), input);
            for (int k = 0; k < output.Length; k++)
            {
                bool same = T.IsNaN(expected[k]) ? T.IsNaN(output[k])
                    : BitConverter.DoubleToInt64Bits(double.CreateChecked(expected[k])) == BitConverter.DoubleToInt64Bits(double.CreateChecked(output[k]));
                Assert.True(same, $"{model.ClassName} row {row} ({string.Join(", ", input)}) output {k}: Predict gives {output[k]}, the scalar forward pass {expected[k]}");
            }
        }
    }

    /// <summary>
    /// An unrolled sum as the generator writes it: up to 7 terms left to right; 8-15 terms dealt in turn to terms / 4 chains,
    /// 16-31 to four, from 32 on to four per 16 terms, at most 16; each chain added left to right, the chains then added in pairs.
    /// </summary>
    private static T SumInChains<T>(List<T> terms)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int chains = terms.Count < 8 ? 1 : terms.Count < 16 ? terms.Count / 4 : 4 * Math.Min(4, terms.Count / 16);
        var sums = new List<T>();
        for (int chain = 0; chain < chains; chain++)
        {
            T sum = terms[chain];
            for (int index = chain + chains; index < terms.Count; index += chains)
                sum += terms[index];
            sums.Add(sum);
        }
        while (sums.Count > 1)
        {
            var pairs = new List<T>();
            for (int i = 0; i < sums.Count; i += 2)
                pairs.Add(i + 1 < sums.Count ? sums[i] + sums[i + 1] : sums[i]);
            sums = pairs;
        }
        return sums[0];
    }

    private static T[] Forward<T>(ReadOnlySpan<T> parameters, int[] sizes, ActivationKind[] activations, T[] input)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] x = input;
        int offset = 0;
        for (int layer = 0; layer < activations.Length; layer++)
        {
            int inputs = sizes[layer], outputs = sizes[layer + 1];
            var y = new T[outputs];
            for (int j = 0; j < outputs; j++)
            {
                var terms = new List<T> { parameters[offset + inputs * outputs + j] };
                for (int i = 0; i < inputs; i++)
                    terms.Add(parameters[offset + j * inputs + i] * x[i]);
                T sum = SumInChains(terms);
                y[j] = activations[layer] switch
                {
                    ActivationKind.ReLU => sum <= T.Zero ? T.Zero : sum,
                    ActivationKind.LeakyReLU => sum > T.Zero ? sum : T.CreateTruncating(0.01) * sum,
                    ActivationKind.Identity => sum,
                    ActivationKind.Sigmoid => T.CreateChecked(global::NetGen.Kernels.Sigmoid(double.CreateChecked(sum))),
                    _ => throw new ArgumentOutOfRangeException(nameof(activations), activations[layer], "not in these shapes"),
                };
            }
            offset += inputs * outputs + outputs;
            x = y;
        }
        return x;
    }
}
