using System;
using System.Buffers.Binary;

namespace NetGen;

/// <summary>The model file formats NetGen reads, so a loader handed another one can name the loader that reads it.</summary>
internal enum ModelFileKind
{
    /// <summary>NetGen's binary format (<c>Save</c>/<c>Load</c>).</summary>
    Binary,

    /// <summary>PyTorch state_dict JSON (<c>SaveStateDict</c>/<c>LoadStateDict</c>).</summary>
    StateDict,

    /// <summary>safetensors (<c>SaveSafetensors</c>/<c>LoadSafetensors</c>).</summary>
    Safetensors,
}

/// <summary>
/// Recognises, from a file's first bytes, formats a loader cannot read, so its error can say what
/// the file is and what to do instead of only that a byte was unexpected. Above all PyTorch's own
/// <c>torch.save</c> files, which users try first and which NetGen never reads: they are pickles,
/// and unpickling runs whatever code the file names.
/// </summary>
internal static class ForeignFormat
{
    /// <summary>How many leading bytes <see cref="Hint"/> looks at; fewer are fine.</summary>
    public const int SignatureLength = 16;

    /// <summary>What to do with weights in a <c>torch.save</c> file, for the messages.</summary>
    public const string ExportAdvice =
        "Export the weights from Python instead, as safetensors " +
        "(safetensors.torch.save_file(model.state_dict(), \"model.safetensors\"), then LoadSafetensors) " +
        "or as state_dict JSON (json.dump({k: v.tolist() for k, v in model.state_dict().items()}, open(\"model.json\", \"w\")), then LoadStateDict); " +
        "the README's \"Save and load\" section shows both.";

    /// <summary>
    /// A sentence (with a leading space) saying what the data starting with <paramref name="start"/>
    /// looks like and what to use instead, or an empty string when it looks like nothing known or like
    /// <paramref name="expected"/> itself.
    /// </summary>
    public static string Hint(ReadOnlySpan<byte> start, ModelFileKind expected)
    {
        if (start.StartsWith("PK\u0003\u0004"u8) || start.StartsWith("PK\u0005\u0006"u8))
            return " It is a zip archive, which is what torch.save writes to .pt and .pth files: pickled Python objects, which NetGen does not read because unpickling can run arbitrary code. " + ExportAdvice;
        // Pickle protocols 2 to 5 open with PROTO (0x80) and the protocol number; torch.save wrote
        // plain pickles before PyTorch 1.6, and with _use_new_zipfile_serialization=False still does.
        if (start.Length >= 2 && start[0] == 0x80 && start[1] is >= 2 and <= 5)
            return " It is a Python pickle, which is what torch.save wrote before PyTorch 1.6 (and writes with _use_new_zipfile_serialization=False); NetGen does not read pickles because unpickling can run arbitrary code. " + ExportAdvice;
        if (expected != ModelFileKind.Binary && start.StartsWith(BinaryModelFormat.Magic))
            return " It is a NetGen binary model; load it with Load.";
        if (expected != ModelFileKind.Safetensors && LooksLikeSafetensors(start))
            return " It looks like a safetensors file; load it with LoadSafetensors.";
        if (expected != ModelFileKind.StateDict && LooksLikeJsonObject(start))
            return " It looks like JSON; load a PyTorch state_dict JSON file with LoadStateDict.";
        return "";
    }

    /// <summary>
    /// Throws a <see cref="ModelFormatException"/> when the data is a format the
    /// <paramref name="expected"/> loader must not try to parse (a pickle, a zip, another NetGen format).
    /// </summary>
    public static void ThrowIfForeign(ReadOnlySpan<byte> start, ModelFileKind expected, string source)
    {
        string hint = Hint(start[..Math.Min(start.Length, SignatureLength)], expected);
        if (hint.Length > 0)
            throw new ModelFormatException($"Cannot load {source}: it is not a {Describe(expected)}.{hint}");
    }

    private static string Describe(ModelFileKind kind) => kind switch
    {
        ModelFileKind.Binary => "NetGen binary model",
        ModelFileKind.StateDict => "state_dict JSON file",
        _ => "safetensors file",
    };

    // An 8-byte little-endian header length of a plausible size, then the header's opening brace.
    private static bool LooksLikeSafetensors(ReadOnlySpan<byte> start) =>
        start.Length >= 9 && start[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(start) is >= 2 and < (1UL << 40);

    private static bool LooksLikeJsonObject(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            start = start[3..];
        start = start.TrimStart(" \t\r\n"u8);
        return !start.IsEmpty && start[0] == (byte)'{';
    }
}
