using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;

namespace NetGen;

public static partial class NetworkSerialization
{
    /// <summary>
    /// Saves the parameters to <paramref name="path"/> as safetensors, atomically like
    /// <see cref="Save{T}(INetwork{T}, string, ModelInfo{T})"/>: the keys of a PyTorch <c>nn.Sequential</c>
    /// state_dict (<c>"0.weight"</c>, <c>"0.bias"</c>, <c>"2.weight"</c>, ...), weights <c>[out, in]</c>,
    /// dtype F64 for a double network and F32 for a float one, so the values are exactly the network's.
    /// PyTorch reads the file with <c>safetensors.torch.load_file</c>.
    /// </summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite, or a metadata key or value is null.</exception>
    /// <exception cref="IOException">The file could not be written; the previous file is unchanged.</exception>
    public static void SaveSafetensors<T>(this INetwork<T> network, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        SaveSafetensors(network, path, metadata, wrapTemporaryStream: null);

    /// <summary>The same as <see cref="SaveSafetensors{T}(INetwork{T}, string, IReadOnlyDictionary{string, string})"/>, with a seam through which tests make the write fail part-way.</summary>
    internal static void SaveSafetensors<T>(INetwork<T> network, string path, IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrapTemporaryStream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ParameterPrecision.EnsureSavable(network);
        AtomicFile.Write(path, stream => SafetensorsFormat.Write(network, metadata, stream), wrapTemporaryStream);
    }

    /// <summary>Writes the parameters to <paramref name="stream"/> as safetensors; see <see cref="SaveSafetensors{T}(INetwork{T}, string, IReadOnlyDictionary{string, string})"/>.</summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite, or a metadata key or value is null.</exception>
    public static void SaveSafetensors<T>(this INetwork<T> network, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        SafetensorsFormat.Write(network, metadata, stream);
    }

    /// <summary>
    /// Loads parameters from a safetensors file, such as one written by PyTorch's
    /// <c>safetensors.torch.save_file(model.state_dict(), path)</c>. Keys may have any prefix, as with
    /// <see cref="LoadStateDict{T}(INetwork{T}, string)"/>; since safetensors keeps no order, the layers
    /// are taken in the natural order of their prefixes (<c>0.</c>, <c>2.</c>, ..., <c>10.</c>, or
    /// <c>fc1.</c>, <c>fc2.</c>, ...). F64, F32, F16 and BF16 tensors load, converted to the network's type.
    /// </summary>
    /// <returns>The header's <c>__metadata__</c> string pairs; empty when it has none.</returns>
    /// <exception cref="ModelFormatException">
    /// The header length, JSON, a dtype, shape or data_offsets entry is invalid; offsets overlap, leave a
    /// gap or reach past the file; a key is missing, extra or duplicated; a shape does not match the
    /// network; a value is not finite in <typeparamref name="T"/>; or the file is another format (a
    /// PyTorch .pt file, NetGen's binary format, state_dict JSON). The network is unchanged.
    /// </exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static IReadOnlyDictionary<string, string> LoadSafetensors<T>(this INetwork<T> network, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        return SafetensorsFormat.Read(network, stream, $"'{path}'");
    }

    /// <summary>Loads parameters from safetensors read from <paramref name="stream"/>'s current position to its end; see <see cref="LoadSafetensors{T}(INetwork{T}, string)"/>.</summary>
    /// <returns>The header's <c>__metadata__</c> string pairs; empty when it has none.</returns>
    /// <exception cref="ModelFormatException">See <see cref="LoadSafetensors{T}(INetwork{T}, string)"/>. The network is unchanged.</exception>
    public static IReadOnlyDictionary<string, string> LoadSafetensors<T>(this INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
            return SafetensorsFormat.Read(network, stream, "the safetensors from the stream");
        // The header's claims are checked against the length, which only a seekable stream knows;
        // the copy grows only with bytes that really arrive.
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        return SafetensorsFormat.Read(network, buffer, "the safetensors from the stream");
    }
}
