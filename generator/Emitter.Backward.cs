using System.Linq;
using System.Text;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

internal static partial class Emitter
{
    /// <summary>What the backward pass does with each parameter's gradient.</summary>
    private enum BackwardMode
    {
        /// <summary><c>Backward</c>: add it into the gradient block.</summary>
        Accumulate,

        /// <summary><c>BackwardAndStep</c>: subtract learning rate times it from the parameter, in place (plain SGD).</summary>
        Step,
    }

    /// <summary>The per-sample loss from the output a and logits z in the activation buffer.</summary>
    private static void EmitLoss(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerPlan output = plan.OutputLayer;
        int n = output.Number;
        int k = output.OutputSize;
        writer.Line($"/// <summary>The loss of one sample whose forward pass is in <paramref name=\"activations\"/>: {LossInfo.Of(plan.Model.Loss).Description}.</summary>");
        using (writer.Block($"private static {t} ComputeLoss(global::System.ReadOnlySpan<{t}> activations, global::System.ReadOnlySpan<{t}> target)"))
        {
            // Each loss slices only what it reads: the output a, the logits z, or both.
            LossInfo loss = LossInfo.Of(plan.Model.Loss);
            bool asLayer = output.Step == ActivationStep.LayerKernel;
            if (loss.ReadsOutput(asLayer))
                writer.Line($"var a{n} = activations.Slice({GeneratedNames.ActivationOffset(n)}, {k});");
            if (loss.ReadsLogits)
                writer.Line($"var z{n} = activations.Slice({GeneratedNames.LogitsOffset}, {k});");
            writer.Line($"{t} loss = {scalar.Literal(0)};");
            loss.EmitLoss(writer, n, k, scalar, asLayer);
        }
        writer.Line();
    }

