using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// Thousands of declarations, built at random from valid and malformed pieces, never make the
/// generator throw: each one either compiles, or gets an error that says why (ours, or the
/// compiler's where the arguments do not bind). CI runs a fixed seed; for more, locally:
/// <c>NETGEN_FUZZ_SEED=7 NETGEN_FUZZ_CASES=20000 dotnet test --filter GeneratorFuzzTests</c>.
/// </summary>
public class GeneratorFuzzTests
{
    private static readonly string[] SizePieces =
    {
        "1", "2", "3", "4", "7", "16", "33", "0", "-1", "-40", "100000", "int.MaxValue", "int.MinValue",
        "\"4\"", "4.5", "null", "int.Parse(\"3\")", "(int)2L", "'a'", "1 << 20",
    };

    private static readonly string[] ActivationPieces =
    {
        "Activation.Identity", "Activation.Sigmoid", "Activation.Tanh", "Activation.ReLU", "Activation.LeakyReLU",
        "Activation.Softmax", "(Activation)42", "(Activation)(-1)", "Activation.Swish", "null", "3", "LossFunction.CrossEntropy",
    };

    private static readonly string[] LossPieces =
    {
        "LossFunction.HalfSquaredError", "LossFunction.MeanSquaredError", "LossFunction.BinaryCrossEntropy",
        "LossFunction.CrossEntropy", "(LossFunction)9", "Activation.Tanh", "null",
    };

    private static readonly string[] TypeHeads =
    {
        "public partial class", "partial class", "internal sealed partial class", "public abstract partial class",
        "public class", "public static partial class", "public partial record", "public partial struct",
        "public partial record struct", "file partial class", "public partial interface",
    };

    private static readonly string[] BaseClauses =
    {
        "", "", "", "", " : NeedsArguments", " : HasDefault", " : System.Exception", " : System.IDisposable",
    };

    private const string BaseClasses =
        "public class NeedsArguments { public NeedsArguments(int size) { } }\n" +
        "public class HasDefault { protected HasDefault(int size = 1) { } public virtual int Predict(int x) => x; }\n";

    private static readonly string[] ExtraMembers =
    {
        "", "", "", "public void Predict() { }", "public {0}() { }", "public {0}(int size) { }", "public {0}(string name) : this(1) { }",
        "public int Loss;", "private double[] _parameters = new double[1];", "public override string ToString() => \"net\";",
        "public static int Forward => 1;", "public class Gradients { }", "public int Extra { get; set; }",
    };

    private static readonly string[] Wrappers =
    {
        "namespace Fuzz;\n{0}", "{0}", "namespace Fuzz.Deep.Inside\n{{\n{0}\n}}",
        "namespace Fuzz;\npublic partial class Outer\n{{\n{0}\n}}", "namespace Fuzz;\npublic class Outer\n{{\n{0}\n}}",
        "namespace Fuzz;\npublic partial class Outer<T>\n{{\n{0}\n}}", "namespace Fuzz;\npublic static partial class Holder\n{{\n{0}\n}}",
        "namespace Fuzz;\npublic partial struct Outer\n{{\n{0}\n}}",
    };

