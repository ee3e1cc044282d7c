using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NetGen;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>
/// The binary format's model information (format version 2): the input scaler, class names and
/// metadata saved with the parameters, what Load returns, and files of version 1 still loading.
/// </summary>
public sealed class ModelInfoTests : IDisposable
{
    private static readonly int[] Shape = [3, 4, 2];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Every_field_round_trips_exactly()
    {
        var network = new FakeNetwork<double>(Shape, seed: 1);
        var trainedAt = new DateTimeOffset(2026, 11, 30, 9, 45, 12, TimeSpan.FromHours(2)).AddTicks(1234567);
        var info = new ModelInfo<double>
        {
            Scaler = FeatureScaler<double>.Create([0.1, -2.5, 1e-300], [1.0 / 3, 7, 2.5e10], 0.25),
            ClassNames = ["setosa", "virginica"],
            Name = "iris",
            Version = "1.2.3",
            TrainedAt = trainedAt,
            Metadata = { ["data"] = "UCI iris", ["note"] = "\u00e9t\u00e9 \u2013 \U0001F338", ["empty"] = "" },
        };
        string path = _directory.File("model.netgen");
        var loaded = new FakeNetwork<double>(Shape, seed: 2);

        network.Save(path, info);
        ModelInfo<double> read = loaded.Load(path);

        Assert.Equal(network.Snapshot(), loaded.Snapshot());
        Assert.Equal(info.Scaler.Center.ToArray(), read.Scaler!.Center.ToArray());
        Assert.Equal(info.Scaler.Factor.ToArray(), read.Scaler.Factor.ToArray());
        Assert.Equal(0.25, read.Scaler.Shift);
        Assert.Equal(["setosa", "virginica"], read.ClassNames!);
        Assert.Equal("iris", read.Name);
        Assert.Equal("1.2.3", read.Version);
        Assert.Equal(trainedAt, read.TrainedAt);
        Assert.Equal(trainedAt.Offset, read.TrainedAt!.Value.Offset);
        Assert.Equal(info.Metadata.OrderBy(p => p.Key), read.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_float_network_s_scaler_round_trips_in_float()
    {
        var network = new FakeNetwork<float>(Shape, seed: 1);
        var scaler = FeatureScaler<float>.Create([0.1f, 0.2f, 0.3f], [3, 1.0f / 7, 5], -1);
        using var stream = new MemoryStream();

        network.Save(stream, new ModelInfo<float> { Scaler = scaler });
        stream.Position = 0;
        ModelInfo<float> read = new FakeNetwork<float>(Shape, seed: 2).Load(stream);

        Assert.Equal(scaler.Center.ToArray(), read.Scaler!.Center.ToArray());
        Assert.Equal(scaler.Factor.ToArray(), read.Scaler.Factor.ToArray());
        Assert.Equal(-1f, read.Scaler.Shift);
    }

    [Fact]
    public void A_model_saved_without_information_loads_with_none()
    {
        string path = _directory.File("plain.netgen");
        new FakeNetwork<double>(Shape).Save(path);

        ModelInfo<double> read = new FakeNetwork<double>(Shape, seed: 2).Load(path);

        Assert.Null(read.Scaler);
        Assert.Null(read.ClassNames);
        Assert.Null(read.Name);
        Assert.Null(read.Version);
        Assert.Null(read.TrainedAt);
        Assert.Empty(read.Metadata);
    }

    [Theory]
    [InlineData("torch_net_format_v1.ngm")]
    [InlineData("torch_net_single_format_v1.ngm")]
    public void A_version_1_file_written_before_model_information_existed_still_loads(string file)
    {
        byte[] bytes = File.ReadAllBytes(FixtureFiles.PathOf(file));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));

        if (file.Contains("single", StringComparison.Ordinal))
        {
            var expected = new TorchNetSingle(seed: 1);
            expected.LoadStateDict(FixtureFiles.PathOf("torch_state_dict.json"));
            var network = new TorchNetSingle(seed: 2);
            ModelInfo<float> info = network.Load(FixtureFiles.PathOf(file));
            Assert.Equal(expected.Parameters.ToArray(), network.Parameters.ToArray());
            Assert.Null(info.Scaler);
        }
        else
        {
            var expected = new TorchNet(seed: 1);
            expected.LoadStateDict(FixtureFiles.PathOf("torch_state_dict.json"));
            var network = new TorchNet(seed: 2);
            ModelInfo<double> info = network.Load(FixtureFiles.PathOf(file));
            Assert.Equal(expected.Parameters.ToArray(), network.Parameters.ToArray());
            Assert.Null(info.ClassNames);
            Assert.Empty(info.Metadata);
        }
    }

