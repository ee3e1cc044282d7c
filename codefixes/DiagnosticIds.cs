namespace NetGen.CodeFixes;

/// <summary>
/// The IDs this assembly fixes. The descriptors themselves live in the generator
/// (generator/Diagnostics.cs); a test checks that these strings still match them.
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>The class carrying [Network] is not partial.</summary>
    public const string NotPartial = "NG0001";

    /// <summary>Activations does not have one entry per weight layer.</summary>
    public const string ActivationCountMismatch = "NG0004";

    /// <summary>A type that contains the network class is not partial.</summary>
    public const string ContainingTypeNotPartial = "NG0014";
}
