using System;
using System.Numerics;
using NetGen;
using NetGen.Tests.Networks;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>Rows of 7 inputs: one 256-bit piece of doubles, one 128-bit piece and one value alone; rows of 3: a 128-bit piece and one value.</summary>
[Network(7, 3, 2, Hidden = Activation.Tanh, Output = Activation.Identity)]
public partial class PiecewiseDoubleNet { }

/// <summary>Rows of 13 floats: one 256-bit piece, one 128-bit piece and one value; rows of 6: a 128-bit piece and two values.</summary>
[Network(13, 6, 2, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
public partial class PiecewiseSingleNet { }

/// <summary>
/// ApplyGradients of networks that run in locals reads the gradients in the pieces Backward writes them in; whatever the
/// pieces, every parameter must get exactly the scalar statement <c>p -= learningRate * g</c>, and nothing else may change.
/// </summary>
public sealed class ApplyGradientsTests
{
    [Fact]
    public void In_locals_ApplyGradients_is_the_scalar_statement_for_every_parameter_in_double() =>
        Check(new PiecewiseDoubleNet(seed: 1), 0.037);

    [Fact]
    public void In_locals_ApplyGradients_is_the_scalar_statement_for_every_parameter_in_single() =>
        Check(new PiecewiseSingleNet(seed: 1), 0.037f);

    [Fact]
    public void The_seed_networks_apply_their_gradients_as_the_scalar_statement()
    {
        Check(new SeedNet431(seed: 2), 0.5);
        Check(new SeedNet222(seed: 2), 0.5);
        Check(new SeedNet341(seed: 2), 0.5);
    }

    private static void Check<T>(INetwork<T> network, T learningRate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(network.ParameterCount);
        Span<T> parameters = network.Parameters, gradients = network.Gradients;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
            gradients[i] = T.CreateTruncating(random.NextDouble() * 4 - 2);
        }
        T[] before = parameters.ToArray(), gradientsBefore = gradients.ToArray();

        network.ApplyGradients(learningRate);

        for (int i = 0; i < before.Length; i++)
        {
            T expected = before[i];
            expected -= learningRate * gradientsBefore[i];
            Assert.True(expected == network.Parameters[i], $"{network.GetType().Name} parameter {i}: expected {expected}, got {network.Parameters[i]}");
        }
        Assert.Equal(gradientsBefore, network.Gradients.ToArray());
    }
}
