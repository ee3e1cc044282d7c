using System;
using System.Linq;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Clipping by global norm against torch.nn.utils.clip_grad_norm_ (Fixtures/make_trainkit_fixture.py), and Fit applying it.</summary>
public class GradientClippingTests
{
    [Fact]
    public void ClipByGlobalNorm_matches_clip_grad_norm()
    {
        foreach ((double maxNorm, double norm, double[] clipped) in TrainkitReference.ClipCases)
        {
            double[] gradients = TrainkitReference.ClipGradients;

            double returned = GradientClipping.ClipByGlobalNorm<double>(gradients, maxNorm);

            Assert.Equal(norm, returned, 14);
            for (int i = 0; i < gradients.Length; i++)
                Assert.Equal(clipped[i], gradients[i], 14);
        }
    }

    [Fact]
    public void A_non_positive_max_norm_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm<double>(new double[2], 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SingleLayerNetwork(2, 1).Fit(new double[2], new double[1], new TrainingOptions<double> { MaxGradientNorm = -1 }));
    }

    [Fact]
    public void Fit_clips_the_mean_gradient_before_the_optimizer_sees_it()
    {
        (double[] inputs, double[] targets) = TrainingData.Linear(4); // inputs up to 3: large gradients at zero weights
        var network = new SingleLayerNetwork(2, 1);
        var recorder = new RecordingOptimizer(0.01);

        network.Fit(inputs, targets, new TrainingOptions<double> { BatchSize = 0, Optimizer = recorder, MaxGradientNorm = 0.5 });

        var unclipped = new SingleLayerNetwork(2, 1);
        unclipped.BackwardBatch(inputs, targets);
        double[] expected = unclipped.Gradients.ToArray();
        for (int i = 0; i < expected.Length; i++)
            expected[i] /= 4;
        double norm = Math.Sqrt(expected.Sum(g => g * g));
        Assert.True(norm > 0.5, "the case must need clipping");
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i] * 0.5 / (norm + 1e-6), recorder.FirstGradients![i], 14);
    }
}
