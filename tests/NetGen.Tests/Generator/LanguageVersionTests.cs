using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// Generated code compiles in projects that pin an older C# version: it must not rely on C# 14's
/// implicit span conversions in generic inference, so every generic call names its type argument.
/// </summary>
public class LanguageVersionTests
{
    [Theory]
    [InlineData(LanguageVersion.CSharp10)]
    [InlineData(LanguageVersion.CSharp12)]
    [InlineData(LanguageVersion.CSharp13)]
    public void Every_code_shape_compiles_under_older_language_versions(LanguageVersion version)
    {
        GeneratorRun run = RunUnder(version, """
            using NetGen;
            namespace App
            {
                [Network(6, 40, 30, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
                public partial class LoopedSoftmax { }

                [Network(3, 9, 2, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
                public partial class UnrolledBinary { }

                [Network(4, 20, 2, Hidden = Activation.LeakyReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
                public partial class LoopedRegression { }

                // In locals past the update calls' limit (updates through references) and with sums long enough for chains.
                [Network(9, 11, 5, 2, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
                public partial class InLocalsWide { }

                // Units in vectors of four, read at references into the spans in the training kernels (rule 4), in locals
                // and (two inputs, past the in-locals limits) by the predict plan of rule 9.
                [Network(1, 40, 1, Activations = new[] { Activation.ReLU, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
                public partial class GroupedInLocals { }

                [Network(2, 33, 3, Activations = new[] { Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
                public partial class GroupedSamplesInLocals { }
            }
            """);
        Assert.Equal(6, run.Sources.Length);
        Assert.Empty(run.CompilationProblems);

        // Predict and Loss of the looped networks take their scratch from Kernels.OnStack where a ref struct may implement an
        // interface (C# 13), and stackalloc it before.
        string looped = run.Sources.Single(source => source.HintName.StartsWith("App.LoopedSoftmax", System.StringComparison.Ordinal)).SourceText.ToString();
        if (version >= LanguageVersion.CSharp13)
        {
            Assert.Contains("global::NetGen.Kernels.OnStack<double, PredictPass>(ActivationCount, ref pass);", looped);
            Assert.DoesNotContain("stackalloc", looped);
        }
        else
        {
            Assert.Contains("global::System.Span<double> activations = stackalloc double[ActivationCount];", looped);
            Assert.DoesNotContain("OnStack", looped);
            Assert.DoesNotContain("ref struct", looped);
        }
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10)]
    [InlineData(LanguageVersion.CSharp13)]
    public void An_assemblys_only_network_and_its_module_initializer_compile_under_older_language_versions(LanguageVersion version)
    {
        GeneratorRun run = RunUnder(version, """
            using NetGen;
            namespace App
            {
                public static partial class Models
                {
                    [Network(4, 3, 1, Precision = Precision.Single)]
                    internal partial class Only { }
                }
            }
            """);
        Assert.NotNull(run.WarmUpAtLoad);
        Assert.Empty(run.CompilationProblems);
    }

    /// <summary>The generator over <paramref name="source"/>, parsed and generated under <paramref name="version"/>.</summary>
    private static GeneratorRun RunUnder(LanguageVersion version, string source)
    {
        var options = new CSharpParseOptions(version);
        var driver = CSharpGeneratorDriver.Create(new[] { new NetGen.Generator.NetworkGenerator().AsSourceGenerator() }, parseOptions: options);
        return GeneratorHarness.Run(driver, GeneratorHarness.Compile(options, source));
    }
}