    [Fact]
    public void Predict_scales_the_raw_row_then_runs_the_network_as_training_did()
    {
        var network = new FakeNetwork<double>(Shape, seed: 1);
        var scaler = FeatureScaler<double>.Create([1, 2, 3], [0.5, 0.25, 2], 0);
        var info = new ModelInfo<double> { Scaler = scaler };
        double[] raw = [4, -1, 0.5];
        double[] scaled = (double[])raw.Clone();
        scaler.TransformInPlace(scaled);
        var expected = new double[2];
        network.Predict(scaled, expected);
        var actual = new double[2];

        info.Predict(network, raw, actual);

        Assert.Equal(expected, actual);
        Assert.Equal([4.0, -1.0, 0.5], raw);
    }

    [Fact]
    public void PredictClassName_names_the_largest_output()
    {
        var network = new FakeNetwork<double>(Shape, seed: 1);
        var info = new ModelInfo<double> { ClassNames = ["first", "second"] };
        double[] row = [0.3, -0.7, 0.9];
        var output = new double[2];
        network.Predict(row, output);

        Assert.Equal(output[1] > output[0] ? "second" : "first", info.PredictClassName(network, row));
        Assert.Equal(output[1] > output[0] ? 1 : 0, info.PredictClass(network, row));
    }

    [Theory]
    [InlineData(2.0, 2.0, 1.0, 0)]               // the first on a tie
    [InlineData(1.0, double.NaN, double.NaN, 1)] // the first NaN, above every number (the loop before skipped it: 0)
    public void PredictClass_picks_the_class_that_the_metrics_count(double first, double second, double third, int expected)
    {
        // Zero weights: the outputs are the biases.
        var network = new FakeNetwork<double>([2, 3], [Activation.Identity], LossFunction.MeanSquaredError);
        network.Parameters.Clear();
        double[] outputs = [first, second, third];
        outputs.CopyTo(network.Parameters[6..]);

        int predicted = new ModelInfo<double>().PredictClass(network, [0.5, -0.5]);

        Assert.Equal(expected, predicted);
        Assert.Equal(NetworkMetrics.ClassOf<double>(outputs), predicted);
    }

    [Fact]
    public void A_single_output_has_two_class_names_split_at_one_half()
    {
        var network = new FakeNetwork<double>([2, 1], [Activation.Sigmoid], LossFunction.BinaryCrossEntropy);
        network.Parameters[0] = 1;
        network.Parameters[1] = 0;
        network.Parameters[2] = 0;   // output = sigmoid(x0)
        var info = new ModelInfo<double> { ClassNames = ["negative", "positive"] };

        Assert.Equal("positive", info.PredictClassName(network, [0.0, 5]));
        Assert.Equal("negative", info.PredictClassName(network, [-0.1, 5]));
    }

