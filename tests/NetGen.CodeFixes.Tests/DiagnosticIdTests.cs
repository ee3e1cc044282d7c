using NetGen.Generator;

namespace NetGen.CodeFixes.Tests;

public sealed class DiagnosticIdTests
{
    [Fact]
    public void The_fixed_ids_are_the_generators_ids()
    {
        Assert.Equal(DiagnosticIds.NotPartial, Diagnostics.NotPartial.Id);
        Assert.Equal(DiagnosticIds.ActivationCountMismatch, Diagnostics.ActivationCountMismatch.Id);
        Assert.Equal(DiagnosticIds.ContainingTypeNotPartial, Diagnostics.ContainingTypeNotPartial.Id);
    }
}
