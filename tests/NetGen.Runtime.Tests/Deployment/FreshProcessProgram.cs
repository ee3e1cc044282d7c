using System;
using System.Globalization;
using System.IO;
using NetGen;

namespace NetGen.Runtime.Tests.Deployment;

/// <summary>The iris classifier the deployment tests train and then load elsewhere.</summary>
[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class DeployedIrisNet
{
}

/// <summary>
/// The test assembly's entry point (it replaces the ones Microsoft.NET.Test.Sdk and xunit would generate,
/// see the project file). Run as <c>dotnet NetGen.Runtime.Tests.dll predict MODEL ROWS</c>,
/// it is a deployed program that has nothing but the saved model: it loads MODEL into a fresh
/// network and prints, for each raw (unscaled) row of the CSV file ROWS, the predicted class name
/// and every output's bits in hexadecimal, so the test can compare them with the training process's
/// bit for bit.
/// </summary>
public static class FreshProcessProgram
{
    /// <summary>The first argument that selects the prediction mode.</summary>
    public const string PredictCommand = "predict";

    /// <summary>Runs the prediction mode, or hands the arguments to xunit's runner (the test assembly is a program under xunit v3).</summary>
    public static int Main(string[] args)
    {
        if (args is not [PredictCommand, ..])
            return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
        if (args is not [PredictCommand, string modelPath, string rowsPath])
        {
            Console.Error.WriteLine($"usage: {PredictCommand} MODEL ROWS");
            return 2;
        }
        var network = new DeployedIrisNet();
        ModelInfo<double> info = network.Load(modelPath);
        foreach (string line in File.ReadAllLines(rowsPath))
        {
            double[] row = Array.ConvertAll(line.Split(','), field => double.Parse(field, CultureInfo.InvariantCulture));
            Console.WriteLine(FormatPrediction(info, network, row));
        }
        return 0;
    }

    /// <summary>One output line: the class name, then the outputs' IEEE bits, e.g. <c>setosa 3FEF... 3F1A... 3E8C...</c>.</summary>
    public static string FormatPrediction(ModelInfo<double> info, INetwork<double> network, ReadOnlySpan<double> rawRow)
    {
        var output = new double[network.OutputSize];
        info.Predict(network, rawRow, output);
        string[] bits = Array.ConvertAll(output, value => BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture));
        return $"{info.PredictClassName(network, rawRow)} {string.Join(" ", bits)}";
    }
}
