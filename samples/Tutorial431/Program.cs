// Reproduces the first seed tutorial ("Neural Networks from Scratch in Python and R",
// ../shared/seeds/000 and 001): a 4-3-1 sigmoid network with half squared error, weights drawn
// uniformly from [0, 1), trained by full-batch gradient descent for 5000 epochs at learning rate 0.1.
// Full batch means one step per epoch with the gradient SUMMED over the three rows, exactly what the
// tutorial's numpy code does: ZeroGradients, Backward per row (which adds), ApplyGradients(lr).
// The tutorial prints 0.978 / 0.975 / 0.031; its random start differs from ours, so the digits do too.

using System;
using System.Globalization;
using NetGen;

double[][] inputs =
[
    [1, 0, 1, 0],
    [1, 0, 1, 1],
    [0, 1, 0, 1],
];
double[][] targets = [[1], [1], [0]];
const int Epochs = 5000;
const double LearningRate = 0.1;

var network = new TutorialNet(seed: 42);
for (int epoch = 0; epoch < Epochs; epoch++)
{
    network.ZeroGradients();
    for (int row = 0; row < inputs.Length; row++)
        network.Backward(inputs[row], targets[row]);
    network.ApplyGradients(LearningRate);
}

Console.WriteLine("Output from the model:");
double[] expected = [0.98, 0.97, 0.03]; // the tutorial's outputs, rounded
Span<double> output = stackalloc double[TutorialNet.OutputSize];
bool allNear = true;
for (int row = 0; row < inputs.Length; row++)
{
    network.Predict(inputs[row], output);
    bool near = Math.Abs(output[0] - expected[row]) < 0.03;
    allNear &= near;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  [{string.Join(", ", inputs[row])}] -> {output[0]:F8}   (target {targets[row][0]}, tutorial ~{expected[row]:F2}){(near ? "" : "   NOT NEAR")}"));
}

if (!allNear)
{
    Console.Error.WriteLine("The outputs are not within 0.03 of the tutorial's.");
    return 1;
}
Console.WriteLine("All three outputs are within 0.03 of the tutorial's 0.98 / 0.97 / 0.03.");
return 0;

/// <summary>The tutorial's network: 4 inputs, 3 sigmoid hidden units, 1 sigmoid output, half squared error, U[0, 1) weights.</summary>
[Network(4, 3, 1, Initializer = Initializer.Uniform01)]
public partial class TutorialNet { }
