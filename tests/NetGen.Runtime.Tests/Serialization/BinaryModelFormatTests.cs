using System;
using System.Buffers.Binary;
using System.IO;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>The binary model format: what Save writes, and what Load accepts and rejects.</summary>
public sealed class BinaryModelFormatTests : IDisposable
{
    private static readonly int[] Shape = [3, 4, 2];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Save_then_Load_restores_every_double_parameter_bit_for_bit()
    {
        var saved = new FakeNetwork<double>(Shape, seed: 1);
        var loaded = new FakeNetwork<double>(Shape, seed: 2);
        string path = _directory.File("model.ngm");

        saved.Save(path);
        loaded.Load(path);

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Save_then_Load_restores_every_float_parameter_bit_for_bit()
    {
        var saved = new FakeNetwork<float>(Shape, seed: 1);
        var loaded = new FakeNetwork<float>(Shape, seed: 2);
        string path = _directory.File("model.ngm");

        saved.Save(path);
        loaded.Load(path);

        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Save_keeps_negative_zero_and_subnormal_values()
    {
        var saved = new FakeNetwork<double>(Shape);
        saved.Parameters[0] = -0.0;
        saved.Parameters[1] = double.Epsilon;
        saved.Parameters[2] = double.MaxValue;
        var loaded = new FakeNetwork<double>(Shape, seed: 2);

        loaded.Load(RoundTripStream(saved));

        Assert.True(double.IsNegative(loaded.Parameters[0]) && loaded.Parameters[0] == 0);
        Assert.Equal(double.Epsilon, loaded.Parameters[1]);
        Assert.Equal(double.MaxValue, loaded.Parameters[2]);
    }

    [Fact]
    public void Stream_overloads_leave_the_stream_just_after_the_model()
    {
        var first = new FakeNetwork<double>(Shape, seed: 1);
        var second = new FakeNetwork<double>(Shape, seed: 3);
        using var stream = new MemoryStream();
        first.Save(stream);
        second.Save(stream);
        stream.Position = 0;

        var target = new FakeNetwork<double>(Shape, seed: 9);
        target.Load(stream);
        Assert.Equal(first.Snapshot(), target.Snapshot());
        target.Load(stream);
        Assert.Equal(second.Snapshot(), target.Snapshot());
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void File_starts_with_the_magic_and_version_and_has_the_documented_length()
    {
        var network = new FakeNetwork<double>(Shape);
        byte[] bytes = SaveToBytes(network);

        Assert.Equal("NGEN"u8.ToArray(), bytes[..4]);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((byte)Precision.Double, bytes[6]);
        Assert.Equal((byte)LossFunction.MeanSquaredError, bytes[7]);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
        // 19 + 5L header and checksum, 8 bytes per parameter, the empty model information's 4-byte
        // length, 4 bytes of file checksum.
        Assert.Equal(19 + 5 * 3 + 8 * network.ParameterCount + 4 + 4, bytes.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 8)));
    }

    [Fact]
    public void Parameters_are_stored_little_endian_in_Parameters_order()
    {
        var network = new FakeNetwork<double>(Shape);
        byte[] bytes = SaveToBytes(network);
        int start = 19 + 5 * Shape.Length;

        for (int i = 0; i < network.ParameterCount; i++)
            Assert.Equal(network.Parameters[i], BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(start + 8 * i)));
    }

