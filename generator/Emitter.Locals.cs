using System.Linq;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

/// <summary>
/// The training kernels of networks whose layers are all unrolled (<see cref="RunsInLocals"/>):
/// one sample's forward pass, loss, deltas and parameter updates in one method, every activation and
/// delta a local. The span-based kernels, which the other networks use, pass activations through
/// memory and make four calls per sample, which costs more than the arithmetic of a tutorial-sized
/// network: in locals, W1's Backward went from 53 to 39 ns and Train from 62 to 52 ns (Stopwatch).
/// The sums and the loss are written in the same order, and the long sums in the same chains, as in the span-based kernels.
/// </summary>
internal static partial class Emitter
{
    /// <summary>The attribute that keeps an in-locals kernel a method of its own (see <see cref="EmitBackwardInLocals"/>).</summary>
    private const string NoInlining = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";

    /// <summary>
    /// Backward (adds into <c>gradients</c>) or BackwardAndStep (plain SGD in place) for one sample, in locals. BackwardBatch
    /// calls Backward for each row.
    /// </summary>
    /// <remarks>
    /// Measured (17-1-5, TrainBatch of 32 rows, Stopwatch): running the rows in one method instead of a call per row changed
    /// nothing (1.51 against 1.51-1.54 us), so BackwardBatch keeps its call per row. What pays is two passes over a block of
    /// rows (<see cref="EmitTwoPassKernels"/>, Planner rule 11), and for the smallest networks, whose rows cost about what
    /// the call does, one method with the gradients in locals (<see cref="EmitBackwardRows"/>, rule 16).
    /// </remarks>
    private static void EmitBackwardInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar, BackwardMode mode)
    {
        string t = scalar.Keyword;
        bool step = mode == BackwardMode.Step;
        string parameters = step ? $"global::System.Span<{t}> parameters" : $"global::System.ReadOnlySpan<{t}> parameters";
        string inputs = $"global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> target";
        string name = step ? "BackwardAndStep" : "Backward";
        string parameterList = step
            ? $"{parameters}, {inputs}, {t} learningRate{DropoutKeyParameter(plan)}"
            : $"{parameters}, {inputs}, global::System.Span<{t}> gradients{DropoutKeyParameter(plan)}";
        writer.Line(step
            ? "/// <summary>One sample's forward pass, loss, deltas and plain SGD step <c>Parameters -= learningRate * d loss / d Parameters</c>, all in locals; returns the loss before the step.</summary>"
            : "/// <summary>One sample's forward pass, loss and deltas in locals; adds d loss / d parameters into <paramref name=\"gradients\"/> and returns the loss.</summary>");

        // Never inlined into its caller (Backward, Train): inlined, it spent the caller's inlining budget, and the
        // JIT then left the calls inside it (Sigmoid, AddScaled, Slice, Vector256.Create) as calls. W1 in a user's
        // loop: Backward 61 -> 38 ns, Train 80 -> 62 ns. Compiled on its own, everything in it is inlined. The price is
        // BackwardBatch's call per row, which it had inlined in some processes: 1-1-1's TrainBatch of 32 rows took
        // 130 ns at best before and 183 ns after; wider networks measured the same within the host's noise.
        if (!GroupsAnyUnits(plan))
        {
            // A network of a few parameters, arithmetic layers only, whose BackwardBatch does not call it (rule 16) lets the
            // JIT inline it: its calls are then one call, not two (1-1-1's per-row minibatch 134 -> 114 ns).
            if (!plan.InlinesSampleKernels)
                writer.Line(NoInlining);
            using (writer.Block($"private static {t} {name}({parameterList})"))
                EmitBackwardBodyInLocals(writer, plan, scalar, step, groups: false);
        }
        else
        {
            // The JIT keeps one branch: the grouped units as vectors where those are accelerated, else unit by unit
            // (without AVX, as under Native AOT's default instruction set, a Vector256 is emulated in software). Each is a
            // method of its own: in one method, 1-64-1's two bodies had more locals than the JIT tracks, and its Train took
            // 114-118 ns; split, 46-49 ns (single precision, Stopwatch through INetwork).
            string arguments = step ? "parameters, input, target, learningRate" : "parameters, input, target, gradients";
            if (plan.HasDropout)
                arguments += ", dropoutKey";
            writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            writer.Line($"private static {t} {name}({parameterList}) =>");
            writer.Line($"    {GroupVector(scalar)}.IsHardwareAccelerated ? {name}InVectors({arguments}) : {name}ByUnit({arguments});");
            writer.Line();
            writer.Line($"/// <summary>The private <c>{name}</c> with the wide layers of one or two inputs four units at a time, in vectors: the same arithmetic, lane for lane.</summary>");
            writer.Line(NoInlining);
            using (writer.Block($"private static {t} {name}InVectors({parameterList})"))
                EmitBackwardBodyInLocals(writer, plan, scalar, step, groups: true);
            writer.Line();
            writer.Line($"/// <summary>The private <c>{name}</c> unit by unit, where the group vectors are not accelerated.</summary>");
            writer.Line(NoInlining);
            using (writer.Block($"private static {t} {name}ByUnit({parameterList})"))
                EmitBackwardBodyInLocals(writer, plan, scalar, step, groups: false);
        }
        if (!step)
            writer.Line();
    }

    /// <summary>The statements of <see cref="EmitBackwardInLocals"/>; <paramref name="groups"/> renders <see cref="LayerPlan.GroupsUnits"/>.</summary>
    private static void EmitBackwardBodyInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar, bool step, bool groups)
    {
        // Packing the sigmoid layers' exps (as Predict does) made Backward faster but the in-place step
        // slower (W1: 43 -> 40 ns and 53 -> 57 ns), so only Backward packs them.
        EmitForwardInLocals(writer, plan, scalar, training: true, packSigmoid: !step, groups: groups);
        EmitBackwardAfterForwardInLocals(writer, plan, scalar, step, groups);
    }

    /// <summary>
    /// BackwardBatch's two passes (<see cref="NetworkPlan.TrainsBatchesInTwoPasses"/>): <c>ForwardAndKeep</c>, Backward's
    /// forward pass with its results stored, and <c>BackwardFromKept</c>, the rest of Backward from them. The two are
    /// Backward's own statements split in two, so each row gets Backward's bits.
    /// </summary>
    private static void EmitTwoPassKernels(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        var kept = plan.KeptForwardValues().Select(value => value.PreActivation ? Z(value.Layer, value.Unit) : A(value.Layer, value.Unit)).ToList();

        writer.Line($"/// <summary>BackwardBatch's first pass for one row: Backward's forward pass in locals, its values that the second pass reads stored in <paramref name=\"kept\"/>.</summary>");
        writer.Line(NoInlining);
        using (writer.Block($"private static void {GeneratedNames.ForwardAndKeep}(global::System.ReadOnlySpan<{t}> parameters, global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> kept)"))
        {
            EmitForwardInLocals(writer, plan, scalar, training: true, packSigmoid: true, groups: false);
            writer.Line($"// Kept for the second pass, in this order: {string.Join(", ", kept)}");
            writer.Line($"kept = kept.Slice(0, {GeneratedNames.KeptForwardLength}); // one bounds check");
            for (int i = 0; i < kept.Count; i++)
                writer.Line($"kept[{i}] = {kept[i]};");
        }
        writer.Line();

        if (plan.BatchGradientsInLocals)
            return; // the second pass is BackwardRows, every row of a block in one method
        writer.Line($"/// <summary>BackwardBatch's second pass for one row: Backward after its forward pass, from the values {GeneratedNames.ForwardAndKeep} kept; adds d loss / d parameters into <paramref name=\"gradients\"/> and returns the loss.</summary>");
        writer.Line(NoInlining);
        using (writer.Block($"private static {t} {GeneratedNames.BackwardFromKept}(global::System.ReadOnlySpan<{t}> parameters, global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> target, global::System.ReadOnlySpan<{t}> kept, global::System.Span<{t}> gradients)"))
        {
            EmitKeptForwardLocals(writer, plan, scalar, "kept");
            EmitBackwardAfterForwardInLocals(writer, plan, scalar, step: false, groups: false);
        }
        writer.Line();
    }

    /// <summary>A row's forward pass as the first pass kept it, read into Backward's locals from <paramref name="kept"/> (sliced to its constant length first unless <paramref name="sliced"/>), and the weight spans of the layers the deltas go back through.</summary>
    private static void EmitKeptForwardLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar, string kept, bool sliced = false)
    {
        string t = scalar.Keyword;
        var names = plan.KeptForwardValues().Select(value => value.PreActivation ? Z(value.Layer, value.Unit) : A(value.Layer, value.Unit)).ToList();
        writer.Line("// The row's forward pass, as the first pass kept it");
        if (!sliced)
            writer.Line($"{kept} = {kept}.Slice(0, {GeneratedNames.KeptForwardLength}); // one bounds check");
        for (int i = 0; i < names.Count; i++)
            writer.Line($"{t} {names[i]} = {kept}[{i}];");
        writer.Line("// The weights the deltas are sent back through");
        foreach (LayerPlan layer in plan.Layers.Skip(1))
            writer.Line($"var w{layer.Number} = parameters.Slice({GeneratedNames.WeightOffset(layer.Number)}, {layer.WeightCount});");
        writer.Line();
    }

    /// <summary>
    /// BackwardBatch's rows in one method (<see cref="NetworkPlan.BatchGradientsInLocals"/>, Planner rule 16): for each row
    /// Backward's statements, with the gradients in locals that start from <c>gradients</c>, take each row's additions in
    /// row order and are stored once after the last row, in the pieces Backward writes (ApplyGradients reads them so). The
    /// same additions in the same order as a call to Backward per row, so the same bits; the weights are read through the
    /// same spans, which nothing in the loop writes.
    /// </summary>
    private static void EmitBackwardRows(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        bool fromKept = plan.TrainsBatchesInTwoPasses;
        writer.Line(fromKept
            ? $"/// <summary>BackwardBatch's second pass over <paramref name=\"rows\"/> rows: Backward after its forward pass for each, from the values {GeneratedNames.ForwardAndKeep} kept, its gradient sums held in locals from the first row to the last; adds them into <paramref name=\"gradients\"/> and each row's loss to <paramref name=\"total\"/>, in row order, and returns that sum.</summary>"
            : $"/// <summary>BackwardBatch's <paramref name=\"rows\"/> rows: Backward's code for each, its gradient sums held in locals from the first row to the last; adds them into <paramref name=\"gradients\"/> and each row's loss to <paramref name=\"total\"/>, in row order, and returns that sum.</summary>");
        writer.Line(NoInlining);
        string keptParameter = fromKept ? $"global::System.ReadOnlySpan<{t}> kept, " : "";
        using (writer.Block($"private static {t} {GeneratedNames.BackwardRows}(global::System.ReadOnlySpan<{t}> parameters, global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, {keptParameter}global::System.Span<{t}> gradients, int rows, {t} total)"))
        {
            writer.Line("// Every gradient as a running sum in a local (a vector of them where Backward updates a row in vectors), from what gradients holds");
            foreach (LayerPlan layer in plan.Layers)
                EmitGradientLocals(writer, layer, scalar, load: true);
            using (writer.Block("for (int row = 0; row < rows; row++)"))
            {
                writer.Line($"global::System.ReadOnlySpan<{t}> input = inputs.Slice(row * InputSize, InputSize);");
                writer.Line($"global::System.ReadOnlySpan<{t}> target = targets.Slice(row * OutputSize, OutputSize);");
                if (fromKept)
                {
                    writer.Line($"global::System.ReadOnlySpan<{t}> keptRow = kept.Slice(row * {GeneratedNames.KeptForwardLength}, {GeneratedNames.KeptForwardLength});");
                    EmitKeptForwardLocals(writer, plan, scalar, "keptRow", sliced: true);
                }
                else
                {
                    EmitForwardInLocals(writer, plan, scalar, training: true, packSigmoid: true, groups: false);
                }
                EmitBackwardAfterForwardInLocals(writer, plan, scalar, step: false, groups: false, intoLocals: true);
            }
            writer.Line();
            writer.Line("// Stored once, in the pieces Backward writes");
            foreach (LayerPlan layer in plan.Layers)
                EmitGradientLocals(writer, layer, scalar, load: false);
            writer.Line("return total;");
        }
        writer.Line();
    }

    /// <summary>
    /// BackwardRows' gradient locals of one layer (<see cref="GradientLocal"/>), loaded from the gradient spans
    /// (<paramref name="load"/>) or stored back into them, in <see cref="UpdatePieces"/>.
    /// </summary>
    private static void EmitGradientLocals(CodeWriter writer, LayerPlan layer, Scalar scalar, bool load)
    {
        int n = layer.Number;
        string t = scalar.Keyword, weights = $"gw{n}", biases = $"gb{n}";
        if (load)
        {
            writer.Line($"var {weights} = gradients.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            writer.Line($"var {biases} = gradients.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
        }
        foreach (var (bias, index, lanes, vector) in UpdatePieces(layer, scalar))
        {
            string span = bias ? biases : weights, local = GradientLocal(span, index);
            if (vector is null)
                writer.Line(load ? $"{t} {local} = {span}[{index}];" : $"{span}[{index}] = {local};");
            else
                writer.Line(load ? $"var {local} = {vector}.Create<{t}>({span}.Slice({index}, {lanes}));" : $"{vector}.CopyTo({local}, {span}.Slice({index}, {lanes}));");
        }
    }

    /// <summary>
    /// Backward in locals after its forward pass: the loss, the deltas, and the gradient updates or the SGD step; with
    /// <paramref name="intoLocals"/> (BackwardRows) the gradients are locals and the row's loss is added to <c>total</c>.
    /// </summary>
    private static void EmitBackwardAfterForwardInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar, bool step, bool groups, bool intoLocals = false)
    {
        EmitLossInLocals(writer, plan, scalar);
        EmitOutputDeltaInLocals(writer, plan, scalar);
        writer.Line();
        for (int index = plan.Layers.Count - 1; index >= 1; index--)
        {
            EmitHiddenDeltaInLocals(writer, plan.Layers[index - 1], plan.Layers[index], scalar, groups);
            writer.Line();
        }
        foreach (LayerPlan layer in plan.Layers)
            EmitParameterUpdateInLocals(writer, plan, layer, scalar, step, groups, intoLocals);
        writer.Line(intoLocals ? "total += loss;" : "return loss;");
    }

    /// <summary>Local names: a layer's outputs, the output layer's logits and each layer's deltas.</summary>
    private static string A(int layer, int index) => $"a{layer}_{index}";

    private static string Z(int layer, int index) => $"z{layer}_{index}";

    private static string D(int layer, int index) => $"d{layer}_{index}";

    /// <summary>The loss from the output locals, as ComputeLoss computes it from the activation buffer.</summary>
    private static void EmitLossInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        LayerPlan output = plan.OutputLayer;
        int n = output.Number, k = output.OutputSize;
        writer.Line($"// Loss: {LossInfo.Of(plan.Model.Loss).Description}");
        LossInfo.Of(plan.Model.Loss).EmitLossInLocals(writer, n, k, scalar);
        writer.Line();
    }

    /// <summary>d loss / d z of the output layer into locals d{L}_{k}, as the loss's row writes it.</summary>
    private static void EmitOutputDeltaInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        LayerPlan output = plan.OutputLayer;
        var slope = EmitPackedSlope(writer, output, scalar);
        LossInfo.Of(plan.Model.Loss).EmitOutputDeltaInLocals(writer, output.Number, output.OutputSize, scalar, ActivationInfo.Of(output.Activation), slope);
    }

    /// <summary><c>d_l = (W_{l+1}^T d_{l+1}) * f_l'(z_l)</c> into locals, from the current weights.</summary>
    private static void EmitHiddenDeltaInLocals(CodeWriter writer, LayerPlan layer, LayerPlan above, Scalar scalar, bool groups)
    {
        if (groups && layer.GroupsUnits)
        {
            EmitGroupedHiddenDelta(writer, layer, above, scalar);
            return;
        }
        int n = layer.Number, m = above.Number;
        writer.Line($"// Layer {n} delta: d{n} = (W{m}^T d{m}){DropoutFactor(layer, Mask(n))} * {ActivationInfo.Of(layer.Activation).Name}'(z{n})");
        // The deltas of a grouped layer above are lanes of its delta vectors.
        System.Func<int, int, string> delta = groups && above.GroupsUnits
            ? (l, j) => l == m && j < above.UnitGroups * LayerPlan.GroupLanes ? $"{GroupVector(scalar)}.GetElement({DV(m, j / LayerPlan.GroupLanes)}, {j % LayerPlan.GroupLanes})" : D(l, j)
            : D;
        var slope = EmitPackedSlope(writer, layer, scalar);
        EmitUnrolledHiddenDelta(writer, layer, above, scalar, scalar.Keyword + " ", DerivativeInputName(layer) == "z" ? Z : A, delta, i => $"{Mask(n)}_{i}", slope: slope);
    }

    /// <summary>
    /// ApplyGradients (<c>Parameters -= learningRate * Gradients</c>) of a network that runs in locals: every weight row read
    /// in the pieces that Backward writes it in (<see cref="UpdatePieces"/>).
    /// </summary>
    /// <remarks>
    /// A load takes its value straight from an earlier store only when one store holds all of it; a wide load over
    /// several smaller stores waits until they have reached the cache, and with them everything before them. The
    /// runtime's <c>AddScaled</c> reads the gradients in 512-bit vectors, over Backward's 256-bit and scalar stores: in a
    /// full-batch epoch of W1 (ZeroGradients, 3 Backward, ApplyGradients) that wait cost 50 ns of 204 (152 ns in pieces).
    /// Each value gets <c>p + (-learningRate) * g</c>, the product rounded and then the sum, as the scalar statement
    /// <c>p -= learningRate * g</c>.
    /// </remarks>
    private static void EmitApplyGradientsInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        using (writer.Block($"public void ApplyGradients({t} learningRate)"))
        {
            EmitLearningRateCheck(writer, t);
            writer.Line("// Read back in the pieces Backward writes (the same vectors of each weight row, each bias alone), so that every");
            writer.Line("// load takes its value straight from the store that wrote it.");
            writer.Line($"var parameters = {GeneratedNames.ParametersSpan}.Slice(0, ParameterCount);");
            writer.Line($"global::System.ReadOnlySpan<{t}> gradients = {GeneratedNames.GradientsSpan}.Slice(0, ParameterCount);");
            writer.Line($"{t} step = -learningRate;");
            foreach (LayerPlan layer in plan.Layers)
            {
                int n = layer.Number;
                writer.Line($"// Layer {n}: W{n} -= learningRate * dW{n}, b{n} -= learningRate * db{n}");
                foreach (var (bias, index, lanes, vector) in UpdatePieces(layer, scalar))
                {
                    string offset = $"{(bias ? GeneratedNames.BiasOffset(n) : GeneratedNames.WeightOffset(n))} + {index}";
                    writer.Line(vector is null
                        ? $"parameters[{offset}] += step * gradients[{offset}];"
                        : $"{RuntimeApi.Call(RuntimeApi.AddScaled)}(parameters, {offset}, step, {vector}.Create(gradients.Slice({offset}, {lanes})));");
                }
            }
        }
    }

    /// <summary>dW = d prev^T and db = d, added into the gradients or applied as an SGD step; every delta exists before the first weight changes.</summary>
    private static void EmitParameterUpdateInLocals(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool step, bool groups, bool intoLocals = false)
    {
        int n = layer.Number;
        string previous = LayerInput(plan, layer, training: true);
        if (step)
        {
            writer.Line($"// Layer {n} step: W{n} -= learningRate * d{n} {previous}^T, b{n} -= learningRate * d{n}");
        }
        else
        {
            writer.Line($"// Layer {n} gradients: dW{n} += d{n} {previous}^T, db{n} += d{n}");
            if (!intoLocals) // BackwardRows declares its gradient spans and locals before its loop
            {
                writer.Line($"var gw{n} = gradients.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
                writer.Line($"var gb{n} = gradients.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
            }
        }
        int firstUnit = 0;
        if (groups && layer.GroupsUnits)
        {
            EmitGroupedUpdate(writer, plan, layer, scalar, step);
            firstUnit = layer.UnitGroups * LayerPlan.GroupLanes;
        }
        EmitUnrolledUpdate(writer, layer, scalar, step, j => D(n, j), i => InputInLocals(plan, layer, i, training: true, groups, scalar), n == 1 ? "input" : null,
            plan.UpdatesThroughReferences, groups ? (start, lanes) => ChunkFromGroups(plan, layer, start, lanes) : null, firstUnit, intoLocals);
        writer.Line();
    }
}
