using System;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Optimizers;

/// <summary>AdamW and RmsProp step for step against torch.optim (Fixtures/make_trainkit_fixture.py, float64).</summary>
public class TorchOptimizerTests
{
    public static TheoryData<string> Runs => new()
    {
        "adamw_defaults", "adamw_custom", "rmsprop_defaults", "rmsprop_momentum_centered", "rmsprop_momentum",
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Every_step_matches_torch_optim(string run)
    {
        IOptimizer<double> optimizer = Create(run);
        double[] parameters = TrainkitReference.Start;
        double[][] gradients = TrainkitReference.Gradients;
        double[][] expected = TrainkitReference.OptimizerSteps(run);

        for (int step = 0; step < gradients.Length; step++)
        {
            optimizer.Step(parameters, gradients[step]);
            for (int i = 0; i < parameters.Length; i++)
                Assert.True(Math.Abs(expected[step][i] - parameters[i]) <= 1e-14 * Math.Max(1.0, Math.Abs(expected[step][i])),
                    $"{run}, step {step + 1}, parameter {i}: torch {expected[step][i]:R}, NetGen {parameters[i]:R}");
        }
    }

    [Fact]
    public void AdamW_defaults_are_PyTorchs()
    {
        var adamW = new AdamW<float>();

        Assert.Equal(1e-3f, adamW.LearningRate);
        Assert.Equal(0.9f, adamW.Beta1);
        Assert.Equal(0.999f, adamW.Beta2);
        Assert.Equal(1e-8f, adamW.Epsilon);
        Assert.Equal(0.01f, adamW.WeightDecay);
    }

    [Fact]
    public void AdamW_decay_shrinks_a_weight_with_zero_gradient_by_the_decoupled_factor_only()
    {
        // Adam's L2 form would push this weight by a full learning rate (g = wd * p dominates the moments);
        // the decoupled form only multiplies it by 1 - lr * wd.
        double[] p = [2.0];
        new AdamW<double>(learningRate: 0.1, weightDecay: 0.5).Step(p, [0.0]);

        Assert.Equal(2.0 * (1 - 0.1 * 0.5), p[0], 15);
    }

    [Fact]
    public void RmsProp_defaults_are_PyTorchs()
    {
        var rmsProp = new RmsProp<double>();

        Assert.Equal(1e-2, rmsProp.LearningRate);
        Assert.Equal(0.99, rmsProp.Alpha);
        Assert.Equal(1e-8, rmsProp.Epsilon);
        Assert.Equal(0.0, rmsProp.WeightDecay);
        Assert.Equal(0.0, rmsProp.Momentum);
        Assert.False(rmsProp.Centered);
    }

    [Fact]
    public void Reset_makes_the_next_step_a_first_step_again()
    {
        foreach (string run in new[] { "adamw_custom", "rmsprop_momentum_centered" })
        {
            IOptimizer<double> optimizer = Create(run);
            double[] scratch = TrainkitReference.Start;
            optimizer.Step(scratch, TrainkitReference.Gradients[1]);
            optimizer.Reset();
            double[] parameters = TrainkitReference.Start;

            optimizer.Step(parameters, TrainkitReference.Gradients[0]);

            double[] fresh = TrainkitReference.Start;
            Create(run).Step(fresh, TrainkitReference.Gradients[0]);
            Assert.Equal(fresh, parameters);
        }
    }

    [Fact]
    public void Steps_after_the_first_allocate_nothing()
    {
        foreach (IOptimizer<double> optimizer in new IOptimizer<double>[] { new AdamW<double>(), new RmsProp<double>(weightDecay: 0.1, momentum: 0.9, centered: true) })
        {
            double[] p = new double[100];
            double[] g = new double[100];
            g.AsSpan().Fill(0.5);
            optimizer.Step(p, g);

            Assert.Equal(0, Allocations.Fewest(() =>
            {
                for (int i = 0; i < 10; i++)
                    optimizer.Step(p, g);
            }));
        }
    }

    [Fact]
    public void Out_of_range_arguments_name_the_parameter()
    {
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW<double>(beta1: 1.0)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW<double>(weightDecay: -0.1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<double>(alpha: 1.5)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<double>(epsilon: 0.0)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<double>(momentum: -1.0)).ParamName);
    }

    private static IOptimizer<double> Create(string run) => run switch
    {
        "adamw_defaults" => new AdamW<double>(),
        "adamw_custom" => new AdamW<double>(learningRate: 0.1, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1),
        "rmsprop_defaults" => new RmsProp<double>(),
        "rmsprop_momentum_centered" => new RmsProp<double>(learningRate: 0.01, alpha: 0.9, epsilon: 1e-6, weightDecay: 0.01, momentum: 0.9, centered: true),
        "rmsprop_momentum" => new RmsProp<double>(learningRate: 0.005, momentum: 0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(run), run, null),
    };
}
