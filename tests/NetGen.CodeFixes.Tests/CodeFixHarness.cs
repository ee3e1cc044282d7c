using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// Plays the IDE's part without Microsoft.CodeAnalysis.Testing: one document in an AdhocWorkspace,
/// the NetGen generator run over it for its diagnostics, a code fix offered for one of them and applied.
/// </summary>
internal static class CodeFixHarness
{
    private static readonly ImmutableArray<MetadataReference> References = LoadReferences();

    /// <summary>A one-document project holding <paramref name="source"/>.</summary>
    public static Document CreateDocument(AdhocWorkspace workspace, string source)
    {
        ProjectInfo project = ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "Consumer",
            "Consumer",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            // A net10.0 consumer compiles as C# 14; with Roslyn 4.14 that is Preview. The generated
            // code relies on C# 14's span conversions (e.g. TensorPrimitives.Max(span)).
            parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
            metadataReferences: References);
        workspace.AddProject(project);
        return workspace.AddDocument(project.Id, "Networks.cs", SourceText.From(source));
    }

    /// <summary>What the generator reports for the document's project, and the errors of the compilation it produces.</summary>
    public static async Task<(ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> CompilationErrors)> RunGeneratorAsync(Project project)
    {
        Compilation compilation = await project.GetCompilationAsync().ConfigureAwait(false)
            ?? throw new InvalidOperationException("The project has no compilation.");
        var additionalFiles = new List<AdditionalText>();
        foreach (TextDocument file in project.AdditionalDocuments)
            additionalFiles.Add(new AdditionalFile(file.FilePath ?? file.Name, await file.GetTextAsync().ConfigureAwait(false)));
        CSharpGeneratorDriver.Create(
                new[] { new NetworkGenerator().AsSourceGenerator() },
                additionalTexts: additionalFiles,
                parseOptions: (CSharpParseOptions?)project.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation generated, out ImmutableArray<Diagnostic> diagnostics);
        ImmutableArray<Diagnostic> errors = generated.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .ToImmutableArray();
        return (diagnostics, errors);
    }

    /// <summary>The code actions <paramref name="provider"/> offers for the generator's first diagnostic with <paramref name="id"/>.</summary>
    public static async Task<IReadOnlyList<CodeAction>> GetFixesAsync(Document document, CodeFixProvider provider, string id)
    {
        (ImmutableArray<Diagnostic> diagnostics, _) = await RunGeneratorAsync(document.Project).ConfigureAwait(false);
        Diagnostic diagnostic = diagnostics.FirstOrDefault(candidate => candidate.Id == id)
            ?? throw new InvalidOperationException($"The generator reported no {id}; it reported: {string.Join("; ", diagnostics)}");
        Assert.Contains(id, provider.FixableDiagnosticIds);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return actions;
    }

    /// <summary>Applies the one fix offered for <paramref name="id"/> and returns the fixed document.</summary>
    public static async Task<Document> ApplyOnlyFixAsync(Document document, CodeFixProvider provider, string id)
    {
        IReadOnlyList<CodeAction> actions = await GetFixesAsync(document, provider, id).ConfigureAwait(false);
        CodeAction action = Assert.Single(actions);
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        ApplyChangesOperation apply = Assert.Single(operations.OfType<ApplyChangesOperation>());
        return apply.ChangedSolution.GetDocument(document.Id)
            ?? throw new InvalidOperationException("The fix removed the document.");
    }

    /// <summary>The document's text after the fix, checked to generate cleanly.</summary>
    public static async Task<string> FixAndVerifyAsync(string source, CodeFixProvider provider, string id)
    {
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, source);
        Document fixedDocument = await ApplyOnlyFixAsync(document, provider, id).ConfigureAwait(false);

        (ImmutableArray<Diagnostic> diagnostics, ImmutableArray<Diagnostic> errors) = await RunGeneratorAsync(fixedDocument.Project).ConfigureAwait(false);
        Assert.Empty(diagnostics);
        Assert.Empty(errors);
        return (await fixedDocument.GetTextAsync().ConfigureAwait(false)).ToString();
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string platform = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        return platform.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(NetworkAttribute).Assembly.Location)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => (MetadataReference)MetadataReference.CreateFromFile(group.First()))
            .ToImmutableArray();
    }

    /// <summary>A project's AdditionalFiles item as the compiler hands it to a generator.</summary>
    private sealed class AdditionalFile(string path, Microsoft.CodeAnalysis.Text.SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) => text;
    }
}
