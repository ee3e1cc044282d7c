using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;

namespace NetGen.Tests.Support;

/// <summary>What one generator run produced.</summary>
public sealed record GeneratorRun(
    GeneratorDriver Driver,
    Compilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<GeneratedSourceResult> AllSources,
    Exception? Exception)
{
    /// <summary>The networks' files: every generated file but the assembly's warm-up at load (<see cref="WarmUpAtLoad"/>).</summary>
    public ImmutableArray<GeneratedSourceResult> Sources =>
        AllSources.Where(source => source.HintName != global::NetGen.Generator.WarmUpAtLoad.HintName).ToImmutableArray();

    /// <summary>The module initializer of an assembly with one network, or null when the run wrote none.</summary>
    public string? WarmUpAtLoad =>
        AllSources.Where(source => source.HintName == global::NetGen.Generator.WarmUpAtLoad.HintName).Select(source => source.SourceText.ToString()).SingleOrDefault();

    /// <summary>Errors and warnings of the compilation that includes the generated code.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    /// <summary>IDs of the generator's own diagnostics, sorted.</summary>
    public IReadOnlyList<string> GeneratorDiagnosticIds => GeneratorDiagnostics.Select(d => d.Id).Order().ToList();
}

/// <summary>Runs <see cref="NetworkGenerator"/> over source text, as the compiler would.</summary>
public static class GeneratorHarness
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(NetworkAttribute).Assembly.Location);
        paths.Add(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location);
        return paths.Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources) => Compile(ParseOptions, sources);

    public static CSharpCompilation Compile(CSharpParseOptions parseOptions, params string[] sources) =>
        CSharpCompilation.Create(
            "NetGenConsumer",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(params AdditionalText[] additionalFiles) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: additionalFiles,
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), Compile(sources));

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return new GeneratorRun(driver, output, diagnostics, result.GeneratedSources, result.Exception);
    }

    /// <summary>
    /// Runs the generator over <paramref name="sources"/>, compiles the result and loads it, so tests can
    /// run networks declared at test time (every enum value, every limit). Fails with the generator's
    /// and the compiler's errors if there are any.
    /// </summary>
    public static Assembly Load(params string[] sources)
    {
        GeneratorRun run = Run(sources);
        Assert.True(run.Exception is null, run.Exception?.ToString());
        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics));
        return LoadCompilation(run.Output);
    }

    /// <summary>Emits a compilation (optimised, as a user's Release build) and loads it; fails with its errors.</summary>
    public static Assembly LoadCompilation(Compilation compilation)
    {
        compilation = compilation.WithOptions(compilation.Options.WithOptimizationLevel(OptimizationLevel.Release));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        return Assembly.Load(image.ToArray());
    }

    /// <summary>A network class of a loaded assembly, constructed with a seed.</summary>
    public static INetwork<T> Create<T>(Assembly assembly, string className, int seed)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T> =>
        (INetwork<T>)Activator.CreateInstance(assembly.GetType(className, throwOnError: true)!, seed)!;
}

/// <summary>An AdditionalFiles item held in memory, as the compiler would hand it to the generator.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly Microsoft.CodeAnalysis.Text.SourceText _text = Microsoft.CodeAnalysis.Text.SourceText.From(text);

    public override string Path { get; } = path;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => _text;
}
