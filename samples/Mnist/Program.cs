// NetGen on real images: the first 8,000 of 10,000 MNIST digits (28x28 pixels, data/ATTRIBUTION.md)
// train a 784-256-128-10 ReLU network, the last 2,000 test it. The training set is enlarged with
// copies shifted by one pixel up, down, left and right (40,000 rows), the usual first step before
// dropout; the network trains with AdamW (decoupled weight decay), one epoch of linear warm-up
// then a cosine decay, mini-batches of 64 computed on every core (the result is the same bit for bit
// on any number of threads), and class-index labels as PyTorch takes them.
//
// It shows a live progress bar, prints the training time, the test accuracy, the macro F1 and the
// confusion matrix, and writes into the output folder: learning-curve.png/.svg, misclassified.png
// (test digits it got wrong, with true and predicted labels), history.csv and history.json.
// The exit code is 1 when the test accuracy is below 96%.
//
//   dotnet run --project samples/Mnist [-- --epochs 8 --seed 1 --threads 2 --no-shifts --out artifacts/mnist]

using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NetGen;
using NetGen.Samples.Shared;
using Spectre.Console;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const double RequiredAccuracy = 0.96;
const int TrainingRows = 8000, Side = 28, Pixels = Side * Side, Classes = 10;

if (Console.IsOutputRedirected)
{
    // No terminal (CI, a pipe, a log file): no colour codes, no live redrawing, no wrapping at 80 columns.
    AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(Console.Out),
    });
    AnsiConsole.Profile.Width = 200;
}

int epochs = 8, seed = 1, threads = -1;
bool shifts = true;
string outputDirectory = Path.Combine("artifacts", "mnist");
for (int i = 0; i < args.Length; i++)
{
    string? next = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--epochs" when int.TryParse(next, out int value) && value > 0: epochs = value; i++; break;
        case "--seed" when int.TryParse(next, out int value): seed = value; i++; break;
        case "--threads" when int.TryParse(next, out int value) && (value > 0 || value == -1): threads = value; i++; break;
        case "--out" when next is not null: outputDirectory = next; i++; break;
        case "--no-shifts": shifts = false; break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
            Console.Error.WriteLine("Usage: dotnet run --project samples/Mnist [-- --epochs N --seed N --threads N|-1 --no-shifts --out DIR]");
            return 2;
    }
}

// The network first: under the JIT, the first network of a class starts compiling the class's code in the background
// (NetworkWarmUp), which then overlaps reading the data instead of slowing the first epoch.
var network = new MnistNet(seed);

// 1. Data: pixels scaled to [0, 1], a class index per image. The first 8,000 rows train, the last 2,000 test.
string dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
LabeledDataSet<float> mnist = IdxFile.LoadLabeled<float>(
    Path.Combine(dataDirectory, "mnist-10k-images-idx3-ubyte.gz"), Path.Combine(dataDirectory, "mnist-10k-labels-idx1-ubyte.gz"), Classes);
int testRows = mnist.Rows - TrainingRows;
ReadOnlyMemory<float> trainInputs = mnist.Inputs.AsMemory(0, TrainingRows * Pixels); // slices of one array: no copies
ReadOnlyMemory<int> trainLabels = mnist.Labels.AsMemory(0, TrainingRows);
float[] testInputs = mnist.Inputs[(TrainingRows * Pixels)..];
int[] testLabels = mnist.Labels![TrainingRows..];
if (shifts)
    (trainInputs, trainLabels) = WithShiftedCopies(trainInputs.Span, trainLabels.Span);

AnsiConsole.MarkupLine($"[bold]NetGen MNIST[/]: a {MnistNet.InputSize}-256-128-{MnistNet.OutputSize} ReLU network with {MnistNet.ParameterCount:N0} parameters");
AnsiConsole.MarkupLine($"Data: {TrainingRows} training digits{(shifts ? $" and their 4 one-pixel shifts ({trainLabels.Length} rows)" : "")}, {testRows} test digits");
AnsiConsole.MarkupLine($"AdamW (lr 1e-3, weight decay 1e-4), 1 warm-up epoch then cosine decay, batch 64, {epochs} epochs, seed {seed}, " +
                       $"{(threads == -1 ? $"all {Environment.ProcessorCount} cores" : $"{threads} thread(s)")}");

// 2. Train. The test set is only watched, for the learning curve; it never stops training or picks weights.
var options = new TrainingOptions<float>
{
    Epochs = epochs,
    BatchSize = 64,
    Optimizer = new AdamW<float>(learningRate: 1e-3f, weightDecay: 1e-4f),
    LearningRateSchedule = LearningRateSchedule.CosineWithWarmup(warmupEpochs: epochs > 1 ? 1 : 0, warmupStartFactor: 0.1),
    MaxDegreeOfParallelism = threads,
    Seed = seed,
    ValidationInputs = testInputs,
    ValidationLabels = testLabels,
    MeasureTrainingAccuracy = false, // a second pass over 40,000 rows per epoch; the curve shows the test accuracy
    DivergenceGuard = DivergenceGuard.EveryEpoch,
};

