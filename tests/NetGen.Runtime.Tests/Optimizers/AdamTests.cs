using System;
using NetGen;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Optimizers;

public class AdamTests
{
    [Fact]
    public void Defaults_are_PyTorchs()
    {
        var adam = new Adam<double>();

        Assert.Equal(1e-3, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-8, adam.Epsilon);
        Assert.Equal(0.0, adam.WeightDecay);
    }

    [Fact]
    public void First_step_moves_every_parameter_by_about_learning_rate_against_the_sign_of_its_gradient()
    {
        double[] p = [0.0, 0.0, 0.0, 0.0];
        double[] g = [0.5, -3.0, 1e-3, 250.0];

        new Adam<double>().Step(p, g);

        // m = 0.1 g, v = 0.001 g^2; bias-corrected m = g, sqrt(v) / sqrt(0.001) = |g|:
        // p = -lr * g / (|g| + eps), within 1e-5 * lr of -lr * sign(g) for these gradients.
        for (int i = 0; i < p.Length; i++)
        {
            Assert.Equal(-1e-3 * g[i] / (Math.Abs(g[i]) + 1e-8), p[i], 1e-15);
            Assert.Equal(-1e-3 * Math.Sign(g[i]), p[i], 1e-8);
        }
    }

    [Fact]
    public void Second_step_matches_the_bias_corrected_moments_computed_by_hand()
    {
        double[] p = [0.0];
        var adam = new Adam<double>(learningRate: 0.1);

        adam.Step(p, [0.5]);
        // m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25 = 0.00025; p = -0.1 * 0.5 / (0.5 + 1e-8)
        double p1 = -0.1 * 0.5 / (0.5 + 1e-8);
        Assert.Equal(p1, p[0], 1e-15);

        adam.Step(p, [0.25]);
        // m = 0.9 * 0.05 + 0.1 * 0.25 = 0.07
        // v = 0.999 * 0.00025 + 0.001 * 0.0625 = 0.00031225
        // bias corrections: 1 - 0.9^2 = 0.19, 1 - 0.999^2 = 0.001999
        double p2 = p1 - 0.1 / 0.19 * 0.07 / (Math.Sqrt(0.00031225) / Math.Sqrt(0.001999) + 1e-8);
        Assert.Equal(p2, p[0], 1e-14);
        Assert.Equal(-0.193218, p[0], 1e-6); // the same number, written out
    }

    [Fact]
    public void Weight_decay_adds_the_L2_term_to_the_gradient_before_the_moments()
    {
        double[] p = [1.0];
        var adam = new Adam<double>(learningRate: 0.01, weightDecay: 0.5);

        adam.Step(p, [0.0]);

        // g = 0 + 0.5 * 1 = 0.5; first step: p = 1 - 0.01 * 0.5 / (0.5 + 1e-8)
        Assert.Equal(1.0 - 0.01 * 0.5 / (0.5 + 1e-8), p[0], 1e-15);
    }

    [Fact]
    public void Reset_restarts_the_moments_and_the_bias_correction()
    {
        var adam = new Adam<double>(learningRate: 0.1);
        double[] warmUp = [3.0];
        for (int i = 0; i < 5; i++)
            adam.Step(warmUp, [1.0 + i]);
        adam.Reset();
        double[] p = [0.0];

        adam.Step(p, [0.5]);

        Assert.Equal(1, adam.StepCount);
        Assert.Equal(-0.1 * 0.5 / (0.5 + 1e-8), p[0], 1e-15);
    }

    [Fact]
    public void Many_steps_match_a_scalar_transcription_of_PyTorch_Adam()
    {
        const double lr = 0.01, beta1 = 0.8, beta2 = 0.99, eps = 1e-6, weightDecay = 0.02;
        var random = new Random(3);
        double[] p = new double[29]; // not a multiple of any SIMD width: the vector tail is covered too
        for (int i = 0; i < p.Length; i++)
            p[i] = random.NextDouble() * 2 - 1;
        double[] expected = (double[])p.Clone();
        double[] m = new double[p.Length], v = new double[p.Length];
        var adam = new Adam<double>(lr, beta1, beta2, eps, weightDecay);

        for (int step = 1; step <= 50; step++)
        {
            double[] g = new double[p.Length];
            for (int i = 0; i < g.Length; i++)
                g[i] = random.NextDouble() * 2 - 1;
            adam.Step(p, g);

            // torch/optim/adam.py, _single_tensor_adam (amsgrad off), one element at a time:
            for (int i = 0; i < p.Length; i++)
            {
                double d = g[i] + weightDecay * expected[i];
                m[i] = beta1 * m[i] + (1 - beta1) * d;
                v[i] = beta2 * v[i] + (1 - beta2) * d * d;
                double stepSize = lr / (1 - Math.Pow(beta1, step));
                double denominator = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(beta2, step)) + eps;
                expected[i] -= stepSize * m[i] / denominator;
            }
        }

        for (int i = 0; i < p.Length; i++)
            Assert.Equal(expected[i], p[i], 1e-12);
    }

    [Fact]
    public void Single_precision_first_step_is_about_learning_rate_times_sign()
    {
        float[] p = [1.0f, 1.0f];

        new Adam<float>().Step(p, [2.0f, -0.125f]);

        Assert.Equal(1.0f - 1e-3f, p[0], 1e-7f);
        Assert.Equal(1.0f + 1e-3f, p[1], 1e-7f);
    }

    [Fact]
    public void Steps_after_the_first_allocate_nothing()
    {
        double[] p = new double[1000];
        double[] g = new double[1000];
        Array.Fill(g, 0.001);
        var adam = new Adam<double>(weightDecay: 0.01);
        adam.Step(p, g); // allocates the moments

        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++)
                adam.Step(p, g);
        }));
    }

    [Fact]
    public void A_block_of_another_length_is_rejected_after_the_first_step()
    {
        var adam = new Adam<double>();
        adam.Step(new double[4], new double[4]);

        var error = Assert.Throws<ArgumentException>(() => adam.Step(new double[6], new double[6]));

        Assert.Contains("4", error.Message);
        Assert.Contains("6", error.Message);
    }

    [Theory]
    [InlineData(1.0, 0.999)]
    [InlineData(0.9, 1.0)]
    [InlineData(-0.1, 0.999)]
    public void Betas_outside_zero_to_one_are_rejected(double beta1, double beta2)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>(beta1: beta1, beta2: beta2));
    }

    [Fact]
    public void A_zero_epsilon_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>(epsilon: 0.0));
    }
}
