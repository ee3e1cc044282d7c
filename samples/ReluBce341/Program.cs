// Reproduces the fourth seed tutorial ("NeuralNetworkFromScratch", ../shared/seeds/003): a 3-4-1
// network with a ReLU hidden layer, a sigmoid output and binary cross-entropy, trained on one sample
// (0.2, 0.1, 0.7) for 5 epochs of plain SGD at learning rate 0.01. The tutorial leaves the label
// unset; we use 1, as ../shared/reference/seeds/seed-3-4-1-relu-bce.json does.
//
// The tutorial stores the hidden weights as (in x out) and computes inputs @ hidden_weights;
// NetGen, like PyTorch's Linear, stores W as (out x in) and computes W x. So the tutorial's 3 x 4
// matrix goes into Parameters transposed, and is transposed back when printed the tutorial's way.

using System;
using System.Globalization;
using System.Linq;
using NetGen;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

double[] input = [0.2, 0.1, 0.7];
double[] label = [1.0];
const double LearningRate = 0.01;
const int Epochs = 5;

double[,] hiddenWeights =            // the tutorial's layout: one row per input, one column per hidden unit
{
    { 0.1, 0.4, 0.2, 0.3 },
    { 0.4, 0.1, 0.1, 0.2 },
    { 0.1, 0.2, 0.2, 0.2 },
};
double[] hiddenBias = [0.1, 0.2, 0.3, 0.4];
double[] outputWeights = [0.1, 0.4, 0.2, 0.3];
double outputBias = 0.1;

// Parameters: W1 [4 x 3] (out x in, row-major), b1 [4], W2 [1 x 4], b2 [1].
var network = new ReluNet();
Span<double> parameters = network.Parameters;
for (int hidden = 0; hidden < 4; hidden++)
    for (int inputIndex = 0; inputIndex < 3; inputIndex++)
        parameters[hidden * 3 + inputIndex] = hiddenWeights[inputIndex, hidden]; // the transpose
hiddenBias.CopyTo(parameters.Slice(12, 4));
outputWeights.CopyTo(parameters.Slice(16, 4));
parameters[20] = outputBias;

for (int epoch = 1; epoch <= Epochs; epoch++)
{
    double loss = network.Train(input, label, LearningRate); // the loss before this epoch's step
    Console.WriteLine($"Epoch {epoch}: loss {loss:F10}");
}
double[] output = new double[1];
network.Predict(input, output);
Console.WriteLine($"After training: output {output[0]:F10}, loss {network.Loss(input, label):F10}");
Console.WriteLine();

double[] trained = network.Parameters.ToArray();
Console.WriteLine("Final hidden weights (the tutorial's in x out layout):");
for (int inputIndex = 0; inputIndex < 3; inputIndex++)
    Console.WriteLine("  [" + string.Join(" ", Enumerable.Range(0, 4).Select(hidden => trained[hidden * 3 + inputIndex].ToString("F8"))) + "]");
Console.WriteLine($"Final hidden biases: [{string.Join(" ", trained[12..16].Select(v => v.ToString("F8")))}]");
Console.WriteLine($"Final output weights: [{string.Join(" ", trained[16..20].Select(v => v.ToString("F8")))}]");
Console.WriteLine($"Final output bias: {trained[20]:F8}");
return 0;

/// <summary>The tutorial's network: 3 inputs, 4 ReLU hidden units, 1 sigmoid output, binary cross-entropy.</summary>
[Network(3, 4, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class ReluNet { }
