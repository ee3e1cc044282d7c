using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Text;

namespace NetGen;

/// <summary>
/// Saves and loads the parameters of any generated network, in NetGen's compact binary format
/// (<see cref="Save{T}(INetwork{T}, string, ModelInfo{T})"/>, <see cref="Load{T}(INetwork{T}, string)"/>),
/// which also carries the input scaling, class names and metadata of a <see cref="ModelInfo{T}"/>; as
/// JSON in PyTorch's <c>nn.Sequential</c> state_dict layout (<see cref="SaveStateDict{T}(INetwork{T}, string)"/>,
/// <see cref="LoadStateDict{T}(INetwork{T}, string)"/>); or as safetensors
/// (<see cref="SaveSafetensors{T}(INetwork{T}, string, IReadOnlyDictionary{string, string})"/>,
/// <see cref="LoadSafetensors{T}(INetwork{T}, string)"/>).
/// </summary>
/// <remarks>
/// <para>Guarantees: saving to a path is atomic (a temporary file in the same directory, flushed to
/// disk, then renamed over the target), so an exception or a crash part-way leaves the previous file
/// whole. Loading checks everything (format, shape, activations, loss, precision, length, checksum;
/// for JSON the keys, shapes and that every number is finite) before it writes a single parameter,
/// so on any <see cref="ModelFormatException"/> the network is unchanged.</para>
/// <para>Exporting a PyTorch <c>nn.Sequential</c> of <c>Linear</c> layers (activations between them)
/// to a file <see cref="LoadStateDict{T}(INetwork{T}, string)"/> reads:</para>
/// <code>
/// import json, torch
/// sd = {k: v.tolist() for k, v in model.state_dict().items()}
/// json.dump(sd, open("model.json", "w"))
/// </code>
/// <para>and importing a file written by <see cref="SaveStateDict{T}(INetwork{T}, string)"/>:</para>
/// <code>
/// model = model.double()   # for a network declared in Precision.Double; float32 would round every weight
/// sd = {k: torch.tensor(v, dtype=torch.float64) for k, v in json.load(open("model.json")).items()}
/// model.load_state_dict(sd)
/// </code>
/// <para>A PyTorch <c>.pt</c>/<c>.pth</c> file (<c>torch.save</c>: a zip of pickles) is rejected by every
/// loader with a message saying how to export it as one of these instead.</para>
/// <para>Not thread-safe against training: save or load while nothing else uses the network.</para>
/// </remarks>
public static partial class NetworkSerialization
{
    /// <summary>
    /// Saves the network, and with it <paramref name="info"/> (input scaling, class names, metadata), to
    /// <paramref name="path"/> in the binary format, atomically: the file is either replaced whole or,
    /// on any exception, left as it was.
    /// </summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="info">What prediction needs besides the parameters, or null for nothing.</param>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite, or <paramref name="info"/> does not fit the network (a scaler of another width, class names not one per output) or holds a value that cannot be saved (a null or not valid UTF-16 string, a scaler factor that is zero or not finite).</exception>
    /// <exception cref="IOException">The file could not be written; the previous file is unchanged.</exception>
    public static void Save<T>(this INetwork<T> network, string path, ModelInfo<T>? info = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Save(network, path, info, wrapTemporaryStream: null);

    /// <summary>The same as <see cref="Save{T}(INetwork{T}, string, ModelInfo{T})"/>, with a seam through which tests make the write fail part-way.</summary>
    internal static void Save<T>(INetwork<T> network, string path, ModelInfo<T>? info, Func<Stream, Stream>? wrapTemporaryStream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Checked before the temporary file exists so a network that cannot be saved touches no disk.
        ParameterPrecision.EnsureSavable(network);
        info?.EnsureSavable(network.Description);
        AtomicFile.Write(path, stream => BinaryModelFormat.Write(network, info, stream), wrapTemporaryStream);
    }

    /// <summary>Writes the network and <paramref name="info"/> to <paramref name="stream"/> in the binary format, starting at its current position.</summary>
    /// <exception cref="InvalidOperationException">See <see cref="Save{T}(INetwork{T}, string, ModelInfo{T})"/>; nothing is written.</exception>
    public static void Save<T>(this INetwork<T> network, Stream stream, ModelInfo<T>? info = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        BinaryModelFormat.Write(network, info, stream);
    }

    /// <summary>
    /// Loads parameters saved by <see cref="Save{T}(INetwork{T}, string, ModelInfo{T})"/> and returns the
    /// model information saved with them. The file must describe exactly this network (layer sizes,
    /// activations, loss, precision) and pass its checksums. Files of the previous format version
    /// (parameters only) load too, with empty information.
    /// </summary>
    /// <returns>The input scaling, class names and metadata the file carries; their properties are null (and <see cref="ModelInfo{T}.Metadata"/> empty) where it carries none.</returns>
    /// <exception cref="ModelFormatException">The file is empty, truncated, corrupt, of another version, describes another network, or is another format (state_dict JSON, safetensors, a PyTorch .pt file); the message says what did not match. The network is unchanged.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static ModelInfo<T> Load<T>(this INetwork<T> network, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        return BinaryModelFormat.Read(network, stream, $"'{path}'", requireEnd: true);
    }

