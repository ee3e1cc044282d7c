using System.Linq;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>No declaration within the limits makes an unbounded amount of code.</summary>
public class CodeSizeTests
{
    [Fact]
    public void Unrolling_stops_at_the_per_network_budget()
    {
        // 64 layers of 64 x 64 = 4096 weights each, all asking to be unrolled: only two fit the budget.
        string sizes = string.Join(", ", Enumerable.Repeat(64, 65));
        string source = Generate($"[Network({sizes}, Hidden = Activation.Tanh, Output = Activation.Identity, MaxUnrolledWeights = 4096)] public partial class Deep {{ }}");
        Assert.Equal(2, CountOccurrences(source, ", unrolled"));
        Assert.True(source.Length < 2_000_000, $"generated {source.Length} characters");
    }

    [Fact]
    public void A_very_wide_single_neuron_is_looped_not_one_huge_expression()
    {
        string source = Generate("[Network(4096, 1, MaxUnrolledWeights = 4096)] public partial class Wide { }");
        Assert.Equal(0, CountOccurrences(source, ", unrolled"));
    }

    [Fact]
    public void The_widest_network_within_the_limits_generates_compact_code()
    {
        string source = Generate("[Network(1048576, 64, 16000, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)] public partial class Huge { }");
        Assert.True(source.Length < 100_000, $"generated {source.Length} characters");
    }

    [Theory]
    [InlineData("")]
    [InlineData(", Dropout = 0.2")]
    public void The_784_128_10_network_generates_under_200_KB(string options)
    {
        // Issue 13's bound for the MNIST-sized network, with and without dropout's training paths.
        string source = Generate($"[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single{options})] public partial class Mnist {{ }}");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(source) < 200 * 1024, $"generated {source.Length} characters");
    }

    private static string Generate(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using NetGen;\nnamespace App;\n" + declaration);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        return run.Sources.Single().SourceText.ToString();
    }

    private static int CountOccurrences(string text, string part) =>
        (text.Length - text.Replace(part, "", System.StringComparison.Ordinal).Length) / part.Length;
}
