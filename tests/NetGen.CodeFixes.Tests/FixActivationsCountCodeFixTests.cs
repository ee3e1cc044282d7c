using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;

namespace NetGen.CodeFixes.Tests;

public sealed class FixActivationsCountCodeFixTests
{
    [Fact]
    public async Task Too_few_entries_repeat_the_last_hidden_activation_and_keep_the_output_one()
    {
        await new NetGenCodeFixTest<FixActivationsCountCodeFixProvider>
        {
            TestCode = """
                using NetGen;

                [{|NG0004:Network(2, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid })|}]
                public partial class Deep { }
                """,
            FixedCode = """
                using NetGen;

                [Network(2, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Sigmoid })]
                public partial class Deep { }
                """,
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Too_many_entries_drop_hidden_ones_from_the_end_and_keep_the_output_one_in_a_collection_expression()
    {
        await new NetGenCodeFixTest<FixActivationsCountCodeFixProvider>
        {
            TestCode = """
                using NetGen;

                [{|NG0004:Network(2, 3, 1, Activations = [Activation.Tanh, Activation.ReLU, Activation.Identity])|}]
                public partial class Regressor { }
                """,
            FixedCode = """
                using NetGen;

                [Network(2, 3, 1, Activations = [Activation.Tanh, Activation.Identity])]
                public partial class Regressor { }
                """,
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_single_entry_stays_the_output_and_hidden_layers_get_the_default_sigmoid_qualified_alike()
    {
        await new NetGenCodeFixTest<FixActivationsCountCodeFixProvider>
        {
            TestCode = """
                [{|NG0004:NetGen.Network(3, 5, 5, 2, Activations = new NetGen.Activation[] { NetGen.Activation.Identity })|}]
                public partial class Wide { }
                """,
            FixedCode = """
                [NetGen.Network(3, 5, 5, 2, Activations = new NetGen.Activation[] { NetGen.Activation.Sigmoid, NetGen.Activation.Sigmoid, NetGen.Activation.Identity })]
                public partial class Wide { }
                """,
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_title_shows_the_resulting_list()
    {
        await new NetGenCodeFixTest<FixActivationsCountCodeFixProvider>
        {
            TestCode = """
                using NetGen;

                [{|NG0004:Network(2, 4, 1, Activations = new[] { Activation.Sigmoid })|}]
                public partial class Small { }
                """,
            FixedCode = """
                using NetGen;

                [Network(2, 4, 1, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid })]
                public partial class Small { }
                """,
            CodeActionVerifier = (action, verifier) => verifier.Equal("Use 2 activation(s): Activation.Sigmoid, Activation.Sigmoid", action.Title),
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_empty_list_gets_no_fix_because_nothing_says_which_activations_were_meant()
    {
        const string source = """
            using NetGen;

            [{|NG0004:Network(2, 4, 1, Activations = new Activation[0])|}]
            public partial class Empty { }
            """;
        // The same code before and after: the test framework then checks that no fix is offered.
        await new NetGenCodeFixTest<FixActivationsCountCodeFixProvider> { TestCode = source, FixedCode = source }
            .RunAsync(TestContext.Current.CancellationToken);
    }
}
