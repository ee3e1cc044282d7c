using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Numerics;
using System.Text;

namespace NetGen;

/// <summary>
/// The model-information section of the binary format (version 2 on), between the parameters and
/// the file checksum. Every multi-byte field is little-endian.
/// <code>
/// size     field
/// 4        I, the byte length of the records that follow (int32)
/// I        records, each: kind (1 byte), n = content length (int32), n bytes of content
///   kind 1 scaler:      F (int32, the network's input size), F centers, F factors, the shift;
///                       each value in the file's precision (8 or 4 bytes)
///   kind 2 class names: C (int32), then C strings
///   kind 3 name:        a string
///   kind 4 version:     a string
///   kind 5 trained at:  UTC ticks (int64), offset from UTC in minutes (int16)
///   kind 6 metadata:    M (int32), then M pairs of strings, key then value
/// a string is its UTF-8 byte length (int32) and the bytes
/// </code>
/// Each kind appears at most once; an absent record means an absent value. A reader rejects a kind
/// it does not know rather than skip it, since it could be something prediction depends on.
/// </summary>
internal static class ModelInfoFormat
{
    private enum RecordKind : byte
    {
        Scaler = 1,
        ClassNames = 2,
        Name = 3,
        Version = 4,
        TrainedAt = 5,
        Metadata = 6,
    }

