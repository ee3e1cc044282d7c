using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace NetGen.Tests.Reference;

/// <summary>
/// One case of the PyTorch reference vectors (see Reference/README.md), with every weight set
/// flattened into NetGen's parameter layout: per layer W (out x in, row-major) then b.
/// </summary>
public sealed class ReferenceCase
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Reference");

    public required string Name { get; init; }
    public required double[] Parameters { get; init; }
    public required double[][] Inputs { get; init; }
    public required double[][] Targets { get; init; }
    public required double[][] Forward { get; init; }
    public required double[] LossPerSample { get; init; }
    public required double[][] GradientsPerSample { get; init; }
    public required double LearningRate { get; init; }
    public required string Mode { get; init; }
    public required int Steps { get; init; }
    public required double[] ParametersAfterDescent { get; init; }

    /// <summary>Names of every case, for xunit's MemberData.</summary>
    public static IEnumerable<object[]> Names() =>
        Directory.GetFiles(Root, "*.json", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .Select(name => new object[] { name! });

    public static ReferenceCase Load(string name)
    {
        string path = Directory.GetFiles(Root, name + ".json", SearchOption.AllDirectories).Single();
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = document.RootElement;
        JsonElement sgd = root.GetProperty("sgd");
        return new ReferenceCase
        {
            Name = name,
            Parameters = Flatten(root.GetProperty("weights")),
            Inputs = Matrix(root.GetProperty("inputs")),
            Targets = Matrix(root.GetProperty("targets")),
            Forward = Matrix(root.GetProperty("forward")),
            LossPerSample = Vector(root.GetProperty("loss_per_sample")),
            GradientsPerSample = root.GetProperty("grads_per_sample").EnumerateArray().Select(Flatten).ToArray(),
            LearningRate = sgd.GetProperty("lr").GetDouble(),
            Mode = sgd.GetProperty("mode").GetString()!,
            Steps = sgd.GetProperty("steps").GetInt32(),
            ParametersAfterDescent = Flatten(sgd.GetProperty("weights_after")),
        };
    }

    /// <summary>[{W: [[...]], b: [...]}, ...] as one flat block in NetGen's layout.</summary>
    private static double[] Flatten(JsonElement layers)
    {
        var values = new List<double>();
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            foreach (JsonElement row in layer.GetProperty("W").EnumerateArray())
                values.AddRange(Vector(row));
            values.AddRange(Vector(layer.GetProperty("b")));
        }
        return values.ToArray();
    }

    private static double[][] Matrix(JsonElement rows) => rows.EnumerateArray().Select(Vector).ToArray();

    private static double[] Vector(JsonElement values) => values.EnumerateArray().Select(value => value.GetDouble()).ToArray();

    public override string ToString() => Name;
}
