using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;

namespace NetGen.GeneratorStats;

/// <summary>
/// Runs the NetGen generator on each benchmark network alone (one compilation per network, as a
/// project with that one declaration) and prints a tab-separated line per network:
/// <c>G  workload  declaration  generated_bytes  generated_lines  first_ms  median_ms</c>.
/// first_ms is the first run in a fresh driver (cold for that network; the generator assembly is
/// already loaded and jitted by a warm-up network); median_ms is the median of 15 further fresh
/// runs. Times are the driver's own timing of the generator (GetTimingInfo), excluding parsing and
/// the rest of compilation.
/// </summary>
public static class Program
{
    private static readonly (string Workload, string Declaration)[] Networks =
    [
        ("W1", "[Network(4, 3, 1)]"),
        ("W2", "[Network(2, 2, 2)]"),
        ("W3", "[Network(3, 4, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]"),
        ("W4", "[Network(64, 32, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]"),
        ("W5", "[Network(8, 16, 16, 1, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Identity }, Precision = Precision.Single)]"),
        ("W6", "[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]"),
    ];

    public static int Main()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(NetGen.NetworkAttribute).Assembly.Location))
            .ToArray();

        Run(Networks[^1].Declaration, references); // loads and jits the generator
        int failures = 0;
        foreach (var (workload, declaration) in Networks)
        {
            var (source, first) = Run(declaration, references);
            var times = Enumerable.Range(0, 15).Select(_ => Run(declaration, references).Milliseconds).OrderBy(t => t).ToArray();
            if (source.Length == 0) failures++;
            int lines = source.Count(c => c == '\n');
            Console.WriteLine(string.Join('\t', "G", workload, declaration, Encoding.UTF8.GetByteCount(source).ToString(CultureInfo.InvariantCulture),
                lines.ToString(CultureInfo.InvariantCulture), first.ToString("F2", CultureInfo.InvariantCulture),
                times[times.Length / 2].ToString("F2", CultureInfo.InvariantCulture)));
        }
        return failures == 0 ? 0 : 1;
    }

    private static (string Source, double Milliseconds) Run(string declaration, MetadataReference[] references)
    {
        string code = $"using NetGen;\nnamespace Bench;\n{declaration}\npublic sealed partial class Net {{ }}\n";
        var compilation = CSharpCompilation.Create("Bench",
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest))],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new NetworkGenerator().AsSourceGenerator());
        driver = driver.RunGenerators(compilation);
        var result = driver.GetRunResult();
        var diagnostics = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        foreach (var d in diagnostics) Console.Error.WriteLine($"{declaration}: {d}");
        string source = string.Concat(result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.SourceText.ToString()));
        double ms = driver.GetTimingInfo().ElapsedTime.TotalMilliseconds;
        return (source, ms);
    }
}
