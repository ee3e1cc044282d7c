using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

/// <summary>
/// BackwardChunk of a network whose first layer Fit splits by units between its threads
/// (<see cref="NetworkPlan.SplitsFirstLayer"/>, the runtime's <c>IUnitSplitNetwork</c>): three private steps, which
/// BackwardChunk runs for all units and the interface's members run for a block of units at a time.
/// </summary>
/// <remarks>
/// Called for all units, the three steps run the operations of the one-method BackwardChunk of other networks on the
/// same spans (layer 1's delta moved into the third). A block's forward product, delta and gradients are the same kernels
/// on a block of W1's rows, W2's matching columns and the chunk's matching columns, copied through the block's own
/// scratch. Where a block takes the kernel path the whole layer takes (Fit's blocks do for the streamed product of long
/// rows: the runtime's <c>UnitSplit.BlockCount</c>), each unit gets the same sums in the same order; the exp- and
/// tanh-based activations, whose vector kernels may treat a row's last values apart, can still differ in the last bit
/// from the all-units call.
/// </remarks>
internal static partial class Emitter
{
    private const string ForwardFirstLayerUnits = "ForwardFirstLayerUnits";
    private const string BackwardAfterFirstLayer = "BackwardAfterFirstLayer";
    private const string AddFirstLayerGradients = "AddFirstLayerGradients";

    /// <summary>
    /// The scratch of the unit blocks, in sections of <c>BatchRows * units</c> values: A1, then Z1 when layer 1 keeps it,
    /// then D1, in each of which a block of units u of width n keeps row r at <c>BatchRows * u + r * n</c>; after them,
    /// the blocks' columns of W2, a block's <c>k x n</c> of them at <c>k * u</c>.
    /// </summary>
    private const string SplitBlocksField = "_splitBlocks";

    /// <summary>The sections of <see cref="SplitBlocksField"/> before D1's: A1, and Z1 when layer 1 keeps it.</summary>
    private static int ForwardSections(LayerPlan first) => first.KeepsPreActivation ? 2 : 1;

    /// <summary>The field declaration of the blocks' scratch.</summary>
    private static void EmitSplitFields(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        LayerPlan first = plan.Layers[0];
        int units = first.OutputSize, sections = ForwardSections(first) + 1, secondOutputs = plan.Layers[1].OutputSize;
        writer.Line($"// Fit computes layer 1 by blocks of units on several threads (NetGen.IUnitSplitNetwork): each block's rows of A1{(first.KeepsPreActivation ? ", Z1" : "")}");
        writer.Line($"// and D1 go through its own part of this scratch, and its columns of W2 for D1 too.");
        writer.Line($"private readonly {Runtime}.AlignedBuffer<{scalar.Keyword}> {SplitBlocksField} = new {Runtime}.AlignedBuffer<{scalar.Keyword}>({sections} * {GeneratedNames.BatchRows} * {units} + {secondOutputs} * {units});");
        writer.Line();
    }

    /// <summary>BackwardChunk as the three steps, the steps, and the interface members that run them for a block of units.</summary>
    private static void EmitSplitBackwardChunk(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerPlan first = plan.Layers[0];
        int units = first.OutputSize;
        writer.Line($"/// <summary>BackwardBatch for <paramref name=\"count\"/> rows (at most {GeneratedNames.BatchRows}): adds their gradients into Gradients and returns their summed loss.</summary>");
        using (writer.Block($"private {t} {GeneratedNames.BackwardChunk}(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, int count)"))
        {
            writer.Line($"// Layer 1 for all {units} units, the later layers and their gradients, layer 1's delta and gradients for all units:");
            writer.Line("// the steps that Fit runs for blocks of units on several threads.");
            writer.Line($"{ForwardFirstLayerUnits}(inputs, count, 0, {units});");
            writer.Line($"{t} loss = {BackwardAfterFirstLayer}(targets, count);");
            writer.Line($"{AddFirstLayerGradients}(inputs, count, 0, {units});");
            writer.Line("return loss;");
        }
        writer.Line();
        EmitForwardFirstLayerUnits(writer, plan, scalar);
        EmitBackwardAfterFirstLayer(writer, plan, scalar);
        EmitAddFirstLayerGradients(writer, plan, scalar);
        EmitSplitInterface(writer, plan, scalar);
    }

