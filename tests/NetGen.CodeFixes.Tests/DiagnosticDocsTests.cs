using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetGen.Generator;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// The pages under docs/diagnostics are part of the product: every diagnostic has one, the help
/// link points at it, and its examples do what the page says.
/// </summary>
public sealed partial class DiagnosticDocsTests
{
    private static readonly string DocsFolder = Path.Combine(FindRepositoryRoot(), "docs", "diagnostics");

    /// <summary>Pages with no example: no declaration is known to trigger NG0099.</summary>
    private static readonly string[] PagesWithoutExamples = ["NG0099"];

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors())
            data.Add(descriptor.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_diagnostic_has_a_page_its_help_link_points_to_and_a_line_in_the_table(string id)
    {
        DiagnosticDescriptor descriptor = Descriptors().Single(candidate => candidate.Id == id);
        string page = File.ReadAllText(Path.Combine(DocsFolder, id + ".md"));
        string table = File.ReadAllText(Path.Combine(DocsFolder, "README.md"));

        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.StartsWith("# " + id + ": " + descriptor.Title, page, StringComparison.Ordinal);
        Assert.Contains("| [" + id + "](" + id + ".md) | " + descriptor.Title + " |", table, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_example_on_each_page_reports_that_diagnostic(string id)
    {
        string? example = CodeBlockAfter(id, "## Example");
        if (example is null)
            return; // NG0099: no declaration is known to trigger it.

        (ImmutableArray<Diagnostic> diagnostics, _) = Consumer.RunGenerator(example, WeightsFile(example, id, "## Example"));

        Assert.Contains(diagnostics, diagnostic => diagnostic.Id == id);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_message_on_each_page_is_the_one_its_example_reports_in_plain_english(string id)
    {
        string? example = CodeBlockAfter(id, "## Example");
        if (example is null)
            return;
        string[] documented = DocumentedMessages(id);
        Assert.True(documented.Length > 0, $"{id}.md has no 'Message: `...`' line");

        (ImmutableArray<Diagnostic> diagnostics, _) = Consumer.RunGenerator(example, WeightsFile(example, id, "## Example"));
        string[] messages = diagnostics.Where(diagnostic => diagnostic.Id == id)
            .Select(diagnostic => diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        Assert.True(documented.Intersect(messages).Any(),
            $"{id}.md documents {string.Join(" / ", documented)} but its example reports {string.Join(" / ", messages)}");
        // "a Identity output": a message that fills a name in after a fixed article reads wrongly for some names.
        foreach (string message in messages)
            Assert.DoesNotMatch(ArticleBeforeVowel(), message);
    }

    [Fact]
    public void A_missing_partial_names_the_compiler_errors_it_causes_in_code_that_uses_the_network()
    {
        // Without partial nothing is generated, so uses of the network fail with CS0117 that never
        // mention NetGen; NG0001 itself must say where those come from.
        string example = CodeBlockAfter("NG0001", "## Example")!;
        (ImmutableArray<Diagnostic> diagnostics, ImmutableArray<Diagnostic> errors) = Consumer.RunGenerator(example);

        Assert.Contains(errors, error => error.Id == "CS0117");
        Diagnostic notPartial = Assert.Single(diagnostics, diagnostic => diagnostic.Id == "NG0001");
        Assert.Contains("CS0117", notPartial.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_fixed_example_on_each_page_generates_and_compiles_cleanly(string id)
    {
        string? fixedExample = CodeBlockAfter(id, "## Fixed example");
        if (fixedExample is null)
            return;

        (ImmutableArray<Diagnostic> diagnostics, ImmutableArray<Diagnostic> errors) = Consumer.RunGenerator(fixedExample, WeightsFile(fixedExample, id, "## Fixed example"));

        Assert.Empty(diagnostics);
        Assert.Empty(errors);
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(Diagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);

    /// <summary>
    /// The Weights file of an example: the file its attribute names, with the text of the ```json block
    /// of the same section; none when the section has no such block (the file is then not listed).
    /// </summary>
    private static (string Path, string Text)[] WeightsFile(string example, string id, string heading)
    {
        Match name = WeightsName().Match(example);
        // NG0020's file is too large to print on its page; one character over the limit stands in for it.
        string? json = id == Diagnostics.WeightsFileTooLarge.Id && heading == "## Example"
            ? new string(' ', Limits.MaxCompiledWeightsCharacters + 1)
            : CodeBlockAfter(id, heading, JsonBlock());
        return name.Success && json is not null ? new[] { (name.Groups[1].Value, json) } : Array.Empty<(string, string)>();
    }

    /// <summary>The first ```csharp block after <paramref name="heading"/> on the page of <paramref name="id"/>, if any.</summary>
    private static string? CodeBlockAfter(string id, string heading)
    {
        string? code = CodeBlockAfter(id, heading, CodeBlock());
        // A page that lost its example must fail here rather than pass with nothing checked.
        Assert.True(code is not null || PagesWithoutExamples.Contains(id), $"{id}.md has no ```csharp block under '{heading}'");
        return code;
    }

    private static string? CodeBlockAfter(string id, string heading, Regex block)
    {
        string page = File.ReadAllText(Path.Combine(DocsFolder, id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = page.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{id}.md has no '{heading}' section");
        int end = page.IndexOf("\n## ", start + heading.Length + 2, StringComparison.Ordinal);
        string section = end < 0 ? page[start..] : page[start..end];
        Match match = block.Match(section);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"Weights = ""([^""]+)""")]
    private static partial Regex WeightsName();

    /// <summary>The messages quoted after the "Message:" (or "Messages:") line of a page's first section.</summary>
    private static string[] DocumentedMessages(string id)
    {
        string page = File.ReadAllText(Path.Combine(DocsFolder, id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = page.IndexOf("\nMessage", StringComparison.Ordinal);
        if (start < 0)
            return [];
        // The "Message:" line, or the list under "Messages:", ends at the next blank line.
        int end = page.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        return QuotedMessage().Matches(end < 0 ? page[start..] : page[start..end]).Select(match => match.Groups[1].Value).ToArray();
    }

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex QuotedMessage();

    [GeneratedRegex(@"\ba [AEIOU]")]
    private static partial Regex ArticleBeforeVowel();

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetGen.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
    }
}
