using System;
using System.Linq;

namespace NetGen.Tests.Reference;

/// <summary>
/// Every generated network computes exactly what PyTorch autograd computed for the same case:
/// outputs, losses, per-sample gradients, and weights after the recorded gradient descent. Each
/// case runs in both code shapes (unrolled and looped) in double, and in single precision.
/// </summary>
public class ReferenceVectorTests
{
    public static TheoryData<string, bool> CasesInBothShapes()
    {
        var data = new TheoryData<string, bool>();
        foreach (object[] name in ReferenceCase.Names())
        {
            data.Add((string)name[0], false);
            data.Add((string)name[0], true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesInBothShapes))]
    public void Predict_matches_reference_outputs(string caseName, bool looped)
    {
        ReferenceCase reference = ReferenceCase.Load(caseName);
        INetwork<double> network = Load(reference, looped);
        var output = new double[network.OutputSize];
        for (int sample = 0; sample < reference.Inputs.Length; sample++)
        {
            network.Predict(reference.Inputs[sample], output);
            Tolerance.Equal(reference.Forward[sample], output, Tolerance.Double, $"output of sample {sample}");
        }
    }

    [Theory]
    [MemberData(nameof(CasesInBothShapes))]
    public void Loss_matches_reference_losses(string caseName, bool looped)
    {
        ReferenceCase reference = ReferenceCase.Load(caseName);
        INetwork<double> network = Load(reference, looped);
        for (int sample = 0; sample < reference.Inputs.Length; sample++)
        {
            double loss = network.Loss(reference.Inputs[sample], reference.Targets[sample]);
            Tolerance.Equal(reference.LossPerSample[sample], loss, Tolerance.Double, $"loss of sample {sample}");
        }
    }

    [Theory]
    [MemberData(nameof(CasesInBothShapes))]
    public void Backward_matches_reference_gradients_per_sample(string caseName, bool looped)
    {
        ReferenceCase reference = ReferenceCase.Load(caseName);
        INetwork<double> network = Load(reference, looped);
        for (int sample = 0; sample < reference.Inputs.Length; sample++)
        {
            network.ZeroGradients();
            double loss = network.Backward(reference.Inputs[sample], reference.Targets[sample]);
            Tolerance.Equal(reference.LossPerSample[sample], loss, Tolerance.Double, $"loss returned by Backward for sample {sample}");
            Tolerance.Equal(reference.GradientsPerSample[sample], network.Gradients, Tolerance.Double, $"gradient of sample {sample}");
        }
    }

    [Theory]
    [MemberData(nameof(CasesInBothShapes))]
    public void Gradient_descent_matches_reference_weights(string caseName, bool looped)
    {
        ReferenceCase reference = ReferenceCase.Load(caseName);
        INetwork<double> network = Load(reference, looped);
        for (int step = 0; step < reference.Steps; step++)
            DescendOneRound(network, reference);
        Tolerance.Equal(reference.ParametersAfterDescent, network.Parameters, Tolerance.Double, $"parameters after {reference.Steps} {reference.Mode} rounds");
    }

    [Theory]
    [MemberData(nameof(CasesInBothShapes))]
    public void Batch_calls_match_per_sample_calls(string caseName, bool looped)
    {
        ReferenceCase reference = ReferenceCase.Load(caseName);
        INetwork<double> network = Load(reference, looped);
        double[] inputs = reference.Inputs.SelectMany(row => row).ToArray();
        double[] targets = reference.Targets.SelectMany(row => row).ToArray();

        var outputs = new double[reference.Inputs.Length * network.OutputSize];
        network.PredictBatch(inputs, outputs);
        Tolerance.Equal(reference.Forward.SelectMany(row => row).ToArray(), outputs, Tolerance.Double, "PredictBatch outputs");

        network.ZeroGradients();
        double summedLoss = network.BackwardBatch(inputs, targets);
        Tolerance.Equal(reference.LossPerSample.Sum(), summedLoss, Tolerance.Double, "summed loss");
        double[] summedGradient = Enumerable.Range(0, network.ParameterCount)
            .Select(p => reference.GradientsPerSample.Sum(gradient => gradient[p])).ToArray();
        Tolerance.Equal(summedGradient, network.Gradients, Tolerance.Double, "summed gradient");

        double meanLoss = network.TrainBatch(inputs, targets, reference.LearningRate);
        Tolerance.Equal(reference.LossPerSample.Average(), meanLoss, Tolerance.Double, "mean loss from TrainBatch");
        double[] expected = reference.Parameters.Select((p, i) => p - reference.LearningRate * summedGradient[i] / reference.Inputs.Length).ToArray();
        Tolerance.Equal(expected, network.Parameters, Tolerance.Double, "parameters after TrainBatch");
    }

    [Theory]
    [MemberData(nameof(ReferenceCase.Names), MemberType = typeof(ReferenceCase))]
    public void Single_precision_matches_reference_within_single_tolerance(string caseName)
    {
        ReferenceCase reference = ReferenceCase.Load(caseName);
        INetwork<float> network = ReferenceNetworks.CreateSingle(caseName);
        ToSingle(reference.Parameters).CopyTo(network.Parameters);
        var output = new float[network.OutputSize];
        for (int sample = 0; sample < reference.Inputs.Length; sample++)
        {
            float[] input = ToSingle(reference.Inputs[sample]), target = ToSingle(reference.Targets[sample]);
            network.Predict(input, output);
            Tolerance.Equal(reference.Forward[sample], output, Tolerance.Single, $"output of sample {sample}");
            network.ZeroGradients();
            float loss = network.Backward(input, target);
            Tolerance.Equal(reference.LossPerSample[sample], loss, Tolerance.Single, $"loss of sample {sample}");
            Tolerance.Equal(reference.GradientsPerSample[sample], network.Gradients, Tolerance.Single, $"gradient of sample {sample}");
        }
    }

    /// <summary>One round of the recorded descent, through the public contract.</summary>
    private static void DescendOneRound(INetwork<double> network, ReferenceCase reference)
    {
        switch (reference.Mode)
        {
            case "per_sample":
                for (int sample = 0; sample < reference.Inputs.Length; sample++)
                    network.Train(reference.Inputs[sample], reference.Targets[sample], reference.LearningRate);
                break;
            case "sum":
            case "mean":
                network.ZeroGradients();
                for (int sample = 0; sample < reference.Inputs.Length; sample++)
                    network.Backward(reference.Inputs[sample], reference.Targets[sample]);
                double scale = reference.Mode == "mean" ? 1.0 / reference.Inputs.Length : 1.0;
                network.ApplyGradients(reference.LearningRate * scale);
                break;
            default:
                throw new InvalidOperationException("Unknown descent mode " + reference.Mode);
        }
    }

    private static INetwork<double> Load(ReferenceCase reference, bool looped)
    {
        INetwork<double> network = ReferenceNetworks.CreateDouble(reference.Name, looped);
        Assert.Equal(reference.Parameters.Length, network.ParameterCount);
        reference.Parameters.CopyTo(network.Parameters);
        return network;
    }

    private static float[] ToSingle(double[] values) => values.Select(value => (float)value).ToArray();
}
