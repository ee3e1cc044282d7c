using System;
using System.Linq;
using System.Runtime.Intrinsics;

namespace NetGen.ExactExp.Tests;

/// <summary>A tutorial network whose hidden sigmoids Predict packs into one vector.</summary>
[Network(4, 3, 1)]
public partial class ExactXorNet { }

/// <summary>A network whose wide tanh layer and looped softmax layer use the whole-layer kernels.</summary>
[Network(4, 8, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class ExactWideNet { }

/// <summary>
/// With the <c>NetGen.UseSystemExp</c> switch on (this project's runtimeconfig), the kernels take
/// the exact path: every sigmoid is <c>1 / (1 + Math.Exp(-z))</c> bit for bit, scalar, packed or a
/// whole layer; every tanh is Math.Tanh and every softmax exp Math.Exp.
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
            Assert.Equal(1f / (1f + MathF.Exp(-zf)), Kernels.Sigmoid(Vector128.Create(0f, 0f, zf, 0f)).GetElement(2));
            Assert.Equal(1f / (1f + MathF.Exp(-zf)), Kernels.Sigmoid(Vector512.Create(zf).WithElement(0, 0f)).GetElement(13));
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

    [Fact]
    public void Whole_layer_activations_use_Math_Exp_and_Math_Tanh_bit_for_bit()
    {
        var random = new Random(5);
        double[] z = Enumerable.Range(0, 1000).Select(_ => (random.NextDouble() * 2 - 1) * 30).ToArray();
        float[] zf = z.Select(v => (float)v).ToArray();
        var a = new double[z.Length];
        var af = new float[z.Length];

        Kernels.Sigmoid<double>(z, a);
        Assert.Equal(z.Select(v => 1.0 / (1.0 + Math.Exp(-v))), a);
        Kernels.Sigmoid<float>(zf, af);
        Assert.Equal(zf.Select(v => 1f / (1f + MathF.Exp(-v))), af);
        Kernels.Tanh<double>(z, a);
        Assert.Equal(z.Select(Math.Tanh), a);
        Kernels.Tanh<float>(zf, af);
        Assert.Equal(zf.Select(MathF.Tanh), af);

        var row = z.AsSpan(0, 10).ToArray();
        var softmax = new double[10];
        Kernels.Softmax<double>(row, softmax);
        Assert.Equal(ExactSoftmax(row), softmax);
    }

    [Fact]
    public void A_generated_network_with_wide_layers_predicts_with_Math_Tanh_and_Math_Exp()
    {
        var network = new ExactWideNet(seed: 2);
        ReadOnlySpan<double> p = network.Parameters;
        var random = new Random(6);
        var x = new double[4];
        var output = new double[10];
        var hidden = new double[8];
        var logits = new double[10];
        for (int sample = 0; sample < 500; sample++)
        {
            for (int i = 0; i < 4; i++)
                x[i] = random.NextDouble() * 6 - 3;
            network.Predict(x, output);

            // Layer 1 is unrolled (32 weights): the same sums in the same order, then Math.Tanh.
            for (int j = 0; j < 8; j++)
            {
                double s = p[32 + j];
                for (int i = 0; i < 4; i++)
                    s += p[j * 4 + i] * x[i];
                hidden[j] = Math.Tanh(s);
            }
            // Layer 2 is looped (80 weights): the same product kernel, then the softmax with Math.Exp.
            Kernels.MatrixVector<double>(p.Slice(40, 80), hidden, p.Slice(120, 10), logits);
            Assert.Equal(ExactSoftmax(logits), output);
        }
    }

    // Kernels.Softmax's arithmetic with Math.Exp: shift by the largest logit, exponentiate, sum in four running sums
    // (value k in sum k % 4, the values after the last whole four in the first), scale by 1 / sum.
    private static double[] ExactSoftmax(double[] z)
    {
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        var sums = new double[4];
        int whole = e.Length - e.Length % 4;
        for (int k = 0; k < e.Length; k++)
            sums[k < whole ? k % 4 : 0] += e[k];
        double inverse = 1.0 / ((sums[0] + sums[1]) + (sums[2] + sums[3]));
        return e.Select(v => v * inverse).ToArray();
    }
}
