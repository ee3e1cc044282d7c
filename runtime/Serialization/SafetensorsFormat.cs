using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetGen;

/// <summary>
/// The safetensors format (Hugging Face's, which PyTorch users save weights in):
/// <code>
/// 8 bytes   N, the header's byte length (uint64, little-endian)
/// N bytes   the header: a UTF-8 JSON object, possibly padded with trailing spaces
///           {"__metadata__": {"key": "value", ...},                          (optional)
///            "0.weight": {"dtype": "F64", "shape": [4, 3], "data_offsets": [0, 96]}, ...}
/// the rest  the data buffer: each tensor's values, row-major, little-endian, at its
///           data_offsets [begin, end) counted from the buffer's start
/// </code>
/// The tensors' offsets must tile the buffer exactly: contiguous, not overlapping, covering every
/// byte. NetGen writes F64 (double networks) or F32 (float networks), keys as
/// <see cref="StateDictKeys"/> names them, and pads the header with spaces so the data starts on an
/// 8-byte boundary. It reads F64, F32, F16 and BF16, converting to the network's type.
/// </summary>
/// <remarks>
/// A header may list tensors in any order (the reference writer sorts them by dtype and name), so
/// layers are found by key: each <c>weight</c> with the <c>bias</c> of the same prefix, the layers
/// taken in <see cref="StateDictKeys.CompareLayerPrefixes"/> order, whose shapes must then be the network's.
/// </remarks>
internal static class SafetensorsFormat
{
    /// <summary>Largest header read, as in the reference implementation; a larger claim is rejected before anything is allocated for it.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The header key that holds string metadata instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    // Values move between the file and the scratch block in pieces of this size.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>The element types this reader converts, with their names in the header and their sizes.</summary>
    private enum DType
    {
        F64,
        F32,
        F16,
        BF16,
    }

    private static int SizeOf(DType dtype) => dtype switch
    {
        DType.F64 => 8,
        DType.F32 => 4,
        _ => 2,
    };

    /// <summary>Writes the network's parameters, and <paramref name="metadata"/> if it has any pairs, as safetensors.</summary>
    public static void Write<T>(INetwork<T> network, IReadOnlyDictionary<string, string>? metadata, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterPrecision.EnsureSavable(network);
        byte[] header = WriteHeader(network.Description, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);

        // The parameter block is already every tensor, in header order: per layer W (out x in) then b.
        int elementSize = ParameterPrecision.SizeOf(network.Description.Precision);
        int perChunk = ChunkBytes / elementSize;
        byte[] chunk = new byte[Math.Min(ChunkBytes, Math.Max(1, network.ParameterCount) * elementSize)];
        for (int start = 0; start < network.ParameterCount; start += perChunk)
        {
            int count = Math.Min(perChunk, network.ParameterCount - start);
            Span<byte> bytes = chunk.AsSpan(0, count * elementSize);
            BinaryModelFormat.Encode<T>(network.Parameters.Slice(start, count), bytes);
            stream.Write(bytes);
        }
    }

