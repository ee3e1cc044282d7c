using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// Each invalid declaration gets exactly its NGxxxx diagnostic, pointing at the declaration, with a
/// message that says how to fix it; no source is generated for it and the generator does not throw.
/// </summary>
public class DiagnosticTests
{
    [Fact]
    public void NG0001_class_not_partial() =>
        AssertDiagnostic("[Network(4, 3, 1)] public class Net { }", "NG0001", "partial class Net");

    [Fact]
    public void NG0002_fewer_than_two_sizes() =>
        AssertDiagnostic("[Network(4)] public partial class Net { }", "NG0002", "at least one more");

    [Fact]
    public void NG0002_no_sizes_at_all() =>
        AssertDiagnostic("[Network] public partial class Net { }", "NG0002", "0 layer size(s)");

    [Fact]
    public void NG0002_null_size_array() =>
        AssertDiagnostic("[Network(null)] public partial class Net { }", "NG0002", "0 layer size(s)");

    [Fact]
    public void NG0003_size_below_one() =>
        AssertDiagnostic("[Network(4, 0, 1)] public partial class Net { }", "NG0003", "Layer size 0 (position 1)");

    [Fact]
    public void NG0003_negative_size() =>
        AssertDiagnostic("[Network(4, 3, -2)] public partial class Net { }", "NG0003", "Layer size -2 (position 2)");

    [Fact]
    public void NG0004_wrong_activations_count() =>
        AssertDiagnostic("[Network(4, 3, 1, Activations = new[] { Activation.Tanh })] public partial class Net { }", "NG0004", "give exactly 2 activations");

    [Fact]
    public void NG0005_softmax_on_a_hidden_layer() =>
        AssertDiagnostic("[Network(4, 3, 2, Hidden = Activation.Softmax, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)] public partial class Net { }", "NG0005", "on hidden layer 1");

    [Fact]
    public void NG0005_softmax_output_without_cross_entropy() =>
        AssertDiagnostic("[Network(4, 3, 2, Output = Activation.Softmax)] public partial class Net { }", "NG0005", "with LossFunction.HalfSquaredError");

    [Fact]
    public void NG0006_cross_entropy_without_softmax() =>
        AssertDiagnostic("[Network(4, 3, 2, Loss = LossFunction.CrossEntropy)] public partial class Net { }", "NG0006", "Output = Activation.Softmax");

    [Fact]
    public void NG0006_names_an_identity_output_in_plain_english() =>
        AssertDiagnostic("[Network(4, 3, 2, Output = Activation.Identity, Loss = LossFunction.CrossEntropy)] public partial class Net { }", "NG0006", "but its output is Identity");

    [Fact]
    public void NG0007_binary_cross_entropy_without_sigmoid() =>
        AssertDiagnostic("[Network(4, 3, 1, Output = Activation.Tanh, Loss = LossFunction.BinaryCrossEntropy)] public partial class Net { }", "NG0007", "Output = Activation.Sigmoid");

    [Fact]
    public void NG0008_generic_class() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial class Net<T> { }", "NG0008", "non-generic");

    [Fact]
    public void NG0008_class_nested_in_a_generic_type() =>
        AssertDiagnostic("public partial class Outer<T> { [Network(4, 3, 1)] public partial class Net { } }", "NG0008", "nested in a generic type");

    [Fact]
    public void NG0009_activations_together_with_hidden() =>
        AssertDiagnostic("[Network(4, 3, 1, Hidden = Activation.ReLU, Activations = new[] { Activation.Tanh, Activation.Sigmoid })] public partial class Net { }", "NG0009", "sets both Activations and Hidden");

    [Fact]
    public void NG0010_activation_out_of_range() =>
        AssertDiagnostic("[Network(4, 3, 1, Hidden = (Activation)42)] public partial class Net { }", "NG0010", "Hidden = 42");

    [Fact]
    public void NG0010_loss_out_of_range() =>
        AssertDiagnostic("[Network(4, 3, 1, Loss = (LossFunction)(-1))] public partial class Net { }", "NG0010", "LossFunction.CrossEntropy");

    [Fact]
    public void NG0010_precision_out_of_range() =>
        AssertDiagnostic("[Network(4, 3, 1, Precision = (Precision)7)] public partial class Net { }", "NG0010", "Precision.Single");

