using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;

namespace NetGen.Generator;

/// <summary>
/// The NetGen source generator: every class marked <c>[Network(...)]</c> gets unrolled,
/// allocation-free Forward, Backward, Train and Predict code for its fixed shape.
/// Pipeline: attribute -> <see cref="Parser"/> (model or diagnostics) -> <see cref="Emitter"/> (source).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    private const string NetworkAttributeName = "NetGen.NetworkAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Diagnostics travel on their own, so a change that only moves one does not re-emit source.
        IncrementalValuesProvider<DiagnosticInfo> diagnostics = parsed
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        IncrementalValuesProvider<NetworkModel> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<GeneratedFile> files = models
            .Select(static (model, cancellationToken) => new GeneratedFile(model.HintName, Emitter.Emit(model, cancellationToken)))
            .WithTrackingName(TrackingNames.Emit);

        // Collected so that a class declared twice with the attribute (already a compiler error)
        // cannot add the same hint name twice, which would make the generator throw.
        context.RegisterSourceOutput(files.Collect(), static (output, generated) =>
        {
            var seen = new HashSet<string>();
            foreach (GeneratedFile file in generated)
            {
                if (seen.Add(file.HintName))
                    output.AddSource(file.HintName, file.Source);
            }
        });
    }

    private sealed record GeneratedFile(string HintName, string Source);
}
