using System;
using NetGen;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Optimizers;

public class SgdTests
{
    private const double Tolerance = 1e-15;

    [Fact]
    public void Plain_step_subtracts_learning_rate_times_gradient()
    {
        double[] parameters = [1.0, -2.0];
        var sgd = new Sgd<double>(0.1);

        sgd.Step(parameters, [0.5, 4.0]);

        Assert.Equal(1.0 - 0.1 * 0.5, parameters[0], Tolerance);  // 0.95
        Assert.Equal(-2.0 - 0.1 * 4.0, parameters[1], Tolerance); // -2.4
    }

    [Fact]
    public void Plain_step_is_what_ApplyGradients_does()
    {
        double[] parameters = [0.3, -0.7, 1.1];
        double[] gradients = [0.25, -1.5, 3.0];
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++)
            expected[i] = parameters[i] - 0.05 * gradients[i];

        new Sgd<double>(0.05).Step(parameters, gradients);

        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void Step_leaves_the_gradients_untouched()
    {
        double[] gradients = [0.5, -1.0];
        var sgd = new Sgd<double>(0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01);

        sgd.Step(new double[] { 1.0, 2.0 }, gradients);
        sgd.Step(new double[] { 1.0, 2.0 }, gradients);

        Assert.Equal([0.5, -1.0], gradients);
    }

    [Fact]
    public void Momentum_first_step_uses_the_gradient_as_the_buffer_and_later_steps_accumulate_it()
    {
        double[] p = [1.0];
        var sgd = new Sgd<double>(0.1, momentum: 0.9);

        sgd.Step(p, [0.5]);
        // buf = g = 0.5; p = 1 - 0.1 * 0.5 = 0.95
        Assert.Equal(0.95, p[0], Tolerance);

        sgd.Step(p, [0.5]);
        // buf = 0.9 * 0.5 + 0.5 = 0.95; p = 0.95 - 0.1 * 0.95 = 0.855
        Assert.Equal(0.855, p[0], Tolerance);
    }

    [Fact]
    public void Nesterov_steps_along_the_gradient_plus_momentum_times_the_buffer()
    {
        double[] p = [1.0];
        var sgd = new Sgd<double>(0.1, momentum: 0.9, nesterov: true);

        sgd.Step(p, [0.5]);
        // buf = 0.5; direction = g + m * buf = 0.5 + 0.45 = 0.95; p = 1 - 0.095 = 0.905
        Assert.Equal(0.905, p[0], Tolerance);

        sgd.Step(p, [0.5]);
        // buf = 0.9 * 0.5 + 0.5 = 0.95; direction = 0.5 + 0.9 * 0.95 = 1.355; p = 0.905 - 0.1355 = 0.7695
        Assert.Equal(0.7695, p[0], Tolerance);
    }

    [Fact]
    public void Weight_decay_adds_the_L2_term_to_the_gradient()
    {
        double[] p = [2.0];
        var sgd = new Sgd<double>(0.1, weightDecay: 0.1);

        sgd.Step(p, [0.5]);

        // g = 0.5 + 0.1 * 2 = 0.7; p = 2 - 0.1 * 0.7 = 1.93
        Assert.Equal(1.93, p[0], Tolerance);
    }

    [Fact]
    public void Weight_decay_with_momentum_feeds_the_decayed_gradient_into_the_buffer()
    {
        double[] p = [2.0];
        var sgd = new Sgd<double>(0.1, momentum: 0.9, weightDecay: 0.1);

        sgd.Step(p, [0.5]);
        // g = 0.5 + 0.2 = 0.7; buf = 0.7; p = 2 - 0.07 = 1.93
        sgd.Step(p, [0.5]);
        // g = 0.5 + 0.1 * 1.93 = 0.693; buf = 0.9 * 0.7 + 0.693 = 1.323; p = 1.93 - 0.1323 = 1.7977
        Assert.Equal(1.7977, p[0], 1e-14);
    }

    [Fact]
    public void Reset_makes_the_next_step_behave_like_the_first()
    {
        var sgd = new Sgd<double>(0.1, momentum: 0.9);
        sgd.Step(new double[] { 1.0 }, [10.0]);
        sgd.Reset();
        double[] p = [1.0];

        sgd.Step(p, [0.5]);

        Assert.Equal(0.95, p[0], Tolerance); // as a first step: buf = g, no trace of the earlier 10
    }

