using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary><c>[Network(..., Weights = "file.json")]</c>: a state_dict JSON compiled into the class.</summary>
public class CompiledWeightsTests
{
    // Numbers that round differently if parsed carelessly: shortest round trips, subnormals, the
    // extremes, a float tie, integers, negative zero, and exponents in both cases.
    private const string TrickyJson = """
        {
          // comments are allowed, as LoadStateDict allows them
          "net.0.weight": [[0.1, -0.0, 1e-310, 5e-324], [1.7976931348623157e308, 3, -2.5E-3, 0.30000000000000004],
                           [1.00000005960464477539, 3.4028234663852886e38, 1e-46, -1.401298464324817e-45]],
          "net.0.bias": [0.5, -7, 2.2250738585072014e-308],
          "net.2.weight": [[1e-3, 2e-3, 123456789.123456789]],
          "net.2.bias": [-1.5]
        }
        """;

    private const string DoubleDeclaration = """
        using NetGen;
        namespace App;
        [Network(4, 3, 1, Weights = "models/tricky.json")]
        public partial class Compiled { }
        [Network(4, 3, 1)]
        public partial class Loaded { }
        """;

    // Float cannot hold 1.7976931348623157e308: the single-precision file keeps to its range.
    private static readonly string SingleJson = TrickyJson.Replace("1.7976931348623157e308", "3.4028234e38", StringComparison.Ordinal)
        .Replace("1e-310", "1e-40", StringComparison.Ordinal).Replace("5e-324", "1.4e-45", StringComparison.Ordinal).Replace("2.2250738585072014e-308", "1.17549435e-38", StringComparison.Ordinal);

    private static readonly string SingleDeclaration = DoubleDeclaration.Replace("[Network(4, 3, 1", "[Network(4, 3, 1, Precision = Precision.Single", StringComparison.Ordinal);

    [Fact]
    public void Compiled_double_weights_are_bit_for_bit_what_LoadStateDict_reads()
    {
        Assembly assembly = Load(DoubleDeclaration, ("/repo/app/models/tricky.json", TrickyJson));
        INetwork<double> compiled = GeneratorHarness.Create<double>(assembly, "App.Compiled", seed: 1);
        INetwork<double> loaded = GeneratorHarness.Create<double>(assembly, "App.Loaded", seed: 1);
        loaded.LoadStateDictJson(TrickyJson);

        Assert.Equal(loaded.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), compiled.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(-0.0, compiled.Parameters[1]);
        Assert.True(double.IsNegative(compiled.Parameters[1]));
    }