    [Fact]
    public void Random_declarations_never_crash_the_generator()
    {
        int seed = int.Parse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_SEED") ?? "20261122", CultureInfo.InvariantCulture);
        int cases = int.Parse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_CASES") ?? "1500", CultureInfo.InvariantCulture);
        var random = new Random(seed);
        var failures = new List<string>();
        for (int i = 0; i < cases && failures.Count < 5; i++)
        {
            string[] sources = MakeSources(random, i);
            string? problem = Check(sources);
            if (problem is not null)
                failures.Add($"case {i} (seed {seed}): {problem}\n{string.Join("\n// ---- next file\n", sources)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void A_generator_that_throws_is_reported_by_the_check_through_the_driver_diagnostic_alone()
    {
        GeneratorRun run = RunThrowingGenerator();
        Assert.NotNull(run.Exception);
        // Where the driver really reports it: its own diagnostics, never the compilation's.
        Assert.Contains(run.GeneratorDiagnostics, diagnostic => diagnostic.Id == "CS8785");
        Assert.DoesNotContain(run.CompilationProblems, diagnostic => diagnostic.Id == "CS8785");

        string? withException = Check(run);
        string? fromDiagnosticOnly = Check(run with { Exception = null });

        Assert.Contains("the generator threw", withException, StringComparison.Ordinal);
        Assert.Contains("the generator failed to run: ", fromDiagnosticOnly, StringComparison.Ordinal);
        Assert.Contains("CS8785", fromDiagnosticOnly, StringComparison.Ordinal);
    }

    /// <summary>Checks one compilation; returns what went wrong, or null.</summary>
    private static string? Check(string[] sources) => Check(GeneratorHarness.Run(sources));

    private static string? Check(GeneratorRun run)
    {
        if (run.Exception is not null)
            return "the generator threw " + run.Exception;
        // CS8785 (a generator threw) and CS8032 (it could not load) come from the driver, among the
        // generator run's diagnostics; the compilation's own diagnostics never hold them.
        Diagnostic? failed = run.GeneratorDiagnostics.FirstOrDefault(d => d.Id is "CS8785" or "CS8032");
        if (failed is not null)
            return "the generator failed to run: " + failed;
        IReadOnlyList<Diagnostic> problems = run.CompilationProblems;
        Diagnostic? inGenerated = problems.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        if (inGenerated is not null)
            return "an error inside generated code: " + inGenerated;
        foreach (Diagnostic diagnostic in run.GeneratorDiagnostics)
        {
            if (!diagnostic.Id.StartsWith("NG", StringComparison.Ordinal) || diagnostic.GetMessage(CultureInfo.InvariantCulture).Length < 20)
                return "a diagnostic without an NG id or a real message: " + diagnostic;
        }
        return null;
    }

    private static GeneratorRun RunThrowingGenerator()
    {
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            new[] { new ThrowingGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compile("namespace Fuzz; public class Plain { }"), out Compilation output, out var diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        return new GeneratorRun(driver, output, diagnostics, result.GeneratedSources, result.Exception);
    }

    /// <summary>A generator with a bug: it throws on every compilation.</summary>
    private sealed class ThrowingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, (_, _) => throw new InvalidOperationException("planted generator bug"));
    }

    private static string[] MakeSources(Random random, int index)
    {
        int networks = random.Next(10) == 0 ? 2 : 1;
        var declarations = new StringBuilder();
        string? splitPart = null;
        for (int n = 0; n < networks; n++)
        {
            string name = random.Next(20) == 0 ? $"@event" : $"Net{index}_{n}";
            string attribute = MakeAttribute(random);
            string head = Pick(random, TypeHeads);
            string generic = random.Next(12) == 0 ? "<T>" : "";
            string member = Pick(random, ExtraMembers).Replace("{0}", name, StringComparison.Ordinal);
            string baseClause = Pick(random, BaseClauses);
            declarations.AppendLine($"[{attribute}]").AppendLine($"{head} {name}{generic}{baseClause}").AppendLine("{").AppendLine("    " + member).AppendLine("}");
            if (random.Next(8) == 0 && head.Contains("partial class", StringComparison.Ordinal) && generic.Length == 0)
                splitPart = $"namespace Fuzz;\npartial class {name}\n{{\n    {Pick(random, ExtraMembers).Replace("{0}", name, StringComparison.Ordinal)}\n}}\n";
        }
        string main = "using NetGen;\n" + string.Format(CultureInfo.InvariantCulture, Pick(random, Wrappers), BaseClasses + declarations);
        return splitPart is null ? new[] { main } : new[] { main, splitPart };
    }

    private static string MakeAttribute(Random random)
    {
        var arguments = new List<string>();
        int sizeForm = random.Next(10);
        int count = random.Next(7);
        IEnumerable<string> sizes = Enumerable.Range(0, count).Select(_ => random.Next(4) == 0 ? Pick(random, SizePieces) : random.Next(1, 12).ToString(CultureInfo.InvariantCulture));
        if (sizeForm == 0)
            arguments.Add("new int[] { " + string.Join(", ", sizes) + " }");
        else if (sizeForm == 1)
            arguments.Add("null");
        else
            arguments.AddRange(sizes);

        if (random.Next(2) == 0) arguments.Add("Hidden = " + Pick(random, ActivationPieces));
        if (random.Next(2) == 0) arguments.Add("Output = " + Pick(random, ActivationPieces));
        if (random.Next(4) == 0)
        {
            string elements = string.Join(", ", Enumerable.Range(0, random.Next(5)).Select(_ => Pick(random, ActivationPieces)));
            arguments.Add(random.Next(6) == 0 ? "Activations = null" : "Activations = new[] { " + elements + " }");
        }
        if (random.Next(2) == 0) arguments.Add("Loss = " + Pick(random, LossPieces));
        if (random.Next(4) == 0) arguments.Add("Precision = " + Pick(random, new[] { "Precision.Single", "Precision.Double", "(Precision)5" }));
        if (random.Next(6) == 0) arguments.Add("Initializer = " + Pick(random, new[] { "Initializer.HeNormal", "Initializer.Uniform01", "(Initializer)77" }));
        if (random.Next(6) == 0) arguments.Add("MaxUnrolledWeights = " + Pick(random, new[] { "0", "1", "-3", "100000", "16" }));
        if (random.Next(15) == 0) arguments.Add("Unknown = 3");
        return random.Next(25) == 0 ? "Network" : "Network(" + string.Join(", ", arguments) + ")";
    }

    private static string Pick(Random random, string[] pieces) => pieces[random.Next(pieces.Length)];
}
