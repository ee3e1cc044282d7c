using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>JSON in PyTorch's nn.Sequential state_dict layout: what is written, what is accepted and what is rejected.</summary>
public sealed class StateDictFormatTests : IDisposable
{
    private static readonly int[] Shape = [3, 4, 2];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SaveStateDict_then_LoadStateDict_restores_every_double_parameter_bit_for_bit()
    {
        var saved = new FakeNetwork<double>(Shape, seed: 1);
        var loaded = new FakeNetwork<double>(Shape, seed: 2);
        string path = _directory.File("model.json");

        saved.SaveStateDict(path);
        loaded.LoadStateDict(path);

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void SaveStateDict_then_LoadStateDict_restores_every_float_parameter_bit_for_bit()
    {
        var saved = new FakeNetwork<float>(Shape, seed: 1);
        var loaded = new FakeNetwork<float>(Shape, seed: 2);
        using var stream = new MemoryStream();

        saved.SaveStateDict(stream);
        stream.Position = 0;
        loaded.LoadStateDict(stream);

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Keys_are_those_of_an_nn_Sequential_with_Linear_modules_at_even_indices()
    {
        string json = new FakeNetwork<double>([3, 4, 4, 2]).ToStateDictJson();

        using JsonDocument document = JsonDocument.Parse(json);
        var keys = new System.Collections.Generic.List<string>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
            keys.Add(property.Name);

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], keys);
    }

    [Fact]
    public void Weight_is_written_out_by_in_and_bias_as_a_vector()
    {
        var network = new FakeNetwork<double>(Shape);

        using JsonDocument document = JsonDocument.Parse(network.ToStateDictJson());
        JsonElement weight = document.RootElement.GetProperty("0.weight");
        JsonElement bias = document.RootElement.GetProperty("0.bias");

        Assert.Equal(4, weight.GetArrayLength());
        Assert.Equal(3, weight[0].GetArrayLength());
        // Row 1, column 2 of W is parameter 1 * 3 + 2 of the flat block.
        Assert.Equal(network.Parameters[5], weight[1][2].GetDouble());
        Assert.Equal(network.Parameters[12 + 3], bias[3].GetDouble());
    }

    [Fact]
    public void Numbers_are_written_in_their_shortest_round_trip_form()
    {
        var network = new FakeNetwork<double>([1, 1], [Activation.Identity]);
        network.Parameters[0] = 0.1;
        network.Parameters[1] = -2.5e-300;

        Assert.Equal("{\"0.weight\":[[0.1]],\"0.bias\":[-2.5E-300]}", network.ToStateDictJson());
    }

    [Fact]
    public void Float_numbers_are_written_as_the_float_not_its_double_expansion()
    {
        var network = new FakeNetwork<float>([1, 1], [Activation.Identity]);
        network.Parameters[0] = 0.1f;
        network.Parameters[1] = 3f;

        Assert.Equal("{\"0.weight\":[[0.1]],\"0.bias\":[3]}", network.ToStateDictJson());
    }

    [Fact]
    public void Output_does_not_depend_on_the_current_culture()
    {
        var network = new FakeNetwork<double>(Shape, seed: 4);
        network.Parameters[0] = -1.5;
        string invariant = network.ToStateDictJson();
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            // Swedish writes a comma for the decimal point and U+2212 for the minus sign.
            CultureInfo.CurrentCulture = new CultureInfo("sv-SE");
            string swedish = network.ToStateDictJson();
            var loaded = new FakeNetwork<double>(Shape, seed: 5);
            loaded.LoadStateDictJson(swedish);

            Assert.Equal(invariant, swedish);
            Assert.Equal(network.Snapshot(), loaded.Snapshot());
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void Load_accepts_any_key_prefix_when_weight_and_bias_pairs_come_in_layer_order()
    {
        var source = new FakeNetwork<double>(Shape, seed: 1);
        string json = source.ToStateDictJson()
            .Replace("\"0.", "\"net.fc1.", StringComparison.Ordinal)
            .Replace("\"2.", "\"net.fc2.", StringComparison.Ordinal);
        var loaded = new FakeNetwork<double>(Shape, seed: 2);

        loaded.LoadStateDictJson(json);

        Assert.Equal(source.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Load_accepts_integers_exponents_whitespace_and_a_byte_order_mark()
    {
        string json = "\uFEFF{ \"0.weight\" : [ [ 1, -2E+1, 3.5e-1 ] ],\n  \"0.bias\": [ 0 ] }\n";
        var network = new FakeNetwork<double>([3, 1], [Activation.Identity]);

        network.LoadStateDictJson(json);

        Assert.Equal([1.0, -20.0, 0.35, 0.0], network.Snapshot());
    }

    [Fact]
    public void Load_of_a_weight_with_too_few_rows_names_the_key_and_both_shapes()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("'0.weight' should be a 4 x 3 matrix for layer 1 of 2 (3 -> 4), but it has 3 rows", exception.Message);
    }

    [Fact]
    public void Load_of_a_weight_with_too_many_rows_is_rejected()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("more than 4 rows", exception.Message);
    }

    [Fact]
    public void Load_of_a_weight_row_of_the_wrong_length_names_the_row()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2],[1,2,3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("its row 2 has 2 values", exception.Message);
    }

