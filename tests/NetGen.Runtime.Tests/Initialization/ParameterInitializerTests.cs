using System;
using System.Linq;
using NetGen;

namespace NetGen.Runtime.Tests.Initialization;

public class ParameterInitializerTests
{
    // 200 inputs, 100 outputs: 20 000 weights, enough for the sample statistics below to sit within a few
    // per cent of the distribution's (their standard errors are well under 1 %).
    private const int FanIn = 200, FanOut = 100;

    private static NetworkDescription Wide(Activation hidden = Activation.Sigmoid) =>
        new([FanIn, FanOut], [hidden], LossFunction.HalfSquaredError, Precision.Double);

    private static (double[] Weights, double[] Biases) Draw(Initializer scheme, int seed = 42, NetworkDescription? description = null)
    {
        description ??= Wide();
        var parameters = new double[description.ParameterCount];
        ParameterInitializer.Initialize<double>(parameters, description, scheme, seed);
        int weights = description.LayerSizes[0] * description.LayerSizes[1];
        return (parameters[..weights], parameters[weights..(weights + description.LayerSizes[1])]);
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Length;
    }

    [Fact]
    public void Uniform01_draws_weights_and_biases_in_zero_to_one_with_mean_one_half()
    {
        (double[] weights, double[] biases) = Draw(Initializer.Uniform01);

        Assert.All(weights.Concat(biases), v => Assert.InRange(v, 0.0, Math.BitDecrement(1.0)));
        Assert.Equal(0.5, weights.Average(), 0.01);
        Assert.Equal(1.0 / 12.0, Variance(weights), 0.003); // the variance of U(0, 1)
        Assert.Contains(biases, b => b != 0.0);
    }

