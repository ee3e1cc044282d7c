using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;

namespace NetGen.CodeFixes.Tests;

public sealed class MakePartialCodeFixTests
{
    [Fact]
    public async Task Adds_partial_after_the_other_modifiers_of_the_network_class()
    {
        await new NetGenCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = """
                using NetGen;

                [Network(4, 3, 1)]
                public sealed class {|NG0001:XorNet|} { }
                """,
            FixedCode = """
                using NetGen;

                [Network(4, 3, 1)]
                public sealed partial class XorNet { }
                """,
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Adds_partial_in_front_of_class_keeping_its_indentation_and_doc_comment_when_there_are_no_modifiers()
    {
        await new NetGenCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = """
                namespace Demo
                {
                    /// <summary>Learns XOR.</summary>
                    [NetGen.Network(2, 2, 1)]
                    class {|NG0001:XorNet|}
                    {
                    }
                }
                """,
            FixedCode = """
                namespace Demo
                {
                    /// <summary>Learns XOR.</summary>
                    [NetGen.Network(2, 2, 1)]
                    partial class XorNet
                    {
                    }
                }
                """,
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Makes_every_containing_type_partial()
    {
        await new NetGenCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = """
                using NetGen;

                public static class Models
                {
                    internal class Group
                    {
                        [Network(2, 1)]
                        public partial class {|#0:Tiny|} { }
                    }
                }
                """,
            ExpectedDiagnostics =
            {
                // One diagnostic per containing type that is not partial; the one fix handles both.
                DiagnosticResult.CompilerError("NG0014").WithLocation(0).WithArguments("Tiny", "Group"),
                DiagnosticResult.CompilerError("NG0014").WithLocation(0).WithArguments("Tiny", "Models"),
            },
            FixedCode = """
                using NetGen;

                public static partial class Models
                {
                    internal partial class Group
                    {
                        [Network(2, 1)]
                        public partial class Tiny { }
                    }
                }
                """,
        }.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Offers_one_fix_naming_the_types_it_changes()
    {
        await new NetGenCodeFixTest<MakePartialCodeFixProvider>
        {
            TestCode = """
                public class Outer
                {
                    [NetGen.Network(2, 1)]
                    public partial class {|NG0014:Inner|} { }
                }
                """,
            FixedCode = """
                public partial class Outer
                {
                    [NetGen.Network(2, 1)]
                    public partial class Inner { }
                }
                """,
            CodeActionVerifier = (action, verifier) => verifier.Equal("Make 'Outer' partial", action.Title),
        }.RunAsync(TestContext.Current.CancellationToken);
    }
}
