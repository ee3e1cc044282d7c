using System.Globalization;
using System.Linq;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

/// <summary>
/// BackwardBatch for networks that train in chunks (<see cref="NetworkPlan.TrainsInChunks"/>): each chunk of rows goes
/// through every layer as matrix-matrix products (forward <c>Z = X W^T + b</c>, <c>Kernels.ChunkProduct</c>; delta
/// <c>D W</c>, <c>TransposedMatrixMatrix</c>; weight gradient <c>D^T X</c>, <c>AddOuterProducts</c>), with the chunk's
/// values for a layer kept as one row-major matrix.
/// </summary>
/// <remarks>
/// What a row gets differs from <c>Backward</c> on the same row only by the order in which sums are formed (the
/// matrix kernels' lanes and tiles against the unrolled statements', the delta products' tiles, and a gradient summed
/// over the chunk before it is added) and by fused multiply-adds where the unrolled per-row code has none. A looped
/// layer's forward product is <c>Backward</c>'s bit for bit unless <c>ChunkProduct</c> runs it by columns. Every value
/// that is not a sum is computed as the per-row code computes it: a neuron-by-neuron activation with the same scalar
/// formula, an exp- or tanh-based kernel once per row (a vector kernel may treat a row's last values apart), and the
/// masks, the loss and the output delta row by row.
/// </remarks>
internal static partial class Emitter
{
    /// <summary>BackwardBatch's body after its checks: the rows in chunks of at most <c>BatchRows</c>, each through <c>BackwardChunk</c>.</summary>
    private static void EmitChunkLoop(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string dropoutArgument = plan.HasDropout ? ", start" : "";
        EmitEvenChunks(writer, GeneratedNames.BatchRows, () =>
            writer.Line($"loss += {GeneratedNames.BackwardChunk}(inputs.Slice(start * InputSize, count * InputSize), targets.Slice(start * OutputSize, count * OutputSize), count{dropoutArgument});"));
    }

    /// <summary>
    /// BackwardBatch's body after its checks for a network that runs it in two passes (<see cref="NetworkPlan.TrainsBatchesInTwoPasses"/>):
    /// per block of at most <c>KeptForwardRows</c> rows, every row's <c>ForwardAndKeep</c>, then every row's <c>BackwardFromKept</c>,
    /// or for a network that holds its batch gradients in locals (rule 16) the block's <c>BackwardRows</c>.
    /// </summary>
    private static void EmitTwoPassLoop(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        writer.Line("// Two passes over each block of rows: every row's forward pass, then every row's loss, deltas and gradients from");
        writer.Line("// what it kept. Backward's code split in two, so each row gets exactly what Backward gives it; in one pass each");
        writer.Line("// row's gradient updates wait on its activation calls, while here the rows' calls overlap.");
        writer.Line($"global::System.ReadOnlySpan<{t}> parameters = {GeneratedNames.ParametersSpan};");
        writer.Line($"global::System.Span<{t}> gradients = {GeneratedNames.GradientsSpan};");
        writer.Line($"global::System.Span<{t}> kept = {GeneratedNames.KeptForwardSpan};");
        string keptRow = $"kept.Slice(row * {GeneratedNames.KeptForwardLength}, {GeneratedNames.KeptForwardLength})";
        EmitEvenChunks(writer, GeneratedNames.KeptForwardRows, () =>
        {
            using (writer.Block("for (int row = 0; row < count; row++)"))
                writer.Line($"{GeneratedNames.ForwardAndKeep}(parameters, inputs.Slice((start + row) * InputSize, InputSize), {keptRow});");
            if (plan.BatchGradientsInLocals)
            {
                writer.Line($"loss = {GeneratedNames.BackwardRows}(parameters, inputs.Slice(start * InputSize, count * InputSize), targets.Slice(start * OutputSize, count * OutputSize), kept, gradients, count, loss);");
                return;
            }
            using (writer.Block("for (int row = 0; row < count; row++)"))
                writer.Line($"loss += {GeneratedNames.BackwardFromKept}(parameters, inputs.Slice((start + row) * InputSize, InputSize), targets.Slice((start + row) * OutputSize, OutputSize), {keptRow}, gradients);");
        });
    }

