namespace NetGen.Generator.Model;

/// <summary>A type that encloses the network class, written again around the generated part.</summary>
/// <param name="Declaration">The partial declaration to repeat, e.g. <c>static partial class Outer</c> or <c>partial record struct Outer</c>.</param>
internal sealed record ContainingType(string Declaration, string Name);

/// <summary>One weight layer: <c>z = W a + b</c>, <c>a' = f(z)</c>.</summary>
/// <param name="Number">1-based layer number, as in the comments and names of the generated code (W1, b1, a1).</param>
/// <param name="InputSize">Inputs to the layer (columns of W).</param>
/// <param name="OutputSize">Neurons in the layer (rows of W).</param>
/// <param name="Activation">The function applied to z.</param>
/// <param name="WeightOffset">Where W starts in the flat parameter block.</param>
/// <param name="BiasOffset">Where b starts in the flat parameter block.</param>
/// <param name="ActivationOffset">Where this layer's outputs start in the activation buffer, and its d loss / d z in the delta buffer.</param>
/// <param name="Shape">Unrolled or looped code for this layer.</param>
internal sealed record LayerSpec(
    int Number,
    int InputSize,
    int OutputSize,
    ActivationKind Activation,
    int WeightOffset,
    int BiasOffset,
    int ActivationOffset,
    CodeShape Shape)
{
    public int WeightCount => InputSize * OutputSize;
}

/// <summary>
/// Everything the emitter needs to write one network, as plain equatable data: no Roslyn symbol,
/// syntax node or compilation, so an unchanged declaration is a cache hit downstream.
/// </summary>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string ClassName,
    string AttributeText,
    EquatableArray<int> LayerSizes,
    EquatableArray<LayerSpec> Layers,
    LossKind Loss,
    PrecisionKind Precision,
    InitializerKind Initializer,
    int MaxUnrolledWeights)
{
    public LayerSpec OutputLayer => Layers[Layers.Count - 1];

    public int InputSize => LayerSizes[0];

    public int OutputSize => LayerSizes[LayerSizes.Count - 1];

    public int ParameterCount => OutputLayer.BiasOffset + OutputSize;

    /// <summary>Outputs of every layer, then the output layer's pre-activation z (the logits the losses need).</summary>
    public int ActivationCount => LogitsOffset + OutputSize;

    public int LogitsOffset => OutputLayer.ActivationOffset + OutputSize;

    /// <summary>d loss / d z for every layer, laid out like the layer outputs.</summary>
    public int DeltaCount => LogitsOffset;

    /// <summary>A file name unique per network and readable in the IDE, e.g. <c>Samples.XorNet.g.cs</c>.</summary>
    public string HintName
    {
        get
        {
            var name = new System.Text.StringBuilder();
            if (Namespace is not null)
                name.Append(Namespace).Append('.');
            foreach (ContainingType type in ContainingTypes)
                name.Append(type.Name).Append('.');
            // A hint name is a file name: keywords used as identifiers lose their '@'.
            return name.Append(ClassName).Append(".g.cs").Replace("@", "").ToString();
        }
    }
}
