using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Deployment;

/// <summary>
/// A model saved with its scaler and class names predicts raw rows in another process, which has
/// nothing but the file, exactly as the training process did.
/// </summary>
public sealed class FreshProcessPredictionTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Another_process_with_only_the_saved_file_predicts_raw_rows_bit_for_bit_as_the_training_process()
    {
        LabeledDataSet<double> iris = CsvDataLoader.Load<double>(FixtureFiles.PathOf("iris.csv"), new CsvOptions { LabelColumnName = "species" });
        var scaler = FeatureScaler<double>.FitStandardization(iris);
        LabeledDataSet<double> scaled = scaler.Transform(iris);
        var network = new DeployedIrisNet(seed: 3);
        network.Fit(scaled.Inputs, scaled.Targets, new TrainingOptions<double> { Epochs = 20, BatchSize = 8, Seed = 3 });
        string modelPath = _directory.File("iris.netgen");
        network.Save(modelPath, new ModelInfo<double> { Scaler = scaler, ClassNames = iris.ClassNames, Name = "iris" });

        // Every 7th raw row, as it is in the CSV file, and how the training process predicts it:
        // scale with its own scaler, then Predict.
        int[] rows = Enumerable.Range(0, iris.Rows).Where(row => row % 7 == 0).ToArray();
        string rowsPath = _directory.File("rows.csv");
        File.WriteAllLines(rowsPath, rows.Select(row => string.Join(",", iris.Input(row).ToArray().Select(value => value.ToString("R", CultureInfo.InvariantCulture)))));
        string[] expected = rows.Select(row => ExpectedLine(network, scaler, iris, row)).ToArray();

        string[] actual = RunFreshProcess(modelPath, rowsPath);

        Assert.Equal(expected, actual);
        // Not a vacuous match: the rows cover all three species and the model tells them apart.
        Assert.Equal(3, actual.Select(line => line.Split(' ')[0]).Distinct().Count());
    }

    private static string ExpectedLine(DeployedIrisNet network, FeatureScaler<double> scaler, LabeledDataSet<double> iris, int row)
    {
        double[] input = iris.Input(row).ToArray();
        scaler.TransformInPlace(input);
        var output = new double[3];
        network.Predict(input, output);
        int best = Array.IndexOf(output, output.Max());
        string bits = string.Join(" ", output.Select(value => BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture)));
        return $"{iris.ClassNames![best]} {bits}";
    }

    private static string[] RunFreshProcess(string modelPath, string rowsPath)
    {
        // The test assembly is also a console program (FreshProcessProgram); run it under the same dotnet host.
        string host = Environment.ProcessPath is string path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "exec", typeof(FreshProcessProgram).Assembly.Location, FreshProcessProgram.PredictCommand, modelPath, rowsPath })
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        var standardError = process.StandardError.ReadToEndAsync();
        string standardOutput = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the deployed process did not finish within two minutes");
        Assert.True(process.ExitCode == 0, $"the deployed process exited with {process.ExitCode}: {standardError.Result}");
        return standardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
