using System;
using System.Linq;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using System.Text;
using System.Text.Json;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>NetGen's binary model format, read through <see cref="NetworkSerialization.Load{T}(INetwork{T}, Stream)"/>.</summary>
internal class BinaryModelTarget<T> : ModelFuzzTarget<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public override string Name => $"binary<{typeof(T).Name}>";

    public override bool IsText => false;

    protected override byte[] Write(FakeNetwork<T> source, Random random)
    {
        using var stream = new MemoryStream();
        source.Save(stream);
        return stream.ToArray();
    }

    protected override void LoadInto(INetwork<T> network, byte[] input)
    {
        // The stream overload: the same reader as a file, except that bytes after the model are left unread.
        using var stream = new MemoryStream(input, writable: false);
        network.Load(stream);
    }

    protected override string? ReadReference(NetworkDescription description, byte[] input, T[] parameters)
    {
        // The layout in BinaryModelFormat's documentation, read byte by byte with a CRC of the test's own.
        int sizeCount = description.LayerSizes.Count;
        int headerLength = 12 + 5 * sizeCount - 1 + 4;
        int elementSize = typeof(T) == typeof(double) ? 8 : 4;
        long parametersEnd = headerLength + 4L + (long)description.ParameterCount * elementSize;
        if (input.Length < 6)
            return "magic or version";
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(input.AsSpan(4));
        if (!input.AsSpan(0, 4).SequenceEqual("NGEN"u8) || version is not (1 or 2))
            return "magic or version";
        // Version 2 adds the model information after the parameters: a length and that many bytes of
        // records (ModelInfoFormat), opaque to this reading except for its bounds and the file checksum.
        long infoLength = 0;
        if (version == 2)
        {
            if (input.Length < parametersEnd + 4)
                return $"length {input.Length}, expected at least {parametersEnd + 4}";
            int claimed = BinaryPrimitives.ReadInt32LittleEndian(input.AsSpan((int)parametersEnd));
            if (claimed < 0)
                return "model information length";
            infoLength = 4L + claimed;
        }
        long length = parametersEnd + infoLength + 4;
        if (input.Length < length)
            return $"length {input.Length}, expected at least {length}";
        ReadOnlySpan<byte> bytes = input.AsSpan(0, (int)length); // what follows the model is not the model's

        if (bytes[6] != (byte)PrecisionOfT || bytes[7] != (byte)description.Loss || BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]) != sizeCount)
            return "precision, loss or size count";
        for (int i = 0; i < sizeCount; i++)
            if (BinaryPrimitives.ReadInt32LittleEndian(bytes[(12 + 4 * i)..]) != description.LayerSizes[i])
                return $"layer size {i}";
        for (int i = 0; i + 1 < sizeCount; i++)
            if (bytes[12 + 4 * sizeCount + i] != (byte)description.Activations[i])
                return $"activation {i}";
        if (BinaryPrimitives.ReadInt32LittleEndian(bytes[(headerLength - 4)..]) != description.ParameterCount)
            return "parameter count";
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[headerLength..]) != ReferenceCrc32(bytes[..headerLength]))
            return "header checksum";
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != ReferenceCrc32(bytes[..^4]))
            return "file checksum";
        ReadOnlySpan<byte> values = bytes[(headerLength + 4)..(int)parametersEnd];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = elementSize == 8
                ? T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(values[(8 * i)..]))
                : T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(values[(4 * i)..]));
            if (!T.IsFinite(parameters[i]))
                return $"parameter {i} is not finite";
        }
        return null;
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected, as zlib), bit by bit: slow and obviously right.</summary>
    private static uint ReferenceCrc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}

/// <summary>PyTorch state_dict JSON, read through <see cref="NetworkSerialization.LoadStateDict{T}(INetwork{T}, Stream)"/>.</summary>
internal class StateDictTarget<T> : ModelFuzzTarget<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public override string Name => $"state_dict<{typeof(T).Name}>";

    public override bool IsText => true;

    protected override byte[] Write(FakeNetwork<T> source, Random random)
    {
        string json = source.ToStateDictJson();
        // The shapes a hand or another tool writes: other prefixes, spaces, a byte order mark.
        if (random.Next(3) == 0)
            json = json.Replace("\"0.", "\"net.fc1.", StringComparison.Ordinal).Replace(",", ", ", StringComparison.Ordinal);
        if (random.Next(6) == 0)
            json = "\uFEFF" + json;
        return Encoding.UTF8.GetBytes(json);
    }

    protected override void LoadInto(INetwork<T> network, byte[] input) => network.LoadStateDict(new MemoryStream(input, writable: false));

    protected override string? ReadReference(NetworkDescription description, byte[] input, T[] parameters)
    {
        // System.Text.Json's document model: another parser over the same grammar.
        ReadOnlyMemory<byte> json = input;
        if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            json = json[3..];
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return "not an object";
            var properties = new System.Collections.Generic.List<JsonProperty>(document.RootElement.EnumerateObject());
            if (properties.Count != 2 * description.LayerCount)
                return $"{properties.Count} tensors";
            var names = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            int next = 0;
            for (int layer = 0; layer < description.LayerCount; layer++)
            {
                JsonProperty weight = properties[2 * layer], bias = properties[2 * layer + 1];
                if (!names.Add(weight.Name) || !names.Add(bias.Name))
                    return "a duplicate key";
                if (!(weight.Name == "weight" || weight.Name.EndsWith(".weight", StringComparison.Ordinal)))
                    return $"key '{weight.Name}'";
                if (bias.Name != weight.Name[..^"weight".Length] + "bias")
                    return $"key '{bias.Name}'";
                int inputs = description.LayerSizes[layer], outputs = description.LayerSizes[layer + 1];
                if (weight.Value.ValueKind != JsonValueKind.Array || weight.Value.GetArrayLength() != outputs)
                    return $"'{weight.Name}' rows";
                foreach (JsonElement row in weight.Value.EnumerateArray())
                {
                    if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != inputs)
                        return $"'{weight.Name}' row shape";
                    foreach (JsonElement value in row.EnumerateArray())
                        if (!TryNumber(value, out parameters[next++]))
                            return $"'{weight.Name}' value {value}";
                }
                if (bias.Value.ValueKind != JsonValueKind.Array || bias.Value.GetArrayLength() != outputs)
                    return $"'{bias.Name}' shape";
                foreach (JsonElement value in bias.Value.EnumerateArray())
                    if (!TryNumber(value, out parameters[next++]))
                        return $"'{bias.Name}' value {value}";
            }
            return null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return exception.Message;
        }
    }

    private static bool TryNumber(JsonElement element, out T value)
    {
        value = T.Zero;
        if (element.ValueKind != JsonValueKind.Number)
            return false;
        if (typeof(T) == typeof(float))
        {
            bool ok = element.TryGetSingle(out float single);
            value = T.CreateTruncating(single);
            return ok && float.IsFinite(single);
        }
        bool parsed = element.TryGetDouble(out double number);
        value = T.CreateTruncating(number);
        return parsed && double.IsFinite(number);
    }
}

