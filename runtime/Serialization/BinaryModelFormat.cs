using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;

namespace NetGen;

/// <summary>
/// The compact binary model format. Every multi-byte field is little-endian.
/// <code>
/// offset        size     field
/// 0             4        magic "NGEN" (4E 47 45 4E)
/// 4             2        format version (uint16): 2 is written, 1 and 2 are read
/// 6             1        precision (0 = Double, 1 = Single)
/// 7             1        loss (LossFunction value)
/// 8             4        L, the number of layer sizes (int32, 2..4096)
/// 12            4 L      layer sizes, input first (int32 each)
/// 12 + 4L       L - 1    activations, one per weight layer (Activation value, one byte each)
/// 11 + 5L       4        P, the parameter count (int32)
/// 15 + 5L       4        header CRC-32 over bytes [0, 15 + 5L)
/// 19 + 5L       P s      parameters, s = 8 (Double) or 4 (Single), IEEE 754, in the order of
///                        INetwork.Parameters: per layer W (out x in, row-major) then b
/// 19 + 5L + Ps  4 + I    version 2 only: the model information (scaler, class names, metadata),
///                        a 4-byte length I and I bytes of records; see ModelInfoFormat
/// then          4        file CRC-32 over every byte before it
/// </code>
/// Version 1 files (NetGen before model information existed) are the same without that section.
/// The header has its own checksum so that a damaged header is reported as damage, not as a
/// network of a different shape, and so that a corrupt layer count cannot make the reader
/// allocate or wait for gigabytes before the damage is noticed.
/// </summary>
internal static class BinaryModelFormat
{
    /// <summary>The first four bytes of every model file.</summary>
    public static ReadOnlySpan<byte> Magic => "NGEN"u8;

    /// <summary>The version this code writes, and the newest it reads.</summary>
    public const ushort Version = 2;

    /// <summary>The oldest version this code reads: parameters only, no model information.</summary>
    public const ushort OldestReadableVersion = 1;

    /// <summary>Most layer sizes a header may claim; far above any network the generator accepts, small enough to read before the header checksum is known.</summary>
    public const int MaxLayerSizeCount = 4096;

    /// <summary>Bytes before the layer sizes: magic, version, precision, loss, size count.</summary>
    public const int FixedHeaderLength = 12;

    // Parameters move between the stream and the scratch buffer in pieces of this size, so a large
    // model needs no second full-size byte copy.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Length of the header without its checksum, for a network with <paramref name="layerSizeCount"/> layer sizes.</summary>
    public static int HeaderLength(int layerSizeCount) => FixedHeaderLength + 4 * layerSizeCount + (layerSizeCount - 1) + 4;

    /// <summary>Total file length of a version-2 model whose model-information records take <paramref name="infoRecordBytes"/> bytes.</summary>
    public static long FileLength(int layerSizeCount, int parameterCount, Precision precision, int infoRecordBytes = 0) =>
        HeaderLength(layerSizeCount) + 4L + (long)parameterCount * ParameterPrecision.SizeOf(precision) + 4L + infoRecordBytes + 4L;