TrainingHistory history = null!;
var clock = Stopwatch.StartNew();
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    // A terminal: one live bar that redraws in place.
    AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            ProgressTask task = context.AddTask("Training", maxValue: epochs);
            options.EpochCompleted = report =>
            {
                task.Description = Invariant($"Epoch {report.Epoch,2}/{report.Epochs}  loss {report.TrainingLoss:F4}  test {Percent(report.ValidationAccuracy)}");
                task.Increment(1);
            };
            history = network.Fit(trainInputs, trainLabels, options);
        });
}
else
{
    // Output redirected (CI, a log file, a pipe): a bar cannot redraw there, so one plain line per epoch.
    options.EpochCompleted = report => Console.WriteLine(Invariant(
        $"Epoch {report.Epoch,2}/{report.Epochs}  training loss {report.TrainingLoss:F4}  test loss {report.ValidationLoss:F4}  accuracy {Percent(report.ValidationAccuracy)}  lr {report.LearningRate:G3}  {report.Elapsed.TotalSeconds,6:F1} s"));
    history = network.Fit(trainInputs, trainLabels, options);
}
clock.Stop();

// 3. Evaluate on the test set.
ConfusionMatrix confusion = ConfusionMatrix.Compute<float>(network, testInputs, testLabels);
Console.WriteLine();
Console.WriteLine(Invariant($"Training time: {clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalMilliseconds * 1000 / ((double)epochs * trainLabels.Length):F1} us per training row per epoch, test evaluation included)"));
Console.WriteLine(Invariant($"Final training loss {history.Last.TrainingLoss:F4}, test loss {history.Last.ValidationLoss:F4}, macro F1 {confusion.MacroF1:F4}"));
Console.WriteLine();
Console.WriteLine("Confusion matrix on the test set (rows: actual digit, columns: predicted digit):");
Console.WriteLine(confusion.ToString());
Console.WriteLine();

// 4. Pictures and the history.
Directory.CreateDirectory(outputDirectory);
(string curvePng, _) = Figures.SaveLearningCurve(history, "cross-entropy", "running mean over the epoch", Path.Combine(outputDirectory, "learning-curve"));
float[] testTargets = new float[testRows * Classes];
for (int row = 0; row < testRows; row++)
    testTargets[row * Classes + testLabels[row]] = 1f;
var wrong = Figures.FindMisclassified(network, testInputs, testTargets);
string gridPath = Path.Combine(outputDirectory, "misclassified.png");
Figures.SaveMisclassifiedGrid(wrong, Side, Side, "MNIST test digits the network misread", null, gridPath, columns: 10, maxImages: 40);
File.WriteAllText(Path.Combine(outputDirectory, "history.csv"), history.ToCsv());
using (FileStream json = File.Create(Path.Combine(outputDirectory, "history.json")))
    history.WriteJson(json);
Console.WriteLine($"Learning curve:      {Path.GetFullPath(curvePng)}");
Console.WriteLine($"Misclassified grid:  {Path.GetFullPath(gridPath)}");
Console.WriteLine($"History:             {Path.GetFullPath(Path.Combine(outputDirectory, "history.csv"))} (and .json)");
Console.WriteLine();

bool passed = confusion.Accuracy >= RequiredAccuracy;
AnsiConsole.MarkupLine($"Test accuracy: [bold]{Percent(confusion.Accuracy)}[/] ({confusion.Correct} of {confusion.Total}) " +
                       (passed ? "[green]at least 96%: passed[/]" : "[red]below the 96% this sample promises[/]"));
return passed ? 0 : 1;

// The training rows followed by four copies shifted by one pixel (right, left, down, up); the pixel
// that enters is background (0). A network that saw the shifts cares less where a stroke sits.
static (ReadOnlyMemory<float> Inputs, ReadOnlyMemory<int> Labels) WithShiftedCopies(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
{
    (int Dx, int Dy)[] moves = [(1, 0), (-1, 0), (0, 1), (0, -1)];
    int rows = labels.Length;
    var shifted = new float[inputs.Length * (moves.Length + 1)];
    var shiftedLabels = new int[rows * (moves.Length + 1)];
    inputs.CopyTo(shifted);
    for (int copy = 0; copy <= moves.Length; copy++)
        labels.CopyTo(shiftedLabels.AsSpan(copy * rows));
    for (int m = 0; m < moves.Length; m++)
    {
        (int dx, int dy) = moves[m];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> source = inputs.Slice(row * Pixels, Pixels);
            Span<float> target = shifted.AsSpan(((m + 1) * rows + row) * Pixels, Pixels);
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    int sourceX = x - dx, sourceY = y - dy;
                    target[y * Side + x] = (uint)sourceX < Side && (uint)sourceY < Side ? source[sourceY * Side + sourceX] : 0f;
                }
        }
    }
    return (shifted, shiftedLabels);
}

static string Percent(double? fraction) => fraction is double value ? (100 * value).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "-";

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

/// <summary>The MNIST classifier: 784 pixels in, ReLU layers of 256 and 128 units, 10 softmax outputs with cross-entropy, in float.</summary>
[Network(784, 256, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax,
         Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class MnistNet { }