    [Fact]
    public void Checksum_is_standard_crc32_of_every_byte_before_it()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<float>(Shape));

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));

        Assert.Equal(Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)), stored);
    }

    [Fact]
    public void Load_of_an_empty_file_says_it_is_empty_and_leaves_the_network_unchanged()
    {
        string path = _directory.File("empty.ngm");
        File.WriteAllBytes(path, []);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("empty", exception.Message);
        Assert.Contains(path, exception.Message);
    }

    [Theory]
    [InlineData(3)]     // inside the magic
    [InlineData(5)]     // inside the version
    [InlineData(20)]    // inside the layer sizes
    [InlineData(33)]    // inside the header checksum
    [InlineData(100)]   // inside the parameters
    [InlineData(-1)]    // the last byte of the file checksum missing
    public void Load_of_a_truncated_file_reports_where_it_ends_and_leaves_the_network_unchanged(int keep)
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape, seed: 5));
        int length = keep >= 0 ? keep : bytes.Length + keep;
        string path = _directory.File("truncated.ngm");
        File.WriteAllBytes(path, bytes[..length]);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains($"truncated: it ends after {length} bytes", exception.Message);
    }

    [Fact]
    public void Load_of_a_file_that_is_not_a_model_names_the_expected_and_found_magic()
    {
        string path = _directory.File("other.bin");
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0]);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("4E 47 45 4E", exception.Message);
        Assert.Contains("50 4B 03 04", exception.Message);
    }

    [Fact]
    public void Load_of_a_state_dict_json_file_suggests_LoadStateDict()
    {
        string path = _directory.File("model.json");
        new FakeNetwork<double>(Shape).SaveStateDict(path);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("LoadStateDict", exception.Message);
    }

    [Fact]
    public void Load_of_a_newer_format_version_names_both_versions()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape, seed: 5));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 3);

        var exception = AssertRejectedUnchanged(network => network.Load(new MemoryStream(bytes)));

        Assert.Contains("format version 3 is not supported (written by a newer NetGen?)", exception.Message);
        Assert.Contains("expected version 1 to 2", exception.Message);
    }

    [Theory]
    [InlineData(6)]     // precision
    [InlineData(9)]     // layer size count
    [InlineData(13)]    // a layer size
    [InlineData(24)]    // an activation
    [InlineData(27)]    // the parameter count
    [InlineData(31)]    // the header checksum itself
    [InlineData(40)]    // a parameter
    [InlineData(200)]   // another parameter
    [InlineData(-6)]    // the model information's length
    [InlineData(-2)]    // the file checksum itself
    public void Load_rejects_a_single_flipped_bit_anywhere_and_leaves_the_network_unchanged(int offset)
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape, seed: 5));
        int position = offset >= 0 ? offset : bytes.Length + offset;
        bytes[position] ^= 0x10;

        var exception = AssertRejectedUnchanged(network => network.Load(new MemoryStream(bytes)));

        Assert.Matches("corrupt|claims", exception.Message);
    }

    [Fact]
    public void Load_of_a_flipped_parameter_bit_reports_both_checksums()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape, seed: 5));
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        bytes[60] ^= 0x01;
        uint actual = Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4));

        var exception = AssertRejectedUnchanged(network => network.Load(new MemoryStream(bytes)));

        Assert.Contains("the parameters are corrupt", exception.Message);
        Assert.Contains($"0x{stored:X8}", exception.Message);
        Assert.Contains($"0x{actual:X8}", exception.Message);
    }

    [Fact]
    public void Load_of_a_flipped_header_bit_reports_damage_not_a_different_shape()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape, seed: 5));
        bytes[16] ^= 0x01; // layer size 4 becomes 5

        var exception = AssertRejectedUnchanged(network => network.Load(new MemoryStream(bytes)));

        Assert.Contains("the header is corrupt", exception.Message);
    }

    [Fact]
    public void Load_of_another_shape_names_both_shapes()
    {
        string path = _directory.File("wide.ngm");
        new FakeNetwork<double>([3, 5, 2]).Save(path);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("layer sizes differ: the network is 3-4-2 but the file holds 3-5-2", exception.Message);
    }

    [Fact]
    public void Load_of_another_depth_names_both_shapes()
    {
        string path = _directory.File("deep.ngm");
        new FakeNetwork<double>([3, 4, 4, 2]).Save(path);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("the network is 3-4-2 but the file holds 3-4-4-2", exception.Message);
    }

    [Fact]
    public void Load_of_other_activations_names_both()
    {
        string path = _directory.File("tanh.ngm");
        new FakeNetwork<double>(Shape, [Activation.Tanh, Activation.Identity]).Save(path);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("the network has ReLU/Identity but the file holds Tanh/Identity", exception.Message);
    }

    [Fact]
    public void Load_of_another_loss_names_both()
    {
        string path = _directory.File("hse.ngm");
        new FakeNetwork<double>(Shape, loss: LossFunction.HalfSquaredError).Save(path);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("the network uses MeanSquaredError but the file holds HalfSquaredError", exception.Message);
    }

    [Fact]
    public void Load_of_a_single_precision_file_into_a_double_network_names_both_precisions()
    {
        string path = _directory.File("single.ngm");
        new FakeNetwork<float>(Shape).Save(path);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains("the file holds Single parameters but the network computes in Double", exception.Message);
    }

    [Fact]
    public void Load_of_a_double_precision_file_into_a_float_network_is_rejected_unchanged()
    {
        string path = _directory.File("double.ngm");
        new FakeNetwork<double>(Shape).Save(path);
        var network = new FakeNetwork<float>(Shape, seed: 7);
        float[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => network.Load(path));

        Assert.Contains("the file holds Double parameters but the network computes in Single", exception.Message);
        Assert.Equal(before, network.Snapshot());
    }

    [Fact]
    public void Load_of_a_file_with_bytes_after_the_model_names_both_lengths()
    {
        byte[] bytes = SaveToBytes(new FakeNetwork<double>(Shape, seed: 5));
        string path = _directory.File("padded.ngm");
        File.WriteAllBytes(path, [.. bytes, 0]);

        var exception = AssertRejectedUnchanged(network => network.Load(path));

        Assert.Contains($"expected {bytes.Length} bytes, found {bytes.Length + 1} bytes", exception.Message);
    }

    [Fact]
    public void Load_of_a_missing_file_throws_FileNotFoundException()
    {
        var network = new FakeNetwork<double>(Shape);

        Assert.Throws<FileNotFoundException>(() => network.Load(_directory.File("missing.ngm")));
    }

    [Fact]
    public void Save_of_a_network_with_a_NaN_parameter_names_it_and_writes_no_file()
    {
        var network = new FakeNetwork<double>(Shape);
        network.Parameters[13] = double.NaN;
        string path = _directory.File("nan.ngm");

        var exception = Assert.Throws<InvalidOperationException>(() => network.Save(path));

        Assert.Contains("Parameter 13 (layer 1 bias [1])", exception.Message);
        Assert.Empty(_directory.FileNames());
    }

    private static byte[] SaveToBytes<T>(FakeNetwork<T> network)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        using var stream = new MemoryStream();
        network.Save(stream);
        return stream.ToArray();
    }

    private static MemoryStream RoundTripStream(FakeNetwork<double> network) => new(SaveToBytes(network));

    private static ModelFormatException AssertRejectedUnchanged(Action<FakeNetwork<double>> load) => LoadAssert.RejectedUnchanged(Shape, load);
}
