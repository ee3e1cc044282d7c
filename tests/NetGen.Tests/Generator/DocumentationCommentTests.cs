using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// The generated documentation comments, checked as a consumer with <c>GenerateDocumentationFile</c> checks them (warnings
/// are errors there): a cref that names an overloaded member, or nothing, breaks that consumer's build.
/// </summary>
public class DocumentationCommentTests
{
    /// <summary>The compiler's diagnostics about documentation comments: crefs, XML, param and typeparam tags.</summary>
    private static readonly string[] DocumentationDiagnostics =
    {
        "CS0419", "CS1570", "CS1571", "CS1572", "CS1573", "CS1574", "CS1580", "CS1581", "CS1584", "CS1587", "CS1658", "CS1734",
    };

    [Fact]
    public void Every_code_shape_writes_documentation_comments_a_documented_build_accepts()
    {
        var relu = new[] { ActivationKind.ReLU, ActivationKind.Identity };
        NetworkModel[] models =
        {
            PlannerTests.Model("Tutorial", new[] { 4, 3, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid }),
            PlannerTests.Model("Curve", new[] { 1, 50, 1 }, relu),                                           // units in vectors, in locals
            PlannerTests.Model("Surface", new[] { 2, 16, 1 }, relu, precision: PrecisionKind.Single),        // units in vectors, batches in chunks
            PlannerTests.Model("WideCurve", new[] { 1, 100, 1 }, relu),                                      // Predict in locals in vectors
            PlannerTests.Model("Narrow", new[] { 10, 10, 10, 10, 10, 1 }, new[] { ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Identity }),
            PlannerTests.Model("Digits", new[] { 784, 128, 10 }, new[] { ActivationKind.ReLU, ActivationKind.Softmax }, LossKind.CrossEntropy, PrecisionKind.Single),
            PlannerTests.Model("Dropped", new[] { 1, 32, 1 }, relu) with { DropoutRates = new[] { 0.2, 0.0 }.ToEquatableArray() },
        };
        string[] sources = models.Select(model => Emitter.Emit(Planner.Plan(model), default)).ToArray();
        CSharpCompilation compilation = GeneratorHarness.Compile(GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose), sources);

        var problems = compilation.GetDiagnostics().Where(d => DocumentationDiagnostics.Contains(d.Id)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(10)));
    }
}
