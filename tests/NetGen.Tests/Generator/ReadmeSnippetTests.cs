using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// Every C# block in README.md compiles, with the generator, exactly as printed, under the settings of
/// a strict consumer: nullable enabled, <c>AnalysisLevel</c> latest-all (the SDK's code-analysis rules,
/// all at warning) and warnings as errors.
/// </summary>
public partial class ReadmeSnippetTests
{
    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < ReadBlocks().Count; i++)
            data.Add(i);
        return data;
    }

    [Fact]
    public void Readme_has_csharp_blocks() => Assert.True(ReadBlocks().Count >= 4);

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Readme_csharp_block_compiles_with_all_analyzers_and_no_warnings(int index)
    {
        string block = ReadBlocks()[index];
        IReadOnlyList<Diagnostic> problems = StrictProblems(block);

        Assert.True(problems.Count == 0, $"README block {index} does not compile cleanly:\n{string.Join("\n", problems)}\n---\n{block}");
    }

    [Fact]
    public void The_strict_build_reports_a_public_type_outside_a_namespace()
    {
        // What README's blocks once did: the check must see CA1050 (and CA1515 in a program) for it.
        IReadOnlyList<Diagnostic> problems = StrictProblems("using NetGen;\n\nSystem.Console.WriteLine(new Net().ParameterCount);\n\n[Network(2, 1)]\npublic partial class Net { }\n");

        Assert.Contains(problems, problem => problem.Id == "CA1050");
        Assert.Contains(problems, problem => problem.Id == "CA1515");
    }

    // The SDK writes these for every project (GenerateAssemblyInfo); without them CA1016 would flag every block.
    private const string SdkAssemblyInfo = "[assembly: System.Reflection.AssemblyVersion(\"1.0.0.0\")]\n";

    /// <summary>Errors and warnings of <paramref name="block"/> built with the generator and the SDK's analyzers at latest-all.</summary>
    private static IReadOnlyList<Diagnostic> StrictProblems(string block)
    {
        // A block with statements outside any type is a program; one of declarations only is a library.
        bool isProgram = CSharpSyntaxTree.ParseText(block, GeneratorHarness.ParseOptions).GetCompilationUnitRoot()
            .Members.Any(member => member is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax);
        CSharpCompilation compilation = GeneratorHarness.Compile(block, SdkAssemblyInfo)
            .WithOptions(new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                specificDiagnosticOptions: AnalysisLevelLatestAll.Value.Severities));
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(WeightsFilesOf(block)), compilation);
        Assert.Empty(run.GeneratorDiagnostics);

        ImmutableArray<Diagnostic> analyzerDiagnostics = run.Output
            .WithAnalyzers(AnalysisLevelLatestAll.Value.Analyzers)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return [.. run.CompilationProblems, .. analyzerDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)];
    }

    /// <summary>
    /// For a block that compiles weights in (<c>[Network(2, 3, 1, ..., Weights = "models/xor.json")]</c>), the
    /// AdditionalFiles item its project would list: a state_dict of the declared shape.
    /// </summary>
    private static AdditionalText[] WeightsFilesOf(string block) =>
        WeightsDeclaration().Matches(block).Select(match =>
        {
            int[] sizes = match.Groups[1].Value.Split(',').Select(size => int.Parse(size, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var tensors = Enumerable.Range(0, sizes.Length - 1).Select(layer =>
                $"\"{2 * layer}.weight\": [{string.Join(", ", Enumerable.Repeat("[" + string.Join(", ", Enumerable.Repeat("0.5", sizes[layer])) + "]", sizes[layer + 1]))}], " +
                $"\"{2 * layer}.bias\": [{string.Join(", ", Enumerable.Repeat("0.0", sizes[layer + 1]))}]");
            return (AdditionalText)new InMemoryAdditionalText("/readme/" + match.Groups[2].Value, "{" + string.Join(", ", tensors) + "}");
        }).ToArray();

    [GeneratedRegex(@"Network\(([\d,\s]+),[^\]]*Weights = ""([^""]+)""")]
    private static partial Regex WeightsDeclaration();

    /// <summary>The code-analysis rules of the SDK running the tests, with the severities of its <c>latest-all</c> analysis level.</summary>
    private static readonly Lazy<(ImmutableArray<DiagnosticAnalyzer> Analyzers, ImmutableDictionary<string, ReportDiagnostic> Severities)> AnalysisLevelLatestAll = new(() =>
    {
        string folder = SdkAnalyzersFolder();
        var loader = new LoadFromPathLoader();
        ImmutableArray<DiagnosticAnalyzer> analyzers =
        [
            .. new[] { "Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" }
                .SelectMany(name => new AnalyzerFileReference(Path.Combine(folder, name), loader).GetAnalyzers(LanguageNames.CSharp)),
        ];
        // The newest "all" level the SDK ships is what AnalysisLevel=latest-all selects.
        string config = Directory.GetFiles(Path.Combine(folder, "build", "config"), "analysislevel_*_all.globalconfig")
            .OrderBy(path => Version.Parse(AllLevelVersion().Match(Path.GetFileName(path)).Groups[1].Value + ".0"))
            .Last();
        var severities = ImmutableDictionary.CreateBuilder<string, ReportDiagnostic>();
        foreach (Match rule in RuleSeverity().Matches(File.ReadAllText(config)))
            severities[rule.Groups[1].Value] = rule.Groups[2].Value switch
            {
                "error" => ReportDiagnostic.Error,
                "warning" => ReportDiagnostic.Warn,
                "suggestion" => ReportDiagnostic.Info,
                "silent" => ReportDiagnostic.Hidden,
                _ => ReportDiagnostic.Suppress,
            };
        Assert.True(analyzers.Length > 100 && severities.Count > 100, $"expected the SDK's code-analysis rules in {folder}");
        return (analyzers, severities.ToImmutable());
    });

    private static string SdkAnalyzersFolder()
    {
        // The runtime runs from <dotnet>/shared/Microsoft.NETCore.App/<version>/; the SDKs sit in <dotnet>/sdk/<version>/.
        string dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        string? folder = Directory.Exists(Path.Combine(dotnetRoot, "sdk"))
            ? Directory.GetDirectories(Path.Combine(dotnetRoot, "sdk"))
                .Select(sdk => Path.Combine(sdk, "Sdks", "Microsoft.NET.Sdk", "analyzers"))
                .Where(Directory.Exists)
                .OrderBy(path => path, StringComparer.Ordinal)
                .LastOrDefault()
            : null;
        return folder ?? throw new InvalidOperationException($"No .NET SDK with code-analysis rules under {dotnetRoot}/sdk; the README check needs one.");
    }

    private sealed class LoadFromPathLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }

    [GeneratedRegex(@"analysislevel_(\d+)_all\.globalconfig")]
    private static partial Regex AllLevelVersion();

    [GeneratedRegex(@"^dotnet_diagnostic\.(\w+)\.severity\s*=\s*(\w+)", RegexOptions.Multiline)]
    private static partial Regex RuleSeverity();

    private static List<string> ReadBlocks([CallerFilePath] string callerPath = "")
    {
        string readme = Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "..", "..", "README.md");
        return Regex.Matches(File.ReadAllText(readme).ReplaceLineEndings("\n"), "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(match => match.Groups[1].Value)
            .ToList();
    }
}
