// Deploy: a model trained once, then deployed two ways, each checked bit for bit against this process.
//
// Training fits the input scaling on Fisher's iris data and trains a 4-8-3 classifier. Then:
// 1. With a model file: the network is saved with its scaler, class names and metadata (ModelInfo), and
//    a separate process that has nothing but that file loads it and classifies raw flower measurements.
// 2. Compiled in: the deployed program, IrisApp/, needs no file at all. Its network declares
//    Weights = "iris.json" (IrisApp/Model/iris.json, an AdditionalFiles item the generator compiles into
//    the class), and its scaling, class names and metadata are C# constants (IrisApp/Model/IrisModel.g.cs).
//    This step writes both files from the training run (SaveStateDict and the source below) and checks
//    that the committed copies are what it wrote, so they cannot drift from this code; then it runs
//    IrisApp on the same raw rows and checks every probability against the committed weights read at
//    run time with LoadStateDict. IrisApp publishes with Native AOT (publish-aot.sh, which also times it).
//
//   dotnet run --project samples/Deploy                                   train, deploy both ways, check
//   dotnet run --project samples/Deploy -- update                         train and rewrite IrisApp/Model/*
//                                                                         (then run again: IrisApp compiles
//                                                                         them in when it is next built)
//   dotnet run --project samples/Deploy -- predict MODEL ROW [ROW ...]    deployment 1 alone, each ROW as
//                                                                         5.1,3.5,1.4,0.2
// To change the network's shape, change both declarations (IrisNet here, DeployedIrisNet in
// IrisApp/Program.cs); the committed iris.json then no longer fits (build error NG0018), so take
// Weights = "iris.json" out of DeployedIrisNet, run `update`, and put it back.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using NetGen;
using NetGen.Samples.Deploy;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["predict", string modelArgument, .. string[] rows])
    return Deployed.Predict(modelArgument, rows);
bool update = args is ["update"];

string directory = Path.Combine("artifacts", "deploy");
Directory.CreateDirectory(directory);

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
var info = new ModelInfo<double>
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
};
Console.WriteLine($"Training process: {history.Epochs.Count} epochs, training accuracy {history.Last.TrainingAccuracy:P1}");

// What IrisApp compiles in, written from this run; `update` makes it the committed model.
string committedDirectory = Path.Combine(SourceDirectory(), "IrisApp", "Model");
string weightsPath = Path.Combine(directory, "iris.json");
string modelSourcePath = Path.Combine(directory, "IrisModel.g.cs");
network.SaveStateDict(weightsPath);
File.WriteAllText(modelSourcePath, CompiledModel.Source(info));
if (update)
{
    File.Copy(weightsPath, Path.Combine(committedDirectory, "iris.json"), overwrite: true);
    File.Copy(modelSourcePath, Path.Combine(committedDirectory, "IrisModel.g.cs"), overwrite: true);
    Console.WriteLine($"Wrote {committedDirectory}/iris.json and IrisModel.g.cs; run the sample again to build IrisApp with them and check it.");
    return 0;
}

// Raw rows as measured, one of each species and two near the versicolor/virginica border.
double[][] rawRows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5], [6.0, 2.7, 5.1, 1.6], [4.9, 2.5, 4.5, 1.7]];
string[] rowArguments = rawRows.Select(row => string.Join(",", row.Select(value => value.ToString("R", CultureInfo.InvariantCulture)))).ToArray();

// Deployment 1, with a model file, in another process.
string modelPath = Path.Combine(directory, "iris.netgen");
network.Save(modelPath, info);
Console.WriteLine($"1. Saved {new FileInfo(modelPath).Length} bytes to {modelPath}; a fresh process loads it:");
int fileMismatches = Deployed.Mismatches(RunProcess(Environment.ProcessPath!, typeof(IrisNet).Assembly.Location, ["predict", modelPath, .. rowArguments]),
    network, info, rawRows);

// Deployment 2, compiled in: the committed files must be what this run wrote, then IrisApp, in another process,
// must predict what the committed weights (read here at run time) and the committed scaling give.
var committedNetwork = new IrisNet();
committedNetwork.LoadStateDict(Path.Combine(committedDirectory, "iris.json"));
Console.WriteLine($"2. Compiled in: {weightsPath} and {modelSourcePath} against the committed IrisApp/Model:");
List<string> drift = CompiledModel.Drift(network, info, committedNetwork, IrisModel.Info);
foreach (string difference in drift)
    Console.WriteLine($"   {difference}");
