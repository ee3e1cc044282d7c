using System;

namespace NetGen.Tests.Kernels;

/// <summary>The fused losses stay finite, with correct gradients, at extreme logits.</summary>
public class StabilityTests
{
    [Theory]
    [InlineData(1000.0)]
    [InlineData(-1000.0)]
    public void Softmax_cross_entropy_is_finite_at_logits_of_plus_minus_1000(double scale)
    {
        var network = new SingleLayerSoftmax(0);
        // z = W x + b with x = 1: logits (scale, -scale)
        network.Parameters[0] = scale;
        network.Parameters[1] = -scale;
        network.Parameters[2] = 0;
        network.Parameters[3] = 0;
        double[] input = { 1.0 };
        double[] target = { 0.0, 1.0 };

        double loss = network.Loss(input, target);
        network.ZeroGradients();
        double backwardLoss = network.Backward(input, target);

        // -log softmax(z)_1 = logsumexp(z) - z_1 = max(scale, -scale) + scale (plus a negligible log(1 + e^-2000))
        double expected = Math.Max(scale, -scale) + scale;
        Assert.Equal(expected, loss, 9);
        Assert.Equal(expected, backwardLoss, 9);
        foreach (double gradient in network.Gradients)
            Assert.True(double.IsFinite(gradient), $"gradient {gradient} is finite");
        // d loss / d z = softmax(z) - t, and d z / d W = x = 1
        double p0 = scale > 0 ? 1.0 : 0.0;
        Assert.Equal(p0, network.Gradients[0], 12);
        Assert.Equal(-p0, network.Gradients[1], 12); // p1 - t1 = (1 - p0) - 1
    }

    [Theory]
    [InlineData(1000.0, 0.0, 1000.0)]
    [InlineData(-1000.0, 1.0, 1000.0)]
    [InlineData(1000.0, 1.0, 0.0)]
    public void Sigmoid_binary_cross_entropy_is_finite_at_logits_of_plus_minus_1000(double logit, double label, double expectedLoss)
    {
        var network = new SingleNeuronLogistic(0);
        network.Parameters[0] = logit;
        network.Parameters[1] = 0;
        double[] input = { 1.0 };
        double[] target = { label };

        network.ZeroGradients();
        double loss = network.Backward(input, target);

        Assert.Equal(expectedLoss, loss, 9);
        double sigmoid = logit > 0 ? 1.0 : 0.0;
        Assert.Equal(sigmoid - label, network.Gradients[0], 12);
        Assert.Equal(sigmoid - label, network.Gradients[1], 12);
    }

    [Fact]
    public void Single_precision_softmax_cross_entropy_is_finite_at_extreme_logits()
    {
        var network = new MnistShaped(0);
        network.Parameters.Clear();
        // Output biases drive the logits: 1000 for class 0, -1000 for the rest.
        Span<float> outputBiases = network.Parameters[^10..];
        outputBiases.Fill(-1000f);
        outputBiases[0] = 1000f;
        var input = new float[784];
        var target = new float[10];
        target[3] = 1f;

        network.ZeroGradients();
        float loss = network.Backward(input, target);

        Assert.Equal(2000f, loss, 1);
        foreach (float gradient in network.Gradients)
            Assert.True(float.IsFinite(gradient));
    }
}
