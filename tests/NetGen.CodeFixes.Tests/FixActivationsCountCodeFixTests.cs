using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace NetGen.CodeFixes.Tests;

public sealed class FixActivationsCountCodeFixTests
{
    private static readonly FixActivationsCountCodeFixProvider Provider = new();

    [Fact]
    public async Task Too_few_entries_repeat_the_last_hidden_activation_and_keep_the_output_one()
    {
        const string source = """
            using NetGen;

            [Network(2, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
            public partial class Deep { }
            """;

        string fixedSource = await CodeFixHarness.FixAndVerifyAsync(source, Provider, "NG0004");

        Assert.Equal("""
            using NetGen;

            [Network(2, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Sigmoid })]
            public partial class Deep { }
            """, fixedSource);
    }

    [Fact]
    public async Task Too_many_entries_drop_hidden_ones_from_the_end_and_keep_the_output_one_in_a_collection_expression()
    {
        const string source = """
            using NetGen;

            [Network(2, 3, 1, Activations = [Activation.Tanh, Activation.ReLU, Activation.Identity])]
            public partial class Regressor { }
            """;

        string fixedSource = await CodeFixHarness.FixAndVerifyAsync(source, Provider, "NG0004");

        Assert.Equal("""
            using NetGen;

            [Network(2, 3, 1, Activations = [Activation.Tanh, Activation.Identity])]
            public partial class Regressor { }
            """, fixedSource);
    }

    [Fact]
    public async Task A_single_entry_stays_the_output_and_hidden_layers_get_the_default_sigmoid_qualified_alike()
    {
        const string source = """
            [NetGen.Network(3, 5, 5, 2, Activations = new NetGen.Activation[] { NetGen.Activation.Identity })]
            public partial class Wide { }
            """;

        string fixedSource = await CodeFixHarness.FixAndVerifyAsync(source, Provider, "NG0004");

        Assert.Equal("""
            [NetGen.Network(3, 5, 5, 2, Activations = new NetGen.Activation[] { NetGen.Activation.Sigmoid, NetGen.Activation.Sigmoid, NetGen.Activation.Identity })]
            public partial class Wide { }
            """, fixedSource);
    }

    [Fact]
    public async Task The_title_shows_the_resulting_list()
    {
        const string source = """
            using NetGen;

            [Network(2, 4, 1, Activations = new[] { Activation.Sigmoid })]
            public partial class Small { }
            """;
        using var workspace = new AdhocWorkspace();
        Document document = CodeFixHarness.CreateDocument(workspace, source);

        var actions = await CodeFixHarness.GetFixesAsync(document, Provider, "NG0004");

        Assert.Equal("Use 2 activation(s): Activation.Sigmoid, Activation.Sigmoid", Assert.Single(actions).Title);
    }

    [Fact]
    public async Task An_empty_list_gets_no_fix_because_nothing_says_which_activations_were_meant()
    {
        const string source = """
            using NetGen;

            [Network(2, 4, 1, Activations = new Activation[0])]
            public partial class Empty { }
            """;
        using var workspace = new AdhocWorkspace();
        Document document = CodeFixHarness.CreateDocument(workspace, source);

        var actions = await CodeFixHarness.GetFixesAsync(document, Provider, "NG0004");

        Assert.Empty(actions);
    }
}
