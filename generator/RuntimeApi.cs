using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;

namespace NetGen.Generator;

/// <summary>
/// Every runtime member the generated code calls, in one table. The generator cannot reference the
/// runtime (it runs inside the compiler), so a reflection test checks each name here against
/// <c>NetGen.Kernels</c>: a renamed kernel fails that test, not a user's build.
/// </summary>
internal static class RuntimeApi
{
    public const string Namespace = "global::NetGen";

    /// <summary>The one class of kernels generated code calls (hidden from IntelliSense in the runtime).</summary>
    public const string Kernels = Namespace + ".Kernels";

    // Whole-layer kernels over spans.
    public const string MatrixVector = "MatrixVector";
    public const string OneRowProduct = "OneRowProduct";
    public const string MatrixMatrix = "MatrixMatrix";
    public const string ColumnCopyProduct = "ColumnCopyProduct";
    public const string ColumnCopyLength = "ColumnCopyLength";
    public const string CurrentColumns = "CurrentColumns";
    public const string ColumnStride = "ColumnStride";
    public const string TransposedMatrixVector = "TransposedMatrixVector";
    public const string AddScaledOuterProduct = "AddScaledOuterProduct";
    public const string AddScaled = "AddScaled";

    // Scratch on the stack, not zeroed, for the calls that need it (Emitter.Scratch.cs): the runner and the interface of its passes.
    public const string OnStack = "OnStack";
    public const string StackPass = "IStackPass";

    // The same products for a chunk of rows at once (BackwardBatch).
    public const string ChunkProduct = "ChunkProduct";
    public const string TransposedMatrixMatrix = "TransposedMatrixMatrix";
    public const string AddOuterProducts = "AddOuterProducts";
    public const string AddRows = "AddRows";

    // Losses over a whole output layer.
    public const string BinaryCrossEntropyFromOutputs = "BinaryCrossEntropyFromOutputs";

    // Dropout in the training calls: the row's key, a unit's mask (unrolled locals), a layer's masks and their backward pass.
    public const string DropoutRowKey = "DropoutRowKey";
    public const string DropoutMask = "DropoutMask";
    public const string Dropout = "Dropout";
    public const string DropoutBackward = "DropoutBackward";

    // Lane moves for grouped hidden layers of two to four inputs (Emitter.Groups.cs): a group's columns of W from its loads.
    public const string Transpose = "Transpose";

    // Predict's output rows over a grouped layer in 512-bit vectors: a row's chains added in pairs, and its bias as a vector.
    public const string AddChainsInPairs = "AddChainsInPairs";
    public const string BiasInLastLane = "BiasInLastLane";

    /// <summary>
    /// The kernel that multiplies a layer's delta by the activation's derivative: <c>SigmoidDerivative(a, delta)</c>
    /// through the output, or <c>GELUDerivativeFromInput(z, delta)</c> from the kept pre-activation.
    /// </summary>
    public static string Derivative(ActivationInfo activation) =>
        activation.RuntimeName + (activation.DerivativeInput == DerivativeInput.PreActivation ? "DerivativeFromInput" : "Derivative");

    /// <summary>The derivative from z of a vector of units, <c>GELUDerivative(Vector256&lt;T&gt;)</c>, which the in-locals code packs.</summary>
    public static string VectorDerivative(ActivationInfo activation) => activation.RuntimeName + "Derivative";

    /// <summary><c>global::NetGen.Kernels.{member}</c>.</summary>
    public static string Call(string member) => Kernels + "." + member;

    /// <summary>Every member name of <c>NetGen.Kernels</c> that generated code may call.</summary>
    public static IReadOnlyList<string> KernelMembers()
    {
        var names = new List<string> { OnStack, MatrixVector, OneRowProduct, MatrixMatrix, ColumnCopyProduct, ColumnCopyLength, CurrentColumns, ColumnStride, TransposedMatrixVector, AddScaledOuterProduct, AddScaled, ChunkProduct, TransposedMatrixMatrix, AddOuterProducts, AddRows, BinaryCrossEntropyFromOutputs, DropoutRowKey, DropoutMask, Dropout, DropoutBackward, Transpose, AddChainsInPairs, BiasInLastLane };
        foreach (ActivationKind kind in System.Enum.GetValues(typeof(ActivationKind)).Cast<ActivationKind>())
        {
            ActivationInfo activation = ActivationInfo.Of(kind);
            names.Add(activation.RuntimeName);
            if (activation.IsElementwise)
                names.Add(Derivative(activation));
            if (activation.Packs && activation.DerivativeIsCall)
                names.Add(VectorDerivative(activation));
        }
        return names.Distinct().ToList();
    }
}