/// <summary>safetensors, read through <see cref="NetworkSerialization.LoadSafetensors{T}(INetwork{T}, Stream)"/>.</summary>
/// <remarks>
/// The reference reading is independent of the loader (JsonDocument for the header, its own bounds and
/// dtype conversions) except for one rule of the format as NetGen documents it: layers are taken in
/// the order of their key prefixes (<see cref="StateDictKeys.CompareLayerPrefixes"/>). It is more
/// lenient than the loader where the loader's extra checks (contiguous data, no duplicate key) only
/// ever reject, since a reference reading is consulted only for inputs the loader accepted.
/// </remarks>
internal class SafetensorsTarget<T> : ModelFuzzTarget<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public override string Name => $"safetensors<{typeof(T).Name}>";

    public override bool IsText => false;

    protected override byte[] Write(FakeNetwork<T> source, Random random)
    {
        using var stream = new MemoryStream();
        source.SaveSafetensors(stream, random.Next(3) == 0 ? new System.Collections.Generic.Dictionary<string, string> { ["format"] = "pt" } : null);
        return stream.ToArray();
    }

    protected override void LoadInto(INetwork<T> network, byte[] input) => network.LoadSafetensors(new MemoryStream(input, writable: false));

    protected override string? ReadReference(NetworkDescription description, byte[] input, T[] parameters)
    {
        if (input.Length < 8)
            return "shorter than the header length";
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(input);
        if (headerLength > (ulong)(input.Length - 8))
            return "header longer than the file";
        long dataStart = 8 + (long)headerLength, dataLength = input.Length - dataStart;
        var weights = new System.Collections.Generic.Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var biases = new System.Collections.Generic.Dictionary<string, JsonElement>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(input.AsMemory(8, (int)headerLength));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return "header not an object";
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                    continue;
                string key = property.Name;
                if (key == "weight" || key.EndsWith(".weight", StringComparison.Ordinal))
                    weights[key[..^"weight".Length]] = property.Value.Clone();
                else if (key == "bias" || key.EndsWith(".bias", StringComparison.Ordinal))
                    biases[key[..^"bias".Length]] = property.Value.Clone();
                else
                    return $"key '{key}'";
            }
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            return exception.Message;
        }
        if (weights.Count != description.LayerCount || biases.Count != description.LayerCount)
            return $"{weights.Count} weights and {biases.Count} biases";
        var prefixes = new System.Collections.Generic.List<string>(weights.Keys);
        prefixes.Sort(StateDictKeys.CompareLayerPrefixes);
        int next = 0;
        for (int layer = 0; layer < description.LayerCount; layer++)
        {
            if (!biases.TryGetValue(prefixes[layer], out JsonElement bias))
                return $"no bias for '{prefixes[layer]}'";
            int inputs = description.LayerSizes[layer], outputs = description.LayerSizes[layer + 1];
            string? problem = ReadTensor(weights[prefixes[layer]], [outputs, inputs], input.AsSpan((int)dataStart), dataLength, parameters, ref next)
                ?? ReadTensor(bias, [outputs], input.AsSpan((int)dataStart), dataLength, parameters, ref next);
            if (problem is not null)
                return $"layer {layer}: {problem}";
        }
        return null;
    }

    private static string? ReadTensor(JsonElement entry, long[] shape, ReadOnlySpan<byte> data, long dataLength, T[] parameters, ref int next)
    {
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            return "entry";
        long[] actualShape = shapeElement.EnumerateArray().Select(value => value.TryGetInt64(out long n) ? n : -1).ToArray();
        if (!actualShape.SequenceEqual(shape))
            return "shape";
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
            return "offsets";
        int size = dtype.GetString() switch { "F64" => 8, "F32" => 4, "F16" => 2, "BF16" => 2, _ => 0 };
        long count = shape.Aggregate(1L, (product, n) => product * n);
        if (size == 0 || end - begin != count * size)
            return "dtype or byte count";
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> bytes = data.Slice((int)begin + i * size, size);
            T value = dtype.GetString() switch
            {
                "F64" => T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(bytes)),
                "F32" => T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(bytes)),
                "F16" => T.CreateTruncating((float)BinaryPrimitives.ReadHalfLittleEndian(bytes)),
                _ => T.CreateTruncating(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16)),
            };
            if (!T.IsFinite(value))
                return "a value that is not finite";
            parameters[next++] = value;
        }
        return null;
    }
}