    /// <summary>Writes <paramref name="network"/> and <paramref name="info"/> (null for none) to <paramref name="stream"/>.</summary>
    public static void Write<T>(INetwork<T> network, ModelInfo<T>? info, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterPrecision.EnsureSavable(network);
        NetworkDescription description = network.Description;
        info?.EnsureSavable(description);
        // Encoded before the first byte is written, so a string that cannot be saved fails the save
        // without leaving half a model in the stream.
        byte[] infoSection = ModelInfoFormat.Encode(info);
        int sizeCount = description.LayerSizes.Count;
        int headerLength = HeaderLength(sizeCount);

        byte[] header = new byte[headerLength + 4];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), Version);
        header[6] = (byte)description.Precision;
        header[7] = (byte)description.Loss;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), sizeCount);
        int offset = FixedHeaderLength;
        foreach (int size in description.LayerSizes)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(offset), size);
            offset += 4;
        }
        foreach (Activation activation in description.Activations)
            header[offset++] = (byte)activation;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(offset), description.ParameterCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(headerLength), Crc32.Compute(header.AsSpan(0, headerLength)));

        Crc32 fileCrc = Crc32.Create();
        fileCrc.Append(header);
        stream.Write(header);

        int elementSize = ParameterPrecision.SizeOf(description.Precision);
        byte[] chunk = new byte[Math.Max(elementSize, Math.Min(ChunkBytes, description.ParameterCount * elementSize))];
        int perChunk = chunk.Length / elementSize;
        for (int start = 0; start < description.ParameterCount; start += perChunk)
        {
            int count = Math.Min(perChunk, description.ParameterCount - start);
            Span<byte> bytes = chunk.AsSpan(0, count * elementSize);
            Encode<T>(network.Parameters.Slice(start, count), bytes);
            fileCrc.Append(bytes);
            stream.Write(bytes);
        }
        fileCrc.Append(infoSection);
        stream.Write(infoSection);

        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, fileCrc.Value);
        stream.Write(trailer);
    }

    /// <summary>
    /// Reads a model from <paramref name="stream"/>, checks it against <paramref name="network"/>, and
    /// only then copies the parameters in. On any error the network is untouched.
    /// </summary>
    /// <param name="network">The network to fill.</param>
    /// <param name="stream">Positioned at the model's first byte; left just after its last byte.</param>
    /// <param name="source">How messages name what is read, e.g. <c>'model.bin'</c>.</param>
    /// <param name="requireEnd">True when the model must be the whole stream (a file), false when more may follow.</param>
    /// <returns>The model information the file carries; empty for a version-1 file.</returns>
    public static ModelInfo<T> Read<T>(INetwork<T> network, Stream stream, string source, bool requireEnd)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Precision precision = ParameterPrecision.Of<T>();
        NetworkDescription expected = network.Description;
        var reader = new ChecksummedReader(stream, source);

        Span<byte> fixedHeader = stackalloc byte[FixedHeaderLength];
        reader.Read(fixedHeader[..4], "magic number");
        if (!fixedHeader[..4].SequenceEqual(Magic))
        {
            // A few more bytes, if there are any, tell a safetensors file from other data.
            Span<byte> signature = stackalloc byte[ForeignFormat.SignatureLength];
            fixedHeader[..4].CopyTo(signature);
            int more = stream.ReadAtLeast(signature[4..], signature.Length - 4, throwOnEndOfStream: false);
            string hint = ForeignFormat.Hint(signature[..(4 + more)], ModelFileKind.Binary);
            throw reader.Fail($"this is not a NetGen model: expected the magic bytes {Hex(Magic)} (\"NGEN\"), found {Hex(fixedHeader[..4])}.{hint}");
        }

        reader.Read(fixedHeader[4..6], "format version");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(fixedHeader[4..]);
        if (version < OldestReadableVersion || version > Version)
        {
            string why = version > Version ? " (written by a newer NetGen?)" : "";
            throw reader.Fail($"format version {version} is not supported{why}; expected version {OldestReadableVersion} to {Version}.");
        }

        reader.Read(fixedHeader[6..], "header");
        byte precisionByte = fixedHeader[6];
        byte lossByte = fixedHeader[7];
        int sizeCount = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[8..]);
        // Checked before the header checksum can be, because it says where that checksum is.
        if (sizeCount < 2 || sizeCount > MaxLayerSizeCount)
            throw reader.Fail($"the header is corrupt: it claims {sizeCount} layer sizes, expected between 2 and {MaxLayerSizeCount}.");

        reader.EnsureAvailable(HeaderLength(sizeCount) - FixedHeaderLength + 4L, "header");
        byte[] variableHeader = new byte[HeaderLength(sizeCount) - FixedHeaderLength];
        reader.Read(variableHeader, "header");
        uint computedHeaderCrc = reader.Checksum;
        Span<byte> checksum = stackalloc byte[4];
        reader.Read(checksum, "header checksum");
        uint storedHeaderCrc = BinaryPrimitives.ReadUInt32LittleEndian(checksum);
        if (storedHeaderCrc != computedHeaderCrc)
            throw reader.Fail($"the header is corrupt: its stored checksum is 0x{storedHeaderCrc:X8} but its bytes give 0x{computedHeaderCrc:X8}.");

        var sizes = new int[sizeCount];
        for (int i = 0; i < sizeCount; i++)
            sizes[i] = BinaryPrimitives.ReadInt32LittleEndian(variableHeader.AsSpan(4 * i));
        var activations = new Activation[sizeCount - 1];
        for (int i = 0; i < activations.Length; i++)
            activations[i] = (Activation)variableHeader[4 * sizeCount + i];
        int parameterCount = BinaryPrimitives.ReadInt32LittleEndian(variableHeader.AsSpan(4 * sizeCount + activations.Length));

        // The header is intact; from here on a value we do not know means a file from a newer NetGen
        // or a writer bug, and a difference from the network means the user picked the wrong file.
        if (!Enum.IsDefined((Precision)precisionByte))
            throw reader.Fail($"the header names precision {precisionByte}, which this NetGen does not know (0 = Double, 1 = Single).");
        if (!Enum.IsDefined((LossFunction)lossByte))
            throw reader.Fail($"the header names loss {lossByte}, which this NetGen does not know.");
        for (int i = 0; i < activations.Length; i++)
            if (!Enum.IsDefined(activations[i]))
                throw reader.Fail($"the header names activation {(byte)activations[i]} for layer {i + 1}, which this NetGen does not know.");
        for (int i = 0; i < sizes.Length; i++)
            if (sizes[i] < 1)
                throw reader.Fail($"the header is inconsistent: layer size {i} is {sizes[i]}, expected 1 or more.");
        long impliedCount = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
            impliedCount += (long)sizes[i] * sizes[i + 1] + sizes[i + 1];
        if (impliedCount != parameterCount)
            throw reader.Fail($"the header is inconsistent: layer sizes {string.Join("-", sizes)} need {impliedCount} parameters but it records {parameterCount}.");

        var fileFormat = (Precision)precisionByte;
        if (fileFormat != precision)
            throw reader.Fail($"precision differs: the file holds {fileFormat} parameters but the network computes in {precision}. Load it into a network declared with Precision = Precision.{fileFormat}.");
        if (!SameSequence(expected.LayerSizes, sizes))
            throw reader.Fail($"layer sizes differ: the network is {string.Join("-", expected.LayerSizes)} but the file holds {string.Join("-", sizes)}.");
        if (!SameSequenceOfActivations(expected.Activations, activations))
            throw reader.Fail($"activations differ: the network has {string.Join("/", expected.Activations)} but the file holds {string.Join("/", activations)}.");
        if (expected.Loss != (LossFunction)lossByte)
            throw reader.Fail($"loss differs: the network uses {expected.Loss} but the file holds {(LossFunction)lossByte}.");
        if (network.Parameters.Length != parameterCount)
            throw new InvalidOperationException($"The network describes {parameterCount} parameters but its Parameters span holds {network.Parameters.Length}.");
        int elementSize = ParameterPrecision.SizeOf(precision);
        reader.EnsureAvailable((long)parameterCount * elementSize, "parameters");

        // Scratch first: the network's own block is written only once everything has checked out.
        var scratch = new T[parameterCount];
        byte[] chunk = new byte[Math.Max(elementSize, Math.Min(ChunkBytes, parameterCount * elementSize))];
        int perChunk = chunk.Length / elementSize;
        for (int start = 0; start < parameterCount; start += perChunk)
        {
            int count = Math.Min(perChunk, parameterCount - start);
            Span<byte> bytes = chunk.AsSpan(0, count * elementSize);
            reader.Read(bytes, "parameters");
            Decode(bytes, scratch.AsSpan(start, count));
        }

        byte[] infoRecords = [];
        if (version >= 2)
        {
            reader.Read(checksum, "model information length");
            int infoLength = BinaryPrimitives.ReadInt32LittleEndian(checksum);
            infoRecords = reader.ReadBlock(infoLength, "model information");
        }

        uint computedFileCrc = reader.Checksum;
        reader.Read(checksum, "file checksum");
        uint storedFileCrc = BinaryPrimitives.ReadUInt32LittleEndian(checksum);
        if (storedFileCrc != computedFileCrc)
            throw reader.Fail($"the parameters are corrupt: the stored checksum is 0x{storedFileCrc:X8} but the bytes give 0x{computedFileCrc:X8}.");

        int bad = ParameterPrecision.IndexOfNonFinite<T>(scratch);
        if (bad >= 0)
            throw reader.Fail($"parameter {bad} ({ParameterPrecision.Describe(expected, bad)}) is {scratch[bad]}; expected a finite number.");
        ModelInfo<T> info = ModelInfoFormat.Decode<T>(infoRecords, expected, reader.Fail);

        if (requireEnd && stream.ReadByte() >= 0)
        {
            long length = stream.CanSeek ? stream.Length : -1;
            string actual = length >= 0 ? $"{length} bytes" : "more bytes";
            throw reader.Fail($"the file goes on after the model: expected {reader.Position} bytes, found {actual}.");
        }

        scratch.CopyTo(network.Parameters);
        return info;
    }

    /// <summary>Writes <paramref name="values"/> little-endian, 8 bytes each for double and 4 for float.</summary>
    internal static void Encode<T>(ReadOnlySpan<T> values, Span<byte> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(destination[(8 * i)..], double.CreateTruncating(values[i]));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], float.CreateTruncating(values[i]));
        }
    }

    /// <summary>Reads values written by <see cref="Encode{T}"/>.</summary>
    internal static void Decode<T>(ReadOnlySpan<byte> source, Span<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]));
        }
    }

    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        var pairs = new string[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
            pairs[i] = bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(" ", pairs);
    }

    private static bool SameSequenceOfActivations(System.Collections.Generic.IReadOnlyList<Activation> expected, Activation[] actual)
    {
        if (expected.Count != actual.Length)
            return false;
        for (int i = 0; i < actual.Length; i++)
            if (expected[i] != actual[i])
                return false;
        return true;
    }

    private static bool SameSequence<TItem>(System.Collections.Generic.IReadOnlyList<TItem> expected, TItem[] actual)
        where TItem : IEquatable<TItem>
    {
        if (expected.Count != actual.Length)
            return false;
        for (int i = 0; i < actual.Length; i++)
            if (!expected[i].Equals(actual[i]))
                return false;
        return true;
    }

    /// <summary>Reads exact byte counts, keeps a running CRC and position, and turns a short read into a message saying where the data ended.</summary>
    private sealed class ChecksummedReader(Stream stream, string source)
    {
        private Crc32 _crc = Crc32.Create();

        /// <summary>Bytes read so far.</summary>
        public long Position { get; private set; }

        /// <summary>The CRC of every byte read so far.</summary>
        public uint Checksum => _crc.Value;

        /// <summary>Bytes left in the stream, or null when it cannot tell (not seekable).</summary>
        public long? Remaining => stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

        /// <summary>
        /// Throws the message <see cref="Read"/> would give at the end of the data when fewer than
        /// <paramref name="count"/> bytes remain, before anything is allocated for them; a stream that
        /// cannot tell its length is left to <see cref="Read"/>.
        /// </summary>
        public void EnsureAvailable(long count, string what)
        {
            if (Remaining is long remaining && remaining < count)
                throw Fail($"it is truncated: it ends after {Position + remaining} bytes, inside the {what} (bytes {Position} to {Position + count - 1}).");
        }

        /// <summary>
        /// Reads a block whose length the file itself claims. The claim is checked against what the
        /// stream holds before the block is allocated; a stream that cannot tell its length is read
        /// in pieces, so memory grows only with bytes that really arrive.
        /// </summary>
        public byte[] ReadBlock(int length, string what)
        {
            if (length < 0)
                throw Fail($"the {what} is corrupt: it claims {length} bytes.");
            if (Remaining is long remaining && length > remaining)
                throw Fail($"the {what} claims {length} bytes but only {remaining} follow; the file is truncated or corrupt.");
            if (Remaining is not null)
            {
                var block = new byte[length];
                Read(block, what);
                return block;
            }
            using var pieces = new MemoryStream();
            byte[] piece = new byte[Math.Min(length, ChunkBytes)];
            for (int done = 0; done < length; done += piece.Length)
            {
                Span<byte> part = piece.AsSpan(0, Math.Min(piece.Length, length - done));
                Read(part, what);
                pieces.Write(part);
            }
            return pieces.ToArray();
        }

        public void Read(Span<byte> buffer, string what)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer[total..]);
                if (read == 0)
                {
                    long end = Position + total;
                    throw end == 0
                        ? Fail("it is empty (0 bytes).")
                        : Fail($"it is truncated: it ends after {end} bytes, inside the {what} (bytes {Position} to {Position + buffer.Length - 1}).");
                }
                total += read;
            }
            _crc.Append(buffer);
            Position += buffer.Length;
        }

        public ModelFormatException Fail(string detail) => new($"Cannot load {source}: {detail}");
    }
}
