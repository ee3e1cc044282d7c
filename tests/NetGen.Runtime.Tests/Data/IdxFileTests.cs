using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetGen;

namespace NetGen.Runtime.Tests.Data;

/// <summary>The IDX reader on small files the tests write: both encodings, and every way a header can lie.</summary>
public sealed class IdxFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netgen-idx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Reads_an_uncompressed_image_file()
    {
        // Two 2x3 images.
        string path = Write("images.idx", Idx([2, 2, 3], [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]));

        IdxFile file = IdxFile.Load(path);

        Assert.Equal([2, 2, 3], file.Dimensions);
        Assert.Equal(2, file.Count);
        Assert.Equal(6, file.ItemSize);
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], file.ToRows(1f / 255)[..6].Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void Reads_a_gzip_file_the_same_as_the_plain_one()
    {
        byte[] plain = Idx([3], [7, 0, 9]);
        string path = Write("labels.idx.gz", Gzip(plain));

        IdxFile file = IdxFile.Load(path);

        Assert.Equal([7, 0, 9], file.ToLabels());
    }

    [Fact]
    public void LoadLabeled_pairs_images_with_one_hot_labels()
    {
        string images = Write("images.idx", Idx([2, 1, 2], [0, 255, 255, 0]));
        string labels = Write("labels.idx.gz", Gzip(Idx([2], [1, 0])));

        LabeledDataSet<float> data = IdxFile.LoadLabeled<float>(images, labels, classCount: 3);

        Assert.Equal(2, data.Rows);
        Assert.Equal(2, data.InputSize);
        Assert.Equal([0f, 1f, 1f, 0f], data.Inputs);
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 0f], data.Targets);
        Assert.Equal([1, 0], data.Labels!);
    }

    [Fact]
    public void A_header_claiming_more_values_than_the_file_holds_fails_before_allocating_them()
    {
        // 60000 x 28 x 28 claimed, 4 values present.
        string path = Write("liar.idx", Idx([60000, 28, 28], [1, 2, 3, 4]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("[60000, 28, 28]", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds 20 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for a 20-byte file");
    }

    [Fact]
    public void A_gzip_trailer_claiming_more_than_DEFLATE_can_expand_to_fails_before_decompressing()
    {
        byte[] gzip = Gzip(Idx([3], [1, 2, 3]));
        BitConverter.TryWriteBytes(gzip.AsSpan(gzip.Length - 4), uint.MaxValue);
        string path = Write("bomb.idx.gz", gzip);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Load(path));

        Assert.Contains("more than DEFLATE can expand to", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 5 }, "expected two zero bytes")]
    [InlineData(new byte[] { 0, 0, 13, 1, 0, 0, 0, 1, 5, 5, 5, 5 }, "value type 0x0D")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "0 dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0 }, "the data ends after 3 of the 8 bytes")]
    [InlineData(new byte[] { 0, 0, 8, 1, 255, 255, 255, 255 }, "size -1")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 5 }, "holds 9 bytes")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 5, 6 }, "holds 10 bytes")]
    [InlineData(new byte[] { 0, 0 }, "the data ends after 2 of the 4 bytes")]
    public void A_malformed_file_is_a_format_exception_saying_what_is_wrong(byte[] contents, string expected)
    {
        string path = Write("bad.idx", contents);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Load(path));

        Assert.Contains("bad.idx", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_gzip_data_is_a_format_exception()
    {
        byte[] gzip = Gzip(Idx([40], Enumerable.Range(0, 40).Select(i => (byte)i).ToArray()));
        for (int i = 10; i < gzip.Length - 8; i++)
            gzip[i] ^= 0x5A;
        string path = Write("corrupt.idx.gz", gzip);

        Assert.Throws<IdxFormatException>(() => IdxFile.Load(path));
    }

    [Fact]
    public void Labels_and_images_that_do_not_pair_up_are_refused()
    {
        string images = Write("images.idx", Idx([2, 1, 2], [0, 1, 2, 3]));
        string threeLabels = Write("three.idx", Idx([3], [0, 1, 0]));
        string badLabel = Write("bad-label.idx", Idx([2], [0, 10]));

        Assert.Contains("3 labels", Assert.Throws<IdxFormatException>(() => IdxFile.LoadLabeled<float>(images, threeLabels, 10)).Message, StringComparison.Ordinal);
        Assert.Contains("label 1 is 10", Assert.Throws<IdxFormatException>(() => IdxFile.LoadLabeled<float>(images, badLabel, 10)).Message, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] contents)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, contents);
        return path;
    }

    private static byte[] Idx(int[] dimensions, byte[] values)
    {
        var stream = new MemoryStream();
        stream.Write([0, 0, 8, (byte)dimensions.Length]);
        foreach (int size in dimensions)
            stream.Write([(byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size]);
        stream.Write(values);
        return stream.ToArray();
    }

    private static byte[] Gzip(byte[] plain)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(plain);
        return compressed.ToArray();
    }
}