    private static byte[] WriteHeader(NetworkDescription description, IReadOnlyDictionary<string, string>? metadata)
    {
        string dtype = description.Precision == Precision.Double ? nameof(DType.F64) : nameof(DType.F32);
        int elementSize = ParameterPrecision.SizeOf(description.Precision);
        var json = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII metadata readable; the output is valid JSON either way.
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    if (pair.Key is null || pair.Value is null)
                        throw new InvalidOperationException($"Metadata '{pair.Key}' has a null key or value; safetensors metadata maps strings to strings.");
                    writer.WriteString(pair.Key, pair.Value);
                }
                writer.WriteEndObject();
            }
            long offset = 0;
            for (int layer = 0; layer < description.LayerCount; layer++)
            {
                int inputs = description.LayerSizes[layer];
                int outputs = description.LayerSizes[layer + 1];
                WriteTensor(writer, StateDictKeys.Weight(layer), dtype, [outputs, inputs], ref offset, (long)outputs * inputs * elementSize);
                WriteTensor(writer, StateDictKeys.Bias(layer), dtype, [outputs], ref offset, (long)outputs * elementSize);
            }
            writer.WriteEndObject();
        }
        // Spaces after the object are part of the header (the format allows them) and put the data
        // on an 8-byte boundary, so a reader can map the file and view F64 values in place.
        int padded = (json.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteTensor(Utf8JsonWriter writer, string key, string dtype, int[] shape, ref long offset, long bytes)
    {
        writer.WriteStartObject(key);
        writer.WriteString("dtype", dtype);
        writer.WriteStartArray("shape");
        foreach (int size in shape)
            writer.WriteNumberValue(size);
        writer.WriteEndArray();
        writer.WriteStartArray("data_offsets");
        writer.WriteNumberValue(offset);
        writer.WriteNumberValue(offset + bytes);
        writer.WriteEndArray();
        writer.WriteEndObject();
        offset += bytes;
    }

    /// <summary>One tensor's entry in the header.</summary>
    private sealed record Tensor(string Key, DType DType, long[] Shape, long Begin, long End)
    {
        public string ShapeText => $"[{string.Join(", ", Shape)}]";
    }

    /// <summary>
    /// Reads safetensors from <paramref name="stream"/> (seekable, from its current position to its
    /// end), checks them against <paramref name="network"/>, and only then copies the parameters in.
    /// </summary>
    /// <returns>The header's <c>__metadata__</c> pairs; empty when it has none.</returns>
    public static IReadOnlyDictionary<string, string> Read<T>(INetwork<T> network, Stream stream, string source)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterPrecision.Of<T>();
        NetworkDescription description = network.Description;
        long start = stream.Position;
        long total = stream.Length - start;
        if (total == 0)
            throw Fail(source, "it is empty (0 bytes).");

        Span<byte> signature = stackalloc byte[(int)Math.Min(ForeignFormat.SignatureLength, total)];
        stream.ReadExactly(signature);
        ForeignFormat.ThrowIfForeign(signature, ModelFileKind.Safetensors, source);
        if (total < 8)
            throw Fail(source, $"it is truncated: it has {total} bytes, fewer than the 8 of the header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(signature);
        // Checked against the file before anything is allocated for the header.
        if (headerLength > (ulong)(total - 8))
            throw Fail(source, $"the header claims {headerLength} bytes but the file holds only {total - 8} after the 8-byte length; it is truncated or not safetensors.");
        if (headerLength > MaxHeaderLength)
            throw Fail(source, $"the header claims {headerLength} bytes, more than the {MaxHeaderLength} a safetensors header may have.");
        if (headerLength < 2)
            throw Fail(source, $"the header claims {headerLength} bytes; the smallest header, {{}}, has 2.");

        byte[] header = new byte[headerLength];
        stream.Position = start + 8;
        stream.ReadExactly(header);
        long dataStart = start + 8 + (long)headerLength;
        long dataLength = total - 8 - (long)headerLength;

        if (header[0] != (byte)'{')
            throw Fail(source, $"the header should be a JSON object starting with '{{', but it starts with byte 0x{header[0]:X2}.");
        (List<Tensor> tensors, Dictionary<string, string> metadata) = ParseHeader(header, source);
        CheckOffsets(tensors, dataLength, source);
        Tensor[] layers = MatchLayers(tensors, description, source);

        var scratch = new T[description.ParameterCount];
        // No bigger than the data the file holds: a small file cannot make the loader allocate a full chunk.
        byte[] chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(8, dataLength))];
        for (int i = 0; i < layers.Length; i++)
        {
            Tensor tensor = layers[i];
            int layer = i / 2;
            int offset = i % 2 == 0 ? description.WeightOffset(layer) : description.BiasOffset(layer);
            int elementSize = SizeOf(tensor.DType);
            Span<T> destination = scratch.AsSpan(offset, (int)((tensor.End - tensor.Begin) / elementSize));
            stream.Position = dataStart + tensor.Begin;
            int perChunk = chunk.Length / elementSize;
            for (int done = 0; done < destination.Length; done += perChunk)
            {
                int count = Math.Min(perChunk, destination.Length - done);
                Span<byte> bytes = chunk.AsSpan(0, count * elementSize);
                stream.ReadExactly(bytes);
                Convert(bytes, tensor.DType, destination.Slice(done, count));
            }
            int bad = ParameterPrecision.IndexOfNonFinite<T>(destination);
            if (bad >= 0)
                throw Fail(source, $"'{tensor.Key}' element {bad} is {destination[bad]}, which is not a finite {typeof(T).Name}{(tensor.DType == DType.F64 && typeof(T) == typeof(float) ? " (an F64 value beyond float's range)" : "")}.");
        }

        scratch.CopyTo(network.Parameters);
        stream.Position = start + total;
        return metadata;
    }

    private static (List<Tensor> Tensors, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string source)
    {
        var tensors = new List<Tensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(header);
        try
        {
            reader.Read();
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                if (!keys.Add(key))
                    throw Fail(source, $"the header names '{key}' twice.");
                Next(ref reader);
                if (key == MetadataKey)
                    ReadMetadata(ref reader, metadata, source);
                else
                    tensors.Add(ReadTensor(ref reader, key, source));
            }
            // Utf8JsonReader itself rejects anything but whitespace after the object.
            while (reader.Read())
            {
            }
        }
        catch (JsonException exception)
        {
            throw Fail(source, $"the header is not valid JSON: {exception.Message}", exception);
        }
        catch (InvalidOperationException exception)
        {
            // GetString on a string that is not valid UTF-8.
            throw Fail(source, $"the header is not valid UTF-8 JSON: {exception.Message}", exception);
        }
        return (tensors, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Fail(source, $"'{MetadataKey}' should be an object of strings, found {Describe(reader.TokenType)}.");
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            if (Next(ref reader) != JsonTokenType.String)
                throw Fail(source, $"'{MetadataKey}' entry '{key}' should be a string, found {Describe(reader.TokenType)}; safetensors metadata maps strings to strings.");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw Fail(source, $"'{MetadataKey}' names '{key}' twice.");
        }
    }

    private static Tensor ReadTensor(ref Utf8JsonReader reader, string key, string source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Fail(source, $"'{key}' should be a tensor entry {{\"dtype\", \"shape\", \"data_offsets\"}}, found {Describe(reader.TokenType)}.");
        string? dtypeName = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            Next(ref reader);
            switch (field)
            {
                case "dtype":
                    if (dtypeName is not null)
                        throw Fail(source, $"'{key}' names its dtype twice.");
                    if (reader.TokenType != JsonTokenType.String)
                        throw Fail(source, $"'{key}'.dtype should be a string, found {Describe(reader.TokenType)}.");
                    dtypeName = reader.GetString()!;
                    break;
                case "shape":
                    if (shape is not null)
                        throw Fail(source, $"'{key}' names its shape twice.");
                    shape = ReadIntegers(ref reader, key, field, source);
                    break;
                case "data_offsets":
                    if (offsets is not null)
                        throw Fail(source, $"'{key}' names its data_offsets twice.");
                    offsets = ReadIntegers(ref reader, key, field, source);
                    break;
                default:
                    // Fields the format does not define are ignored, as the reference reader does.
                    reader.Skip();
                    break;
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
            throw Fail(source, $"'{key}' lacks {(dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets")}; every tensor needs dtype, shape and data_offsets.");
        if (!Enum.TryParse(dtypeName, ignoreCase: false, out DType dtype) || !Enum.IsDefined(dtype) || dtypeName != dtype.ToString())
            throw Fail(source, $"'{key}' has dtype \"{dtypeName}\"; NetGen reads F64, F32, F16 and BF16.");
        if (offsets.Count != 2)
            throw Fail(source, $"'{key}'.data_offsets should be [begin, end], found {offsets.Count} numbers.");
        if (offsets[1] < offsets[0])
            throw Fail(source, $"'{key}'.data_offsets [{offsets[0]}, {offsets[1]}] ends before it begins.");

        var tensor = new Tensor(key, dtype, shape.ToArray(), offsets[0], offsets[1]);
        long elements = 1;
        foreach (long size in tensor.Shape)
        {
            // Both factors are at most 2^53 here; a product past 2^53 is far beyond any file.
            if (size != 0 && elements > (1L << 53) / size)
                throw Fail(source, $"'{key}' has shape {tensor.ShapeText}, more elements than any file holds.");
            elements *= size;
        }
        if (tensor.End - tensor.Begin != elements * SizeOf(dtype))
            throw Fail(source, $"'{key}' has shape {tensor.ShapeText} of {dtypeName}, {elements * SizeOf(dtype)} bytes, but its data_offsets [{tensor.Begin}, {tensor.End}] span {tensor.End - tensor.Begin}.");
        return tensor;
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string key, string field, string source)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Fail(source, $"'{key}'.{field} should be a list of integers, found {Describe(reader.TokenType)}.");
        var values = new List<long>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            // Bounded by 2^53 so that products and sums of a few of them cannot overflow a long.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0 || value > (1L << 53))
                throw Fail(source, $"'{key}'.{field}[{values.Count}] should be an integer from 0 to 2^53, found {(reader.TokenType == JsonTokenType.Number ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : Describe(reader.TokenType))}.");
            if (values.Count == 64)
                throw Fail(source, $"'{key}'.{field} has more than 64 entries.");
            values.Add(value);
        }
        return values;
    }

    /// <summary>Checks that the tensors tile the data buffer: in range, contiguous, not overlapping, covering it all.</summary>
    private static void CheckOffsets(List<Tensor> tensors, long dataLength, string source)
    {
        var byBegin = tensors.ToArray();
        Array.Sort(byBegin, (left, right) => left.Begin != right.Begin ? left.Begin.CompareTo(right.Begin) : left.End.CompareTo(right.End));
        long expected = 0;
        Tensor? previous = null;
        foreach (Tensor tensor in byBegin)
        {
            if (tensor.End > dataLength)
                throw Fail(source, $"'{tensor.Key}'.data_offsets [{tensor.Begin}, {tensor.End}] reach past the data buffer, which holds {dataLength} bytes; the file is truncated or its header is wrong.");
            if (tensor.Begin < expected)
                throw Fail(source, $"'{tensor.Key}'.data_offsets [{tensor.Begin}, {tensor.End}] overlap '{previous!.Key}' [{previous.Begin}, {previous.End}].");
            if (tensor.Begin > expected)
                throw Fail(source, $"the data buffer has a gap: bytes [{expected}, {tensor.Begin}) belong to no tensor (before '{tensor.Key}'); tensors must be contiguous.");
            expected = tensor.End;
            previous = tensor;
        }
        if (expected != dataLength)
            throw Fail(source, $"the data buffer holds {dataLength} bytes but the tensors cover only the first {expected}.");
    }

    /// <summary>Pairs each layer's weight with its bias and checks both against the network; returns them as weight, bias, weight, bias, ...</summary>
    private static Tensor[] MatchLayers(List<Tensor> tensors, NetworkDescription description, string source)
    {
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var biases = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (Tensor tensor in tensors)
        {
            if (!StateDictKeys.TrySplit(tensor.Key, out string prefix, out bool isBias))
                throw Fail(source, $"'{tensor.Key}' is not the weight or bias of a Linear layer; only an nn.Sequential of Linear layers with biases loads (the network {string.Join("-", description.LayerSizes)} needs {2 * description.LayerCount} tensors).");
            (isBias ? biases : weights)[prefix] = tensor;
        }
        foreach (string prefix in weights.Keys)
            if (!biases.ContainsKey(prefix))
                throw Fail(source, $"'{prefix}weight' has no '{prefix}bias'; only Linear layers with biases are supported.");
        foreach (string prefix in biases.Keys)
            if (!weights.ContainsKey(prefix))
                throw Fail(source, $"'{prefix}bias' has no '{prefix}weight'.");

        var prefixes = new List<string>(weights.Keys);
        prefixes.Sort(StateDictKeys.CompareLayerPrefixes);
        if (prefixes.Count != description.LayerCount)
            throw Fail(source, $"it holds {prefixes.Count} Linear layers ({string.Join(", ", prefixes.ConvertAll(p => $"'{p}weight'"))}) but the network {string.Join("-", description.LayerSizes)} has {description.LayerCount}.");

        var layers = new Tensor[2 * description.LayerCount];
        for (int layer = 0; layer < description.LayerCount; layer++)
        {
            int inputs = description.LayerSizes[layer];
            int outputs = description.LayerSizes[layer + 1];
            string shape = $"layer {layer + 1} of {description.LayerCount} ({inputs} -> {outputs})";
            Tensor weight = weights[prefixes[layer]];
            Tensor bias = biases[prefixes[layer]];
            if (weight.Shape is not [long rows, long columns] || rows != outputs || columns != inputs)
                throw Fail(source, $"'{weight.Key}' has shape {weight.ShapeText} but {shape} needs [{outputs}, {inputs}] (out x in){(weight.Shape is [long r, long c] && r == inputs && c == outputs ? "; it looks transposed" : "")}. Layers are taken in the order of their key prefixes: {string.Join(", ", prefixes.ConvertAll(p => $"'{p}'"))}.");
            if (bias.Shape is not [long length] || length != outputs)
                throw Fail(source, $"'{bias.Key}' has shape {bias.ShapeText} but {shape} needs [{outputs}].");
            layers[2 * layer] = weight;
            layers[2 * layer + 1] = bias;
        }
        return layers;
    }

    private static void Convert<T>(ReadOnlySpan<byte> source, DType dtype, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        switch (dtype)
        {
            case DType.F64:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]));
                break;
            case DType.F32:
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]));
                break;
            case DType.F16:
                // Every half is exactly a float, so the conversion adds no rounding.
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = T.CreateTruncating((float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]));
                break;
            default:
                // bfloat16 is the upper half of a float32.
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = T.CreateTruncating(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16));
                break;
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        // The header is one complete buffer, so running out of tokens means it was cut short.
        if (!reader.Read())
            throw new JsonException("the header ends before its closing '}'.");
        return reader.TokenType;
    }

    // The messages read like the state_dict reader's: one wording for both JSON formats.
    private static string Describe(JsonTokenType token) => StateDictFormat.Describe(token);

    private static ModelFormatException Fail(string source, string detail, Exception? inner = null) =>
        StateDictFormat.Fail(source, detail, inner);
}