    /// <summary>
    /// The first half of every backward pass: d loss / d z of each layer, the output layer's from the
    /// loss, then the hidden layers' from the top down, all from the current weights. Both Backward and
    /// BackwardAndStep start here; computing every delta before any weight changes is what makes the
    /// in-place step exact.
    /// </summary>
    private static void EmitComputeDeltas(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        string t = scalar.Keyword;
        writer.Line("/// <summary>Writes d loss / d z of every layer into <paramref name=\"deltas\"/> for one sample whose forward pass is in <paramref name=\"activations\"/>; returns the loss.</summary>");
        using (writer.Block($"private static {t} ComputeDeltas(global::System.ReadOnlySpan<{t}> parameters, global::System.ReadOnlySpan<{t}> target, global::System.ReadOnlySpan<{t}> activations, global::System.Span<{t}> deltas)"))
        {
            writer.Line($"{t} loss = ComputeLoss(activations, target);");
            foreach (LayerPlan layer in plan.Layers)
            {
                int n = layer.Number;
                writer.Line($"var a{n} = activations.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
                if (layer.KeepsPreActivation && ActivationInfo.Of(layer.Activation).DerivativeInput == DerivativeInput.PreActivation)
                    writer.Line($"var z{n} = activations.Slice({PreActivationOffsetName(plan, layer)}, {layer.OutputSize});");
                if (layer.HasDropout)
                    writer.Line($"var {Mask(n)} = activations.Slice({GeneratedNames.MaskOffset(n)}, {layer.OutputSize});");
                writer.Line($"var delta{n} = deltas.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
                if (n > 1)
                    writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            }
            writer.Line();

            EmitOutputDelta(writer, plan, scalar);
            for (int index = plan.Layers.Count - 1; index >= 1; index--)
                EmitHiddenDelta(writer, plan.Layers[index - 1], plan.Layers[index], scalar);
            writer.Line("return loss;");
        }
        writer.Line();
    }

    /// <summary>
    /// The second half: each layer's weight and bias gradients, <c>dW = delta prev^T</c> and
    /// <c>db = delta</c>, either added into the gradients (Backward) or applied in place as an SGD
    /// step (BackwardAndStep).
    /// </summary>
    private static void EmitBackward(CodeWriter writer, NetworkPlan plan, Scalar scalar, BackwardMode mode)
    {
        string t = scalar.Keyword;
        bool step = mode == BackwardMode.Step;
        string signature;
        if (step)
        {
            writer.Line("/// <summary>Backward pass fused with a plain SGD step: <c>Parameters -= learningRate * d loss / d Parameters</c>; returns the loss before the step.</summary>");
            signature = $"private static {t} BackwardAndStep(global::System.Span<{t}> parameters, global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> target, global::System.ReadOnlySpan<{t}> activations, global::System.Span<{t}> deltas, {t} learningRate)";
        }
        else
        {
            string gradients = plan.DefersGradients ? $"{Runtime}.GradientBuffer<{t}> gradientBuffer" : $"global::System.Span<{t}> gradients";
            writer.Line($"/// <summary>Backward pass: adds d loss / d parameters of one sample into <paramref name=\"{(plan.DefersGradients ? "gradientBuffer" : "gradients")}\"/>; returns the loss.</summary>");
            signature = $"private static {t} Backward(global::System.ReadOnlySpan<{t}> parameters, global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> target, global::System.ReadOnlySpan<{t}> activations, global::System.Span<{t}> deltas, {gradients})";
        }

        using (writer.Block(signature))
        {
            writer.Line($"{t} loss = ComputeDeltas(parameters, target, activations, deltas);");
            if (!step && plan.DefersGradients)
                writer.Line($"global::System.Span<{t}> gradients = gradientBuffer.Unflushed; // the blocks added at once; the deferred ones go through the buffer");
            foreach (LayerPlan layer in plan.Layers)
            {
                int n = layer.Number;
                // A layer's output is read only as the input of the layer above: after dropout, where it has dropout.
                if (layer.HasDropout)
                    writer.Line($"var {Dropped(n)} = activations.Slice({GeneratedNames.DroppedOffset(n)}, {layer.OutputSize});");
                else if (n < plan.Layers.Count)
                    writer.Line($"var a{n} = activations.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
                writer.Line($"var delta{n} = deltas.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
                if (step)
                    writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            }
            writer.Line();

            var deferred = plan.DeferredGradientLayers.ToList();
            foreach (LayerPlan layer in plan.Layers)
                EmitParameterUpdate(writer, layer, scalar, step, LayerInput(plan, layer, training: true), step ? -1 : deferred.IndexOf(layer));
            writer.Line("return loss;");
        }
        // The fused step is the class's last member: no blank line before the closing brace.
        if (!step)
            writer.Line();
    }

    /// <summary>d loss / d z of the output layer, as the loss's row writes it (fused with sigmoid and softmax outputs).</summary>
    private static void EmitOutputDelta(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        LayerPlan output = plan.OutputLayer;
        EmitOutputDeltaInSpans(writer, plan, output, scalar);
        writer.Line();
    }

    /// <summary>
    /// The loss's output delta into the span <c>delta{n}</c> (Backward's and the chunks' loss row), with a packed output layer's
    /// derivative taken once as a vector (<see cref="LayerPlan.PacksInSpans"/>), as the in-locals code takes it.
    /// </summary>
    private static void EmitOutputDeltaInSpans(CodeWriter writer, NetworkPlan plan, LayerPlan output, Scalar scalar)
    {
        var slope = EmitPackedSlope(writer, output, scalar, j => $"z{output.Number}[{j}]");
        LossInfo.Of(plan.Model.Loss).EmitOutputDelta(writer, output.Number, output.OutputSize, scalar, ActivationInfo.Of(output.Activation), slope);
    }

    /// <summary><c> * mask</c> in a delta's comment where the layer has dropout, else nothing.</summary>
    private static string DropoutFactor(LayerPlan layer, string mask) => layer.HasDropout ? " * " + mask : "";

    /// <summary>The name of what a layer's derivative is written through, per unit: its output a, or its kept z.</summary>
    private static string DerivativeInputName(LayerPlan layer) =>
        ActivationInfo.Of(layer.Activation).DerivativeInput == DerivativeInput.PreActivation ? "z" : "a";

    /// <summary><c>delta_l = (W_{l+1}^T delta_{l+1}) * f_l'(z_l)</c>: the error sent back through the layer above.</summary>
    private static void EmitHiddenDelta(CodeWriter writer, LayerPlan layer, LayerPlan above, Scalar scalar)
    {
        int n = layer.Number, m = above.Number;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        string input = DerivativeInputName(layer);
        writer.Line($"// Layer {n} delta: delta{n} = (W{m}^T delta{m}){DropoutFactor(layer, Mask(n))} * {activation.Name}'(z{n})");
        bool derivativeKernel;
        if (above.Shape == CodeShape.Unrolled)
        {
            // Unit by unit, each sum times the unit's derivative (a lane of the packed one where the layer packs), unless the
            // layer's derivative kernel takes the whole layer after.
            derivativeKernel = DerivesAsLayer(layer);
            var slope = EmitPackedSlope(writer, layer, scalar, i => $"z{n}[{i}]");
            EmitUnrolledHiddenDelta(writer, layer, above, scalar, "", (l, i) => $"{input}{l}[{i}]", (l, i) => $"delta{l}[{i}]", i => $"{Mask(n)}[{i}]",
                withDerivative: !derivativeKernel, slope: slope);
        }
        else
        {
            writer.Line($"{RuntimeApi.Call(RuntimeApi.TransposedMatrixVector)}<{scalar.Keyword}>(w{m}, delta{m}, delta{n});");
            if (layer.HasDropout)
                writer.Line($"{RuntimeApi.Call(RuntimeApi.DropoutBackward)}<{scalar.Keyword}>({Mask(n)}, delta{n});");
            bool packed = PacksDerivative(layer);
            if (packed)
                EmitTimesPackedSlope(writer, layer, scalar, i => $"z{n}[{i}]", i => $"delta{n}[{i}]");
            derivativeKernel = activation.DerivativeInput != DerivativeInput.None && !packed;
        }
        if (derivativeKernel)
            writer.Line($"{RuntimeApi.Call(RuntimeApi.Derivative(activation))}<{scalar.Keyword}>({input}{n}, delta{n});");
        writer.Line();
    }

    /// <summary>
    /// Whether a hidden layer's delta is multiplied by its derivative kernel over the layer, after the error sent back
    /// (unrolled or not), rather than unit by unit: a layer activated by its layer kernel whose derivative is a call per
    /// value (<see cref="ActivationInfo.DerivativeIsCall"/>). The chunked batch code does the same, row by row, so that
    /// each row's delta keeps the per-row code's bits.
    /// </summary>
    private static bool DerivesAsLayer(LayerPlan layer) =>
        layer.Step == ActivationStep.LayerKernel && ActivationInfo.Of(layer.Activation).DerivativeIsCall;

    /// <summary>
    /// One statement per unit of a layer below an unrolled one: <c>delta_l[i] = (sum_j W_{l+1}[j, i]
    /// delta_{l+1}[j]) * f_l'(z_l[i])</c>, or the sum alone (<paramref name="withDerivative"/> false: the caller applies the derivative kernel),
    /// f_l'(z_l[i]) being unit i's lane of a packed derivative where <paramref name="slope"/> gives one. The span-based and the in-locals kernels both write it, with
    /// their own names for outputs and deltas and <paramref name="declare"/> before each (a type for locals). Where the
    /// layer has dropout, the sum is multiplied by the unit's <paramref name="mask"/> first. Long sums go in chains (<see cref="SumOfTerms"/>).
    /// Units before <paramref name="firstUnit"/> are left to the caller (a grouped layer's vectors).
    /// </summary>
    private static void EmitUnrolledHiddenDelta(CodeWriter writer, LayerPlan layer, LayerPlan above, Scalar scalar, string declare,
        System.Func<int, int, string> output, System.Func<int, int, string> delta, System.Func<int, string> mask, int firstUnit = 0,
        bool withDerivative = true, System.Func<string, string>? slope = null)
    {
        int n = layer.Number, m = above.Number, width = layer.OutputSize;
        for (int i = firstUnit; i < width; i++)
        {
            var sum = new StringBuilder("(");
            sum.Append(SumOfTerms(Enumerable.Range(0, above.OutputSize).Select(j => $"w{m}[{j * width + i}] * {delta(m, j)}").ToList()));
            sum.Append(')');
            if (layer.HasDropout)
                sum.Append(" * ").Append(mask(i));
            ActivationInfo activation = ActivationInfo.Of(layer.Activation);
            string value = !withDerivative ? sum.ToString()
                : slope is not null ? activation.TimesSlope(slope(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), sum.ToString())
                : activation.TimesDerivative(output(n, i), sum.ToString(), scalar);
            writer.Line($"{declare}{delta(n, i)} = {value};");
        }
    }

    /// <summary>The class of <c>As</c> and <c>Add</c> on references, which the unrolled updates write vectors through.</summary>
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    /// <summary>
    /// An unrolled layer's <c>W += delta prev^T</c>, <c>b += delta</c> into gw/gb (Backward), or its
    /// SGD step <c>W -= learningRate * delta prev^T</c>, <c>b -= ...</c> in place (BackwardAndStep);
    /// <paramref name="delta"/> and <paramref name="previous"/> name the unit's delta and input i, and
    /// <paramref name="previousSpan"/> the span that holds the inputs, if they are in one; <paramref name="chunkVector"/>, where
    /// it gives one, the vector of a row chunk's inputs (start, lanes). Units before <paramref name="firstUnit"/> are left to
    /// the caller (a grouped layer's vectors).
    /// </summary>
    /// <remarks>
    /// Each weight row is updated in 256- and 128-bit vectors where it is long enough (<see cref="UpdateChunks"/>),
    /// with the inputs loaded into vectors once per layer: one vector read-modify-write instead of up to
    /// four scalar ones (W1 job 144 -> 125 ns per epoch, Stopwatch). Each lane computes exactly what the
    /// scalar statement does (<c>w + d * x</c>; the step adds <c>(-s) * x</c>, which is <c>w - s * x</c>
    /// bit for bit; no fused multiply-add), so results do not change.
    /// With <paramref name="throughReferences"/> (<see cref="NetworkPlan.UpdatesThroughReferences"/>) the read-modify-write
    /// is written out as a vector at a reference into the row, one reference per layer, instead of a call to
    /// <c>Kernels.AddScaled</c> (<c>Unsafe.As</c> and <c>Unsafe.Add</c> are intrinsics the JIT expands whatever the method's
    /// size; C# 10 cannot call <c>Vector256.LoadUnsafe</c>, whose parameter is <c>ref readonly</c>); the step subtracts
    /// <c>s * x</c>, the same bits as adding <c>(-s) * x</c>. The offsets are constants inside the layer's slice, whose
    /// length is a constant too, so the unchecked loads and stores stay inside it.
    /// With <paramref name="intoLocals"/> the gradients are locals (<see cref="GradientLocal"/>, BackwardRows): each chunk a
    /// vector local that gets <c>g + Create(d) * x</c>, the lanes of the read-modify-write above.
    /// </remarks>
    private static void EmitUnrolledUpdate(CodeWriter writer, LayerPlan layer, Scalar scalar, bool step, System.Func<int, string> delta, System.Func<int, string> previous, string? previousSpan,
        bool throughReferences = false, System.Func<int, int, string?>? chunkVector = null, int firstUnit = 0, bool intoLocals = false)
    {
        int n = layer.Number, inputs = layer.InputSize;
        string weights = step ? $"w{n}" : $"gw{n}";
        string biases = step ? $"b{n}" : $"gb{n}";
        string op = step ? "-=" : "+=";
        var chunks = UpdateChunks(inputs, scalar);
        string first = weights + "Lanes";
        if (intoLocals)
        {
            if (chunks.Count > 0)
                writer.Line($"// each row in vectors: x{n}_k holds the layer's inputs from k on");
        }
        else if (chunks.Count > 0 && throughReferences)
        {
            writer.Line($"// each row in vectors: x{n}_k holds the layer's inputs from k on; {weights}[k..] {op} s * x{n}_k through {first}, {weights}'s first value");
            writer.Line($"ref {scalar.Keyword} {first} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({weights});");
        }
        else if (chunks.Count > 0)
        {
            writer.Line($"// each row in vectors: x{n}_k holds the layer's inputs from k on, AddScaled(w, k, s, x) is w[k..] += s * x");
        }
        foreach (var (start, lanes, vector) in chunks)
        {
            string values = previousSpan != null
                ? $"(global::System.ReadOnlySpan<{scalar.Keyword}>){previousSpan}.Slice({start}, {lanes})"
                : string.Join(", ", Enumerable.Range(start, lanes).Select(previous));
            writer.Line($"var x{n}_{start} = {chunkVector?.Invoke(start, lanes) ?? $"{vector}.Create({values})"};");
        }
        int scalarStart = ScalarStart(chunks);
        for (int j = firstUnit; j < layer.OutputSize; j++)
        {
            string scale = step ? $"step{n}_{j}" : delta(j);
            if (step)
                writer.Line($"{scalar.Keyword} {scale} = learningRate * {delta(j)};");
            foreach (var (start, _, vector) in chunks)
            {
                int offset = j * inputs + start;
                if (intoLocals)
                    writer.Line($"{GradientLocal(weights, offset)} += {vector}.Create({scale}) * x{n}_{start};");
                else if (throughReferences)
                    writer.Line($"{Unsafe}.As<{scalar.Keyword}, {vector}<{scalar.Keyword}>>(ref {Unsafe}.Add(ref {first}, {offset})) {op} {vector}.Create({scale}) * x{n}_{start};");
                else
                    writer.Line($"{RuntimeApi.Call(RuntimeApi.AddScaled)}({weights}, {offset}, {(step ? "-" : "")}{scale}, x{n}_{start});");
            }
            for (int i = scalarStart; i < inputs; i++)
                writer.Line($"{(intoLocals ? GradientLocal(weights, j * inputs + i) : $"{weights}[{j * inputs + i}]")} {op} {scale} * {previous(i)};");
            writer.Line($"{(intoLocals ? GradientLocal(biases, j) : $"{biases}[{j}]")} {op} {scale};");
        }
    }

    /// <summary>The local that holds a gradient (or a vector of them, from <paramref name="index"/> on) of the span <paramref name="span"/> in BackwardRows.</summary>
    private static string GradientLocal(string span, int index) => $"{span}_{index}";

    /// <summary>
    /// How <see cref="EmitUnrolledUpdate"/> splits a weight row of <paramref name="inputs"/> values:
    /// 256-bit vectors while at least one fits, then one 128-bit vector if it fits; the rest stays scalar.
    /// </summary>
    private static System.Collections.Generic.List<(int Start, int Lanes, string Vector)> UpdateChunks(int inputs, Scalar scalar)
    {
        var chunks = new System.Collections.Generic.List<(int Start, int Lanes, string Vector)>();
        int wide = 32 / scalar.Size, narrow = 16 / scalar.Size, start = 0;
        for (; start + wide <= inputs; start += wide)
            chunks.Add((start, wide, "global::System.Runtime.Intrinsics.Vector256"));
        if (start + narrow <= inputs)
            chunks.Add((start, narrow, "global::System.Runtime.Intrinsics.Vector128"));
        return chunks;
    }

    /// <summary>
    /// The pieces in which the in-locals Backward writes a layer's gradients, unit by unit: its row's
    /// <see cref="UpdateChunks"/> (a vector each), the rest of the row one value at a time, then its bias. <c>Index</c> is
    /// into W (the row's values) or into b (<c>Bias</c>); <c>Vector</c> is null for one value. ApplyGradients reads them in
    /// these pieces and BackwardRows keeps one local per piece, so each load takes its value from one store.
    /// </summary>
    private static System.Collections.Generic.IEnumerable<(bool Bias, int Index, int Lanes, string? Vector)> UpdatePieces(LayerPlan layer, Scalar scalar)
    {
        int inputs = layer.InputSize;
        var chunks = UpdateChunks(inputs, scalar);
        int scalarStart = ScalarStart(chunks);
        for (int j = 0; j < layer.OutputSize; j++)
        {
            foreach (var (start, lanes, vector) in chunks)
                yield return (false, j * inputs + start, lanes, vector);
            for (int i = scalarStart; i < inputs; i++)
                yield return (false, j * inputs + i, 1, null);
            yield return (true, j, 1, null);
        }
    }

    /// <summary>Where the values after <see cref="UpdateChunks"/>'s vectors start: the part of the row updated one value at a time.</summary>
    private static int ScalarStart(System.Collections.Generic.List<(int Start, int Lanes, string Vector)> chunks) =>
        chunks.Count == 0 ? 0 : chunks[chunks.Count - 1].Start + chunks[chunks.Count - 1].Lanes;

    /// <summary>
    /// dW = delta prev^T and db = delta, either added into the gradients or applied as an SGD step; a layer whose weight
    /// gradients are deferred (<paramref name="deferredIndex"/> its number among them, else -1) hands dW to the gradient buffer.
    /// </summary>
    private static void EmitParameterUpdate(CodeWriter writer, LayerPlan layer, Scalar scalar, bool step, string previous, int deferredIndex = -1)
    {
        int n = layer.Number;
        string weights = step ? $"w{n}" : $"gw{n}";
        string biases = step ? $"b{n}" : $"gb{n}";
        if (step)
        {
            writer.Line($"// Layer {n} step: W{n} -= learningRate * delta{n} {previous}^T, b{n} -= learningRate * delta{n}");
            writer.Line($"var b{n} = parameters.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
        }
        else
        {
            writer.Line($"// Layer {n} gradients: dW{n} += delta{n} {previous}^T{(deferredIndex >= 0 ? " (deferred: added with the next samples', in sample order)" : "")}, db{n} += delta{n}");
            if (deferredIndex < 0)
                writer.Line($"var gw{n} = gradients.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            writer.Line($"var gb{n} = gradients.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
        }

        if (layer.Shape == CodeShape.Unrolled)
        {
            EmitUnrolledUpdate(writer, layer, scalar, step, j => $"delta{n}[{j}]", i => $"{previous}[{i}]", previous);
        }
        else
        {
            string scale = step ? "-learningRate" : scalar.Literal(1);
            if (deferredIndex >= 0)
                writer.Line($"gradientBuffer.AddOuterProduct({deferredIndex}, delta{n}, {previous});");
            else
                writer.Line($"{RuntimeApi.Call(RuntimeApi.AddScaledOuterProduct)}<{scalar.Keyword}>({weights}, delta{n}, {previous}, {scale});");
            writer.Line($"{RuntimeApi.Call(RuntimeApi.AddScaled)}<{scalar.Keyword}>({scale}, delta{n}, {biases});");
        }
        writer.Line();
    }
}
