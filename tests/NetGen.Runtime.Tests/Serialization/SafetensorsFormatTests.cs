using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>SaveSafetensors and LoadSafetensors: the layout written, and every malformed file rejected with the network unchanged.</summary>
public sealed class SafetensorsFormatTests : IDisposable
{
    private static readonly int[] Shape = [3, 4, 2];

    // The tensors of a 3-4-2 network in F64: 12 + 4 + 8 + 2 values, 208 bytes.
    private const string Weight0 = "\"0.weight\":{\"dtype\":\"F64\",\"shape\":[4,3],\"data_offsets\":[0,96]}";
    private const string Bias0 = "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[96,128]}";
    private const string Weight2 = "\"2.weight\":{\"dtype\":\"F64\",\"shape\":[2,4],\"data_offsets\":[128,192]}";
    private const string Bias2 = "\"2.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[192,208]}";

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Save_writes_the_header_length_a_json_header_of_nn_Sequential_keys_and_the_parameters_little_endian()
    {
        var network = new FakeNetwork<double>(Shape);
        byte[] bytes = SaveToBytes(network);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], header.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("F64", header.RootElement.GetProperty("0.weight").GetProperty("dtype").GetString());
        Assert.Equal([4, 3], header.RootElement.GetProperty("0.weight").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([192, 208], header.RootElement.GetProperty("2.bias").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        int dataStart = 8 + (int)headerLength;
        Assert.Equal(208, bytes.Length - dataStart);
        for (int i = 0; i < network.ParameterCount; i++)
            Assert.Equal(network.Parameters[i], BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(dataStart + 8 * i)));
    }

