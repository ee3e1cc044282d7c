using System;
using System.IO;
using System.Numerics;
using System.Text.Json;

namespace NetGen;

/// <summary>
/// JSON in the layout of a PyTorch <c>nn.Sequential</c> state_dict:
/// <c>{"0.weight": [[...], ...], "0.bias": [...], "2.weight": ..., "2.bias": ...}</c>, one
/// <c>Linear</c> module at every even index with the activations between them, each weight
/// <c>out x in</c> as <c>nn.Linear</c> stores it.
/// </summary>
/// <remarks>
/// Written and read with <see cref="Utf8JsonWriter"/> and <see cref="Utf8JsonReader"/>: no reflection,
/// so the runtime stays trimming- and AOT-safe. Reading accepts any key prefix (a user's model may
/// number or name its modules differently) as long as each layer's <c>weight</c> is followed by the
/// <c>bias</c> with the same prefix, layer by layer, with the network's shapes. A key that appears
/// twice is rejected: Python's <c>json.load</c> keeps the last of them, and reading by position would
/// silently take the first.
/// </remarks>
internal static class StateDictFormat
{
    /// <summary>Writes the network's parameters as a state_dict.</summary>
    public static void Write<T>(INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterPrecision.EnsureSavable(network);
        NetworkDescription description = network.Description;
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        writer.WriteStartObject();
        for (int layer = 0; layer < description.LayerCount; layer++)
        {
            int inputs = description.LayerSizes[layer];
            int outputs = description.LayerSizes[layer + 1];
            // nn.Sequential numbers its modules; the activation after each Linear takes the odd index.
            int module = 2 * layer;

            ReadOnlySpan<T> weights = network.Parameters.Slice(description.WeightOffset(layer), inputs * outputs);
            writer.WritePropertyName($"{module}.weight");
            writer.WriteStartArray();
            for (int row = 0; row < outputs; row++)
            {
                writer.WriteStartArray();
                foreach (T value in weights.Slice(row * inputs, inputs))
                    WriteNumber(writer, value);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();

            writer.WritePropertyName($"{module}.bias");
            writer.WriteStartArray();
            foreach (T value in network.Parameters.Slice(description.BiasOffset(layer), outputs))
                WriteNumber(writer, value);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>
    /// Reads a state_dict from <paramref name="json"/> (UTF-8, an optional byte order mark), checks it
    /// against <paramref name="network"/>, and only then copies the parameters in.
    /// </summary>
    public static void Read<T>(INetwork<T> network, ReadOnlySpan<byte> json, string source)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ParameterPrecision.Of<T>();
        NetworkDescription description = network.Description;
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            json = json[3..];
        if (json.IsEmpty)
            throw Fail(source, "it is empty (0 bytes).");

        T[] scratch;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var keys = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        try
        {
            Next(ref reader, source, "the opening '{'");
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Fail(source, $"expected a JSON object of tensors, found {Describe(reader.TokenType)}.");
            // Sized by the network, never by the file; and a file too short to hold the network's numbers
            // (at least two bytes each, "0,") is rejected before even that.
            long shortest = 2L * description.ParameterCount;
            if (json.Length < shortest)
                throw Fail(source, $"it is {json.Length} bytes, too short for the {description.ParameterCount} numbers of the network {string.Join("-", description.LayerSizes)} (at least {shortest} bytes).");
            scratch = new T[description.ParameterCount];

            for (int layer = 0; layer < description.LayerCount; layer++)
            {
                int inputs = description.LayerSizes[layer];
                int outputs = description.LayerSizes[layer + 1];
                string shape = $"layer {layer + 1} of {description.LayerCount} ({inputs} -> {outputs})";

                string weightKey = ReadKey(ref reader, source, keys, $"the weight of {shape}", description, layer, isBias: false);
                string prefix = weightKey[..^"weight".Length];
                ReadMatrix(ref reader, source, weightKey, shape, outputs, inputs, scratch.AsSpan(description.WeightOffset(layer), inputs * outputs));

                string biasKey = ReadKey(ref reader, source, keys, $"the bias of {shape}", description, layer, isBias: true);
                if (biasKey != prefix + "bias")
                    throw Fail(source, $"expected '{prefix}bias' after '{weightKey}', found '{biasKey}'.");
                ReadVector(ref reader, source, biasKey, shape, outputs, scratch.AsSpan(description.BiasOffset(layer), outputs));
            }

            Next(ref reader, source, "the closing '}'");
            if (reader.TokenType == JsonTokenType.PropertyName)
                throw Fail(source, $"found '{KeyText(ref reader, source, keys)}' after the network's {description.LayerCount} Linear layers ({string.Join("-", description.LayerSizes)}); expected the end of the object. The file holds more tensors than the network has.");
            // Utf8JsonReader itself rejects anything but whitespace and comments after the object.
            while (reader.Read())
            {
            }
        }
        catch (JsonException exception)
        {
            throw Fail(source, $"it is not valid JSON: {exception.Message}", exception);
        }

        scratch.CopyTo(network.Parameters);
    }

    private static string ReadKey(ref Utf8JsonReader reader, string source, System.Collections.Generic.HashSet<string> keys, string what, NetworkDescription description, int layer, bool isBias)
    {
        Next(ref reader, source, what);
        if (reader.TokenType == JsonTokenType.EndObject)
            throw Fail(source, $"the object ends after {2 * layer + (isBias ? 1 : 0)} tensors; the network {string.Join("-", description.LayerSizes)} needs {2 * description.LayerCount} ({description.LayerCount} weight/bias pairs), so {what} is missing.");
        string key = KeyText(ref reader, source, keys);
        string suffix = isBias ? "bias" : "weight";
        if (!(key == suffix || key.EndsWith("." + suffix, StringComparison.Ordinal)))
            throw Fail(source, $"expected a key ending in '.{suffix}' for {what}, found '{key}'. Tensors must come as weight then bias, layer by layer (only Linear layers with biases are supported).");
        return key;
    }

    /// <summary>The current property name, decoded, and checked to be new to the object.</summary>
    private static string KeyText(ref Utf8JsonReader reader, string source, System.Collections.Generic.HashSet<string> keys)
    {
        string key;
        try
        {
            key = reader.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            // The reader checks structure, not text: invalid UTF-8 or a lone surrogate escape (\ud800)
            // only shows when the key is decoded.
            throw Fail(source, $"a key at byte {reader.TokenStartIndex} is not valid text (invalid UTF-8 or a lone surrogate escape).", exception);
        }
        if (!keys.Add(key))
            throw Fail(source, $"the key '{key}' appears twice; a state_dict holds each tensor once (Python's json.load would keep the last, this reader refuses to guess).");
        return key;
    }

    private static void ReadMatrix<T>(ref Utf8JsonReader reader, string source, string key, string shape, int rows, int columns, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        string expected = $"a {rows} x {columns} matrix for {shape}";
        Next(ref reader, source, key);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Fail(source, $"'{key}' should be {expected}, found {Describe(reader.TokenType)}.");
        int row = 0;
        while (true)
        {
            Next(ref reader, source, key);
            if (reader.TokenType == JsonTokenType.EndArray)
                break;
            if (reader.TokenType != JsonTokenType.StartArray)
                throw Fail(source, $"'{key}' should be {expected}, but its row {row} is {Describe(reader.TokenType)} instead of a list of numbers.");
            if (row == rows)
                throw Fail(source, $"'{key}' should be {expected}, but it has more than {rows} rows.");
            int count = ReadNumbers(ref reader, source, key, $"[{row}]", destination.Slice(row * columns, columns));
            if (count != columns)
                throw Fail(source, $"'{key}' should be {expected}, but its row {row} has {count} values.");
            row++;
        }
        if (row != rows)
            throw Fail(source, $"'{key}' should be {expected}, but it has {row} rows.");
    }

    private static void ReadVector<T>(ref Utf8JsonReader reader, string source, string key, string shape, int length, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Next(ref reader, source, key);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Fail(source, $"'{key}' should be a vector of {length} values for {shape}, found {Describe(reader.TokenType)}.");
        int count = ReadNumbers(ref reader, source, key, "", destination);
        if (count != length)
            throw Fail(source, $"'{key}' should be a vector of {length} values for {shape}, but it has {count}.");
    }

    /// <summary>Reads numbers up to the closing bracket into <paramref name="destination"/> and returns how many there were (counting past the end, so the message can say how many).</summary>
    private static int ReadNumbers<T>(ref Utf8JsonReader reader, string source, string key, string rowLabel, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int count = 0;
        while (true)
        {
            Next(ref reader, source, key);
            if (reader.TokenType == JsonTokenType.EndArray)
                return count;
            if (reader.TokenType != JsonTokenType.Number)
                throw Fail(source, $"'{key}'{rowLabel}[{count}] is {Describe(reader.TokenType)}; expected a number.");
            T value = ReadNumber<T>(ref reader, out bool inRange);
            if (!inRange || !T.IsFinite(value))
                throw Fail(source, $"'{key}'{rowLabel}[{count}] is {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}, which is not a finite {typeof(T).Name}.");
            if (count < destination.Length)
                destination[count] = value;
            count++;
        }
    }

    private static T ReadNumber<T>(ref Utf8JsonReader reader, out bool inRange)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Parsed straight into the target type: reading a float through double would round twice
        // and could land one ulp away from what was written.
        if (typeof(T) == typeof(float))
        {
            inRange = reader.TryGetSingle(out float single);
            return T.CreateTruncating(single);
        }
        inRange = reader.TryGetDouble(out double value);
        return T.CreateTruncating(value);
    }

    private static void WriteNumber<T>(Utf8JsonWriter writer, T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Utf8JsonWriter writes the shortest text that parses back to the same value.
        if (typeof(T) == typeof(float))
            writer.WriteNumberValue(float.CreateTruncating(value));
        else
            writer.WriteNumberValue(double.CreateTruncating(value));
    }

    private static void Next(ref Utf8JsonReader reader, string source, string what)
    {
        if (!reader.Read())
            throw Fail(source, $"it is truncated: the JSON ends before {what}.");
    }

    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    internal static ModelFormatException Fail(string source, string detail, Exception? inner = null) =>
        inner is null
            ? new ModelFormatException($"Cannot load {source}: {detail}")
            : new ModelFormatException($"Cannot load {source}: {detail}", inner);
}
