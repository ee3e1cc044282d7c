using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Numerics;

namespace NetGen;

/// <summary>
/// An array of unsigned bytes read from an IDX file, the format of the MNIST digits (<c>train-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>, gzip-compressed or not): <see cref="Dimensions"/> and the values in row-major order.
/// </summary>
/// <remarks>
/// <para>
/// The format: two zero bytes, a type byte (0x08 for unsigned bytes, the only type MNIST uses and the only one read
/// here), a dimension count, then each dimension as a big-endian 32-bit integer, then the values.
/// </para>
/// <para>
/// A bad file never makes the reader allocate more than the file can hold: the dimensions are checked against the
/// file's length before the values are allocated (for a gzip file, against the uncompressed size its trailer records,
/// which is itself bounded by DEFLATE's largest compression ratio), and a file that is shorter or longer than its
/// header says is an <see cref="IdxFormatException"/> naming the file, the header and the sizes.
/// </para>
/// </remarks>
public sealed class IdxFile
{
    private const byte UnsignedByteType = 0x08;
    private const int MaxDimensions = 8;

    // The product of a header's dimensions saturates here (2^62): no file is that long, and no product overflows on the way.
    private const long MaxValueCount = 1L << 62;

    // DEFLATE cannot expand data by more than about 1032 to 1; a trailer claiming more than this is a lie.
    private const long MaxDeflateRatio = 1032;

    private static readonly byte[] s_gzipMagic = [0x1F, 0x8B];

    private IdxFile(int[] dimensions, byte[] values)
    {
        Dimensions = dimensions;
        Values = values;
    }

    /// <summary>The size of each dimension: <c>[count]</c> for labels, <c>[count, rows, columns]</c> for images.</summary>
    public int[] Dimensions { get; }

    /// <summary>Every value, row-major (the last dimension varies fastest).</summary>
    public byte[] Values { get; }

    /// <summary>The size of the first dimension: the number of items (images or labels).</summary>
    public int Count => Dimensions[0];

    /// <summary>Values per item: the product of every dimension after the first (1 for labels, 784 for MNIST images).</summary>
    public int ItemSize => Count == 0 ? 0 : Values.Length / Count;