    /// <summary>
    /// A loop over <c>rows</c> in the fewest chunks of at most <paramref name="mostRows"/> rows, as even as they split:
    /// <paramref name="body"/> sees the chunk's first row <c>start</c> and its row count <c>count</c>. A batch one row
    /// over the limit runs as two halves instead of a full chunk and a chunk of one row, which would pay every
    /// layer's calls for that row alone (2-1024-1's TrainBatch of 32 rows under a limit of 31: 40 -> 30 us). The number
    /// of chunks, and so of passes over the weights, is the same either way.
    /// </summary>
    private static void EmitEvenChunks(CodeWriter writer, string mostRows, System.Action body)
    {
        writer.Line($"// The fewest chunks of at most {mostRows} rows, as even as the rows split (not a full chunk and a short last one).");
        writer.Line($"int chunks = rows / {mostRows} + (rows % {mostRows} == 0 ? 0 : 1);");
        using (writer.Block("for (int chunk = 0, start = 0; chunk < chunks; chunk++)"))
        {
            writer.Line("int count = (rows - start) / (chunks - chunk);");
            body();
            writer.Line("start += count;");
        }
    }

    /// <summary>The private members of chunked training: <c>BackwardChunk</c> and the per-row <c>LossAndOutputDelta</c> it calls.</summary>
    private static void EmitChunkTraining(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        EmitLossAndOutputDelta(writer, plan, scalar);
        if (plan.SplitsFirstLayer)
            EmitSplitBackwardChunk(writer, plan, scalar);
        else
            EmitBackwardChunk(writer, plan, scalar);
    }

    /// <summary>One row's loss and output delta from slices of the chunk: the same statements as ComputeLoss and ComputeDeltas write.</summary>
    private static void EmitLossAndOutputDelta(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerPlan output = plan.OutputLayer;
        int n = output.Number, k = output.OutputSize;
        LossInfo loss = LossInfo.Of(plan.Model.Loss);
        writer.Line($"/// <summary>One row's d loss / d z{n} into <paramref name=\"delta{n}\"/> and its loss ({loss.Description}), from its output a{n} and logits z{n}.</summary>");
        using (writer.Block($"private static {t} {GeneratedNames.LossAndOutputDelta}(global::System.ReadOnlySpan<{t}> a{n}, global::System.ReadOnlySpan<{t}> z{n}, global::System.ReadOnlySpan<{t}> target, global::System.Span<{t}> delta{n})"))
        {
            EmitOutputDeltaInSpans(writer, plan, output, scalar);
            writer.Line($"{t} loss = {scalar.Literal(0)};");
            loss.EmitLoss(writer, n, k, scalar, output.Step == ActivationStep.LayerKernel);
        }
        writer.Line();
    }

    private static void EmitBackwardChunk(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        string dropoutParameter = plan.HasDropout ? ", int start" : "";
        writer.Line($"/// <summary>BackwardBatch for <paramref name=\"count\"/> rows (at most {GeneratedNames.BatchRows}): adds their gradients into Gradients and returns their summed loss.</summary>");
        using (writer.Block($"private {t} {GeneratedNames.BackwardChunk}(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, int count{dropoutParameter})"))
        {
            EmitChunkSpans(writer, scalar, readsInputs: true);
            foreach (LayerPlan layer in plan.Layers)
                EmitChunkForwardLayer(writer, plan, layer, scalar);
            EmitChunkLoss(writer, plan, scalar);
            for (int index = plan.Layers.Count - 1; index >= 0; index--)
                EmitChunkGradients(writer, plan, plan.Layers[index], scalar);
            writer.Line("return loss;");
        }
        writer.Line();
    }

