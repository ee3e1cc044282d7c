using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// <see cref="WarmUpAtLoad"/>: an assembly that declares exactly one concrete network, which code anywhere in it can
/// name, gets a module initializer that starts that network's background warm-up when the assembly loads; any other
/// assembly gets none, and its networks start their warm-ups at their first construction.
/// </summary>
public class WarmUpAtLoadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_only_network_of_an_assembly_gets_a_module_initializer()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;
            namespace Samples;
            [Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
            public partial class MnistNet { }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.NotNull(run.WarmUpAtLoad);
        SnapshotVerifier.Verify(run.WarmUpAtLoad, WarmUpAtLoad.HintName, nameof(WarmUpAtLoadTests));
    }

    [Theory]
    // Nested in public and internal types, and names that are keywords: the initializer names the class from anywhere.
    [InlineData("namespace @class.@event; public static partial class @struct { internal partial class Outer { [Network(2, 3, 1)] protected internal partial class @double { } } }",
        "global::@class.@event.@struct.Outer.@double", "double")]
    [InlineData("[Network(2, 3, 1, Precision = Precision.Single)] internal partial class TopLevel { }", "global::TopLevel", "float")]
    // An abstract network is never constructed itself, so it does not count.
    [InlineData("namespace App; [Network(2, 3, 1)] public abstract partial class Base { } [Network(3, 2, 1)] public partial class Concrete { }",
        "global::App.Concrete", "double")]
    public void The_initializer_names_the_network_and_its_precision(string declarations, string qualifiedName, string keyword)
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\n" + declarations);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains($"StartInBackground<{qualifiedName}, {keyword}>({qualifiedName}.ParameterCount);", run.WarmUpAtLoad, StringComparison.Ordinal);
    }

    [Theory]
    // Two networks: which one the program uses first is not known.
    [InlineData("namespace App; [Network(2, 3, 1)] public partial class First { } [Network(3, 2, 1)] public partial class Second { }")]
    // A network inside a private or protected type cannot be named outside it.
    [InlineData("namespace App; public partial class Host { [Network(2, 3, 1)] private partial class Hidden { } }")]
    [InlineData("namespace App; public partial class Host { protected partial class Inner { [Network(2, 3, 1)] public partial class Hidden { } } }")]
    // Only an abstract network, or none that is valid.
    [InlineData("namespace App; [Network(2, 3, 1)] public abstract partial class Base { }")]
    [InlineData("namespace App; public class Plain { }")]
    public void Other_assemblies_get_no_initializer(string declarations)
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\n" + declarations);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Null(run.WarmUpAtLoad);
    }

    [Fact]
    public void Editing_the_network_re_emits_the_initializer_only_when_its_name_or_precision_changes()
    {
        const string network = "using NetGen; namespace App; [Network(4, 3, 1)] public partial class Only { }";
        CSharpCompilation compilation = GeneratorHarness.Compile(network);
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        Assert.NotNull(first.WarmUpAtLoad);

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        GeneratorRun resized = GeneratorHarness.Run(first.Driver, compilation.ReplaceSyntaxTree(tree,
            tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(network.Replace("4, 3, 1", "4, 6, 1", StringComparison.Ordinal)))));
        Assert.All(Reasons(resized), reason => Assert.True(reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, reason.ToString()));
        Assert.Equal(first.WarmUpAtLoad, resized.WarmUpAtLoad);

        GeneratorRun renamed = GeneratorHarness.Run(first.Driver, compilation.ReplaceSyntaxTree(tree,
            tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(network.Replace("Only", "Renamed", StringComparison.Ordinal)))));
        Assert.Contains("global::App.Renamed", renamed.WarmUpAtLoad, StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_an_assembly_with_one_network_starts_its_warm_up_before_any_network_is_constructed()
    {
        Assembly assembly = GeneratorHarness.Load("""
            using NetGen;
            namespace LoadTime;
            [Network(6, 5, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
            public partial class OnlyNet { }
            """);
        // The runtime runs the module initializer once, when the module is first used (here at the latest by the call
        // below); nothing here constructs a network, so only the initializer can have started the warm-up.
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        Type network = assembly.GetType("LoadTime.OnlyNet", throwOnError: true)!;
        Assert.Contains(StateOf(network), new[] { WarmUpState.Running, WarmUpState.Done });
        Assert.True(SpinWait.SpinUntil(() => StateOf(network) != WarmUpState.Running, Patience));
        Assert.Equal(WarmUpState.Done, StateOf(network));
    }

    [Fact]
    public void Loading_an_assembly_with_two_networks_starts_no_warm_up()
    {
        Assembly assembly = GeneratorHarness.Load("""
            using NetGen;
            namespace LoadTime;
            [Network(6, 5, 3)] public partial class FirstNet { }
            [Network(3, 5, 6)] public partial class SecondNet { }
            """);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        Assert.Equal(WarmUpState.Undecided, StateOf(assembly.GetType("LoadTime.FirstNet", throwOnError: true)!));
        Assert.Equal(WarmUpState.Undecided, StateOf(assembly.GetType("LoadTime.SecondNet", throwOnError: true)!));
    }

    private static WarmUpState StateOf(Type network) =>
        (WarmUpState)typeof(NetworkWarmUp).GetMethod(nameof(NetworkWarmUp.StateOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(network).Invoke(null, null)!;

    private static IncrementalStepRunReason[] Reasons(GeneratorRun run) =>
        run.Driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.WarmUpAtLoad]
            .SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
}
