namespace NetGen.Generator.Model;

/// <summary>A type that encloses the network class, written again around the generated part.</summary>
/// <param name="Declaration">The partial declaration to repeat, e.g. <c>static partial class Outer</c> or <c>partial record struct Outer</c>.</param>
/// <param name="Name">Its name as C# source (a keyword keeps its <c>@</c>).</param>
internal sealed record ContainingType(string Declaration, string Name);

/// <summary>
/// A valid declaration as plain equatable data: no Roslyn symbol, syntax node or compilation, so an
/// unchanged declaration is a cache hit downstream. The planner turns it into a <c>NetworkPlan</c>.
/// </summary>
/// <param name="Activations">One activation per weight layer.</param>
/// <param name="WeightsPath">The attribute's <c>Weights</c>: a state_dict JSON file to compile in, or null.</param>
/// <param name="IsAbstract">The class is abstract: it cannot construct a replica of itself, so it is not an <c>IReplicableNetwork</c>.</param>
/// <param name="Weights">Its parameters as C# literals in the flat parameter order, once read (empty otherwise).</param>
/// <param name="DropoutRates">One dropout rate per weight layer (the output layer's 0), or empty when no layer has dropout.</param>
/// <param name="IsVisibleInAssembly">
/// The class and every type around it are public or internal, so code elsewhere in the assembly can name it (the module
/// initializer of <see cref="WarmUpAtLoad"/>).
/// </param>
/// <param name="MaxUnrolledWeights">
/// The attribute's unroll limit, which then holds for every layer, or null when the declaration leaves it unset and
/// the planner picks a limit per layer by its activation (<c>Planning.PlanLimits.DefaultMaxUnrolledWeights</c>).
/// </param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string ClassName,
    string AttributeText,
    EquatableArray<int> LayerSizes,
    EquatableArray<ActivationKind> Activations,
    LossKind Loss,
    PrecisionKind Precision,
    InitializerKind Initializer,
    int? MaxUnrolledWeights,
    string? WeightsPath = null,
    bool IsAbstract = false,
    EquatableArray<string> Weights = default,
    EquatableArray<double> DropoutRates = default,
    bool IsVisibleInAssembly = true)
{
    /// <summary>Some hidden layer drops units in training.</summary>
    public bool HasDropout => DropoutRates.Count > 0;

    public int InputSize => LayerSizes[0];

    public int OutputSize => LayerSizes[LayerSizes.Count - 1];

    /// <summary>The class's name as C# source anywhere in the assembly, e.g. <c>global::Samples.Outer.XorNet</c>.</summary>
    public string QualifiedName => "global::" + DottedName;

    /// <summary>A file name unique per network and readable in the IDE, e.g. <c>Samples.XorNet.g.cs</c>: keywords used as identifiers lose their '@'.</summary>
    public string HintName => (DottedName + ".g.cs").Replace("@", "");

    /// <summary>Namespace, enclosing types and class, dot-separated, as C# source (keywords keep their '@').</summary>
    private string DottedName
    {
        get
        {
            var name = new System.Text.StringBuilder();
            if (Namespace is not null)
                name.Append(Namespace).Append('.');
            foreach (ContainingType type in ContainingTypes)
                name.Append(type.Name).Append('.');
            return name.Append(ClassName).ToString();
        }
    }
}