    [Fact]
    public void Many_steps_match_a_scalar_transcription_of_PyTorch_SGD()
    {
        const double lr = 0.05, momentum = 0.8, weightDecay = 0.01;
        var random = new Random(7);
        double[] p = new double[37]; // not a multiple of any SIMD width: the vector tail is covered too
        for (int i = 0; i < p.Length; i++)
            p[i] = random.NextDouble() * 2 - 1;
        double[] expected = (double[])p.Clone();
        double[] buffer = new double[p.Length];
        var sgd = new Sgd<double>(lr, momentum, nesterov: true, weightDecay);

        for (int step = 0; step < 20; step++)
        {
            double[] g = new double[p.Length];
            for (int i = 0; i < g.Length; i++)
                g[i] = random.NextDouble() * 2 - 1;
            sgd.Step(p, g);

            // torch/optim/sgd.py, _single_tensor_sgd, one element at a time:
            for (int i = 0; i < p.Length; i++)
            {
                double d = g[i] + weightDecay * expected[i];
                buffer[i] = step == 0 ? d : momentum * buffer[i] + d;
                d += momentum * buffer[i];
                expected[i] -= lr * d;
            }
        }

        for (int i = 0; i < p.Length; i++)
            Assert.Equal(expected[i], p[i], 1e-14);
    }

    [Fact]
    public void Single_precision_steps_like_double()
    {
        float[] p = [1.0f];
        var sgd = new Sgd<float>(0.1f, momentum: 0.9f);

        sgd.Step(p, [0.5f]);
        sgd.Step(p, [0.5f]);

        Assert.Equal(0.855f, p[0], 1e-6f);
    }

    [Theory]
    [InlineData(0.0, false, 0.0)]
    [InlineData(0.9, false, 0.0)]
    [InlineData(0.9, true, 0.0)]
    [InlineData(0.9, true, 0.01)]
    [InlineData(0.0, false, 0.01)]
    public void Steps_after_the_first_allocate_nothing(double momentum, bool nesterov, double weightDecay)
    {
        double[] p = new double[1000];
        double[] g = new double[1000];
        Array.Fill(g, 0.001);
        var sgd = new Sgd<double>(0.1, momentum, nesterov, weightDecay);
        sgd.Step(p, g); // allocates the state

        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++)
                sgd.Step(p, g);
        }));
    }

    [Fact]
    public void Gradients_of_another_length_than_the_parameters_are_rejected_naming_both()
    {
        var sgd = new Sgd<double>(0.1);

        var error = Assert.Throws<ArgumentException>(() => sgd.Step(new double[3], new double[2]));

        Assert.Equal("gradients", error.ParamName);
        Assert.Contains("3", error.Message);
        Assert.Contains("2", error.Message);
    }

    [Fact]
    public void A_block_of_another_length_is_rejected_while_momentum_state_exists_and_accepted_after_Reset()
    {
        var sgd = new Sgd<double>(0.1, momentum: 0.9);
        sgd.Step(new double[4], new double[4]);

        var error = Assert.Throws<ArgumentException>(() => sgd.Step(new double[5], new double[5]));
        Assert.Contains("4", error.Message);
        Assert.Contains("5", error.Message);

        sgd.Reset();
        sgd.Step(new double[5], new double[5]);
    }

    [Fact]
    public void Nesterov_without_momentum_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Sgd<double>(0.1, nesterov: true));
    }

    [Theory]
    [InlineData(-0.1, 0.0, 0.0)]
    [InlineData(double.NaN, 0.0, 0.0)]
    [InlineData(0.1, -0.5, 0.0)]
    [InlineData(0.1, 0.0, -1.0)]
    public void Negative_or_non_finite_hyperparameters_are_rejected(double learningRate, double momentum, double weightDecay)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<double>(learningRate, momentum, weightDecay: weightDecay));
    }

    [Fact]
    public void IsPlain_only_without_momentum_and_weight_decay()
    {
        Assert.True(new Sgd<double>(0.1).IsPlain);
        Assert.False(new Sgd<double>(0.1, momentum: 0.5).IsPlain);
        Assert.False(new Sgd<double>(0.1, weightDecay: 0.5).IsPlain);
    }
}