    [Fact]
    public void Load_of_a_transposed_weight_is_rejected()
    {
        // A user who wrote W as in x out instead of nn.Linear's out x in.
        string json = """{"0.weight": [[1,2,3,4],[1,2,3,4],[1,2,3,4]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("'0.weight' should be a 4 x 3 matrix", exception.Message);
    }

    [Fact]
    public void Load_of_a_bias_of_the_wrong_length_names_both_lengths()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("'2.bias' should be a vector of 2 values for layer 2 of 2 (4 -> 2), but it has 3", exception.Message);
    }

    [Fact]
    public void Load_of_a_file_with_a_layer_missing_says_which_tensor_is_missing()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "0.bias": [0,0,0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("the object ends after 2 tensors; the network 3-4-2 needs 4", exception.Message);
    }

    [Fact]
    public void Load_of_a_file_with_an_extra_tensor_names_it()
    {
        var source = new FakeNetwork<double>(Shape);
        string json = source.ToStateDictJson()[..^1] + ",\"4.weight\":[[1]]}";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("found '4.weight' after the network's 2 Linear layers", exception.Message);
    }

    [Fact]
    public void Load_of_a_bias_before_its_weight_is_rejected()
    {
        string json = """{"0.bias": [0,0,0,0], "0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("expected a key ending in '.weight' for the weight of layer 1 of 2 (3 -> 4), found '0.bias'", exception.Message);
    }

    [Fact]
    public void Load_of_a_bias_whose_prefix_differs_from_its_weight_is_rejected()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "1.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("expected '0.bias' after '0.weight', found '1.bias'", exception.Message);
    }

    [Fact]
    public void Load_of_NaN_as_Python_writes_it_is_rejected_as_invalid_json()
    {
        // Python's json.dump writes NaN unquoted, which is not JSON.
        string json = """{"0.weight": [[NaN,2,3],[1,2,3],[1,2,3],[1,2,3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("not valid JSON", exception.Message);
        Assert.IsType<JsonException>(exception.InnerException, exactMatch: false);
    }

    [Fact]
    public void Load_of_a_number_too_large_for_a_double_names_the_position()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,1e400],[1,2,3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("'0.weight'[2][2] is 1e400, which is not a finite Double", exception.Message);
    }

    [Fact]
    public void Load_of_a_number_too_large_for_a_float_is_rejected_for_a_float_network()
    {
        string json = """{"0.weight": [[1e39]], "0.bias": [0]}""";
        var network = new FakeNetwork<float>([1, 1], [Activation.Identity], seed: 3);
        float[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => network.LoadStateDictJson(json));

        Assert.Contains("not a finite Single", exception.Message);
        Assert.Equal(before, network.Snapshot());
    }

    [Fact]
    public void Load_of_a_string_where_a_number_belongs_names_the_position()
    {
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,"2",3]], "0.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("'0.weight'[3][1] is a string; expected a number", exception.Message);
    }

    [Fact]
    public void Load_of_truncated_json_is_rejected_unchanged()
    {
        string json = new FakeNetwork<double>(Shape, seed: 1).ToStateDictJson();

        var exception = AssertRejectedUnchanged(json[..(json.Length / 2)]);

        Assert.Contains("not valid JSON", exception.Message);
    }

    [Fact]
    public void Load_of_an_empty_file_says_it_is_empty_and_names_the_file()
    {
        string path = _directory.File("empty.json");
        File.WriteAllText(path, "");
        var network = new FakeNetwork<double>(Shape, seed: 3);
        double[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => network.LoadStateDict(path));

        Assert.Contains($"Cannot load '{path}': it is empty", exception.Message);
        Assert.Equal(before, network.Snapshot());
    }

    [Fact]
    public void Load_of_a_json_array_instead_of_an_object_is_rejected()
    {
        var exception = AssertRejectedUnchanged("[1, 2, 3]");

        Assert.Contains("expected a JSON object of tensors, found a list", exception.Message);
    }

    [Fact]
    public void Load_of_a_binary_model_file_as_json_is_rejected_unchanged()
    {
        using var stream = new MemoryStream();
        new FakeNetwork<double>(Shape).Save(stream);

        var network = new FakeNetwork<double>(Shape, seed: 3);
        double[] before = network.Snapshot();
        stream.Position = 0;

        Assert.Throws<ModelFormatException>(() => network.LoadStateDict(stream));
        Assert.Equal(before, network.Snapshot());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[[")]
    [InlineData(":")]
    [InlineData("\"0.bias")]
    [InlineData("]]")]
    public void Load_of_json_with_a_flipped_bit_in_its_structure_is_rejected_unchanged(string landmark)
    {
        // Unlike the binary format, a state_dict has no checksum: a flip inside a digit yields another
        // valid number and cannot be detected. A flip in the structure must be.
        char[] json = new FakeNetwork<double>(Shape, seed: 1).ToStateDictJson().ToCharArray();
        int position = new string(json).IndexOf(landmark, StringComparison.Ordinal);
        json[position] = (char)(json[position] ^ 0x01);

        AssertRejectedUnchanged(new string(json));
    }

    [Fact]
    public void Load_of_a_good_first_layer_and_a_bad_second_layer_changes_nothing()
    {
        // The first layer's values are valid and would be copied by a loader that writes as it goes.
        string json = """{"0.weight": [[9,9,9],[9,9,9],[9,9,9],[9,9,9]], "0.bias": [9,9,9,9], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0]}""";

        AssertRejectedUnchanged(json);
    }

    [Fact]
    public void A_key_with_a_lone_surrogate_escape_is_a_format_error_and_the_network_is_unchanged()
    {
        string json = """{"\ud800.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "\ud800.bias": [0,0,0,0], "2.weight": [[1,2,3,4],[1,2,3,4]], "2.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("a key at byte 1 is not valid text (invalid UTF-8 or a lone surrogate escape)", exception.Message);
        Assert.IsType<InvalidOperationException>(exception.InnerException);
    }

