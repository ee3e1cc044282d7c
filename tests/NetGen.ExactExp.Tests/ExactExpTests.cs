using System;
using System.Runtime.Intrinsics;

namespace NetGen.ExactExp.Tests;

/// <summary>A tutorial network whose hidden sigmoids Predict packs into one vector.</summary>
[Network(4, 3, 1)]
public partial class ExactXorNet { }

/// <summary>
/// With the <c>NetGen.UseSystemExp</c> switch on (this project's runtimeconfig), the kernels take
/// the exact path: every sigmoid is <c>1 / (1 + Math.Exp(-z))</c> bit for bit, scalar or packed.
/// </summary>
public class ExactExpTests
{
    [Fact]
    public void The_switch_is_read_from_the_runtime_configuration()
    {
        Assert.True(Kernels.UsesSystemExp);
    }

    [Fact]
    public void Every_sigmoid_is_the_formula_with_Math_Exp_bit_for_bit()
    {
        var random = new Random(3);
        for (int i = 0; i < 100_000; i++)
        {
            double z = (random.NextDouble() * 2 - 1) * 40;
            double exact = 1.0 / (1.0 + Math.Exp(-z));
            Assert.Equal(Math.Exp(z), Kernels.Exp(z));
            Assert.Equal(exact, Kernels.Sigmoid(z));
            Assert.Equal(exact, Kernels.Sigmoid(Vector128.Create(z, 0.0)).GetElement(0));
            Assert.Equal(exact, Kernels.Sigmoid(Vector256.Create(0.0, z, 0.0, 0.0)).GetElement(1));
            Assert.Equal(exact, Kernels.Sigmoid(Vector512.Create(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, z)).GetElement(7));
            float zf = (float)z;
            Assert.Equal(1f / (1f + MathF.Exp(-zf)), Kernels.Sigmoid(Vector256.Create(zf, 0f, 0f, 0f, 0f, 0f, 0f, 0f)).GetElement(0));
        }
    }

    [Fact]
    public void A_generated_network_predicts_with_Math_Exp()
    {
        var network = new ExactXorNet(seed: 1);
        ReadOnlySpan<double> p = network.Parameters;
        var random = new Random(4);
        var x = new double[4];
        var output = new double[1];
        var hidden = new double[3];
        for (int sample = 0; sample < 1000; sample++)
        {
            for (int i = 0; i < 4; i++)
                x[i] = random.NextDouble() * 6 - 3;
            network.Predict(x, output);

            // The same sums in the same order as the generated code, activated with Math.Exp.
            for (int j = 0; j < 3; j++)
            {
                double z = p[12 + j];
                for (int i = 0; i < 4; i++)
                    z += p[j * 4 + i] * x[i];
                hidden[j] = 1.0 / (1.0 + Math.Exp(-z));
            }
            double o = p[18];
            for (int j = 0; j < 3; j++)
                o += p[15 + j] * hidden[j];
            Assert.Equal(1.0 / (1.0 + Math.Exp(-o)), output[0]);
        }
    }
}