    [Fact]
    public void Save_pads_the_header_with_spaces_so_the_data_starts_on_an_8_byte_boundary()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));

        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        Assert.EndsWith("}", header.TrimEnd(' '));
    }

    [Fact]
    public void A_float_network_is_written_as_F32_and_read_back_bit_for_bit()
    {
        var saved = new FakeNetwork<float>(Shape, seed: 1);
        byte[] bytes = SaveToBytes(saved);
        var loaded = new FakeNetwork<float>(Shape, seed: 2);

        loaded.LoadSafetensors(new MemoryStream(bytes));

        Assert.Contains("\"dtype\":\"F32\"", Encoding.UTF8.GetString(bytes));
        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Metadata_is_written_as_the_header_s_first_entry_and_returned_on_load()
    {
        var network = new FakeNetwork<double>(Shape);
        string path = _directory.File("model.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["name"] = "caf\u00e9 \"model\"" };

        network.SaveSafetensors(path, metadata);
        IReadOnlyDictionary<string, string> loaded = new FakeNetwork<double>(Shape, seed: 3).LoadSafetensors(path);

        Assert.Equal(metadata, loaded);
        Assert.StartsWith("{\"__metadata__\":", Encoding.UTF8.GetString(File.ReadAllBytes(path), 8, 20));
    }

    [Fact]
    public void A_file_without_metadata_has_no_metadata_entry_and_loads_with_an_empty_dictionary()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));

        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(bytes));
        Assert.Empty(new FakeNetwork<double>(Shape, seed: 4).LoadSafetensors(new MemoryStream(bytes)));
    }

    [Fact]
    public void Eleven_layers_come_back_in_layer_order_though_key_10_sorts_before_key_2_as_text()
    {
        int[] deep = [2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2];
        var saved = new FakeNetwork<double>(deep, seed: 1);
        var loaded = new FakeNetwork<double>(deep, seed: 2);

        loaded.LoadSafetensors(new MemoryStream(SaveToBytes(saved)));

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Layer_prefixes_are_ordered_by_the_numbers_in_them()
    {
        var prefixes = new List<string> { "fc10.", "fc2.", "fc1.", "20.", "4.", "0.", "" };

        prefixes.Sort(StateDictKeys.CompareLayerPrefixes);

        Assert.Equal(["", "0.", "4.", "20.", "fc1.", "fc2.", "fc10."], prefixes);
    }

    [Theory]
    [InlineData("0.weight", "0.", false)]
    [InlineData("net.fc1.bias", "net.fc1.", true)]
    [InlineData("weight", "", false)]
    [InlineData("bias", "", true)]
    public void A_key_splits_into_its_layer_prefix_and_whether_it_is_the_bias(string key, string prefix, bool isBias)
    {
        Assert.True(StateDictKeys.TrySplit(key, out string actualPrefix, out bool actualIsBias));
        Assert.Equal((prefix, isBias), (actualPrefix, actualIsBias));
    }

    [Theory]
    [InlineData("0.running_mean")]
    [InlineData("0.weights")]
    [InlineData("0_weight")]
    [InlineData("")]
    public void A_key_that_is_not_a_weight_or_bias_does_not_split(string key) =>
        Assert.False(StateDictKeys.TrySplit(key, out _, out _));

    [Fact]
    public void Tensors_may_be_listed_and_stored_in_any_order()
    {
        var saved = new FakeNetwork<double>(Shape, seed: 1);
        byte[] data = SaveToBytes(saved).AsSpan()[^208..].ToArray();
        // The data as the reference writer would lay it out, sorted by name: 0.bias, 0.weight, 2.bias, 2.weight.
        byte[] reordered = [.. data[96..128], .. data[0..96], .. data[192..208], .. data[128..192]];
        string header = "{\"2.weight\":{\"dtype\":\"F64\",\"shape\":[2,4],\"data_offsets\":[144,208]}," +
                        "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,32]}," +
                        "\"2.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[128,144]}," +
                        "\"0.weight\":{\"dtype\":\"F64\",\"shape\":[4,3],\"data_offsets\":[32,128]}}";
        var loaded = new FakeNetwork<double>(Shape, seed: 2);

        loaded.LoadSafetensors(new MemoryStream(Build(header, reordered)));

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Fields_the_format_does_not_define_are_ignored()
    {
        string header = "{" + Weight0.Replace("{\"dtype\"", "{\"comment\":[1,{\"a\":2}],\"dtype\"") + "," + Bias0 + "," + Weight2 + "," + Bias2 + "}";

        new FakeNetwork<double>(Shape).LoadSafetensors(new MemoryStream(Build(header, new byte[208])));
    }

    [Fact]
    public void A_non_seekable_stream_loads_too()
    {
        var saved = new FakeNetwork<double>(Shape, seed: 1);
        var loaded = new FakeNetwork<double>(Shape, seed: 2);

        loaded.LoadSafetensors(new NonSeekableStream(SaveToBytes(saved)));

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void A_header_that_claims_more_than_the_file_holds_is_rejected_without_allocating_it()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 90_000_000);
        var network = new FakeNetwork<double>(Shape, seed: 42);
        using var stream = new MemoryStream(bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var exception = Assert.Throws<ModelFormatException>(() => network.LoadSafetensors(stream));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains($"the header claims 90000000 bytes but the file holds only {bytes.Length - 8}", exception.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    public void A_header_length_beyond_any_file_is_rejected(ulong claim)
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claim);

        var exception = AssertRejectedUnchanged(bytes);

        Assert.Contains($"the header claims {claim} bytes", exception.Message);
    }

    [Fact]
    public void A_header_claim_over_the_format_s_limit_is_rejected_even_when_the_file_is_that_long()
    {
        // A sparse file: long enough to hold the claim, without writing 100 MB.
        string path = _directory.File("huge.safetensors");
        using (var file = new FileStream(path, FileMode.CreateNew))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, SafetensorsFormat.MaxHeaderLength + 1);
            file.Write(length);
            file.SetLength(8 + SafetensorsFormat.MaxHeaderLength + 16);
        }

        var exception = AssertRejectedUnchanged(network => network.LoadSafetensors(path));

        Assert.Contains($"more than the {SafetensorsFormat.MaxHeaderLength} a safetensors header may have", exception.Message);
    }

    [Fact]
    public void An_empty_file_is_rejected_as_empty_naming_the_file()
    {
        string path = _directory.File("empty.safetensors");
        File.WriteAllBytes(path, []);

        var exception = AssertRejectedUnchanged(network => network.LoadSafetensors(path));

        Assert.Contains($"Cannot load '{path}': it is empty", exception.Message);
    }

    [Fact]
    public void A_file_shorter_than_the_header_length_is_rejected_as_truncated() =>
        Assert.Contains("fewer than the 8 of the header length", AssertRejectedUnchanged([0x10, 0, 0, 0]).Message);

    [Fact]
    public void A_header_shorter_than_an_empty_object_is_rejected() =>
        Assert.Contains("the smallest header, {}, has 2", AssertRejectedUnchanged([1, 0, 0, 0, 0, 0, 0, 0, (byte)'{']).Message);

    [Fact]
    public void A_header_that_is_not_a_json_object_is_rejected() =>
        Assert.Contains("should be a JSON object starting with '{'", AssertRejectedUnchanged(Build("[1, 2]", [])).Message);

    [Theory]
    [InlineData("{\"0.weight\":")]
    [InlineData("{\"0.weight\":{\"dtype\":\"F64\",}}")]
    [InlineData("{} trailing")]
    [InlineData("{}}")]
    public void A_header_that_is_not_valid_json_is_rejected(string header) =>
        Assert.Contains("the header is not valid JSON", AssertRejectedUnchanged(Build(header, [])).Message);

    [Fact]
    public void A_header_with_invalid_utf8_is_rejected()
    {
        byte[] header = Encoding.UTF8.GetBytes("{\"__metadata__\":{\"k\":\"..\"}}");
        header[22] = 0xC3;   // a lead byte with no continuation byte
        byte[] bytes = [.. BitConverter.GetBytes((ulong)header.Length), .. header];

        Assert.Contains("UTF-8", AssertRejectedUnchanged(bytes).Message);
    }

    [Theory]
    [InlineData("I64")]
    [InlineData("f64")]
    [InlineData("F8_E4M3")]
    [InlineData("")]
    public void An_unsupported_dtype_is_named(string dtype)
    {
        string header = Header(Weight0.Replace("\"F64\"", $"\"{dtype}\""), Bias0, Weight2, Bias2);

        var exception = AssertRejectedUnchanged(Build(header, new byte[208]));

        Assert.Contains($"'0.weight' has dtype \"{dtype}\"; NetGen reads F64, F32, F16 and BF16", exception.Message);
    }

    [Fact]
    public void A_shape_whose_size_differs_from_its_data_offsets_names_both()
    {
        string header = Header(Weight0.Replace("[4,3]", "[4,2]"), Bias0, Weight2, Bias2);

        var exception = AssertRejectedUnchanged(Build(header, new byte[208]));

        Assert.Contains("'0.weight' has shape [4, 2] of F64, 64 bytes, but its data_offsets [0, 96] span 96", exception.Message);
    }

    [Fact]
    public void A_weight_of_another_shape_names_the_key_and_both_shapes()
    {
        var other = new FakeNetwork<double>([3, 5, 2]);

        var exception = AssertRejectedUnchanged(SaveToBytes(other));

        Assert.Contains("'0.weight' has shape [5, 3] but layer 1 of 2 (3 -> 4) needs [4, 3] (out x in)", exception.Message);
    }

    [Fact]
    public void A_transposed_weight_is_named_as_such()
    {
        string header = Header(Weight0.Replace("[4,3]", "[3,4]"), Bias0, Weight2, Bias2);

        Assert.Contains("it looks transposed", AssertRejectedUnchanged(Build(header, new byte[208])).Message);
    }

    [Fact]
    public void A_bias_of_another_length_is_rejected()
    {
        var network = new FakeNetwork<double>([3, 4, 3]);

        var exception = AssertRejectedUnchanged(SaveToBytes(network));

        Assert.Contains("but layer 2 of 2 (4 -> 2) needs [2, 4]", exception.Message);
    }

    [Fact]
    public void Data_offsets_past_the_end_of_the_file_are_rejected()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));

        var exception = AssertRejectedUnchanged(bytes[..^8]);

        Assert.Contains("'2.bias'.data_offsets [192, 208] reach past the data buffer, which holds 200 bytes", exception.Message);
    }

    [Fact]
    public void Overlapping_tensors_are_rejected()
    {
        string header = Header(Weight0, Bias0.Replace("[96,128]", "[88,120]"), Weight2.Replace("[128,192]", "[120,184]"), Bias2.Replace("[192,208]", "[184,200]"));

        var exception = AssertRejectedUnchanged(Build(header, new byte[200]));

        Assert.Contains("'0.bias'.data_offsets [88, 120] overlap '0.weight' [0, 96]", exception.Message);
    }

    [Fact]
    public void A_gap_between_tensors_is_rejected()
    {
        string header = Header(Weight0, Bias0.Replace("[96,128]", "[104,136]"), Weight2.Replace("[128,192]", "[136,200]"), Bias2.Replace("[192,208]", "[200,216]"));

        var exception = AssertRejectedUnchanged(Build(header, new byte[216]));

        Assert.Contains("bytes [96, 104) belong to no tensor", exception.Message);
    }

    [Fact]
    public void Bytes_after_the_last_tensor_are_rejected()
    {
        var exception = AssertRejectedUnchanged([.. SaveToBytes(new FakeNetwork<double>(Shape)), 0, 0, 0, 0, 0, 0, 0, 0]);

        Assert.Contains("the data buffer holds 216 bytes but the tensors cover only the first 208", exception.Message);
    }

    [Theory]
    [InlineData("[96,128]", "[128,96]", "ends before it begins")]
    [InlineData("[96,128]", "[96,128,160]", "should be [begin, end], found 3 numbers")]
    [InlineData("[96,128]", "[-1,128]", "should be an integer from 0 to 2^53, found -1")]
    [InlineData("[96,128]", "[96.5,128]", "should be an integer from 0 to 2^53, found 96.5")]
    [InlineData("[96,128]", "\"96-128\"", "should be a list of integers, found a string")]
    [InlineData("\"shape\":[4]", "\"shape\":[4,1e300]", "found 1e300")]
    public void Malformed_entries_are_rejected_with_what_is_wrong(string good, string bad, string message) =>
        Assert.Contains(message, AssertRejectedUnchanged(Build(Header(Weight0, Bias0.Replace(good, bad), Weight2, Bias2), new byte[208])).Message);

    [Fact]
    public void A_tensor_entry_without_a_dtype_is_rejected() =>
        Assert.Contains("'0.bias' lacks dtype", AssertRejectedUnchanged(Build(Header(Weight0, Bias0.Replace("\"dtype\":\"F64\",", ""), Weight2, Bias2), new byte[208])).Message);

    [Fact]
    public void A_missing_bias_is_named()
    {
        string header = Header(Weight0, Bias0, Weight2);

        var exception = AssertRejectedUnchanged(Build(header, new byte[192]));

        Assert.Contains("'2.weight' has no '2.bias'", exception.Message);
    }

    [Fact]
    public void A_missing_layer_is_named_with_both_counts()
    {
        string header = Header(Weight0, Bias0);

        var exception = AssertRejectedUnchanged(Build(header, new byte[128]));

        Assert.Contains("it holds 1 Linear layers ('0.weight') but the network 3-4-2 has 2", exception.Message);
    }

    [Fact]
    public void An_extra_tensor_is_named()
    {
        string header = Header(Weight0, Bias0, Weight2, Bias2, "\"1.running_mean\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[208,216]}");

        var exception = AssertRejectedUnchanged(Build(header, new byte[216]));

        Assert.Contains("'1.running_mean' is not the weight or bias of a Linear layer", exception.Message);
    }

    [Fact]
    public void A_duplicate_key_is_rejected_even_when_spelled_with_an_escape()
    {
        string header = Header(Weight0, Bias0, Weight2, Bias2, Bias2.Replace("\"2.bias\"", "\"2.b\\u0069as\"").Replace("[192,208]", "[208,224]"));

        var exception = AssertRejectedUnchanged(Build(header, new byte[224]));

        Assert.Contains("the header names '2.bias' twice", exception.Message);
    }

    [Theory]
    [InlineData("{\"n\":1}", "'__metadata__' entry 'n' should be a string, found a number")]
    [InlineData("[\"a\"]", "'__metadata__' should be an object of strings, found a list")]
    [InlineData("{\"a\":\"1\",\"a\":\"2\"}", "'__metadata__' names 'a' twice")]
    public void Metadata_that_is_not_a_map_of_strings_is_rejected(string metadata, string message) =>
        Assert.Contains(message, AssertRejectedUnchanged(Build(Header($"\"__metadata__\":{metadata}", Weight0, Bias0, Weight2, Bias2), new byte[208])).Message);

    [Fact]
    public void A_NaN_value_is_named_by_key_and_element()
    {
        byte[] data = new byte[208];
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(128 + 8 * 5), double.NaN);

        var exception = AssertRejectedUnchanged(Build(Header(Weight0, Bias0, Weight2, Bias2), data));

        Assert.Contains("'2.weight' element 5 is NaN", exception.Message);
    }

    [Fact]
    public void An_F64_value_beyond_float_range_is_rejected_by_a_float_network_which_stays_unchanged()
    {
        byte[] data = new byte[208];
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), 1e300);
        var network = new FakeNetwork<float>(Shape, seed: 42);
        float[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => network.LoadSafetensors(new MemoryStream(Build(Header(Weight0, Bias0, Weight2, Bias2), data))));

        Assert.Contains("'0.weight' element 1 is ∞, which is not a finite Single (an F64 value beyond float's range)", exception.Message.Replace("Infinity", "∞"));
        Assert.Equal(before, network.Snapshot());
    }

    [Fact]
    public void A_good_first_layer_and_a_bad_second_layer_change_nothing()
    {
        var saved = new FakeNetwork<double>(Shape, seed: 1);
        byte[] bytes = SaveToBytes(saved);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(bytes.Length - 8), double.PositiveInfinity);

        AssertRejectedUnchanged(bytes);
    }

    [Fact]
    public void Save_interrupted_by_a_failing_stream_leaves_the_previous_file_byte_identical_and_no_temporary_file()
    {
        string path = _directory.File("model.safetensors");
        new FakeNetwork<double>(Shape, seed: 1).SaveSafetensors(path);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() =>
            NetworkSerialization.SaveSafetensors(new FakeNetwork<double>(Shape, seed: 2), path, metadata: null, file => new FailingStream(file, 100)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _directory.FileNames());
    }

    [Fact]
    public void Save_of_a_network_with_a_NaN_parameter_names_it_and_writes_no_file()
    {
        var network = new FakeNetwork<double>(Shape);
        network.Parameters[2] = double.NaN;

        var exception = Assert.Throws<InvalidOperationException>(() => network.SaveSafetensors(_directory.File("nan.safetensors")));

        Assert.Contains("Parameter 2 (layer 1 weight [0, 2])", exception.Message);
        Assert.Empty(_directory.FileNames());
    }

    [Fact]
    public void Load_of_a_missing_file_throws_FileNotFoundException() =>
        Assert.Throws<FileNotFoundException>(() => new FakeNetwork<double>(Shape).LoadSafetensors(_directory.File("missing.safetensors")));

    private static string Header(params string[] entries) => "{" + string.Join(",", entries) + "}";

    /// <summary>A safetensors file with the given header text and data buffer, as an independent writer would lay it out.</summary>
    private static byte[] Build(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static byte[] SaveToBytes<T>(FakeNetwork<T> network)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        using var stream = new MemoryStream();
        network.SaveSafetensors(stream);
        return stream.ToArray();
    }

    private static ModelFormatException AssertRejectedUnchanged(byte[] bytes) =>
        AssertRejectedUnchanged(network => network.LoadSafetensors(new MemoryStream(bytes)));

    private static ModelFormatException AssertRejectedUnchanged(Action<FakeNetwork<double>> load) => LoadAssert.RejectedUnchanged(Shape, load);
}

/// <summary>A read-only stream over bytes that cannot seek or tell its length, like a network stream.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
