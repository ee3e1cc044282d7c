using System;
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