    private static void EmitForwardFirstLayerUnits(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerPlan first = plan.Layers[0];
        int units = first.OutputSize, inputs = first.InputSize;
        ActivationInfo activation = ActivationInfo.Of(first.Activation);
        bool keepsZ = first.KeepsPreActivation;
        writer.Line($"/// <summary>Layer 1 for units <paramref name=\"firstUnit\"/> to <paramref name=\"firstUnit\"/> + <paramref name=\"unitCount\"/> - 1 of <paramref name=\"count\"/> rows, into their columns of A1{(keepsZ ? " and Z1" : "")}.</summary>");
        using (writer.Block($"private void {ForwardFirstLayerUnits}(global::System.ReadOnlySpan<{t}> inputs, int count, int firstUnit, int unitCount)"))
        {
            writer.Line($"global::System.ReadOnlySpan<{t}> parameters = {GeneratedNames.ParametersSpan};");
            writer.Line($"global::System.Span<{t}> batch = {GeneratedNames.BatchActivationsSpan};");
            writer.Line($"// Z1 = X W1^T + b1, A1 = {activation.Name}(Z1) for these units: W1's rows and b1's values of the units.");
            writer.Line($"var w1 = parameters.Slice({GeneratedNames.WeightOffset(1)} + firstUnit * {inputs}, unitCount * {inputs});");
            writer.Line($"var b1 = parameters.Slice({GeneratedNames.BiasOffset(1)} + firstUnit, unitCount);");
            writer.Line($"var a1 = {ChunkBlock("batch", GeneratedNames.ActivationOffset(1), units)};");
            if (keepsZ)
                writer.Line($"var z1 = {ChunkBlock("batch", PreActivationOffsetName(plan, first), units)};");
            using (writer.Block($"if (unitCount == {units})"))
            {
                writer.Line("// All units: straight into the chunk's matrices.");
                writer.Line($"{RuntimeApi.Call(RuntimeApi.ChunkProduct)}<{t}>(w1, b1, inputs, {inputs}, {ProductTarget(first)});");
                EmitChunkActivation(writer, first, ProductTarget(first), "a1", units.ToString(System.Globalization.CultureInfo.InvariantCulture), scalar);
                writer.Line("return;");
            }
            writer.Line("// A block of units: into the block's scratch (rows of unitCount values), then into the units' columns.");
            writer.Line($"global::System.Span<{t}> blocks = {SplitBlocksField}.Span;");
            writer.Line($"var a1Block = blocks.Slice({GeneratedNames.BatchRows} * firstUnit, count * unitCount);");
            if (keepsZ)
                writer.Line($"var z1Block = blocks.Slice({GeneratedNames.BatchRows} * ({units} + firstUnit), count * unitCount);");
            string blockProduct = keepsZ ? "z1Block" : "a1Block";
            writer.Line($"{RuntimeApi.Call(RuntimeApi.ChunkProduct)}<{t}>(w1, b1, inputs, {inputs}, {blockProduct});");
            EmitChunkActivation(writer, first, blockProduct, "a1Block", "unitCount", scalar);
            using (writer.Block("for (int row = 0; row < count; row++)"))
            {
                writer.Line($"a1Block.Slice(row * unitCount, unitCount).CopyTo(a1.Slice(row * {units} + firstUnit, unitCount));");
                if (keepsZ)
                    writer.Line($"z1Block.Slice(row * unitCount, unitCount).CopyTo(z1.Slice(row * {units} + firstUnit, unitCount));");
            }
        }
        writer.Line();
    }

