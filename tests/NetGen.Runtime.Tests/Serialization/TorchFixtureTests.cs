using System;
using System.IO;
using System.Text.Json;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>The network PyTorch's fixture describes: nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2)).</summary>
[Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError)]
public partial class TorchNet
{
}

/// <summary>The same network in single precision.</summary>
[Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
public partial class TorchNetSingle
{
}

/// <summary>
/// A state_dict written by PyTorch itself (Fixtures/make_torch_fixture.py, Debian's python3-torch)
/// loads into a generated network that then predicts what PyTorch predicted.
/// </summary>
public sealed class TorchFixtureTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Generated_double_network_loaded_from_a_PyTorch_state_dict_predicts_PyTorch_outputs_to_1e_12()
    {
        var network = new TorchNet(seed: 1);
        (double[][] inputs, double[][] expected) = ReadTorchOutputs();

        network.LoadStateDict(FixtureFiles.PathOf("torch_state_dict.json"));

        var output = new double[2];
        for (int row = 0; row < inputs.Length; row++)
        {
            network.Predict(inputs[row], output);
            for (int k = 0; k < output.Length; k++)
                Assert.True(Math.Abs(output[k] - expected[row][k]) <= 1e-12, $"row {row}, output {k}: {output[k]:R} vs PyTorch {expected[row][k]:R}");
        }
    }

    [Fact]
    public void Generated_float_network_loaded_from_a_PyTorch_state_dict_predicts_PyTorch_outputs_to_float_precision()
    {
        var network = new TorchNetSingle(seed: 1);
        (double[][] inputs, double[][] expected) = ReadTorchOutputs();

        network.LoadStateDict(FixtureFiles.PathOf("torch_state_dict.json"));

        var input = new float[3];
        var output = new float[2];
        for (int row = 0; row < inputs.Length; row++)
        {
            for (int i = 0; i < input.Length; i++)
                input[i] = (float)inputs[row][i];
            network.Predict(input, output);
            for (int k = 0; k < output.Length; k++)
                Assert.True(Math.Abs(output[k] - expected[row][k]) <= 1e-5 * Math.Max(1, Math.Abs(expected[row][k])), $"row {row}, output {k}: {output[k]:R} vs PyTorch {expected[row][k]:R}");
        }
    }

    [Fact]
    public void PyTorch_state_dict_written_back_by_NetGen_holds_exactly_the_same_numbers()
    {
        string torchPath = FixtureFiles.PathOf("torch_state_dict.json");
        var network = new TorchNet(seed: 1);
        network.LoadStateDict(torchPath);
        string path = _directory.File("roundtrip.json");

        network.SaveStateDict(path);

        using JsonDocument torch = JsonDocument.Parse(File.ReadAllText(torchPath));
        using JsonDocument ours = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(Flatten(torch.RootElement), Flatten(ours.RootElement));
    }

    [Fact]
    public void Generated_networks_round_trip_through_the_binary_format()
    {
        var saved = new TorchNet(seed: 1);
        var loaded = new TorchNet(seed: 2);
        string path = _directory.File("torch.ngm");

        saved.Save(path);
        loaded.Load(path);

        Assert.Equal(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    [Fact]
    public void Generated_single_network_rejects_a_file_saved_by_the_double_one_and_stays_unchanged()
    {
        string path = _directory.File("double.ngm");
        new TorchNet(seed: 1).Save(path);
        var network = new TorchNetSingle(seed: 2);
        float[] before = network.Parameters.ToArray();

        var exception = Assert.Throws<ModelFormatException>(() => network.Load(path));

        Assert.Contains("the file holds Double parameters but the network computes in Single", exception.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    private static (double[][] Inputs, double[][] Outputs) ReadTorchOutputs()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(FixtureFiles.PathOf("torch_outputs.json")));
        return (ReadMatrix(document.RootElement.GetProperty("inputs")), ReadMatrix(document.RootElement.GetProperty("outputs")));
    }

    private static double[][] ReadMatrix(JsonElement element)
    {
        var rows = new double[element.GetArrayLength()][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[element[r].GetArrayLength()];
            for (int c = 0; c < rows[r].Length; c++)
                rows[r][c] = element[r][c].GetDouble();
        }
        return rows;
    }

    private static System.Collections.Generic.List<(string, double)> Flatten(JsonElement root)
    {
        var values = new System.Collections.Generic.List<(string, double)>();
        foreach (JsonProperty tensor in root.EnumerateObject())
            Add(tensor.Name, tensor.Value);
        return values;

        void Add(string name, JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array)
                foreach (JsonElement item in element.EnumerateArray())
                    Add(name, item);
            else
                values.Add((name, element.GetDouble()));
        }
    }
}
