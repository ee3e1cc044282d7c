using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>Every C# block in README.md compiles, with the generator, exactly as printed.</summary>
public class ReadmeSnippetTests
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
    public void Readme_csharp_block_compiles(int index)
    {
        string block = ReadBlocks()[index];
        // A block with statements outside any type is a program; one of declarations only is a library.
        bool isProgram = CSharpSyntaxTree.ParseText(block, GeneratorHarness.ParseOptions).GetCompilationUnitRoot()
            .Members.Any(member => member is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax);
        CSharpCompilation compilation = GeneratorHarness.Compile(block)
            .WithOptions(new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.CompilationProblems.Count == 0, $"README block {index} does not compile:\n{string.Join("\n", run.CompilationProblems)}\n---\n{block}");
    }

    private static List<string> ReadBlocks([CallerFilePath] string callerPath = "")
    {
        string readme = Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "..", "..", "README.md");
        return Regex.Matches(File.ReadAllText(readme).ReplaceLineEndings("\n"), "```csharp\n(.*?)```", RegexOptions.Singleline)
            .Select(match => match.Groups[1].Value)
            .ToList();
    }
}