    [Fact]
    public void NG0010_negative_unroll_limit() =>
        AssertDiagnostic("[Network(4, 3, 1, MaxUnrolledWeights = -5)] public partial class Net { }", "NG0010", "MaxUnrolledWeights = -5");

    [Fact]
    public void NG0011_too_many_neurons() =>
        AssertDiagnostic("[Network(4, 100000, 1)] public partial class Net { }", "NG0011", "the limit is 32768 neurons");

    [Fact]
    public void NG0011_too_many_parameters() =>
        AssertDiagnostic("[Network(1000000, 16000, 1)] public partial class Net { }", "NG0011", "the limit is 100000000 parameters");

    [Fact]
    public void NG0011_unroll_limit_above_ceiling() =>
        AssertDiagnostic("[Network(4, 3, 1, MaxUnrolledWeights = 1000000)] public partial class Net { }", "NG0011", "4096 unrolled weights per layer");

    [Fact]
    public void NG0012_static_class() =>
        AssertDiagnostic("[Network(4, 3, 1)] public static partial class Net { }", "NG0012", "is static");

    [Fact]
    public void NG0012_record() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial record Net { }", "NG0012", "is a record");

    [Fact]
    public void NG0012_file_local_class() =>
        AssertDiagnostic("[Network(4, 3, 1)] file partial class Net { }", "NG0012", "file-local");

    [Fact]
    public void NG0012_struct() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial struct Net { }", "NG0012", "is a struct");

    [Fact]
    public void NG0013_primary_constructor() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial class Net(int size) { public int Size => size; }", "NG0013", "primary constructor");

    [Fact]
    public void NG0013_user_declares_a_generated_method() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial class Net { public void Predict() { } }", "NG0013", "declares 'Predict'");

    [Fact]
    public void NG0013_user_declares_a_parameterless_constructor() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial class Net { public Net() { } }", "NG0013", "declares the constructor");

    [Fact]
    public void NG0013_user_inherits_a_generated_member_name() =>
        AssertDiagnostic("public class Base { public int Parameters => 0; } [Network(4, 3, 1)] public partial class Net : Base { }", "NG0013", "inherits from Base");

    [Fact]
    public void NG0013_class_named_like_a_generated_member() =>
        AssertDiagnostic("[Network(4, 3, 1)] public partial class Train { }", "NG0013", "is named like");

    [Fact]
    public void NG0014_containing_type_not_partial() =>
        AssertDiagnostic("public class Outer { [Network(4, 3, 1)] public partial class Net { } }", "NG0014", "write 'partial' on 'Outer'");

    [Fact]
    public void NG0015_base_class_without_parameterless_constructor() =>
        AssertDiagnostic("public class Base { public Base(int size) { } } [Network(4, 3, 1)] public partial class Net : Base { }", "NG0015", "derives from 'Base'");

    [Fact]
    public void A_base_class_with_an_optional_parameter_constructor_is_allowed()
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen; public class Base { protected Base(int size = 3) { } } [Network(4, 3, 1)] public partial class Net : Base { }");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void Keywords_used_as_names_are_escaped_in_generated_code()
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen; namespace @class.@event { public partial class @struct { [Network(4, 3, 1)] public partial class @double { } } }");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Equal("class.event.struct.double.g.cs", Assert.Single(run.Sources).HintName);
    }

    [Fact]
    public void Unrelated_constructor_and_members_are_allowed()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;
            [Network(4, 3, 1)]
            public partial class Net
            {
                public Net(string name) : this(42) => Name = name;
                public string Name { get; } = "";
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void Arguments_that_do_not_bind_are_left_to_the_compiler()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using NetGen;
            [Network(4, "three", 1)]
            public partial class Net { }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.CompilationProblems, d => d.Id == "CS1503");
    }

    private static void AssertDiagnostic(string declaration, string id, string messagePart)
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\n" + declaration);
        Assert.Null(run.Exception);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(messagePart, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // Diagnostics travel as plain data, so they come back as file locations: check file and line.
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.True(diagnostic.Location.GetLineSpan().StartLinePosition.Line >= 1, "the diagnostic points at the declaration, not the using");
        Assert.False(string.IsNullOrEmpty(diagnostic.Descriptor.HelpLinkUri));
        Assert.Empty(run.Sources);
        Assert.DoesNotContain(run.CompilationProblems, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true);
    }
}