    /// <summary>The spans a chunk's training code reads and writes, and what the capital letters of its comments stand for.</summary>
    private static void EmitChunkSpans(CodeWriter writer, Scalar scalar, bool readsInputs)
    {
        string t = scalar.Keyword;
        writer.Line($"global::System.ReadOnlySpan<{t}> parameters = {GeneratedNames.ParametersSpan};");
        writer.Line($"global::System.Span<{t}> gradients = {GeneratedNames.GradientsSpan};");
        writer.Line($"global::System.Span<{t}> batch = {GeneratedNames.BatchActivationsSpan};");
        writer.Line($"global::System.Span<{t}> deltas = {GeneratedNames.BatchDeltasSpan};");
        writer.Line(readsInputs
            ? "// Below, a capital letter is the chunk's matrix of a layer's values, one row per input row: X the inputs,"
            : "// Below, a capital letter is the chunk's matrix of a layer's values, one row per input row:");
        writer.Line("// A the outputs, Z the pre-activations, D the deltas d loss / d Z.");
    }

    /// <summary>A section of the chunk's scratch: row r of the section at per-row offset <paramref name="offset"/> and width <paramref name="width"/>.</summary>
    private static string ChunkBlock(string buffer, string offset, int width) =>
        $"{buffer}.Slice({GeneratedNames.BatchRows} * {offset}, count * {width})";

    /// <summary>One row of a chunk matrix of width <paramref name="width"/>: <c>name.Slice(row * width, width)</c>.</summary>
    private static string ChunkRow(string name, int width) => ChunkRow(name, width.ToString(CultureInfo.InvariantCulture));

    /// <summary>One row of a chunk matrix whose width is an expression (a constant's digits or a variable).</summary>
    private static string ChunkRow(string name, string width) => $"{name}.Slice(row * {width}, {width})";

    /// <summary>What a layer reads in the chunk: the chunk's inputs, the layer below's outputs, or their dropped form.</summary>
    private static string ChunkInput(NetworkPlan plan, LayerPlan layer) =>
        layer.Number == 1 ? "inputs" : LayerInput(plan, layer, training: true);

