using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// The pipeline is incremental: an unrelated edit reuses every cached step, and editing one
/// network regenerates that network only. The model it caches holds no Roslyn object.
/// </summary>
public class IncrementalityTests
{
    private const string FirstNetwork = """
        using NetGen;
        namespace App;
        [Network(4, 3, 1)]
        public partial class First { }
        """;

    private const string SecondNetwork = """
        using NetGen;
        namespace App;
        [Network(2, 5, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
        public partial class Second { }
        """;

    private const string Unrelated = "namespace App; public static class Helpers { public static int Twice(int x) => x * 2; }";

    [Fact]
    public void An_unrelated_edit_reuses_every_step()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(FirstNetwork, SecondNetwork, Unrelated);
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);

        SyntaxTree unrelated = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(unrelated,
            unrelated.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Unrelated + "\npublic static class More { }")));
        GeneratorRun second = GeneratorHarness.Run(first.Driver, edited);

        foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Models, TrackingNames.Emit, TrackingNames.WarmUpAtLoad })
        {
            IncrementalStepRunReason[] reasons = Reasons(second, step);
            Assert.Equal(2, reasons.Length);
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {reason}"));
        }
    }

    [Fact]
    public void Editing_one_network_regenerates_only_that_network()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(FirstNetwork, SecondNetwork, Unrelated);
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);

        SyntaxTree firstTree = compilation.SyntaxTrees.First();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(firstTree,
            firstTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(FirstNetwork.Replace("4, 3, 1", "4, 6, 1", StringComparison.Ordinal))));
        GeneratorRun second = GeneratorHarness.Run(first.Driver, edited);

        IncrementalStepRunReason[] emitted = Reasons(second, TrackingNames.Emit);
        Assert.Equal(1, emitted.Count(reason => reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New));
        Assert.Equal(1, emitted.Count(reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("public const int ParameterCount = 37;", second.Sources.Single(s => s.HintName == "App.First.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Running_twice_on_the_same_compilation_gives_byte_identical_output()
    {
        GeneratorRun first = GeneratorHarness.Run(FirstNetwork, SecondNetwork);
        GeneratorRun second = GeneratorHarness.Run(FirstNetwork, SecondNetwork);
        Assert.Equal(first.Sources.Select(s => s.SourceText.ToString()), second.Sources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void The_cached_model_holds_no_symbol_syntax_or_compilation()
    {
        GeneratorRun run = GeneratorHarness.Run(FirstNetwork, SecondNetwork, "using NetGen; namespace App; [Network(3)] public partial class Broken { }");
        GeneratorRunResult result = run.Driver.GetRunResult().Results.Single();
        object[] outputs = result.TrackedSteps[TrackingNames.Parse]
            .SelectMany(step => step.Outputs).Select(output => output.Value).ToArray();
        Assert.Equal(3, outputs.Length);
        foreach (object output in outputs)
            AssertNoRoslynObjects(output, "ParseResult", new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
            return;
        if (value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location or SyntaxToken or AttributeData)
            throw new Xunit.Sdk.XunitException($"{path} holds a {value.GetType().Name}");
        // Descriptors are immutable static data, not compilation state.
        if (value is DiagnosticDescriptor || !value.GetType().IsValueType && !seen.Add(value))
            return;
        if (value is IEnumerable items)
        {
            int index = 0;
            foreach (object? item in items)
                AssertNoRoslynObjects(item, $"{path}[{index++}]", seen);
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoRoslynObjects(field.GetValue(value), path + "." + field.Name, seen);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRun run, string step) =>
        run.Driver.GetRunResult().Results.Single().TrackedSteps[step]
            .SelectMany(s => s.Outputs).Select(output => output.Reason).ToArray();
}
