using System;
using System.Linq;

namespace NetGen.Tests.Support;

/// <summary>
/// The gradient check: Backward against central finite differences of Loss, parameter by parameter,
/// and a target every loss accepts. One place for the tolerance and the step size.
/// </summary>
public static class FiniteDifferences
{
    /// <summary>Central-difference step: small against parameters in [-1, 1], large against double rounding.</summary>
    public const double Step = 1e-6;

    /// <summary>Largest error allowed, relative to the numeric derivative where that is above 1.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>
    /// Runs Backward once from zero gradients and checks it returns Loss and that every parameter's
    /// gradient matches central finite differences of Loss; returns the analytic gradient.
    /// </summary>
    /// <param name="network">A double-precision network; its parameters are restored after each probe.</param>
    /// <param name="input">One input row.</param>
    /// <param name="target">One target row the network's loss accepts.</param>
    /// <param name="label">Names the case in a failure message.</param>
    public static double[] AssertBackwardIsGradientOfLoss(INetwork<double> network, double[] input, double[] target, string label)
    {
        network.ZeroGradients();
        double loss = network.Backward(input, target);
        Assert.Equal(network.Loss(input, target), loss, 12);
        double[] analytic = network.Gradients.ToArray();

        Span<double> parameters = network.Parameters;
        for (int p = 0; p < parameters.Length; p++)
        {
            double saved = parameters[p];
            parameters[p] = saved + Step;
            double lossUp = network.Loss(input, target);
            parameters[p] = saved - Step;
            double lossDown = network.Loss(input, target);
            parameters[p] = saved;
            double numeric = (lossUp - lossDown) / (2 * Step);
            Assert.True(Math.Abs(numeric - analytic[p]) <= Tolerance * Math.Max(1, Math.Abs(numeric)),
                $"{label}: d loss / d parameter {p} is {analytic[p]:R} by Backward but {numeric:R} by finite differences");
        }
        return analytic;
    }

    /// <summary>
    /// Asserts that <paramref name="analytic"/>, the gradient a dropout network's Backward gave at dropout step
    /// <paramref name="step"/>, matches central differences of the loss Backward returns at that same step, so
    /// with the same masks: the gradient of the network its masks make.
    /// </summary>
    public static void AssertGradientOfMaskedLoss(INetwork<double> network, IDropoutNetwork dropout, ulong step, double[] input, double[] target, double[] analytic, string label)
    {
        Span<double> parameters = network.Parameters;
        for (int p = 0; p < parameters.Length; p++)
        {
            double saved = parameters[p];
            parameters[p] = saved + Step;
            dropout.DropoutStep = step;
            double up = network.Backward(input, target);
            parameters[p] = saved - Step;
            dropout.DropoutStep = step;
            double down = network.Backward(input, target);
            parameters[p] = saved;
            double numeric = (up - down) / (2 * Step);
            Assert.True(Math.Abs(numeric - analytic[p]) <= Tolerance * Math.Max(1, Math.Abs(numeric)),
                $"{label}: d loss / d parameter {p} is {analytic[p]:R} by Backward but {numeric:R} by finite differences of the masked loss");
        }
    }

    /// <summary>
    /// A target <paramref name="loss"/> accepts: soft class probabilities for cross-entropy (summing to
    /// 0.9, not 1, to test the general formula), values in [0, 1] otherwise.
    /// </summary>
    public static double[] Target(LossFunction loss, int size, Random random)
    {
        double[] target = Enumerable.Range(0, size).Select(_ => random.NextDouble()).ToArray();
        if (loss == LossFunction.CrossEntropy)
        {
            double sum = target.Sum();
            for (int k = 0; k < size; k++)
                target[k] = 0.9 * target[k] / sum;
        }
        return target;
    }
}
