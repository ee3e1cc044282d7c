using System;
using System.IO;
using System.Numerics;
using System.Text;

namespace NetGen;

/// <summary>
/// Saves and loads the parameters of any generated network, in NetGen's compact binary format
/// (<see cref="Save{T}(INetwork{T}, string)"/>, <see cref="Load{T}(INetwork{T}, string)"/>) or as JSON
/// in PyTorch's <c>nn.Sequential</c> state_dict layout (<see cref="SaveStateDict{T}(INetwork{T}, string)"/>,
/// <see cref="LoadStateDict{T}(INetwork{T}, string)"/>).
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
/// sd = {k: torch.tensor(v) for k, v in json.load(open("model.json")).items()}
/// model.load_state_dict(sd)
/// </code>
/// <para>Not thread-safe against training: save or load while nothing else uses the network.</para>
/// </remarks>
public static class NetworkSerialization
{
    /// <summary>
    /// Saves the network to <paramref name="path"/> in the binary format, atomically: the file is
    /// either replaced whole or, on any exception, left as it was.
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite.</exception>
    /// <exception cref="IOException">The file could not be written; the previous file is unchanged.</exception>
    public static void Save<T>(this INetwork<T> network, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Save(network, path, wrapTemporaryStream: null);

    /// <summary>The same as <see cref="Save{T}(INetwork{T}, string)"/>, with a seam through which tests make the write fail part-way.</summary>
    internal static void Save<T>(INetwork<T> network, string path, Func<Stream, Stream>? wrapTemporaryStream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Checked before the temporary file exists so a network that cannot be saved touches no disk.
        ParameterPrecision.EnsureSavable(network);
        AtomicFile.Write(path, stream => BinaryModelFormat.Write(network, stream), wrapTemporaryStream);
    }

    /// <summary>Writes the network to <paramref name="stream"/> in the binary format, starting at its current position.</summary>
    /// <exception cref="InvalidOperationException">A parameter is NaN or infinite.</exception>
    public static void Save<T>(this INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        BinaryModelFormat.Write(network, stream);
    }

    /// <summary>
    /// Loads parameters saved by <see cref="Save{T}(INetwork{T}, string)"/>. The file must describe
    /// exactly this network (layer sizes, activations, loss, precision) and pass its checksums.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is empty, truncated, corrupt, of another version, or describes another network; the message says what did not match. The network is unchanged.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static void Load<T>(this INetwork<T> network, string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        BinaryModelFormat.Read(network, stream, $"'{path}'", requireEnd: true);
    }

    /// <summary>
    /// Loads a model written by <see cref="Save{T}(INetwork{T}, Stream)"/> from the current position of
    /// <paramref name="stream"/>, leaving the stream just after the model (more data may follow it).
    /// </summary>
    /// <exception cref="ModelFormatException">The data is empty, truncated, corrupt, of another version, or describes another network. The network is unchanged.</exception>
    public static void Load<T>(this INetwork<T> network, Stream stream)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        BinaryModelFormat.Read(network, stream, "the model from the stream", requireEnd: false);
    }

    /// <summary>
    /// Saves the parameters to <paramref name="path"/> as JSON in PyTorch's <c>nn.Sequential</c> state_dict
    /// layout (<c>"0.weight"</c>, <c>"0.bias"</c>, <c>"2.weight"</c>, ...), atomically like
    /// <see cref="Save{T}(INetwork{T}, string)"/>. Numbers are written in the shortest form that reads back exactly.
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
        StateDictFormat.Read(network, File.ReadAllBytes(path), $"'{path}'");
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
        StateDictFormat.Read(network, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), "the state_dict from the stream");
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