    /// <summary>Reads an IDX file; a file starting with the gzip signature is decompressed on the way.</summary>
    /// <param name="path">The file's path.</param>
    /// <exception cref="IdxFormatException">The file is not an unsigned-byte IDX array, or its length does not match its header.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IdxFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream file = File.OpenRead(path);
        return Load(file, Path.GetFileName(path));
    }

    /// <summary>Reads an IDX array from a seekable stream (from its current position to its end), gzip-compressed or not.</summary>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="name">What to call the data in messages (a file name).</param>
    /// <exception cref="IdxFormatException">The data is not an unsigned-byte IDX array, or its length does not match its header.</exception>
    /// <exception cref="ArgumentException">The stream cannot read or seek.</exception>
    public static IdxFile Load(Stream stream, string name = "IDX data")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("The stream must be readable and seekable (its length bounds what is allocated).", nameof(stream));
        long start = stream.Position;
        long length = stream.Length - start;
        Span<byte> signature = stackalloc byte[2];
        int signatureBytes = stream.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        stream.Position = start;
        if (signatureBytes == 2 && signature.SequenceEqual(s_gzipMagic))
        {
            long uncompressed = GzipUncompressedSize(stream, start, length, name);
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            try
            {
                return Read(gzip, uncompressed, name + " (gzip)");
            }
            catch (InvalidDataException error)
            {
                throw new IdxFormatException($"{name}: the gzip data is corrupt.", error);
            }
        }
        return Read(stream, length, name);
    }

    /// <summary>
    /// The items as rows of <typeparamref name="T"/>, each byte multiplied by <paramref name="scale"/>
    /// (<c>1 / 255</c> maps pixels to [0, 1]).
    /// </summary>
    public T[] ToRows<T>(T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var rows = new T[Values.Length];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = T.CreateTruncating(Values[i]) * scale;
        return rows;
    }

    /// <summary>The values as class indices, for a one-dimensional file of labels.</summary>
    /// <exception cref="InvalidOperationException">The file has more than one dimension.</exception>
    public int[] ToLabels()
    {
        if (Dimensions.Length != 1)
            throw new InvalidOperationException($"Labels come from a one-dimensional IDX file; this one has dimensions [{string.Join(", ", Dimensions)}].");
        return Array.ConvertAll(Values, value => (int)value);
    }

    /// <summary>
    /// Reads an image file and its label file (MNIST's pair) as a labelled data set: pixels scaled to [0, 1], one-hot
    /// targets over <paramref name="classCount"/> classes.
    /// </summary>
    /// <param name="imagesPath">The images: <c>[count, rows, columns]</c> (or any shape whose first dimension is the count).</param>
    /// <param name="labelsPath">The labels: <c>[count]</c>.</param>
    /// <param name="classCount">The number of classes (10 for digits), 2 to 256 (labels are bytes); every label must be below it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not 2 to 256.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, the counts differ, an image has no values, or a label is not below <paramref name="classCount"/>.</exception>
    public static LabeledDataSet<T> LoadLabeled<T>(string imagesPath, string labelsPath, int classCount)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        // IDX labels are unsigned bytes: a class above 255 can never occur, and the one-hot block grows with the count.
        if (classCount > 256)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "IDX labels are bytes (0 to 255), so classCount is 2 to 256.");
        IdxFile images = Load(imagesPath);
        IdxFile labelFile = Load(labelsPath);
        if (labelFile.Dimensions.Length != 1)
            throw new IdxFormatException($"{Path.GetFileName(labelsPath)}: expected one dimension of labels, got [{string.Join(", ", labelFile.Dimensions)}].");
        if (labelFile.Count != images.Count)
            throw new IdxFormatException($"{Path.GetFileName(labelsPath)} holds {labelFile.Count} labels, but {Path.GetFileName(imagesPath)} holds {images.Count} images.");
        if (images.Count == 0)
            throw new IdxFormatException($"{Path.GetFileName(imagesPath)} holds no images.");
        if (images.ItemSize == 0)
            throw new IdxFormatException($"{Path.GetFileName(imagesPath)}: its dimensions [{string.Join(", ", images.Dimensions)}] give each image no values.");
        int[] labels = labelFile.ToLabels();
        if ((long)labels.Length * classCount > Array.MaxLength)
            throw new IdxFormatException($"{Path.GetFileName(labelsPath)}: {labels.Length} labels of {classCount} classes are more one-hot values than one array can hold.");
        var targets = new T[labels.Length * classCount];
        for (int row = 0; row < labels.Length; row++)
        {
            if (labels[row] >= classCount)
                throw new IdxFormatException($"{Path.GetFileName(labelsPath)}: label {row} is {labels[row]}; expected a class from 0 to {classCount - 1}.");
            targets[row * classCount + labels[row]] = T.One;
        }
        return new LabeledDataSet<T>(images.ToRows(T.One / T.CreateTruncating(255)), targets, images.ItemSize, classCount, labels);
    }

    private static IdxFile Read(Stream stream, long availableBytes, string name)
    {
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, name, "the 4-byte header");
        if (header[0] != 0 || header[1] != 0)
            throw new IdxFormatException($"{name}: not an IDX file: it starts with 0x{header[0]:X2} 0x{header[1]:X2}, expected two zero bytes.");
        if (header[2] != UnsignedByteType)
            throw new IdxFormatException($"{name}: value type 0x{header[2]:X2}; only 0x08 (unsigned bytes, as MNIST uses) is supported.");
        int dimensionCount = header[3];
        if (dimensionCount is < 1 or > MaxDimensions)
            throw new IdxFormatException($"{name}: {dimensionCount} dimensions; expected 1 to {MaxDimensions}.");

        Span<byte> sizeBytes = stackalloc byte[4 * MaxDimensions];
        sizeBytes = sizeBytes[..(4 * dimensionCount)];
        ReadExactly(stream, sizeBytes, name, $"the sizes of {dimensionCount} dimensions");
        var dimensions = new int[dimensionCount];
        long valueCount = 1;
        for (int d = 0; d < dimensionCount; d++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.Slice(4 * d, 4));
            if (size < 0)
                throw new IdxFormatException($"{name}: dimension {d} has size {size}; sizes cannot be negative.");
            dimensions[d] = size;
            // Saturates at MaxValueCount instead of overflowing: compared with the file's length below, never allocated.
            valueCount = size != 0 && valueCount > MaxValueCount / size ? MaxValueCount : valueCount * size;
        }

        long headerBytes = 4 + 4L * dimensionCount;
        string shape = $"[{string.Join(", ", dimensions)}]";
        if (valueCount == MaxValueCount)
            throw new IdxFormatException($"{name}: the header says {shape}, more values than any file holds; the data holds {availableBytes} bytes.");
        if (headerBytes + valueCount != availableBytes)
            throw new IdxFormatException(
                $"{name}: the header says {shape}, {valueCount} values after a {headerBytes}-byte header ({headerBytes + valueCount} bytes), but the data holds {availableBytes} bytes.");
        if (valueCount > Array.MaxLength)
            throw new IdxFormatException($"{name}: {shape} is {valueCount} values, more than one array can hold.");

        var values = new byte[valueCount];
        ReadExactly(stream, values, name, $"{valueCount} values of {shape}");
        if (stream.ReadByte() != -1)
            throw new IdxFormatException($"{name}: data continues after the {valueCount} values of {shape}.");
        return new IdxFile(dimensions, values);
    }

    /// <summary>The uncompressed size a gzip member's trailer records (modulo 2^32), bounded by DEFLATE's largest ratio.</summary>
    private static long GzipUncompressedSize(Stream stream, long start, long length, string name)
    {
        // Header (10 bytes) + trailer (CRC32 and size, 8 bytes) at the least.
        if (length < 18)
            throw new IdxFormatException($"{name}: a gzip file of {length} bytes is too short to hold a header and a trailer.");
        Span<byte> trailerSize = stackalloc byte[4];
        stream.Position = start + length - 4;
        stream.ReadExactly(trailerSize);
        stream.Position = start;
        long size = BinaryPrimitives.ReadUInt32LittleEndian(trailerSize);
        if (size > length * MaxDeflateRatio)
            throw new IdxFormatException($"{name}: the gzip trailer claims {size} uncompressed bytes from {length} compressed ones, more than DEFLATE can expand to.");
        return size;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new IdxFormatException($"{name}: the data ends after {read} of the {buffer.Length} bytes of {what}.");
    }
}