    /// <summary>
    /// Loads a model written by <see cref="Save{T}(INetwork{T}, Stream, ModelInfo{T})"/> from the current position of
    /// <paramref name="stream"/>, leaving the stream just after the model (more data may follow it).
    /// </summary>
    /// <returns>The model information saved with the parameters.</returns>
    /// <exception cref="ModelFormatException">The data is empty, truncated, corrupt, of another version, or describes another network. The network is unchanged.</exception>
    public static ModelInfo<T> Load<T>(this INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        return BinaryModelFormat.Read(network, stream, "the model from the stream", requireEnd: false);
    }

    /// <summary>
    /// Saves the parameters to <paramref name="path"/> as JSON in PyTorch's <c>nn.Sequential</c> state_dict
    /// layout (<c>"0.weight"</c>, <c>"0.bias"</c>, <c>"2.weight"</c>, ...), atomically like
    /// <see cref="Save{T}(INetwork{T}, string, ModelInfo{T})"/>. Numbers are written in the shortest form that reads back exactly.
    /// </summary>
    /// <remarks>The state_dict holds no activations, loss or precision: only the shapes are checked on load.</remarks>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite (JSON cannot hold it).</exception>
    public static void SaveStateDict<T>(this INetwork<T> network, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        SaveStateDict(network, path, wrapTemporaryStream: null);

    /// <summary>The same as <see cref="SaveStateDict{T}(INetwork{T}, string)"/>, with a seam through which tests make the write fail part-way.</summary>
    internal static void SaveStateDict<T>(INetwork<T> network, string path, Func<Stream, Stream>? wrapTemporaryStream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ParameterPrecision.EnsureSavable(network);
        AtomicFile.Write(path, stream => StateDictFormat.Write(network, stream), wrapTemporaryStream);
    }

    /// <summary>Writes the parameters to <paramref name="stream"/> as UTF-8 JSON in the state_dict layout.</summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite.</exception>
    public static void SaveStateDict<T>(this INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        StateDictFormat.Write(network, stream);
    }

    /// <summary>The parameters as a JSON string in the state_dict layout.</summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite.</exception>
    public static string ToStateDictJson<T>(this INetwork<T> network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        using var buffer = new MemoryStream();
        StateDictFormat.Write(network, buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Loads parameters from a state_dict JSON file, such as one exported from PyTorch. Keys may have
    /// any prefix (<c>"0.weight"</c>, <c>"net.fc1.weight"</c>, ...) but must come as weight then bias,
    /// layer by layer, with shapes <c>[out][in]</c> and <c>[out]</c> matching the network.
    /// </summary>
    /// <exception cref="ModelFormatException">Invalid JSON, a missing, extra or misordered key, a wrong shape, or a number that is not finite in <typeparamref name="T"/>. The network is unchanged.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static void LoadStateDict<T>(this INetwork<T> network, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] json = File.ReadAllBytes(path);
        ForeignFormat.ThrowIfForeign(json, ModelFileKind.StateDict, $"'{path}'");
        StateDictFormat.Read(network, json, $"'{path}'");
    }

    /// <summary>Loads parameters from UTF-8 state_dict JSON read from <paramref name="stream"/> to its end.</summary>
    /// <exception cref="ModelFormatException">See <see cref="LoadStateDict{T}(INetwork{T}, string)"/>. The network is unchanged.</exception>
    public static void LoadStateDict<T>(this INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        ReadOnlySpan<byte> json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        ForeignFormat.ThrowIfForeign(json, ModelFileKind.StateDict, "the state_dict from the stream");
        StateDictFormat.Read(network, json, "the state_dict from the stream");
    }

    /// <summary>Loads parameters from state_dict JSON held in a string.</summary>
    /// <exception cref="ModelFormatException">See <see cref="LoadStateDict{T}(INetwork{T}, string)"/>. The network is unchanged.</exception>
    public static void LoadStateDictJson<T>(this INetwork<T> network, string json)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(json);
        StateDictFormat.Read(network, Encoding.UTF8.GetBytes(json), "the state_dict JSON");
    }
}
