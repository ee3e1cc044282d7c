// Deploy: a trained model that carries what prediction needs. The training step fits the input
// scaling on Fisher's iris data, trains a 4-8-3 classifier and saves it with its scaler, class names
// and metadata (ModelInfo). The deployment step is a separate process that has nothing but that
// file: it loads it into a fresh network and classifies raw flower measurements, as they come from
// a ruler, with no training data and no hand-written scaling. The training step then checks that the
// other process computed every probability bit for bit as it would have.
//
//   dotnet run --project samples/Deploy                                   both steps
//   dotnet run --project samples/Deploy -- predict MODEL ROW [ROW ...]    the deployment step alone,
//                                                                         each ROW as 5.1,3.5,1.4,0.2
//
// Not here yet: weights compiled into the program (issue 14, item 1: no model file at run time) and
// a Native AOT publish with measured size and start-up time. Both need the generator's Weights
// attribute, which is being written; until then the deployed program loads the file at start-up.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["predict", string modelArgument, .. string[] rows])
    return Deployed.Predict(modelArgument, rows);

string directory = Path.Combine("artifacts", "deploy");
Directory.CreateDirectory(directory);
string modelPath = Path.Combine(directory, "iris.netgen");

// Training
LabeledDataSet<double> iris = CsvDataLoader.Load<double>(
    Path.Combine(AppContext.BaseDirectory, "data", "iris.csv"), new CsvOptions { LabelColumnName = "species" });
var scaler = FeatureScaler<double>.FitStandardization(iris);
LabeledDataSet<double> scaled = scaler.Transform(iris);
var network = new IrisNet(seed: 1);
TrainingHistory history = network.Fit(scaled.Inputs, scaled.Targets, new TrainingOptions<double>
{
    Epochs = 200,
    BatchSize = 8,
    Optimizer = new Adam<double>(learningRate: 0.01),
    Seed = 1,
});
network.Save(modelPath, new ModelInfo<double>
{
    Scaler = scaler,
    ClassNames = iris.ClassNames,
    Name = "iris-species",
    Version = "1.0",
    TrainedAt = DateTimeOffset.UtcNow,
    Metadata =
    {
        ["data"] = "UCI iris, all 150 rows (samples/Iris/data)",
        ["training accuracy"] = $"{history.Last.TrainingAccuracy:P1}",
    },
});
Console.WriteLine($"Training process: {history.Epochs.Count} epochs, training accuracy {history.Last.TrainingAccuracy:P1}; " +
                  $"saved {new FileInfo(modelPath).Length} bytes to {modelPath}");

// Raw rows as measured, one of each species and two near the versicolor/virginica border.
double[][] rawRows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5], [6.0, 2.7, 5.1, 1.6], [4.9, 2.5, 4.5, 1.7]];
string[] rowArguments = rawRows.Select(row => string.Join(",", row.Select(value => value.ToString("R", CultureInfo.InvariantCulture)))).ToArray();

// Deployment, in another process
string[] deployedLines = RunDeployedProcess(modelPath, rowArguments);
foreach (string line in deployedLines)
    Console.WriteLine(line);

// What this process predicts for the same raw rows: its own scaler, then Predict.
int mismatches = 0;
for (int i = 0; i < rawRows.Length; i++)
{
    double[] input = (double[])rawRows[i].Clone();
    scaler.TransformInPlace(input);
    var expected = new double[IrisNet.OutputSize];
    network.Predict(input, expected);
    double[] reported = Deployed.ParseProbabilities(deployedLines[deployedLines.Length - rawRows.Length + i]);
    if (!expected.SequenceEqual(reported))
        mismatches++;
}
Console.WriteLine(mismatches == 0
    ? $"The deployed process computed all {rawRows.Length} rows bit for bit as the training process."
    : $"The deployed process differs from the training process on {mismatches} of {rawRows.Length} rows.");
return mismatches == 0 ? 0 : 1;

static string[] RunDeployedProcess(string modelPath, string[] rows)
{
    // This program again (its apphost, or dotnet with this assembly), in the deployment mode.
    string self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        start.ArgumentList.Add(typeof(IrisNet).Assembly.Location);
    foreach (string argument in new[] { "predict", modelPath }.Concat(rows))
        start.ArgumentList.Add(argument);
    using Process process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
        throw new InvalidOperationException($"The deployed process exited with {process.ExitCode}.");
    return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>The 4-8-3 iris classifier both steps declare: the deployed program compiles the same network.</summary>
[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class IrisNet
{
}

/// <summary>The deployment step: only the model file and raw rows.</summary>
internal static class Deployed
{
    /// <summary>Loads the model and prints, for each raw row, the predicted species and every probability (round-trip precision).</summary>
    public static int Predict(string modelPath, IReadOnlyList<string> rows)
    {
        var network = new IrisNet();
        ModelInfo<double> info = network.Load(modelPath);
        Console.WriteLine($"Deployed process: {info.Name} {info.Version}, trained {info.TrainedAt:u}, " +
                          string.Join(", ", info.Metadata.Select(pair => $"{pair.Key}: {pair.Value}")));
        var probabilities = new double[IrisNet.OutputSize];
        foreach (string row in rows)
        {
            double[] raw = row.Split(',').Select(field => double.Parse(field, CultureInfo.InvariantCulture)).ToArray();
            info.Predict(network, raw, probabilities);
            string species = info.PredictClassName(network, raw);
            Console.WriteLine($"  {row,-18} -> {species,-16} p = {string.Join(" ", probabilities.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))}");
        }
        return 0;
    }

    /// <summary>The probabilities at the end of a line <see cref="Predict"/> printed.</summary>
    public static double[] ParseProbabilities(string line) =>
        line[(line.IndexOf("p = ", StringComparison.Ordinal) + 4)..].Split(' ').Select(text => double.Parse(text, CultureInfo.InvariantCulture)).ToArray();
}