    [Fact]
    public void Compiled_single_weights_are_bit_for_bit_what_LoadStateDict_reads()
    {
        Assembly assembly = Load(SingleDeclaration, ("/repo/app/models/tricky.json", SingleJson));
        INetwork<float> compiled = GeneratorHarness.Create<float>(assembly, "App.Compiled", seed: 1);
        INetwork<float> loaded = GeneratorHarness.Create<float>(assembly, "App.Loaded", seed: 1);
        loaded.LoadStateDictJson(SingleJson);

        Assert.Equal(loaded.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), compiled.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Both_constructors_start_from_the_compiled_weights_and_the_network_still_trains()
    {
        Assembly assembly = Load(DoubleDeclaration.Replace("tricky.json", "small.json", StringComparison.Ordinal), ("/repo/app/models/small.json", SmallJson));
        var first = (INetwork<double>)Activator.CreateInstance(assembly.GetType("App.Compiled")!)!;
        INetwork<double> second = GeneratorHarness.Create<double>(assembly, "App.Compiled", seed: 99);
        double[] expected = Enumerable.Range(0, 19).Select(i => i / 100.0).ToArray();

        Assert.Equal(expected, first.Parameters.ToArray());
        Assert.Equal(expected, second.Parameters.ToArray());
        second.Train(new[] { 1.0, 0.0, 1.0, 0.0 }, new[] { 1.0 }, 0.5);
        Assert.NotEqual(expected, second.Parameters.ToArray());
        Assert.Equal(expected, GeneratorHarness.Create<double>(assembly, "App.Compiled", seed: 1).Parameters.ToArray()); // static data unchanged by training
    }

    [Theory]
    [InlineData("small.json")]
    [InlineData("models/small.json")]
    [InlineData("./models/small.json")]
    [InlineData("models\\small.json")]
    public void The_file_is_found_by_its_path_relative_to_the_project_or_by_its_name(string weights)
    {
        GeneratorRun run = Run(DoubleDeclaration.Replace("models/tricky.json", weights.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal),
            ("/repo/app/models/small.json", SmallJson), ("/repo/app/other.json", "{}"));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
    }

    [Theory]
    [InlineData("missing.json", "NG0016")]
    [InlineData("small.json|dup", "NG0016")]
    [InlineData("{\"0.weight\": [[0.1, 0.2", "NG0017")]
    [InlineData("[1, 2]", "NG0017")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], \"0.bias\": [1, 2, 3]}", "NG0018")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]], \"0.bias\": [1, 2, 3], \"2.weight\": [[1, 2, 3]], \"2.bias\": [1]}", "NG0018")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], \"0.bias\": [1, 2, 3], \"2.weight\": [[1, 2]], \"2.bias\": [1]}", "NG0018")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], \"0.bias\": [1, 2, 3], \"2.weight\": [[1, 2, 3]], \"2.bias\": [1], \"4.weight\": [[1]]}", "NG0018")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], \"0.bias\": [1, 2, 3], \"0.weight\": [[1, 2, 3]], \"2.bias\": [1]}", "NG0018")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], \"1.bias\": [1, 2, 3], \"2.weight\": [[1, 2, 3]], \"2.bias\": [1]}", "NG0018")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, NaN, 4]], \"0.bias\": [1, 2, 3], \"2.weight\": [[1, 2, 3]], \"2.bias\": [1]}", "NG0019")]
    [InlineData("{\"0.weight\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 1e999, 4]], \"0.bias\": [1, 2, 3], \"2.weight\": [[1, 2, 3]], \"2.bias\": [1]}", "NG0019")]
    public void A_bad_weights_file_is_an_error_on_the_attribute_and_other_networks_still_generate(string file, string id)
    {
        string declaration = DoubleDeclaration.Replace("models/tricky.json", file.StartsWith('{') || file.StartsWith('[') ? "bad.json" : file.Split('|')[0], StringComparison.Ordinal);
        var files = file switch
        {
            "missing.json" => new[] { ("/repo/app/small.json", SmallJson) },
            "small.json|dup" => new[] { ("/repo/app/a/small.json", SmallJson), ("/repo/app/b/small.json", SmallJson) },
            _ => new[] { ("/repo/app/bad.json", file) },
        };

        GeneratorRun run = Run(declaration, files);

        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(declaration.IndexOf("Network(4, 3, 1, Weights", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start); // on the attribute
        Assert.Contains(declaration.Contains("bad.json", StringComparison.Ordinal) ? "bad.json" : file.Split('|')[0], diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Single(run.Sources, source => source.HintName == "App.Loaded.g.cs");
    }

    [Fact]
    public void A_float_network_rejects_a_number_beyond_float_range_that_a_double_network_accepts()
    {
        string json = SmallJson.Replace("0.05", "1e39", StringComparison.Ordinal);
        Assert.Empty(Run(DoubleDeclaration.Replace("models/tricky.json", "small.json", StringComparison.Ordinal), ("small.json", json)).GeneratorDiagnostics);
        Assert.Equal("NG0019", Assert.Single(Run(SingleDeclaration.Replace("models/tricky.json", "small.json", StringComparison.Ordinal), ("small.json", json)).GeneratorDiagnostics).Id);
    }

    [Fact]
    public void A_file_over_the_limit_is_an_error_that_says_to_load_it_at_run_time()
    {
        string huge = "{" + new string(' ', Limits.MaxCompiledWeightsCharacters) + "}";
        Diagnostic diagnostic = Assert.Single(Run(DoubleDeclaration.Replace("models/tricky.json", "huge.json", StringComparison.Ordinal), ("huge.json", huge)).GeneratorDiagnostics);

        Assert.Equal("NG0020", diagnostic.Id);
        Assert.Contains("LoadStateDict", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_one_weights_file_regenerates_only_that_network()
    {
        const string declarations = """
            using NetGen;
            namespace App;
            [Network(4, 3, 1, Weights = "first.json")] public partial class First { }
            [Network(4, 3, 1, Weights = "second.json")] public partial class Second { }
            [Network(4, 3, 1)] public partial class Third { }
            """;
        CSharpCompilation compilation = GeneratorHarness.Compile(declarations);
        var first = new InMemoryAdditionalText("/repo/first.json", SmallJson);
        var second = new InMemoryAdditionalText("/repo/second.json", SmallJson);
        GeneratorDriver driver = GeneratorHarness.CreateDriver(first, second);
        GeneratorRun initial = GeneratorHarness.Run(driver, compilation);
        Assert.Empty(initial.GeneratorDiagnostics);

        GeneratorDriver edited = initial.Driver.ReplaceAdditionalText(first, new InMemoryAdditionalText("/repo/first.json", SmallJson.Replace("0.05", "0.25", StringComparison.Ordinal)));
        GeneratorRun after = GeneratorHarness.Run(edited, compilation);

        IncrementalStepRunReason[] emitted = after.Driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.Emit]
            .SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(1, emitted.Count(reason => reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New));
        Assert.Equal(2, emitted.Count(reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains("0.25", after.Sources.Single(source => source.HintName == "App.First.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    private const string SmallJson = """
        {"0.weight": [[0, 0.01, 0.02, 0.03], [0.04, 0.05, 0.06, 0.07], [0.08, 0.09, 0.1, 0.11]], "0.bias": [0.12, 0.13, 0.14],
         "2.weight": [[0.15, 0.16, 0.17]], "2.bias": [0.18]}
        """;

    private static GeneratorRun Run(string source, params (string Path, string Text)[] files) =>
        GeneratorHarness.Run(GeneratorHarness.CreateDriver(files.Select(file => (AdditionalText)new InMemoryAdditionalText(file.Path, file.Text)).ToArray()),
            GeneratorHarness.Compile(source));

    private static Assembly Load(string source, params (string Path, string Text)[] files)
    {
        GeneratorRun run = Run(source, files);
        Assert.Empty(run.GeneratorDiagnostics);
        return GeneratorHarness.LoadCompilation(run.Output);
    }
}
