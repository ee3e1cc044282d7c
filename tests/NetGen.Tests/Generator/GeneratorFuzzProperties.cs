using System;
using System.Globalization;
using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// The generator fuzzer as a CsCheck property: declarations built at random from valid and malformed
/// pieces never make the generator throw, never give an error inside generated code, and every
/// diagnostic of ours has an NG id and a real message. CsCheck shrinks a failing declaration towards
/// fewer and smaller pieces and prints it with its seed
/// (<c>CsCheck_Seed=... dotnet test --filter GeneratorFuzzProperties</c>).
/// </summary>
public sealed class GeneratorFuzzProperties
{
    private static readonly Gen<string> Size = Gen.Frequency(
        (3, Gen.Int[1, 11].Select(size => size.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("0", "-1", "-40", "33", "100000", "int.MaxValue", "int.MinValue", "\"4\"", "4.5", "null", "int.Parse(\"3\")", "(int)2L", "'a'", "1 << 20")));

    private static readonly Gen<string> ActivationValue = Gen.OneOf(
        "Activation.Identity", "Activation.Sigmoid", "Activation.Tanh", "Activation.ReLU", "Activation.LeakyReLU",
        "Activation.Softmax", "(Activation)42", "(Activation)(-1)", "Activation.Swish", "null", "3", "LossFunction.CrossEntropy");

    /// <summary>The layer sizes, in each way C# can pass a params array.</summary>
    private static readonly Gen<string[]> Sizes = Gen.Frequency(
        (8, Size.Array[0, 6]),
        (1, Size.Array[0, 6].Select(sizes => new[] { "new int[] { " + string.Join(", ", sizes) + " }" })),
        (1, Gen.Const(new[] { "null" })));

    /// <summary>Each named argument, or nothing (an empty string) most of the time.</summary>
    private static readonly Gen<string>[] NamedArguments =
    {
        Optional(ActivationValue.Select(value => "Hidden = " + value)),
        Optional(ActivationValue.Select(value => "Output = " + value)),
        Optional(Gen.Frequency(
            (5, ActivationValue.Array[0, 4].Select(values => "Activations = new[] { " + string.Join(", ", values) + " }")),
            (1, Gen.Const("Activations = null")))),
        Optional(Gen.OneOf("LossFunction.HalfSquaredError", "LossFunction.MeanSquaredError", "LossFunction.BinaryCrossEntropy",
                           "LossFunction.CrossEntropy", "(LossFunction)9", "Activation.Tanh", "null").Select(value => "Loss = " + value)),
        Optional(Gen.OneOf("Precision.Single", "Precision.Double", "(Precision)5").Select(value => "Precision = " + value)),
        Optional(Gen.OneOf("Initializer.HeNormal", "Initializer.Uniform01", "(Initializer)77").Select(value => "Initializer = " + value)),
        Optional(Gen.OneOf("0", "1", "-3", "100000", "16").Select(value => "MaxUnrolledWeights = " + value)),
        Optional(Gen.Const("Unknown = 3")),
    };

    private static readonly Gen<string> Attribute = Gen.Frequency(
        (24, from sizes in Sizes
             from named in Gen.Select(NamedArguments[0], NamedArguments[1], NamedArguments[2], NamedArguments[3],
                                      NamedArguments[4], NamedArguments[5], NamedArguments[6], NamedArguments[7])
             select "Network(" + string.Join(", ", sizes.Concat(new[] { named.Item1, named.Item2, named.Item3, named.Item4, named.Item5, named.Item6, named.Item7, named.Item8 })
                 .Where(argument => argument.Length > 0)) + ")"),
        (1, Gen.Const("Network")));

    /// <summary>One annotated type, with whatever else a user might put on it or around it.</summary>
    private static readonly Gen<string> Declaration =
        from attribute in Attribute
        from head in Gen.OneOf("public partial class", "partial class", "internal sealed partial class", "public abstract partial class",
                               "public class", "public static partial class", "public partial record", "public partial struct",
                               "public partial record struct", "file partial class", "public partial interface")
        from name in Gen.Frequency((19, Gen.Const("Net")), (1, Gen.Const("@event")))
        from generic in Gen.Frequency((11, Gen.Const("")), (1, Gen.Const("<T>")))
        from baseClause in Gen.Frequency((4, Gen.Const("")), (1, Gen.OneOf(" : NeedsArguments", " : HasDefault", " : System.Exception", " : System.IDisposable")))
        from member in Gen.Frequency((3, Gen.Const("")), (1, Gen.OneOf(
            "public void Predict() { }", "public {0}() { }", "public {0}(int size) { }", "public {0}(string name) : this(1) { }",
            "public int Loss;", "private double[] _parameters = new double[1];", "public override string ToString() => \"net\";",
            "public static int Forward => 1;", "public class Gradients { }", "public int Extra { get; set; }")))
        select $"[{attribute}]\n{head} {name}{generic}{baseClause}\n{{\n    {member.Replace("{0}", name, StringComparison.Ordinal)}\n}}\n";

    /// <summary>A file: the declaration inside one of the places a type can live, after two base classes to derive from.</summary>
    private static readonly Gen<string> Source =
        from declaration in Declaration
        from wrapper in Gen.OneOf(
            "namespace Fuzz;\n{0}", "{0}", "namespace Fuzz.Deep.Inside\n{{\n{0}\n}}",
            "namespace Fuzz;\npublic partial class Outer\n{{\n{0}\n}}", "namespace Fuzz;\npublic class Outer\n{{\n{0}\n}}",
            "namespace Fuzz;\npublic partial class Outer<T>\n{{\n{0}\n}}", "namespace Fuzz;\npublic static partial class Holder\n{{\n{0}\n}}",
            "namespace Fuzz;\npublic partial struct Outer\n{{\n{0}\n}}")
        select "using NetGen;\n" + string.Format(CultureInfo.InvariantCulture, wrapper,
            "public class NeedsArguments { public NeedsArguments(int size) { } }\n" +
            "public class HasDefault { protected HasDefault(int size = 1) { } public virtual int Predict(int x) => x; }\n" + declaration);

    [Fact]
    public void Random_declarations_never_crash_the_generator_nor_break_generated_code() =>
        Source.Sample(source =>
        {
            GeneratorRun run = GeneratorHarness.Run(source);
            Assert.Null(run.Exception);
            Assert.DoesNotContain(run.CompilationProblems, problem => problem.Id is "CS8785" or "CS8032");
            Assert.DoesNotContain(run.CompilationProblems, problem => problem.Severity == DiagnosticSeverity.Error
                && problem.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
            Assert.All(run.GeneratorDiagnostics, diagnostic =>
            {
                Assert.StartsWith("NG", diagnostic.Id, StringComparison.Ordinal);
                Assert.True(diagnostic.GetMessage(CultureInfo.InvariantCulture).Length >= 20, $"{diagnostic.Id} has no real message");
            });
        }, iter: 600);

    /// <summary>Nothing three times in four; shrinking goes towards nothing.</summary>
    private static Gen<string> Optional(Gen<string> argument) => Gen.Frequency((3, Gen.Const("")), (1, argument));
}
