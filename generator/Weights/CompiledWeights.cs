using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator.Weights;

/// <summary>
/// The <c>Weights</c> of a declaration: finds its state_dict JSON among the project's AdditionalFiles,
/// checks it against the declared layers exactly as <c>LoadStateDict</c> does at run time, and gives the
/// model its parameters as C# literals, or a diagnostic on the attribute that names the file and what differs.
/// </summary>
internal static class CompiledWeights
{
    /// <summary>The parse result with its weights read in, or with the diagnostic that says why they cannot be.</summary>
    public static ParseResult Resolve(ParseResult parsed, ImmutableArray<AdditionalText> files, CancellationToken cancellationToken)
    {
        NetworkModel? model = parsed.Model;
        if (model?.WeightsPath is not string path)
            return parsed;
        try
        {
            EquatableArray<string> literals = Read(model, path, files, cancellationToken);
            return parsed with { Model = model with { Weights = literals } };
        }
        catch (WeightsException failure)
        {
            var diagnostic = new DiagnosticInfo(failure.Descriptor, parsed.AttributeLocation,
                new[] { path, model.ClassName }.Concat(failure.Arguments).ToEquatableArray());
            return new ParseResult(null, parsed.Diagnostics.Concat(new[] { diagnostic }).ToEquatableArray(), parsed.Location);
        }
    }

    private static EquatableArray<string> Read(NetworkModel model, string path, ImmutableArray<AdditionalText> files, CancellationToken cancellationToken)
    {
        AdditionalText file = Find(path, files);
        SourceText? text = file.GetText(cancellationToken);
        if (text is null)
            throw new WeightsException(Diagnostics.WeightsFileNotFound, " (its text cannot be read)");
        if (text.Length > Limits.MaxCompiledWeightsCharacters)
            throw new WeightsException(Diagnostics.WeightsFileTooLarge, text.Length.ToString(CultureInfo.InvariantCulture), Limits.MaxCompiledWeightsCharacters.ToString(CultureInfo.InvariantCulture));

        List<JsonTensor> tensors;
        try
        {
            tensors = StateDictJson.Read(text.ToString());
        }
        catch (StateDictJsonException exception)
        {
            if (exception.NotRectangular)
                throw Mismatch(string.Join("-", model.LayerSizes), exception.Message);
            throw new WeightsException(exception.NotFinite ? Diagnostics.WeightsNotFinite : Diagnostics.WeightsFileNotJson, exception.Message);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return Match(model, tensors);
    }

    /// <summary>The AdditionalFiles item whose path ends with <paramref name="path"/> (relative to the project), or is named so.</summary>
    private static AdditionalText Find(string path, ImmutableArray<AdditionalText> files)
    {
        string wanted = Normalize(path);
        var matches = files.Where(file =>
        {
            string candidate = Normalize(file.Path);
            return candidate == wanted || candidate.EndsWith("/" + wanted, StringComparison.Ordinal);
        }).ToList();
        if (matches.Count == 1)
            return matches[0];
        if (matches.Count > 1)
            throw new WeightsException(Diagnostics.WeightsFileNotFound, " (" + matches.Count + " match: " + string.Join(", ", matches.Select(file => file.Path)) + "; give the path relative to the project)");
        throw new WeightsException(Diagnostics.WeightsFileNotFound, "");
    }

    private static string Normalize(string path)
    {
        string normalized = path.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
            normalized = normalized.Substring(2);
        return normalized;
    }

    /// <summary>
    /// The tensors as <c>LoadStateDict</c> reads them: per layer a key ending in <c>weight</c> holding an
    /// out x in matrix, then the same prefix with <c>bias</c> holding out values; nothing else.
    /// </summary>
    private static EquatableArray<string> Match(NetworkModel model, List<JsonTensor> tensors)
    {
        string network = string.Join("-", model.LayerSizes);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonTensor tensor in tensors)
        {
            if (!seen.Add(tensor.Key))
                throw Mismatch(network, $"the key \"{tensor.Key}\" appears twice (line {tensor.Line}); a state_dict has one tensor per key");
        }

        int layers = model.LayerSizes.Count - 1;
        if (tensors.Count != 2 * layers)
        {
            string keys = string.Join(", ", tensors.Select(tensor => "\"" + tensor.Key + "\""));
            throw Mismatch(network, $"it holds {tensors.Count} tensors ({keys}); the network needs {2 * layers}, a weight and a bias for each of its {layers} Linear layers");
        }

        var literals = new List<string>();
        bool single = model.Precision == PrecisionKind.Single;
        for (int layer = 0; layer < layers; layer++)
        {
            int inputs = model.LayerSizes[layer], outputs = model.LayerSizes[layer + 1];
            JsonTensor weight = tensors[2 * layer], bias = tensors[2 * layer + 1];
            string what = $"layer {layer + 1} ({inputs} -> {outputs})";
            if (!(weight.Key == "weight" || weight.Key.EndsWith(".weight", StringComparison.Ordinal)))
                throw Mismatch(network, $"expected the weight of {what}, a key ending in \".weight\", found \"{weight.Key}\" (line {weight.Line}); tensors come as weight then bias, layer by layer");
            string prefix = weight.Key.Substring(0, weight.Key.Length - "weight".Length);
            if (bias.Key != prefix + "bias")
                throw Mismatch(network, $"expected \"{prefix}bias\" after \"{weight.Key}\", found \"{bias.Key}\" (line {bias.Line})");
            if (weight.Shape.Length != 2 || weight.Shape[0] != outputs || weight.Shape[1] != inputs)
                throw Mismatch(network, $"\"{weight.Key}\" has shape [{string.Join(", ", weight.Shape)}]; {what} needs [{outputs}, {inputs}] (out x in)");
            if (bias.Shape.Length != 1 || bias.Shape[0] != outputs)
                throw Mismatch(network, $"\"{bias.Key}\" has shape [{string.Join(", ", bias.Shape)}]; {what} needs [{outputs}]");
            literals.AddRange(weight.Numbers.Select(number => Literal(weight.Key, number, single)));
            literals.AddRange(bias.Numbers.Select(number => Literal(bias.Key, number, single)));
        }
        return literals.ToEquatableArray();
    }

    private static WeightsException Mismatch(string network, string detail) =>
        new(Diagnostics.WeightsDoNotMatch, network, detail);

    /// <summary>
    /// A JSON number as a C# literal of the network's type. The text is kept, not reparsed: the C#
    /// compiler rounds it correctly to the nearest double or float, which is what the runtime's JSON
    /// reader gives (it parses floats directly, not through double). Here it is parsed only to reject
    /// numbers outside the type's range.
    /// </summary>
    private static string Literal(string key, string number, bool single)
    {
        bool finite = single
            ? float.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) && !float.IsInfinity(f) && !float.IsNaN(f)
            : double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsInfinity(d) && !double.IsNaN(d);
        if (!finite)
            throw new WeightsException(Diagnostics.WeightsNotFinite, $"\"{key}\" holds {number}, which is not a finite {(single ? "float" : "double")}");
        if (single)
            return number + "f";
        return number.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 ? number + ".0" : number;
    }

    private sealed class WeightsException : Exception
    {
        public WeightsException(DiagnosticDescriptor descriptor, params string[] arguments)
        {
            Descriptor = descriptor;
            Arguments = arguments;
        }

        public DiagnosticDescriptor Descriptor { get; }

        public string[] Arguments { get; }
    }
}