    private static void EmitBackwardAfterFirstLayer(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerPlan first = plan.Layers[0];
        writer.Line("/// <summary>The chunk from its complete A1 on: the later layers for every row, each row's loss and output delta, and the later layers' gradients (layer 1's delta is its gradient step's). Returns the summed loss.</summary>");
        using (writer.Block($"private {t} {BackwardAfterFirstLayer}(global::System.ReadOnlySpan<{t}> targets, int count)"))
        {
            EmitChunkSpans(writer, scalar, readsInputs: false);
            writer.Line($"var a1 = {ChunkBlock("batch", GeneratedNames.ActivationOffset(1), first.OutputSize)};");
            for (int index = 1; index < plan.Layers.Count; index++)
                EmitChunkForwardLayer(writer, plan, plan.Layers[index], scalar);
            EmitChunkLoss(writer, plan, scalar);
            for (int index = plan.Layers.Count - 1; index >= 1; index--)
                EmitChunkGradients(writer, plan, plan.Layers[index], scalar, withDeltaBelow: index >= 2);
            writer.Line("return loss;");
        }
        writer.Line();
    }

    private static void EmitAddFirstLayerGradients(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerPlan first = plan.Layers[0], second = plan.Layers[1];
        int units = first.OutputSize, inputs = first.InputSize, k = second.OutputSize;
        string derivativeInput = DerivativeInputName(first) + "1";
        string unitsText = units.ToString(System.Globalization.CultureInfo.InvariantCulture);
        writer.Line("/// <summary>Layer 1's delta and gradients of <paramref name=\"count\"/> rows for units <paramref name=\"firstUnit\"/> to <paramref name=\"firstUnit\"/> + <paramref name=\"unitCount\"/> - 1: D1 = (D2 W2) * f'(Z1) on those units' columns, then dW1 += D1^T X, db1 += the sum of D1's rows on their rows and values.</summary>");
        using (writer.Block($"private void {AddFirstLayerGradients}(global::System.ReadOnlySpan<{t}> inputs, int count, int firstUnit, int unitCount)"))
        {
            writer.Line($"global::System.ReadOnlySpan<{t}> parameters = {GeneratedNames.ParametersSpan};");
            writer.Line($"global::System.Span<{t}> gradients = {GeneratedNames.GradientsSpan};");
            writer.Line($"global::System.Span<{t}> deltas = {GeneratedNames.BatchDeltasSpan};");
            writer.Line($"var w2 = parameters.Slice({GeneratedNames.WeightOffset(2)}, {second.WeightCount});");
            writer.Line($"var delta2 = {ChunkBlock("deltas", GeneratedNames.ActivationOffset(2), k)};");
            writer.Line($"var dw1 = gradients.Slice({GeneratedNames.WeightOffset(1)} + firstUnit * {inputs}, unitCount * {inputs});");
            writer.Line($"var db1 = gradients.Slice({GeneratedNames.BiasOffset(1)} + firstUnit, unitCount);");
            using (writer.Block($"if (unitCount == {units})"))
            {
                writer.Line($"global::System.Span<{t}> batch = {GeneratedNames.BatchActivationsSpan};");
                writer.Line($"var {derivativeInput} = {ChunkBlock("batch", derivativeInput == "z1" ? PreActivationOffsetName(plan, first) : GeneratedNames.ActivationOffset(1), units)};");
                writer.Line($"var delta1 = {ChunkBlock("deltas", GeneratedNames.ActivationOffset(1), units)};");
                writer.Line(ChunkDeltaComment(second, first));
                EmitChunkDelta(writer, second, first, "w2", "delta1", derivativeInput, unitsText, scalar);
                writer.Line($"{RuntimeApi.Call(RuntimeApi.AddOuterProducts)}<{t}>(dw1, delta1, inputs, count);");
                writer.Line($"{RuntimeApi.Call(RuntimeApi.AddRows)}<{t}>(delta1, db1);");
                writer.Line("return;");
            }
            int sections = ForwardSections(first);
            writer.Line("// A block of units: the block's columns of W2 into its scratch, then its columns of D1 from them and from its");
            writer.Line($"// rows of {(derivativeInput == "z1" ? "Z1" : "A1")} (the forward step's), into the block's scratch (rows of unitCount values).");
            writer.Line($"global::System.Span<{t}> blocks = {SplitBlocksField}.Span;");
            writer.Line($"var w2Block = blocks.Slice({sections + 1} * {GeneratedNames.BatchRows} * {units} + {k} * firstUnit, {k} * unitCount);");
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"w2.Slice(k * {units} + firstUnit, unitCount).CopyTo(w2Block.Slice(k * unitCount, unitCount));");
            string inputSection = derivativeInput == "z1" ? $"{GeneratedNames.BatchRows} * ({units} + firstUnit)" : $"{GeneratedNames.BatchRows} * firstUnit";
            writer.Line($"var {derivativeInput}Block = blocks.Slice({inputSection}, count * unitCount);");
            writer.Line($"var delta1Block = blocks.Slice({GeneratedNames.BatchRows} * ({sections} * {units} + firstUnit), count * unitCount);");
            writer.Line(ChunkDeltaComment(second, first));
            EmitChunkDelta(writer, second, first, "w2Block", "delta1Block", derivativeInput + "Block", "unitCount", scalar);
            writer.Line($"{RuntimeApi.Call(RuntimeApi.AddOuterProducts)}<{t}>(dw1, delta1Block, inputs, count);");
            writer.Line($"{RuntimeApi.Call(RuntimeApi.AddRows)}<{t}>(delta1Block, db1);");
        }
        writer.Line();
    }

    /// <summary>The explicit members of <c>NetGen.IUnitSplitNetwork</c>: the steps after their argument checks.</summary>
    private static void EmitSplitInterface(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        int units = plan.Layers[0].OutputSize;
        string contract = $"{Runtime}.IUnitSplitNetwork<{t}>";
        string split = $"{Runtime}.UnitSplit";
        writer.Line($"int {contract}.SplitUnits => {units};");
        writer.Line();
        writer.Line($"int {contract}.SplitChunkRows => {GeneratedNames.BatchRows};");
        writer.Line();
        using (writer.Block($"void {contract}.ForwardSplitUnits(global::System.ReadOnlySpan<{t}> inputs, int firstUnit, int unitCount)"))
        {
            writer.Line($"int count = {split}.ChunkRows(nameof(inputs), inputs.Length, InputSize, {GeneratedNames.BatchRows});");
            writer.Line($"{split}.CheckUnits(firstUnit, unitCount, {units});");
            writer.Line($"{ForwardFirstLayerUnits}(inputs, count, firstUnit, unitCount);");
        }
        writer.Line();
        using (writer.Block($"{t} {contract}.BackwardAfterSplitLayer(global::System.ReadOnlySpan<{t}> targets)"))
        {
            writer.Line($"int count = {split}.ChunkRows(nameof(targets), targets.Length, OutputSize, {GeneratedNames.BatchRows});");
            writer.Line($"return {BackwardAfterFirstLayer}(targets, count);");
        }
        writer.Line();
        using (writer.Block($"void {contract}.AddSplitUnitGradients(global::System.ReadOnlySpan<{t}> inputs, int firstUnit, int unitCount)"))
        {
            writer.Line($"int count = {split}.ChunkRows(nameof(inputs), inputs.Length, InputSize, {GeneratedNames.BatchRows});");
            writer.Line($"{split}.CheckUnits(firstUnit, unitCount, {units});");
            writer.Line($"{AddFirstLayerGradients}(inputs, count, firstUnit, unitCount);");
        }
        writer.Line();
    }
}