    [Fact]
    public void Predicting_a_raw_row_through_the_information_allocates_nothing()
    {
        var network = new TorchNet(seed: 1);
        var info = new ModelInfo<double> { Scaler = FeatureScaler<double>.Create([1, 2, 3], [0.5, 0.25, 2], 0), ClassNames = ["a", "b"] };
        double[] raw = [4, -1, 0.5];
        var output = new double[2];
        info.Predict(network, raw, output);
        info.PredictClassName(network, raw);

        int predicted = -1;
        string? name = null;
        long allocated = Allocations.Fewest(() =>
        {
            info.Predict(network, raw, output);
            predicted = info.PredictClass(network, raw);
            name = info.PredictClassName(network, raw);
        });

        Assert.Equal(0, allocated);
        Assert.Equal(info.ClassNames[predicted], name);
    }

    [Fact]
    public void PredictClassName_without_class_names_says_so() =>
        Assert.Contains("no class names", Assert.Throws<InvalidOperationException>(() => new ModelInfo<double>().PredictClassName(new FakeNetwork<double>(Shape), [0.0, 0, 0])).Message);

    [Fact]
    public void Predict_with_a_raw_row_of_the_wrong_length_names_both_lengths()
    {
        var info = new ModelInfo<double> { Scaler = FeatureScaler<double>.Create([0, 0, 0], [1, 1, 1], 0) };

        var exception = Assert.Throws<ArgumentException>(() => info.Predict(new FakeNetwork<double>(Shape), [1.0, 2], new double[2]));

        Assert.Contains("3", exception.Message);
        Assert.Contains("2", exception.Message);
    }

    public static TheoryData<string, string> Unsavable => new()
    {
        { "scaler", "The scaler was fitted on 2 features but the network 3-4-2 takes 3 inputs" },
        { "class count", "Expected 2 class names (one per output), got 3" },
        { "null class", "Class name 1 is null" },
        { "null value", "Metadata 'key' has a null value" },
        { "lone surrogate", "not valid UTF-16" },
    };

    [Theory]
    [MemberData(nameof(Unsavable))]
    public void Information_that_does_not_fit_the_network_fails_the_save_before_any_file_is_written(string what, string message)
    {
        var network = new FakeNetwork<double>(Shape);
        ModelInfo<double> info = what switch
        {
            "scaler" => new() { Scaler = FeatureScaler<double>.Create([0, 0], [1, 1], 0) },
            "class count" => new() { ClassNames = ["a", "b", "c"] },
            "null class" => new() { ClassNames = ["a", null!] },
            "null value" => new() { Metadata = { ["key"] = null! } },
            _ => new() { Name = "bad \ud800 name" }, // lone surrogate
        };

        var exception = Assert.Throws<InvalidOperationException>(() => network.Save(_directory.File("model.netgen"), info));

        Assert.Contains(message, exception.Message);
        Assert.Empty(_directory.FileNames());
    }

    [Fact]
    public void Records_of_a_kind_this_NetGen_does_not_know_are_rejected_not_skipped() =>
        Assert.Contains("record of kind 9, which this NetGen does not know", AssertRejectedUnchanged(WithRecords(Record(9, [1, 2, 3]))).Message);

    [Fact]
    public void A_record_given_twice_is_rejected() =>
        Assert.Contains("two Name records", AssertRejectedUnchanged(WithRecords([.. Record(3, Text("a")), .. Record(3, Text("b"))])).Message);

    [Fact]
    public void A_record_longer_than_its_section_is_rejected()
    {
        byte[] record = Record(3, Text("name"));
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(1), 1000);