    // Throws on lone surrogates and invalid bytes instead of replacing them with U+FFFD, so a
    // string either round-trips exactly or the save or load fails.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The section's bytes (length field included) for <paramref name="info"/>; only the length field when it is null.</summary>
    public static byte[] Encode<T>(ModelInfo<T>? info)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var records = new ArrayBufferWriter<byte>();
        if (info is not null)
        {
            if (info.Scaler is FeatureScaler<T> scaler)
            {
                var content = new ArrayBufferWriter<byte>();
                WriteInt32(content, scaler.FeatureCount);
                WriteValues(content, scaler.Center);
                WriteValues(content, scaler.Factor);
                WriteValues(content, [scaler.Shift]);
                WriteRecord(records, RecordKind.Scaler, content);
            }
            if (info.ClassNames is IReadOnlyList<string> names)
            {
                var content = new ArrayBufferWriter<byte>();
                WriteInt32(content, names.Count);
                foreach (string name in names)
                    WriteString(content, name);
                WriteRecord(records, RecordKind.ClassNames, content);
            }
            if (info.Name is string modelName)
                WriteStringRecord(records, RecordKind.Name, modelName);
            if (info.Version is string version)
                WriteStringRecord(records, RecordKind.Version, version);
            if (info.TrainedAt is DateTimeOffset trainedAt)
            {
                var content = new ArrayBufferWriter<byte>();
                BinaryPrimitives.WriteInt64LittleEndian(content.GetSpan(8), trainedAt.UtcTicks);
                content.Advance(8);
                BinaryPrimitives.WriteInt16LittleEndian(content.GetSpan(2), checked((short)trainedAt.TotalOffsetMinutes));
                content.Advance(2);
                WriteRecord(records, RecordKind.TrainedAt, content);
            }
            if (info.Metadata.Count > 0)
            {
                var content = new ArrayBufferWriter<byte>();
                WriteInt32(content, info.Metadata.Count);
                foreach (KeyValuePair<string, string> pair in info.Metadata)
                {
                    WriteString(content, pair.Key);
                    WriteString(content, pair.Value);
                }
                WriteRecord(records, RecordKind.Metadata, content);
            }
        }
        var section = new byte[4 + records.WrittenCount];
        BinaryPrimitives.WriteInt32LittleEndian(section, records.WrittenCount);
        records.WrittenSpan.CopyTo(section.AsSpan(4));
        return section;
    }

    /// <summary>
    /// Reads the records of a section (without its length field) for a network of
    /// <paramref name="description"/>. Every count and length is checked against the bytes that
    /// remain before anything is allocated for it.
    /// </summary>
    /// <param name="records">The section's records.</param>
    /// <param name="description">The network the file was checked against.</param>
    /// <param name="fail">Makes the exception for a problem, given what is wrong.</param>
    public static ModelInfo<T> Decode<T>(ReadOnlySpan<byte> records, NetworkDescription description, Func<string, ModelFormatException> fail)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        FeatureScaler<T>? scaler = null;
        string[]? classNames = null;
        string? name = null;
        string? version = null;
        DateTimeOffset? trainedAt = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<byte>();

        var reader = new SpanReader(records, fail);
        while (!reader.AtEnd)
        {
            byte kindByte = reader.Byte("record kind");
            int length = reader.Length("record length");
            var kind = (RecordKind)kindByte;
            if (!Enum.IsDefined(kind))
                throw fail($"the model information holds a record of kind {kindByte}, which this NetGen does not know (written by a newer NetGen?).");
            if (!seen.Add(kindByte))
                throw fail($"the model information holds two {kind} records.");
            var content = new SpanReader(reader.Bytes(length, $"{kind} record"), fail);
            switch (kind)
            {
                case RecordKind.Scaler:
                    scaler = ReadScaler<T>(ref content, description, fail);
                    break;
                case RecordKind.ClassNames:
                    classNames = ReadClassNames(ref content, description, fail);
                    break;
                case RecordKind.Name:
                    name = content.String("model name");
                    break;
                case RecordKind.Version:
                    version = content.String("model version");
                    break;
                case RecordKind.TrainedAt:
                    trainedAt = ReadTrainedAt(ref content, fail);
                    break;
                case RecordKind.Metadata:
                    int count = content.Count("metadata pair count", minimumBytesEach: 8);
                    for (int i = 0; i < count; i++)
                    {
                        string key = content.String("metadata key");
                        if (!metadata.TryAdd(key, content.String($"metadata value of '{key}'")))
                            throw fail($"the metadata holds the key '{key}' twice.");
                    }
                    break;
            }
            if (!content.AtEnd)
                throw fail($"the {kind} record is {length} bytes long but its content ends after {content.Position}.");
        }

        return new ModelInfo<T>
        {
            Scaler = scaler,
            ClassNames = classNames,
            Name = name,
            Version = version,
            TrainedAt = trainedAt,
            Metadata = metadata,
        };
    }

    private static FeatureScaler<T> ReadScaler<T>(ref SpanReader content, NetworkDescription description, Func<string, ModelFormatException> fail)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int elementSize = ParameterPrecision.SizeOf(ParameterPrecision.Of<T>());
        int features = content.Count("scaler feature count", minimumBytesEach: 2 * elementSize);
        if (features != description.InputSize)
            throw fail($"the scaler has {features} features but the network takes {description.InputSize} inputs.");
        var center = new T[features];
        var factor = new T[features];
        var shift = new T[1];
        BinaryModelFormat.Decode(content.Bytes(features * elementSize, "scaler centers"), center);
        BinaryModelFormat.Decode(content.Bytes(features * elementSize, "scaler factors"), factor);
        BinaryModelFormat.Decode(content.Bytes(elementSize, "scaler shift"), shift);
        try
        {
            return FeatureScaler<T>.Create(center, factor, shift[0]);
        }
        catch (ArgumentException exception)
        {
            throw fail($"the scaler is invalid: {exception.Message}");
        }
    }

    private static string[] ReadClassNames(ref SpanReader content, NetworkDescription description, Func<string, ModelFormatException> fail)
    {
        int count = content.Count("class name count", minimumBytesEach: 4);
        int expected = description.OutputSize == 1 ? 2 : description.OutputSize;
        if (count != expected)
            throw fail($"the file names {count} classes but the network's {description.OutputSize} outputs stand for {expected}.");
        var names = new string[count];
        for (int k = 0; k < count; k++)
            names[k] = content.String($"class name {k}");
        return names;
    }

    private static DateTimeOffset ReadTrainedAt(ref SpanReader content, Func<string, ModelFormatException> fail)
    {
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(content.Bytes(8, "training date"));
        short offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(content.Bytes(2, "training date's offset"));
        try
        {
            return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));
        }
        catch (ArgumentException)
        {
            throw fail($"the training date is out of range: {ticks} UTC ticks at an offset of {offsetMinutes} minutes.");
        }
    }

    private static void WriteRecord(ArrayBufferWriter<byte> records, RecordKind kind, ArrayBufferWriter<byte> content)
    {
        records.GetSpan(1)[0] = (byte)kind;
        records.Advance(1);
        WriteInt32(records, content.WrittenCount);
        records.Write(content.WrittenSpan);
    }

    private static void WriteStringRecord(ArrayBufferWriter<byte> records, RecordKind kind, string value)
    {
        var content = new ArrayBufferWriter<byte>();
        WriteString(content, value);
        WriteRecord(records, kind, content);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> destination, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination.GetSpan(4), value);
        destination.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> destination, string value)
    {
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException exception)
        {
            throw new InvalidOperationException($"The string '{value}' cannot be saved: it is not valid UTF-16 (a lone surrogate).", exception);
        }
        WriteInt32(destination, bytes.Length);
        destination.Write(bytes);
    }

    private static void WriteValues<T>(ArrayBufferWriter<byte> destination, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int elementSize = ParameterPrecision.SizeOf(ParameterPrecision.Of<T>());
        Span<byte> bytes = destination.GetSpan(values.Length * elementSize)[..(values.Length * elementSize)];
        BinaryModelFormat.Encode(values, bytes);
        destination.Advance(bytes.Length);
    }

    /// <summary>Reads fields from a byte span, checking every length against what remains.</summary>
    private ref struct SpanReader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly Func<string, ModelFormatException> _fail;

        public SpanReader(ReadOnlySpan<byte> bytes, Func<string, ModelFormatException> fail)
        {
            _bytes = bytes;
            _fail = fail;
        }

        public int Position { get; private set; }

        public readonly bool AtEnd => Position == _bytes.Length;

        private readonly int Remaining => _bytes.Length - Position;

        public ReadOnlySpan<byte> Bytes(int count, string what)
        {
            if (count > Remaining)
                throw _fail($"the model information is corrupt: the {what} needs {count} bytes but only {Remaining} remain in its part of the file.");
            ReadOnlySpan<byte> slice = _bytes.Slice(Position, count);
            Position += count;
            return slice;
        }

        public byte Byte(string what) => Bytes(1, what)[0];

        /// <summary>A non-negative int32 that counts bytes, checked against what remains.</summary>
        public int Length(string what)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(Bytes(4, what));
            if (length < 0 || length > Remaining)
                throw _fail($"the model information is corrupt: a {what} claims {length} bytes but only {Remaining} remain in its part of the file.");
            return length;
        }

        /// <summary>A non-negative int32 that counts items of at least <paramref name="minimumBytesEach"/> bytes, checked against what remains.</summary>
        public int Count(string what, int minimumBytesEach)
        {
            int count = BinaryPrimitives.ReadInt32LittleEndian(Bytes(4, what));
            if (count < 0 || (long)count * minimumBytesEach > Remaining)
                throw _fail($"the model information is corrupt: the {what} is {count}, but only {Remaining} bytes remain for them.");
            return count;
        }

        public string String(string what)
        {
            ReadOnlySpan<byte> utf8 = Bytes(Length(what), what);
            try
            {
                return StrictUtf8.GetString(utf8);
            }
            catch (DecoderFallbackException)
            {
                throw _fail($"the {what} is not valid UTF-8.");
            }
        }
    }
}