    [Fact]
    public void Xavier_uniform_stays_within_its_limit_has_its_variance_and_zero_biases()
    {
        double limit = Math.Sqrt(6.0 / (FanIn + FanOut)); // 0.1414
        (double[] weights, double[] biases) = Draw(Initializer.XavierUniform);

        Assert.All(weights, w => Assert.InRange(w, -limit, limit));
        Assert.Equal(0.0, weights.Average(), 0.003);
        Assert.Equal(2.0 / (FanIn + FanOut), Variance(weights), 0.05 * 2.0 / (FanIn + FanOut)); // limit^2 / 3
        Assert.All(biases, b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void He_uniform_stays_within_its_limit_has_its_variance_and_zero_biases()
    {
        double limit = Math.Sqrt(6.0 / FanIn); // 0.1732
        (double[] weights, double[] biases) = Draw(Initializer.HeUniform);

        Assert.All(weights, w => Assert.InRange(w, -limit, limit));
        Assert.True(weights.Max() > 0.99 * limit && weights.Min() < -0.99 * limit, "the draws should reach close to both limits");
        Assert.Equal(2.0 / FanIn, Variance(weights), 0.05 * 2.0 / FanIn);
        Assert.All(biases, b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void He_normal_has_mean_zero_standard_deviation_sqrt_two_over_fan_in_and_zero_biases()
    {
        (double[] weights, double[] biases) = Draw(Initializer.HeNormal);

        Assert.Equal(0.0, weights.Average(), 0.003);
        Assert.Equal(Math.Sqrt(2.0 / FanIn), Math.Sqrt(Variance(weights)), 0.03 * Math.Sqrt(2.0 / FanIn));
        Assert.Contains(weights, w => Math.Abs(w) > 3 * Math.Sqrt(2.0 / FanIn)); // normal tails, not a bounded uniform
        Assert.All(biases, b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void Xavier_normal_has_mean_zero_standard_deviation_sqrt_two_over_fan_sum_and_zero_biases()
    {
        double sigma = Math.Sqrt(2.0 / (FanIn + FanOut));
        (double[] weights, double[] biases) = Draw(Initializer.XavierNormal);

        Assert.Equal(0.0, weights.Average(), 0.003);
        Assert.Equal(sigma, Math.Sqrt(Variance(weights)), 0.03 * sigma);
        Assert.All(biases, b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void Each_layer_uses_its_own_fan_in()
    {
        var description = new NetworkDescription([600, 50, 6], [Activation.ReLU, Activation.Identity], LossFunction.MeanSquaredError, Precision.Double);
        var parameters = new double[description.ParameterCount];

        ParameterInitializer.Initialize<double>(parameters, description, Initializer.HeUniform, seed: 1);

        double[] second = parameters.AsSpan(description.WeightOffset(1), 50 * 6).ToArray();
        double[] first = parameters.AsSpan(description.WeightOffset(0), 600 * 50).ToArray();
        Assert.All(first, w => Assert.InRange(w, -Math.Sqrt(6.0 / 600), Math.Sqrt(6.0 / 600)));
        Assert.True(second.Max(Math.Abs) > Math.Sqrt(6.0 / 600), "layer 2 has fan-in 50, so its limit sqrt(6/50) is wider");
        Assert.All(second, w => Assert.InRange(w, -Math.Sqrt(6.0 / 50), Math.Sqrt(6.0 / 50)));
    }

    [Theory]
    [InlineData(Initializer.Uniform01)]
    [InlineData(Initializer.XavierUniform)]
    [InlineData(Initializer.HeUniform)]
    [InlineData(Initializer.HeNormal)]
    [InlineData(Initializer.XavierNormal)]
    public void The_same_seed_gives_the_same_parameters_and_another_seed_others(Initializer scheme)
    {
        Assert.Equal(Draw(scheme, seed: 7).Weights, Draw(scheme, seed: 7).Weights);
        Assert.NotEqual(Draw(scheme, seed: 7).Weights, Draw(scheme, seed: 8).Weights);
    }

    [Fact]
    public void A_seed_gives_the_same_first_values_on_every_run_and_runtime()
    {
        // Pinned values: SplitMix64 is fully specified, so these must never change (saved seeds depend on it).
        var description = new NetworkDescription([2, 1], [Activation.Sigmoid], LossFunction.HalfSquaredError, Precision.Double);
        var parameters = new double[3];

        ParameterInitializer.Initialize<double>(parameters, description, Initializer.Uniform01, seed: 0);

        var random = new SeededRandom(0);
        Assert.Equal([random.NextDouble(), random.NextDouble(), random.NextDouble()], parameters);
        Assert.Equal(0xE220A8397B1DCDAFUL, new SeededRandom(0).NextUInt64()); // SplitMix64's published first output for seed 0
    }

    [Theory]
    [InlineData(Activation.ReLU, Initializer.HeUniform)]
    [InlineData(Activation.LeakyReLU, Initializer.HeUniform)]
    [InlineData(Activation.Sigmoid, Initializer.XavierUniform)]
    [InlineData(Activation.Tanh, Initializer.XavierUniform)]
    [InlineData(Activation.Identity, Initializer.XavierUniform)]
    public void Default_resolves_to_He_after_ReLU_like_hidden_layers_and_Xavier_otherwise(Activation hidden, Initializer expected)
    {
        var description = new NetworkDescription([4, 8, 3], [hidden, Activation.Softmax], LossFunction.CrossEntropy, Precision.Double);

        Assert.Equal(expected, ParameterInitializer.Resolve(Initializer.Default, description));
    }

    [Fact]
    public void An_explicit_scheme_is_kept_whatever_the_activation()
    {
        Assert.Equal(Initializer.Uniform01, ParameterInitializer.Resolve(Initializer.Uniform01, Wide(Activation.ReLU)));
    }

    [Fact]
    public void Default_fills_exactly_as_the_scheme_it_resolves_to()
    {
        NetworkDescription relu = Wide(Activation.ReLU);

        Assert.Equal(Draw(Initializer.HeUniform, description: relu).Weights, Draw(Initializer.Default, description: relu).Weights);
    }

    [Fact]
    public void Single_precision_uniform_draws_stay_below_the_upper_limit_even_when_rounding_would_reach_it()
    {
        // Seed 208044's 50th draw is above 1 - 2^-25: narrowed to float it would round up to exactly 1.
        var description = new NetworkDescription([49, 1], [Activation.Sigmoid], LossFunction.HalfSquaredError, Precision.Single);
        var singles = new float[50];
        var doubles = new double[50];
        var doubleDescription = new NetworkDescription([49, 1], [Activation.Sigmoid], LossFunction.HalfSquaredError, Precision.Double);

        ParameterInitializer.Initialize<float>(singles, description, Initializer.Uniform01, seed: 208044);
        ParameterInitializer.Initialize<double>(doubles, doubleDescription, Initializer.Uniform01, seed: 208044);

        Assert.True(doubles[49] >= 1 - Math.Pow(2, -25), "the seed should exercise the rounding edge");
        Assert.Equal(MathF.BitDecrement(1f), singles[49]);
    }

    [Fact]
    public void A_parameter_block_of_the_wrong_length_is_rejected_naming_both_lengths()
    {
        NetworkDescription description = Wide(); // 20 100 parameters

        var error = Assert.Throws<ArgumentException>(() => ParameterInitializer.Initialize<double>(new double[10], description, Initializer.HeUniform, 1));

        Assert.Contains("20100", error.Message);
        Assert.Contains("10", error.Message);
    }

    [Fact]
    public void An_unknown_scheme_is_rejected()
    {
        NetworkDescription description = Wide();

        Assert.Throws<ArgumentException>(() => ParameterInitializer.Initialize<double>(new double[description.ParameterCount], description, (Initializer)99, 1));
    }
}
