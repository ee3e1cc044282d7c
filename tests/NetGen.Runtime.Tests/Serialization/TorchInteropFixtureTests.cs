using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>
/// Weights move between PyTorch and NetGen in both directions, through state_dict JSON and safetensors,
/// without losing a bit in double. The fixtures come from outside NetGen: safetensors files written by
/// a standard-library Python writer (Fixtures/make_safetensors_fixtures.py) and checked against
/// PyTorch's own dtype conversions, and PyTorch's outputs for NetGen's exports
/// (Fixtures/make_torch_interop_fixtures.py, Debian's python3-torch).
/// </summary>
public sealed class TorchInteropFixtureTests : IDisposable
{
    private const int ExportSeed = 11;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void PyTorch_float64_safetensors_load_into_a_double_network_bit_for_bit_and_predict_PyTorch_outputs_to_1e_12()
    {
        var fromJson = new TorchNet(seed: 1);
        fromJson.LoadStateDict(FixtureFiles.PathOf("torch_state_dict.json"));
        var network = new TorchNet(seed: 2);

        IReadOnlyDictionary<string, string> metadata = network.LoadSafetensors(FixtureFiles.PathOf("torch_state_dict.safetensors"));

        Assert.Equal(fromJson.Parameters.ToArray(), network.Parameters.ToArray());
        Assert.Equal("pt", metadata["format"]);
        (double[][] inputs, double[][] outputs) = ReadRows("torch_outputs.json", "outputs");
        AssertPredicts(network, inputs, outputs, tolerance: 1e-12);
    }

    [Theory]
    [InlineData("torch_state_dict.safetensors")]
    [InlineData("torch_state_dict_f32.safetensors")]
    [InlineData("torch_state_dict_f16.safetensors")]
    [InlineData("torch_state_dict_bf16.safetensors")]
    public void Every_dtype_loads_into_a_double_network_as_exactly_the_values_the_writer_stored(string file)
    {
        var network = new TorchNet(seed: 2);

        network.LoadSafetensors(FixtureFiles.PathOf(file));

        Assert.Equal(ExpectedParameters(file), network.Parameters.ToArray());
    }

    [Theory]
    [InlineData("torch_state_dict.safetensors")]
    [InlineData("torch_state_dict_f32.safetensors")]
    [InlineData("torch_state_dict_f16.safetensors")]
    [InlineData("torch_state_dict_bf16.safetensors")]
    public void Every_dtype_loads_into_a_float_network_as_the_stored_values_rounded_to_float(string file)
    {
        var network = new TorchNetSingle(seed: 2);

        network.LoadSafetensors(FixtureFiles.PathOf(file));

        Assert.Equal(ExpectedParameters(file).Select(value => (float)value).ToArray(), network.Parameters.ToArray());
    }

    [Fact]
    public void Prefixed_keys_listed_last_layer_first_load_in_layer_order_with_their_utf8_metadata()
    {
        var reference = new TorchNet(seed: 1);
        reference.LoadStateDict(FixtureFiles.PathOf("torch_state_dict.json"));
        var network = new TorchNet(seed: 2);

        IReadOnlyDictionary<string, string> metadata = network.LoadSafetensors(FixtureFiles.PathOf("prefixed_reversed.safetensors"));

        Assert.Equal(reference.Parameters.ToArray(), network.Parameters.ToArray());
        Assert.Equal("\u00e9t\u00e9 \u2013 UTF-8", metadata["note"]);
        Assert.Equal(3, metadata.Count);
    }

    [Fact]
    public void NetGen_still_writes_exactly_the_exports_PyTorch_imported()
    {
        var network = new TorchNet(seed: ExportSeed);
        string json = _directory.File("export.json");
        string safetensors = _directory.File("export.safetensors");

        network.SaveStateDict(json);
        network.SaveSafetensors(safetensors);

        Assert.Equal(File.ReadAllBytes(FixtureFiles.PathOf("netgen_export.json")), File.ReadAllBytes(json));
        Assert.Equal(File.ReadAllBytes(FixtureFiles.PathOf("netgen_export.safetensors")), File.ReadAllBytes(safetensors));
    }

    [Theory]
    [InlineData("outputs_from_json")]
    [InlineData("outputs_from_safetensors")]
    public void PyTorch_predicts_what_NetGen_predicts_from_NetGen_exports_to_1e_12(string imported)
    {
        var network = new TorchNet(seed: ExportSeed);
        (double[][] inputs, double[][] torchOutputs) = ReadRows("netgen_export_torch_outputs.json", imported);

        AssertPredicts(network, inputs, torchOutputs, tolerance: 1e-12);
        // Not a vacuous match: the exported network's outputs are not all zero.
        Assert.Contains(torchOutputs.SelectMany(row => row), value => Math.Abs(value) > 0.1);
    }

    [Fact]
    public void A_double_network_round_trips_through_its_own_safetensors_bit_for_bit()
    {
        var saved = new TorchNet(seed: 5);
        var loaded = new TorchNet(seed: 6);
        string path = _directory.File("roundtrip.safetensors");

        saved.SaveSafetensors(path);
        loaded.LoadSafetensors(path);

        Assert.Equal(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    private static void AssertPredicts(TorchNet network, double[][] inputs, double[][] expected, double tolerance)
    {
        var output = new double[2];
        for (int row = 0; row < inputs.Length; row++)
        {
            network.Predict(inputs[row], output);
            for (int k = 0; k < output.Length; k++)
                Assert.True(Math.Abs(output[k] - expected[row][k]) <= tolerance, $"row {row}, output {k}: {output[k]:R} vs PyTorch {expected[row][k]:R}");
        }
    }

    /// <summary>The values make_safetensors_fixtures.py says <paramref name="file"/> decodes to, in Parameters order.</summary>
    private static double[] ExpectedParameters(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(FixtureFiles.PathOf("safetensors_expected.json")));
        JsonElement tensors = document.RootElement.GetProperty(file);
        return new[] { "0.weight", "0.bias", "2.weight", "2.bias" }
            .SelectMany(key => tensors.GetProperty(key).EnumerateArray().Select(value => value.GetDouble()))
            .ToArray();
    }

    private static (double[][] Inputs, double[][] Outputs) ReadRows(string file, string outputs)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(FixtureFiles.PathOf(file)));
        return (ReadMatrix(document.RootElement.GetProperty("inputs")), ReadMatrix(document.RootElement.GetProperty(outputs)));
    }

    private static double[][] ReadMatrix(JsonElement element) =>
        element.EnumerateArray().Select(row => row.EnumerateArray().Select(value => value.GetDouble()).ToArray()).ToArray();
}
