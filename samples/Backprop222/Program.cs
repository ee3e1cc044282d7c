// Reproduces the second seed tutorial ("Building Neural Network from scratch", ../shared/seeds/002):
// the classic 2-2-2 step-by-step backpropagation example (after Matt Mazur's). Input (0.05, 0.1),
// target (0.01, 0.99), sigmoid everywhere, half squared error. We set the tutorial's weights, print
// the output, the loss and every gradient, take one gradient-descent step with alpha = 0.1 and print
// the new W1, b1, W2, b2 the way the tutorial does.
//
// The tutorial rounds every layer's output to 4 places (np.around in forward_prop); NetGen does not,
// so the digits differ from the tutorial's after the third or fourth place. The numbers printed here
// are the unrounded ones of ../shared/reference/seeds/seed-2-2-2.json (computed with PyTorch).

using System;
using System.Globalization;
using System.Linq;
using NetGen;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

double[] x = [0.05, 0.1];
double[] y = [0.01, 0.99];
const double Alpha = 0.1;

// Parameters layout, per layer: W (out x in, row-major), then b. The tutorial computes h = W @ x + b,
// so its matrices are already out x in and go in row by row.
var network = new StepNet();
double[] start =
[
    0.15, 0.25, 0.2, 0.3,   // W1
    0.35, 0.35,             // b1
    0.4, 0.5, 0.45, 0.55,   // W2
    0.6, 0.6,               // b2
];
start.CopyTo(network.Parameters);

Print("Old parameters:", network.Parameters);

double[] output = new double[StepNet.OutputSize];
network.Predict(x, output);
Console.WriteLine();
Console.WriteLine($"Output O : {Vector(output)}");
Console.WriteLine($"Loss     : {network.Loss(x, y):G10}");

network.ZeroGradients();
network.Backward(x, y);
Console.WriteLine();
Console.WriteLine("Gradients:");
Console.WriteLine($"W1grad : {Matrix(network.Gradients.Slice(0, 4))}");
Console.WriteLine($"b1grad : {Vector(network.Gradients.Slice(4, 2))}");
Console.WriteLine($"W2grad : {Matrix(network.Gradients.Slice(6, 4))}");
Console.WriteLine($"b2grad : {Vector(network.Gradients.Slice(10, 2))}");

// One plain SGD step on the one sample: Parameters -= alpha * gradient.
network.Train(x, y, Alpha);
Console.WriteLine();
Print("New parameters:", network.Parameters);
return 0;

static void Print(string title, ReadOnlySpan<double> p)
{
    Console.WriteLine(title);
    Console.WriteLine($"W1 : {Matrix(p.Slice(0, 4))}");
    Console.WriteLine($"b1 : {Vector(p.Slice(4, 2))}");
    Console.WriteLine($"W2 : {Matrix(p.Slice(6, 4))}");
    Console.WriteLine($"b2 : {Vector(p.Slice(10, 2))}");
}

// Printed as numpy prints: up to 8 decimals, trailing zeros dropped, every number of an array padded
// to one width, the second row of a 2 x 2 matrix on its own line.
static string[] Cells(ReadOnlySpan<double> values)
{
    double[] numbers = values.ToArray();
    string sign = numbers.Any(v => v < 0) ? " " : ""; // numpy leaves room for a minus sign
    string[] texts = numbers.Select(v => (v < 0 ? "" : sign) + v.ToString("0.########", CultureInfo.InvariantCulture)).ToArray();
    int width = texts.Max(t => t.Length);
    return texts.Select(t => t.PadRight(width)).ToArray();
}

static string Vector(ReadOnlySpan<double> values) => "[" + string.Join(" ", Cells(values)) + "]";

static string Matrix(ReadOnlySpan<double> values)
{
    string[] cells = Cells(values);
    return $"[[{cells[0]} {cells[1]}]\n [{cells[2]} {cells[3]}]]";
}

/// <summary>The tutorial's network: 2 inputs, 2 sigmoid hidden units, 2 sigmoid outputs, half squared error.</summary>
[Network(2, 2, 2)]
public partial class StepNet { }