    [Fact]
    public void A_key_of_invalid_utf8_bytes_is_a_format_error_and_the_network_is_unchanged()
    {
        var source = new FakeNetwork<double>(Shape, seed: 1);
        byte[] json = System.Text.Encoding.UTF8.GetBytes(source.ToStateDictJson());
        int key = Array.IndexOf(json, (byte)'0');
        json[key] = 0xFF; // never valid in UTF-8
        var network = new FakeNetwork<double>(Shape, seed: 42);
        double[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => network.LoadStateDict(new MemoryStream(json)));

        Assert.Contains("is not valid text", exception.Message);
        Assert.Equal(before, network.Snapshot());
    }

    [Fact]
    public void A_duplicate_key_is_rejected_by_name_and_the_network_is_unchanged()
    {
        // Read by position this loaded the first 0.weight; Python's json.load keeps the last one.
        string json = """{"0.weight": [[1,2,3],[1,2,3],[1,2,3],[1,2,3]], "0.bias": [0,0,0,0], "0.weight": [[1,2,3,4],[1,2,3,4]], "0.bias": [0,0]}""";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("the key '0.weight' appears twice", exception.Message);
    }

    [Fact]
    public void A_duplicate_key_after_the_last_layer_is_reported_as_a_duplicate()
    {
        string json = new FakeNetwork<double>(Shape, seed: 1).ToStateDictJson()[..^1] + ",\"2.bias\": [0,0]}";

        var exception = AssertRejectedUnchanged(json);

        Assert.Contains("the key '2.bias' appears twice", exception.Message);
    }

    [Fact]
    public void A_file_too_short_for_the_networks_numbers_is_rejected_before_the_scratch_copy_is_allocated()
    {
        var network = new FakeNetwork<double>([100, 100, 10], seed: 42);
        double[] before = network.Snapshot();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var exception = Assert.Throws<ModelFormatException>(() => network.LoadStateDictJson("{\"0.weight\": [[1]]}"));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < network.ParameterCount * sizeof(double), "the rejected file allocated a parameter-sized buffer");
        Assert.Contains("too short for the 11110 numbers of the network 100-100-10", exception.Message);
        Assert.Equal(before, network.Snapshot());
    }

    private static ModelFormatException AssertRejectedUnchanged(string json)
    {
        var network = new FakeNetwork<double>(Shape, seed: 42);
        double[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => network.LoadStateDictJson(json));

        Assert.Equal(before, network.Snapshot());
        return exception;
    }
}