    private static void EmitChunkForwardLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar)
    {
        int n = layer.Number, width = layer.OutputSize;
        string t = scalar.Keyword;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        string input = ChunkInput(plan, layer);
        string product = ProductTarget(layer);
        writer.Line();
        writer.Line($"// Layer {n}: {layer.InputSize} -> {width} for every row: Z{n} = {Capital(input)} W{n}^T + b{n}, A{n} = {activation.Name}(Z{n})");
        writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
        writer.Line($"var b{n} = parameters.Slice({GeneratedNames.BiasOffset(n)}, {width});");
        writer.Line($"var a{n} = {ChunkBlock("batch", GeneratedNames.ActivationOffset(n), width)};");
        if (layer.KeepsPreActivation)
            writer.Line($"var z{n} = {ChunkBlock("batch", PreActivationOffsetName(plan, layer), width)};");
        writer.Line($"{RuntimeApi.Call(RuntimeApi.ChunkProduct)}<{t}>(w{n}, b{n}, {input}, {layer.InputSize}, {product});");
        string a = "a" + n;
        EmitChunkActivation(writer, layer, product, a, width.ToString(CultureInfo.InvariantCulture), scalar);
        if (layer.Dropout is DropoutPlan dropout)
        {
            writer.Line(DropoutComment(layer, scalar));
            writer.Line($"var {Dropped(n)} = {ChunkBlock("batch", GeneratedNames.DroppedOffset(n), width)};");
            writer.Line($"var {Mask(n)} = {ChunkBlock("batch", GeneratedNames.MaskOffset(n), width)};");
            using (writer.Block("for (int row = 0; row < count; row++)"))
                writer.Line($"{RuntimeApi.Call(RuntimeApi.Dropout)}<{t}>({ChunkRow(a, width)}, {GeneratedNames.DropoutRowKey}(start + row), {GeneratedNames.ActivationOffset(n)}, {DropThreshold(dropout)}, {scalar.Literal(dropout.KeptScale)}, {ChunkRow(Mask(n), width)}, {ChunkRow(Dropped(n), width)});");
        }
    }

    /// <summary>
    /// A layer's activation for the chunk, from its product (<paramref name="product"/>: its z, or its a when no z is kept)
    /// into <paramref name="a"/>, both chunk matrices with rows of <paramref name="width"/> values (a constant or a variable).
    /// </summary>
    private static void EmitChunkActivation(CodeWriter writer, LayerPlan layer, string product, string a, string width, Scalar scalar)
    {
        string t = scalar.Keyword;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        if (!activation.IsElementwise)
        {
            using (writer.Block("for (int row = 0; row < count; row++)"))
                writer.Line($"{RuntimeApi.Call(activation.RuntimeName)}<{t}>({ChunkRow(product, width)}, {ChunkRow(a, width)});");
        }
        else if (activation.DerivativeInput == DerivativeInput.None && product == a)
        {
            // The identity in place is no code at all.
        }
        else if (layer.PacksInSpans)
        {
            writer.Line($"// row by row, packed as the per-row code packs the layer");
            using (writer.Block("for (int row = 0; row < count; row++)"))
            {
                EmitPackedActivation(writer, layer, scalar, Enumerable.Range(0, layer.OutputSize).Select(j => $"{product}[row * {width} + {j}]").ToList(),
                    product == a ? "sums" : "z", j => $"{a}[row * {width} + {j}] = ");
            }
        }
        else if (layer.Step == ActivationStep.PerNeuron)
        {
            writer.Line($"// value by value, with the formula of the per-row code's unrolled layer");
            using (writer.Block($"for (int i = 0; i < {a}.Length; i++)"))
                writer.Line($"{a}[i] = {activation.Forward($"{product}[i]", scalar)};");
        }
        else if (activation.IsTranscendental)
        {
            // The per-row code calls the kernel on one row, and which vector width the kernel takes depends on the row's
            // length; the kernel's rows form gives each row exactly that call's values, in one call.
            writer.Line($"// row by row, each row as the per-row code's kernel call on it");
            writer.Line($"{RuntimeApi.Call(activation.RuntimeName)}<{t}>({product}, {a}, {width});");
        }
        else
        {
            writer.Line($"{RuntimeApi.Call(activation.RuntimeName)}<{t}>({product}, {a});");
        }
    }

    private static void EmitChunkLoss(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        LayerPlan output = plan.OutputLayer;
        int n = output.Number, k = output.OutputSize;
        writer.Line();
        writer.Line($"// Each row's loss and output delta D{n}");
        writer.Line($"var delta{n} = {ChunkBlock("deltas", GeneratedNames.ActivationOffset(n), k)};");
        writer.Line($"{scalar.Keyword} loss = {scalar.Literal(0)};");
        using (writer.Block("for (int row = 0; row < count; row++)"))
            writer.Line($"loss += {GeneratedNames.LossAndOutputDelta}({ChunkRow("a" + n, k)}, {ChunkRow("z" + n, k)}, targets.Slice(row * OutputSize, OutputSize), {ChunkRow("delta" + n, k)});");
    }

    /// <summary>A layer's weight and bias gradients for the chunk, then (with <paramref name="withDeltaBelow"/>) the delta of the layer below, if any.</summary>
    private static void EmitChunkGradients(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool withDeltaBelow = true)
    {
        int n = layer.Number;
        string t = scalar.Keyword;
        string input = ChunkInput(plan, layer);
        writer.Line();
        writer.Line($"// Layer {n} gradients: dW{n} += D{n}^T {Capital(input)}, db{n} += the sum of D{n}'s rows");
        writer.Line($"{RuntimeApi.Call(RuntimeApi.AddOuterProducts)}<{t}>(gradients.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount}), delta{n}, {input}, count);");
        writer.Line($"{RuntimeApi.Call(RuntimeApi.AddRows)}<{t}>(delta{n}, gradients.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize}));");
        if (n == 1 || !withDeltaBelow)
            return;

        LayerPlan below = plan.Layers[n - 2];
        int m = below.Number;
        writer.Line();
        writer.Line(ChunkDeltaComment(layer, below));
        writer.Line($"var delta{m} = {ChunkBlock("deltas", GeneratedNames.ActivationOffset(m), below.OutputSize)};");
        EmitChunkDelta(writer, layer, below, $"w{n}", $"delta{m}", DerivativeInputName(below) + m, below.OutputSize.ToString(CultureInfo.InvariantCulture), scalar);
    }

    /// <summary>The comment over a layer's delta: <c>D_m = (D_n W_n) * f'(Z_m)</c>.</summary>
    private static string ChunkDeltaComment(LayerPlan layer, LayerPlan below) =>
        $"// Layer {below.Number} delta: D{below.Number} = (D{layer.Number} W{layer.Number}){DropoutFactor(below, Mask(below.Number))} * {ActivationInfo.Of(below.Activation).Name}'(Z{below.Number})";

    /// <summary>
    /// The delta of the layer below <paramref name="layer"/> for the chunk, <c>(D_n W) * f'(...)</c>, into <paramref name="delta"/>:
    /// <paramref name="weights"/> is W_n or a block of its columns, <paramref name="derivativeInput"/> the matching a or z, and
    /// <paramref name="width"/> the rows' width (a constant or a variable).
    /// </summary>
    private static void EmitChunkDelta(CodeWriter writer, LayerPlan layer, LayerPlan below, string weights, string delta, string derivativeInput, string width, Scalar scalar)
    {
        string t = scalar.Keyword;
        int n = layer.Number, m = below.Number;
        ActivationInfo activation = ActivationInfo.Of(below.Activation);
        writer.Line($"{RuntimeApi.Call(RuntimeApi.TransposedMatrixMatrix)}<{t}>({weights}, delta{n}, count, {delta});");
        if (below.HasDropout)
            writer.Line($"{RuntimeApi.Call(RuntimeApi.DropoutBackward)}<{t}>({Mask(m)}, {delta});");
        if (activation.DerivativeInput == DerivativeInput.None)
            return;
        if (PacksDerivative(below))
        {
            writer.Line($"// row by row, the derivative packed as the per-row code packs it");
            using (writer.Block("for (int row = 0; row < count; row++)"))
                EmitTimesPackedSlope(writer, below, scalar, i => $"{derivativeInput}[row * {width} + {i}]", i => $"{delta}[row * {width} + {i}]");
        }
        else if (layer.Shape == CodeShape.Unrolled && !DerivesAsLayer(below))
        {
            writer.Line($"// value by value, with the formula of the per-row code's unrolled layer {n}");
            using (writer.Block($"for (int i = 0; i < {delta}.Length; i++)"))
                writer.Line($"{delta}[i] = {activation.TimesDerivative($"{derivativeInput}[i]", $"{delta}[i]", scalar)};");
        }
        else if (activation.IsTranscendental)
        {
            writer.Line($"// row by row, each row as the per-row code's kernel call on it");
            writer.Line($"{RuntimeApi.Call(RuntimeApi.Derivative(activation))}<{t}>({derivativeInput}, {delta}, {width});");
        }
        else
        {
            writer.Line($"{RuntimeApi.Call(RuntimeApi.Derivative(activation))}<{t}>({derivativeInput}, {delta});");
        }
    }

    /// <summary>The chunk matrix a span of the chunk stands for in the comments: X for the inputs, A1 for a1, Dropped1 for dropped1.</summary>
    private static string Capital(string name) =>
        name == "inputs" ? "X" : char.ToUpper(name[0], CultureInfo.InvariantCulture) + name.Substring(1);
}
