using System.Collections.Generic;
using System.Linq;

namespace NetGen.Generator;

/// <summary>
/// Names of the members NetGen writes into a network class. The emitter uses them, and the parser
/// checks that the user's class does not already declare or inherit one (that would be a compile
/// error inside generated code).
/// </summary>
internal static class GeneratedNames
{
    public const string ParametersField = "_parameters";
    public const string GradientsField = "_gradients";
    public const string DescriptionField = "s_description";
    public const string ActivationsField = "_activations";
    public const string DeltasField = "_deltas";
    public const string BatchActivationsField = "_batchActivations";
    public const string BatchDeltasField = "_batchDeltas";
    public const string BackwardChunk = "BackwardChunk";
    public const string LossAndOutputDelta = "LossAndOutputDelta";
    // BackwardBatch's two passes (networks in locals): the kernels, the scratch and its size.
    public const string ForwardAndKeep = "ForwardAndKeep";
    public const string BackwardFromKept = "BackwardFromKept";
    public const string BackwardRows = "BackwardRows";
    public const string KeptForwardField = "_keptForward";
    public const string KeptForwardRows = "KeptForwardRows";
    public const string KeptForwardLength = "KeptForwardLength";
    public const string BatchRows = "BatchRows";
    public const string ForwardAfterFirstProduct = "ForwardAfterFirstProduct";
    public const string ForwardAfterFirstLayer = "ForwardAfterFirstLayer";
    /// <summary>Predict's input-major copy of layer n's W (NetworkPlan.PredictsFirstLayerFromColumns, LayerPlan.PredictsFromColumnCopy).</summary>
    public static string ColumnCopyField(int layer) => "_columnCopy" + layer;
    public const string ActivationCount = "ActivationCount";
    public const string CompiledParameters = "CompiledParameters";

    // Only networks with dropout have these.
    public const string ForwardTraining = "ForwardTraining";
    public const string DropoutRowKey = "DropoutRowKey";

    /// <summary>The public members (<c>NetGen.IDropoutNetwork</c>) and private ones that only a network with dropout has.</summary>
    public static readonly string[] DropoutMembers =
    {
        "DropoutSeed", "DropoutStep", "DropoutFirstRow", ForwardTraining, DropoutRowKey,
    };

    // The buffer fields are NetGen.AlignedBuffer<T>s; generated code reaches their elements through these.
    public const string ParametersSpan = ParametersField + ".Span";
    public const string GradientsSpan = GradientsField + ".Span";
    public const string ActivationsSpan = ActivationsField + ".Span";
    public const string DeltasSpan = DeltasField + ".Span";
    public const string BatchActivationsSpan = BatchActivationsField + ".Span";
    public const string BatchDeltasSpan = BatchDeltasField + ".Span";
    public const string KeptForwardSpan = KeptForwardField + ".Span";
    public const string DeltaCount = "DeltaCount";
    public const string LogitsOffset = "LogitsOffset";

    /// <summary>Public members, in the order they appear in the contract.</summary>
    public static readonly string[] PublicMembers =
    {
        "InputSize", "OutputSize", "ParameterCount", "Description", "Parameters", "Gradients",
        "Predict", "PredictBatch", "Loss", "Backward", "BackwardBatch", "ZeroGradients",
        "ApplyGradients", "Train", "TrainBatch", "CreateReplica",
    };

    /// <summary>
    /// The public calls whose bodies run on scratch memory (Emitter.Scratch.cs): each has a private body,
    /// <see cref="ScratchBody"/>, and a ref struct that carries its arguments, <see cref="ScratchPass"/>. Declared before
    /// <see cref="PrivateMembers"/>, whose initializer reads it.
    /// </summary>
    public static readonly string[] ScratchCalls = { "Predict", "PredictBatch", "Loss" };

    public static string ScratchBody(string call) => call + "With";

    public static string ScratchPass(string call) => call + "Pass";

    /// <summary>Private kernels and fields, and the scratch calls' bodies and passes.</summary>
    public static readonly string[] PrivateMembers = new[]
    {
        "Forward", "BackwardAndStep", "ComputeLoss", "ComputeDeltas", ParametersField, GradientsField, DescriptionField, ActivationsField, DeltasField,
        ActivationCount, DeltaCount, LogitsOffset, BatchActivationsField, BatchDeltasField, BatchRows, ForwardAfterFirstProduct, ForwardAfterFirstLayer, CompiledParameters,
        BackwardChunk, LossAndOutputDelta, ForwardAndKeep, BackwardFromKept, BackwardRows, KeptForwardField, KeptForwardRows, KeptForwardLength,
    }.Concat(ScratchCalls.SelectMany(call => new[] { ScratchBody(call), ScratchPass(call) })).ToArray();

    public static string WeightOffset(int layer) => "W" + layer + "Offset";

    public static string BiasOffset(int layer) => "B" + layer + "Offset";

    public static string ActivationOffset(int layer) => "A" + layer + "Offset";

    /// <summary>Where a hidden layer's kept pre-activation z starts in the activation buffer (only for activations whose derivative needs z).</summary>
    public static string PreActivationOffset(int layer) => "Z" + layer + "Offset";

    /// <summary>Where a hidden layer's output after dropout starts in the activation buffer (only layers with dropout).</summary>
    public static string DroppedOffset(int layer) => "Dropped" + layer + "Offset";

    /// <summary>Where a hidden layer's dropout mask (0 or 1 / (1 - p) per unit) starts in the activation buffer.</summary>
    public static string MaskOffset(int layer) => "Mask" + layer + "Offset";

    /// <summary>Every member name the generated part of a network with <paramref name="weightLayers"/> layers declares.</summary>
    public static HashSet<string> All(int weightLayers, bool hasDropout = false)
    {
        var names = new HashSet<string>(PublicMembers);
        names.UnionWith(PrivateMembers);
        if (hasDropout)
        {
            names.UnionWith(DropoutMembers);
            for (int layer = 1; layer <= weightLayers; layer++)
            {
                names.Add(DroppedOffset(layer));
                names.Add(MaskOffset(layer));
            }
        }
        for (int layer = 1; layer <= weightLayers; layer++)
        {
            names.Add(WeightOffset(layer));
            names.Add(BiasOffset(layer));
            names.Add(ActivationOffset(layer));
            names.Add(PreActivationOffset(layer));
            names.Add(ColumnCopyField(layer));
        }
        return names;
    }
}