        Assert.Contains("claims 1000 bytes but only 8 remain", AssertRejectedUnchanged(WithRecords(record)).Message);
    }

    [Fact]
    public void A_string_longer_than_its_record_is_rejected()
    {
        byte[] content = Text("name");
        BinaryPrimitives.WriteInt32LittleEndian(content, int.MaxValue);

        Assert.Contains($"claims {int.MaxValue} bytes but only 4 remain", AssertRejectedUnchanged(WithRecords(Record(3, content))).Message);
    }

    [Fact]
    public void A_count_larger_than_the_record_could_hold_is_rejected_before_allocating()
    {
        byte[] content = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(content, 500_000_000);

        Assert.Contains("the metadata pair count is 500000000, but only 4 bytes remain", AssertRejectedUnchanged(WithRecords(Record(6, content))).Message);
    }

    [Fact]
    public void Content_left_over_in_a_record_is_rejected() =>
        Assert.Contains("the Name record is 9 bytes long but its content ends after 8", AssertRejectedUnchanged(WithRecords(Record(3, [.. Text("name"), 0]))).Message);

    [Fact]
    public void Class_names_that_do_not_fit_the_network_are_rejected()
    {
        byte[] content = [.. BitConverter.GetBytes(3), .. Text("a"), .. Text("b"), .. Text("c")];

        Assert.Contains("names 3 classes but the network's 2 outputs stand for 2", AssertRejectedUnchanged(WithRecords(Record(2, content))).Message);
    }

    [Fact]
    public void A_scaler_of_another_width_is_rejected() =>
        Assert.Contains("the scaler has 2 features but the network takes 3 inputs", AssertRejectedUnchanged(WithRecords(Record(1, [.. BitConverter.GetBytes(2), .. new byte[40]]))).Message);

    [Fact]
    public void A_scaler_with_a_zero_factor_is_rejected()
    {
        // Three centers of 0, factors 1, 1, 0, shift 0.
        byte[] values = [.. new byte[24], .. BitConverter.GetBytes(1.0), .. BitConverter.GetBytes(1.0), .. new byte[8], .. new byte[8]];

        Assert.Contains("the scaler is invalid: Expected a finite, nonzero factor for feature 2", AssertRejectedUnchanged(WithRecords(Record(1, [.. BitConverter.GetBytes(3), .. values]))).Message);
    }

    [Fact]
    public void A_string_that_is_not_valid_utf8_is_rejected() =>
        Assert.Contains("the model name is not valid UTF-8", AssertRejectedUnchanged(WithRecords(Record(3, [.. BitConverter.GetBytes(2), 0xC3, 0x28]))).Message);

    [Fact]
    public void An_information_length_past_the_end_of_the_file_is_rejected_as_truncated_or_corrupt()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), 1 << 30);

        var exception = AssertRejectedUnchanged(bytes);

        Assert.Contains("the model information claims 1073741824 bytes but only 4 follow; the file is truncated or corrupt", exception.Message);
    }

    [Fact]
    public void A_stream_that_cannot_tell_its_length_is_not_trusted_with_a_large_claim()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), 1 << 30);
        var network = new FakeNetwork<double>(Shape, seed: 42);
        double[] before = network.Snapshot();

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var exception = Assert.Throws<ModelFormatException>(() => network.Load(new NonSeekableStream(bytes)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Contains("truncated", exception.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for a claim of 1 GiB in a {bytes.Length}-byte stream");
        Assert.Equal(before, network.Snapshot());
    }

    /// <summary>A 3-4-2 double model whose information section holds exactly <paramref name="records"/>, with a correct checksum, so only the records can be wrong.</summary>
    private static byte[] WithRecords(byte[] records)
    {
        byte[] plain = SaveToBytes(new FakeNetwork<double>(Shape));
        byte[] withoutInfo = plain[..^8];
        byte[] bytes = [.. withoutInfo, .. BitConverter.GetBytes(records.Length), .. records, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    private static byte[] Record(byte kind, byte[] content) => [kind, .. BitConverter.GetBytes(content.Length), .. content];

    private static byte[] Text(string value) => [.. BitConverter.GetBytes(Encoding.UTF8.GetByteCount(value)), .. Encoding.UTF8.GetBytes(value)];

    private static byte[] SaveToBytes(FakeNetwork<double> network)
    {
        using var stream = new MemoryStream();
        network.Save(stream);
        return stream.ToArray();
    }

    private static ModelFormatException AssertRejectedUnchanged(byte[] bytes) =>
        LoadAssert.RejectedUnchanged(Shape, network => network.Load(new MemoryStream(bytes)));
}
