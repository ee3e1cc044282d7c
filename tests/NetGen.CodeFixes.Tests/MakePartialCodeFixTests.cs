using System.Threading.Tasks;

namespace NetGen.CodeFixes.Tests;

public sealed class MakePartialCodeFixTests
{
    private static readonly MakePartialCodeFixProvider Provider = new();

    [Fact]
    public async Task Adds_partial_after_the_other_modifiers_of_the_network_class()
    {
        const string source = """
            using NetGen;

            [Network(4, 3, 1)]
            public sealed class XorNet { }
            """;

        string fixedSource = await CodeFixHarness.FixAndVerifyAsync(source, Provider, "NG0001");

        Assert.Equal("""
            using NetGen;

            [Network(4, 3, 1)]
            public sealed partial class XorNet { }
            """, fixedSource);
    }

    [Fact]
    public async Task Adds_partial_in_front_of_class_keeping_its_indentation_and_doc_comment_when_there_are_no_modifiers()
    {
        const string source = """
            namespace Demo
            {
                /// <summary>Learns XOR.</summary>
                [NetGen.Network(2, 2, 1)]
                class XorNet
                {
                }
            }
            """;

        string fixedSource = await CodeFixHarness.FixAndVerifyAsync(source, Provider, "NG0001");

        Assert.Equal("""
            namespace Demo
            {
                /// <summary>Learns XOR.</summary>
                [NetGen.Network(2, 2, 1)]
                partial class XorNet
                {
                }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Makes_every_containing_type_partial()
    {
        const string source = """
            using NetGen;

            public static class Models
            {
                internal class Group
                {
                    [Network(2, 1)]
                    public partial class Tiny { }
                }
            }
            """;

        string fixedSource = await CodeFixHarness.FixAndVerifyAsync(source, Provider, "NG0014");

        Assert.Equal("""
            using NetGen;

            public static partial class Models
            {
                internal partial class Group
                {
                    [Network(2, 1)]
                    public partial class Tiny { }
                }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Offers_one_fix_naming_the_types_it_changes()
    {
        const string source = """
            public class Outer
            {
                [NetGen.Network(2, 1)]
                public partial class Inner { }
            }
            """;
        using var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
        Microsoft.CodeAnalysis.Document document = CodeFixHarness.CreateDocument(workspace, source);

        var actions = await CodeFixHarness.GetFixesAsync(document, Provider, "NG0014");

        Assert.Equal("Make 'Outer' partial", Assert.Single(actions).Title);
    }
}