if (drift.Count > 0)
{
    Console.WriteLine("   The committed model is not what this code trains: run `dotnet run --project samples/Deploy -- update` and commit IrisApp/Model.");
    return 1;
}
string irisApp = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "IrisApp.exe" : "IrisApp");
Console.WriteLine($"   IrisApp, a fresh process with no model file, classifies the raw rows:");
int compiledMismatches = Deployed.Mismatches(RunProcess(irisApp, Path.Combine(AppContext.BaseDirectory, "IrisApp.dll"), rowArguments),
    committedNetwork, IrisModel.Info, rawRows);

Console.WriteLine(fileMismatches == 0 && compiledMismatches == 0
    ? $"Both deployed processes computed all {rawRows.Length} rows bit for bit as the training process."
    : $"The deployed processes differ from the training process: {fileMismatches} rows from the model file, {compiledMismatches} compiled in, of {rawRows.Length}.");
return fileMismatches == 0 && compiledMismatches == 0 ? 0 : 1;

// A program of this build (its apphost when there is one, else dotnet with its assembly), its output lines.
static string[] RunProcess(string executable, string assembly, IEnumerable<string> arguments)
{
    bool viaDotnet = !File.Exists(executable) || Path.GetFileNameWithoutExtension(executable) == "dotnet";
    var start = new ProcessStartInfo(viaDotnet ? "dotnet" : executable) { RedirectStandardOutput = true, UseShellExecute = false };
    if (viaDotnet)
        start.ArgumentList.Add(assembly);
    foreach (string argument in arguments)
        start.ArgumentList.Add(argument);
    using Process process = Process.Start(start)!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
        throw new InvalidOperationException($"{Path.GetFileName(assembly)} exited with {process.ExitCode}.");
    return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

static string SourceDirectory([CallerFilePath] string programPath = "") => Path.GetDirectoryName(programPath)!;

/// <summary>The 4-8-3 iris classifier both steps declare: the deployed program compiles the same network.</summary>
[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class IrisNet
{
}

/// <summary>Deployment 1: only the model file and raw rows.</summary>
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

    /// <summary>
    /// Prints a deployed process's lines and counts the raw rows whose probabilities (the last
    /// <paramref name="rawRows"/>.Length lines, as <see cref="Predict"/> and IrisApp print them) are not bit
    /// for bit what <paramref name="network"/> with <paramref name="info"/>'s scaling gives in this process.
    /// </summary>
    public static int Mismatches(string[] deployedLines, IrisNet network, ModelInfo<double> info, double[][] rawRows)
    {
        foreach (string line in deployedLines)
            Console.WriteLine($"   {line}");
        int mismatches = 0;
        var expected = new double[IrisNet.OutputSize];
        for (int i = 0; i < rawRows.Length; i++)
        {
            info.Predict(network, rawRows[i], expected);
            string line = deployedLines[deployedLines.Length - rawRows.Length + i];
            double[] reported = line[(line.IndexOf("p = ", StringComparison.Ordinal) + 4)..].Split(' ')
                .Select(text => double.Parse(text, CultureInfo.InvariantCulture)).ToArray();
            if (!expected.SequenceEqual(reported))
                mismatches++;
        }
        return mismatches;
    }
}

/// <summary>Deployment 2: the C# that carries a model's scaling, class names and metadata, and the check that the committed model is this run's.</summary>
internal static class CompiledModel
{
    // Training is deterministic (seeded), so on one machine it reproduces the committed numbers exactly. Another
    // vector width rounds differently: with AVX switched off (DOTNET_EnableAVX=0) the weights trained on an AVX-512
    // machine come out up to 3.6e-15 apart. Any real change (data, seed, epochs, optimizer) moves them by far more.
    private const double RoundingTolerance = 1e-9;

    /// <summary>IrisApp/Model/IrisModel.g.cs for <paramref name="info"/>: every number in round-trip form, so the deployed scaling is bit for bit this one.</summary>
    public static string Source(ModelInfo<double> info)
    {
        FeatureScaler<double> scaler = info.Scaler!;
        DateTimeOffset trainedAt = info.TrainedAt!.Value.ToUniversalTime();
        var text = new StringBuilder();
        text.Append("""
            // <auto-generated>
            // Written with iris.json by `dotnet run --project samples/Deploy -- update` from one training run;
            // samples/Deploy checks on every run that its training still gives these numbers. Do not edit by hand.
            // </auto-generated>

            using System;
            using NetGen;

            namespace NetGen.Samples.Deploy;

            /// <summary>What the deployed classifier needs besides its compiled-in weights: the input scaling, class names and metadata of its training run.</summary>
            public static class IrisModel
            {
                /// <summary>The scaling fitted on the training data (applied to each raw row first), the species each output stands for, and where the model came from.</summary>
                public static ModelInfo<double> Info { get; } = new()
                {

            """);
        text.Append(CultureInfo.InvariantCulture, $"        Scaler = FeatureScaler<double>.Create({Numbers(scaler.Center)}, {Numbers(scaler.Factor)}, {Number(scaler.Shift)}),\n");
        text.Append(CultureInfo.InvariantCulture, $"        ClassNames = [{string.Join(", ", info.ClassNames!.Select(Quote))}],\n");
        text.Append(CultureInfo.InvariantCulture, $"        Name = {Quote(info.Name!)},\n");
        text.Append(CultureInfo.InvariantCulture, $"        Version = {Quote(info.Version!)},\n");
        text.Append(CultureInfo.InvariantCulture, $"        TrainedAt = new DateTimeOffset({trainedAt.Year}, {trainedAt.Month}, {trainedAt.Day}, {trainedAt.Hour}, {trainedAt.Minute}, {trainedAt.Second}, TimeSpan.Zero),\n");
        text.Append("        Metadata =\n        {\n");
        foreach (KeyValuePair<string, string> pair in info.Metadata)
            text.Append(CultureInfo.InvariantCulture, $"            [{Quote(pair.Key)}] = {Quote(pair.Value)},\n");
        text.Append("        },\n    };\n}\n");
        return text.ToString();
    }

    /// <summary>
    /// How the committed model differs from this run's (empty when it is this run's): weights and scaling beyond
    /// rounding, or any class name or metadata. When the training date is all that differs, the model is the same.
    /// </summary>
    public static List<string> Drift(IrisNet trained, ModelInfo<double> info, IrisNet committed, ModelInfo<double> committedInfo)
    {
        var differences = new List<string>();
        void Compare(string what, ReadOnlySpan<double> fresh, ReadOnlySpan<double> saved)
        {
            double largest = fresh.Length == saved.Length ? 0 : double.PositiveInfinity;
            for (int i = 0; i < Math.Min(fresh.Length, saved.Length); i++)
                largest = Math.Max(largest, Math.Abs(fresh[i] - saved[i]));
            if (largest > RoundingTolerance)
                differences.Add($"{what} differ by up to {largest:G3} ({saved.Length} committed values, {fresh.Length} trained)");
            else if (largest > 0)
                Console.WriteLine($"   {what} differ by {largest:G3} at most (rounding on this CPU); the committed ones stay.");
            else
                Console.WriteLine($"   {what}: identical ({saved.Length} values)");
        }
        Compare("weights (iris.json)", trained.Parameters, committed.Parameters);
        FeatureScaler<double> scaler = info.Scaler!, committedScaler = committedInfo.Scaler!;
        Compare("scaling (IrisModel.g.cs)", [.. scaler.Center, .. scaler.Factor, scaler.Shift], [.. committedScaler.Center, .. committedScaler.Factor, committedScaler.Shift]);
        string Describe(ModelInfo<double> model) =>
            $"classes [{string.Join(", ", model.ClassNames ?? [])}], {model.Name} {model.Version}, " +
            string.Join(", ", model.Metadata.Select(pair => $"{pair.Key}: {pair.Value}"));
        if (Describe(info) != Describe(committedInfo))
            differences.Add($"class names or metadata differ: committed {Describe(committedInfo)}; trained {Describe(info)}");
        return differences;
    }

    private static string Numbers(ReadOnlySpan<double> values)
    {
        var numbers = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
            numbers[i] = Number(values[i]);
        return "[" + string.Join(", ", numbers) + "]";
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in value)
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return quoted.Append('"').ToString();
    }
}
