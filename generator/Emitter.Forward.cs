using System.Linq;
using System.Text;
using NetGen.Generator.Model;

namespace NetGen.Generator;

internal static partial class Emitter
{
    /// <summary>
    /// Forward: every layer's output into the activation buffer, plus the output layer's logits.
    /// Small layers are one statement per neuron; wide ones are a dot product per row over SIMD.
    /// When the batch calls run the first layer for many rows at once (<see cref="BatchesFirstLayer"/>),
    /// everything after that first product is its own method, which they call per row.
    /// </summary>
    private static void EmitForward(CodeWriter writer, NetworkModel model, Scalar scalar)
    {
        string t = scalar.Keyword;
        string parameters = $"global::System.ReadOnlySpan<{t}> parameters";
        writer.Line("/// <summary>Forward pass: writes each layer's output a, then the output layer's logits z, into <paramref name=\"activations\"/>.</summary>");
        using (writer.Block($"private static void Forward({parameters}, global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> activations)"))
        {
            if (BatchesFirstLayer(model))
            {
                LayerSpec first = model.Layers[0];
                EmitLayerHeader(writer, model, first);
                EmitLoopedAffine(writer, first, first.Number == model.Layers.Count ? "z1" : "a1", scalar);
                writer.Line($"{GeneratedNames.ForwardAfterFirstProduct}(parameters, activations);");
            }
            else
            {
                foreach (LayerSpec layer in model.Layers)
                    EmitForwardLayer(writer, model, layer, scalar, afterProduct: false);
            }
        }
        writer.Line();

        if (!BatchesFirstLayer(model))
            return;
        writer.Line("/// <summary>The forward pass from layer 1's product z1 = W1 input + b1 (already in <paramref name=\"activations\"/>) on: Forward and BackwardBatch share it.</summary>");
        using (writer.Block($"private static void {GeneratedNames.ForwardAfterFirstProduct}({parameters}, global::System.Span<{t}> activations)"))
        {
            foreach (LayerSpec layer in model.Layers)
                EmitForwardLayer(writer, model, layer, scalar, afterProduct: layer.Number == 1);
        }
        writer.Line();
    }

    /// <summary>The comment and the slices of one layer's W, b and outputs (and logits z for the output layer).</summary>
    private static void EmitLayerHeader(CodeWriter writer, NetworkModel model, LayerSpec layer)
    {
        int n = layer.Number;
        bool isOutput = n == model.Layers.Count;
        if (n > 1)
            writer.Line();
        writer.Line($"// Layer {n}: {layer.InputSize} -> {layer.OutputSize}, z = W{n} {Previous(layer)} + b{n}, a{n} = {Describe(layer.Activation)}(z){ShapeNote(layer, model)}");
        writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
        writer.Line($"var b{n} = parameters.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
        writer.Line($"var a{n} = activations.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
        // The output layer keeps z apart from a: the losses are computed from the logits.
        if (isOutput)
            writer.Line($"var z{n} = activations.Slice({GeneratedNames.LogitsOffset}, {layer.OutputSize});");
    }

    /// <summary>One layer of Forward; with <paramref name="afterProduct"/>, only what follows its product z = W x + b.</summary>
    private static void EmitForwardLayer(CodeWriter writer, NetworkModel model, LayerSpec layer, Scalar scalar, bool afterProduct)
    {
        int n = layer.Number;
        bool isOutput = n == model.Layers.Count;
        if (afterProduct)
        {
            writer.Line($"// Layer {n}: {layer.InputSize} -> {layer.OutputSize}, a{n} = {Describe(layer.Activation)}(z{n}), z{n} = W{n} {Previous(layer)} + b{n} already computed");
            writer.Line($"var a{n} = activations.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
            if (isOutput)
                writer.Line($"var z{n} = activations.Slice({GeneratedNames.LogitsOffset}, {layer.OutputSize});");
        }
        else
        {
            EmitLayerHeader(writer, model, layer);
        }
        string z = isOutput ? "z" + n : "a" + n;

        // exp-based activations of wide enough layers run as one SIMD call over the layer.
        bool vectorActivation = !isOutput && (layer.Shape == CodeShape.Loops || UsesVectorActivation(layer));
        if (!afterProduct)
        {
            if (layer.Shape == CodeShape.Unrolled)
                EmitUnrolledAffine(writer, layer, z, scalar, fuseActivation: !isOutput && !vectorActivation);
            else
                EmitLoopedAffine(writer, layer, z, scalar);
        }

        if (isOutput)
            EmitOutputActivation(writer, layer, z, scalar);
        else if (vectorActivation)
            EmitLoopedActivation(writer, layer, "a" + n, scalar);
    }

    /// <summary>
    /// True when the first layer is looped and a chunk of rows fits the batch scratch: then
    /// BackwardBatch (and so TrainBatch and Fit) runs layer 1 for up to <see cref="Limits.BatchChunkRows"/>
    /// rows with one <c>Simd.MatrixMatrix</c> call, reading each block of W1 from memory once per chunk.
    /// </summary>
    private static bool BatchesFirstLayer(NetworkModel model) =>
        model.Layers[0].Shape == CodeShape.Loops && BatchChunkRows(model) >= 2;

    /// <summary>
    /// Rows per chunk of PredictBatch, whose chunk lives on the stack: as BackwardBatch's, bounded by
    /// <see cref="Limits.MaxStackBatchBytes"/>; below 2 it runs row by row.
    /// </summary>
    private static int PredictBatchChunkRows(NetworkModel model) =>
        BatchesFirstLayer(model)
            ? System.Math.Min(Limits.BatchChunkRows, Limits.MaxStackBatchBytes / Scalar.For(model.Precision).Size / model.ActivationCount)
            : 0;

    /// <summary>Rows per chunk of the batch calls: <see cref="Limits.BatchChunkRows"/>, fewer for very wide networks.</summary>
    private static int BatchChunkRows(NetworkModel model) =>
        System.Math.Min(Limits.BatchChunkRows, Limits.MaxBatchScratch / model.ActivationCount);

    /// <summary>
    /// True when every layer is unrolled and activated neuron by neuron: then Predict keeps the whole
    /// forward pass in locals (registers) and needs no scratch buffer at all.
    /// </summary>
    private static bool RunsInLocals(NetworkModel model) =>
        model.Layers.All(layer => layer.Shape == CodeShape.Unrolled && !UsesVectorActivation(layer));

    /// <summary>
    /// The forward pass of an all-unrolled network in locals: the same sums in the same order as
    /// <c>Forward</c>. For Predict (<paramref name="training"/> false) it declares its own
    /// <c>parameters</c> and writes the output layer straight into <c>output</c>, with narrow sigmoid
    /// layers activated as one vector (<see cref="UsesSigmoidGroup"/>). For the training kernels
    /// it leaves the output layer in locals, its logits z{L}_{k} included, which the losses need;
    /// <paramref name="packSigmoid"/> says whether their hidden sigmoid layers are packed.
    /// </summary>
    private static void EmitForwardInLocals(CodeWriter writer, NetworkModel model, Scalar scalar, bool training = false, bool packSigmoid = true)
    {
        string t = scalar.Keyword;
        if (!training)
        {
            writer.Line("// Every layer is unrolled, so the forward pass runs in locals and writes straight into output.");
            writer.Line("// Sliced to its constant length, so the JIT checks the bounds once here, not once per layer slice.");
            writer.Line($"global::System.ReadOnlySpan<{t}> parameters = {GeneratedNames.ParametersSpan}.Slice(0, ParameterCount);");
        }
        foreach (LayerSpec layer in model.Layers)
        {
            int n = layer.Number;
            bool isOutput = n == model.Layers.Count;
            writer.Line($"// Layer {n}: {layer.InputSize} -> {layer.OutputSize}, a{n} = {Describe(layer.Activation)}(W{n} {Previous(layer)} + b{n})");
            writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            writer.Line($"var b{n} = parameters.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
            System.Func<int, string> sum = j => UnrolledSum(layer, j, i => n == 1 ? $"input[{i}]" : $"a{n - 1}_{i}");
            if (packSigmoid && UsesSigmoidGroup(layer) && !(training && isOutput))
            {
                EmitSigmoidGroup(writer, layer, scalar, Enumerable.Range(0, layer.OutputSize).Select(sum),
                    j => isOutput ? $"output[{j}] = " : $"{t} a{n}_{j} = ");
                continue;
            }
            for (int j = 0; j < layer.OutputSize; j++)
            {
                if (!isOutput)
                    writer.Line($"{t} a{n}_{j} = {ScalarActivation(layer.Activation, sum(j), scalar)};");
                else if (layer.Activation == ActivationKind.Softmax || training)
                    writer.Line($"{t} z{n}_{j} = {sum(j)};");
                else
                    writer.Line($"output[{j}] = {ScalarActivation(layer.Activation, sum(j), scalar)};");
                if (isOutput && training && layer.Activation != ActivationKind.Softmax)
                    writer.Line($"{t} a{n}_{j} = {ScalarActivation(layer.Activation, $"z{n}_{j}", scalar)};");
            }
            if (isOutput && layer.Activation == ActivationKind.Softmax)
            {
                if (training)
                    EmitSoftmaxInLocals(writer, layer, scalar, "a" + n, j => $"{t} a{n}_{j} = ");
                else
                    EmitSoftmaxInLocals(writer, layer, scalar, "output", j => $"output[{j}] = ");
            }
        }
        if (training)
            writer.Line();
    }

    /// <summary>Softmax of the logit locals z{n}_{j}; <paramref name="assign"/> starts the statement that receives output j.</summary>
    private static void EmitSoftmaxInLocals(CodeWriter writer, LayerSpec layer, Scalar scalar, string target, System.Func<int, string> assign)
    {
        int n = layer.Number, k = layer.OutputSize;
        writer.Line($"// {target} = softmax(z{n}), as exp(z - max z) / sum exp(z - max z) so no exp overflows");
        writer.Line($"{scalar.Keyword} max = z{n}_0;");
        for (int j = 1; j < k; j++)
            writer.Line($"if (z{n}_{j} > max) max = z{n}_{j};");
        for (int j = 0; j < k; j++)
            writer.Line($"{scalar.Keyword} e{j} = {scalar.Math}.Exp(z{n}_{j} - max);");
        writer.Line($"{scalar.Keyword} sum = {string.Join(" + ", Enumerable.Range(0, k).Select(j => "e" + j))};");
        for (int j = 0; j < k; j++)
            writer.Line($"{assign(j)}e{j} / sum;");
    }

    /// <summary>
    /// An unrolled sigmoid layer of 2-7 neurons whose sums the in-locals Predict and Backward pack into
    /// one vector and activate together (one vector exp instead of one scalar exp per neuron; W1 and
    /// W2 infer 27 -> 20 ns). Wider layers use <see cref="UsesVectorActivation"/>; a single neuron stays
    /// scalar. The span-based Forward and the in-place step keep scalar exps: packed, both measured
    /// slower for Train (W1 step 62 -> 69 ns and 53 -> 57 ns). So Predict (and PredictBatch, which calls
    /// it) and Backward may differ from Train and Loss in the last bit or two of such layers (the vector
    /// exp is within 2 ulp of Math.Exp).
    /// </summary>
    private static bool UsesSigmoidGroup(LayerSpec layer) =>
        layer.Shape == CodeShape.Unrolled && layer.Activation == ActivationKind.Sigmoid
        && layer.OutputSize >= 2 && layer.OutputSize < Limits.MinVectorizedActivationWidth;

    /// <summary>
    /// <c>sigmoid</c> of a layer's sums as one vector: the smallest of Vector128/256/512 that holds them,
    /// padded with zeros; <paramref name="assign"/> gives the start of the statement that receives neuron j.
    /// </summary>
    private static void EmitSigmoidGroup(CodeWriter writer, LayerSpec layer, Scalar scalar, System.Collections.Generic.IEnumerable<string> sums, System.Func<int, string> assign)
    {
        int n = layer.Number, width = layer.OutputSize;
        int bytes = scalar.Size * width;
        int vectorBits = bytes <= 16 ? 128 : bytes <= 32 ? 256 : 512;
        int lanes = vectorBits / 8 / scalar.Size;
        var lanesValues = sums.Concat(Enumerable.Repeat(scalar.Literal(0), lanes - width));
        writer.Line($"// sigmoid of the layer's {width} sums at once: one vector exp instead of {width} scalar ones");
        writer.Line($"var s{n} = {Runtime}.Kernels.Sigmoid(global::System.Runtime.Intrinsics.Vector{vectorBits}.Create({string.Join(", ", lanesValues)}));");
        for (int j = 0; j < width; j++)
            writer.Line($"{assign(j)}global::System.Runtime.Intrinsics.Vector{vectorBits}.GetElement(s{n}, {j});");
    }

    private static bool UsesVectorActivation(LayerSpec layer) =>
        layer.OutputSize >= Limits.MinVectorizedActivationWidth && layer.Activation is ActivationKind.Sigmoid or ActivationKind.Tanh;

    private static string ShapeNote(LayerSpec layer, NetworkModel model) =>
        layer.Shape == CodeShape.Unrolled
            ? ""
            : $" (looped: {layer.WeightCount} weights is above the unroll limit of {model.MaxUnrolledWeights})";

    /// <summary>One statement per neuron: <c>z[j] = b[j] + sum_i W[j, i] * prev[i]</c>, with the activation applied inline for hidden layers.</summary>
    private static void EmitUnrolledAffine(CodeWriter writer, LayerSpec layer, string target, Scalar scalar, bool fuseActivation)
    {
        int n = layer.Number;
        string previous = Previous(layer);
        for (int j = 0; j < layer.OutputSize; j++)
        {
            string sum = UnrolledSum(layer, j, i => $"{previous}[{i}]");
            string value = fuseActivation ? ScalarActivation(layer.Activation, sum, scalar) : sum;
            writer.Line($"{target}[{j}] = {value};");
        }
    }

    /// <summary>
    /// <c>b[j] + w[j, 0] * x0 + w[j, 1] * x1 + ...</c> for neuron <paramref name="j"/>, in input order:
    /// Forward and the all-in-locals Predict share it, so both compute the same sum in the same order.
    /// </summary>
    private static string UnrolledSum(LayerSpec layer, int j, System.Func<int, string> input)
    {
        int n = layer.Number;
        var sum = new StringBuilder($"b{n}[{j}]");
        for (int i = 0; i < layer.InputSize; i++)
            sum.Append($" + w{n}[{j * layer.InputSize + i}] * ").Append(input(i));
        return sum.ToString();
    }

    /// <summary>One blocked SIMD matrix-vector product for the whole layer: rows of W are contiguous in the row-major layout.</summary>
    private static void EmitLoopedAffine(CodeWriter writer, LayerSpec layer, string target, Scalar scalar)
    {
        int n = layer.Number;
        writer.Line($"{Runtime}.Simd.MatrixVector<{scalar.Keyword}>(w{n}, {Previous(layer)}, b{n}, {target});");
    }

    /// <summary>Applies a hidden layer's activation in place over the whole vector.</summary>
    private static void EmitLoopedActivation(CodeWriter writer, LayerSpec layer, string a, Scalar scalar)
    {
        switch (layer.Activation)
        {
            case ActivationKind.Identity:
                break;
            case ActivationKind.Sigmoid:
                writer.Line($"{Runtime}.Simd.Sigmoid<{scalar.Keyword}>({a}, {a});");
                break;
            case ActivationKind.Tanh:
                writer.Line($"{Runtime}.Simd.Tanh<{scalar.Keyword}>({a}, {a});");
                break;
            case ActivationKind.ReLU:
                writer.Line($"{Tensor}.Max<{scalar.Keyword}>({a}, {scalar.Literal(0)}, {a});");
                break;
            default:
                using (writer.Block($"for (int j = 0; j < {layer.OutputSize}; j++)"))
                    writer.Line($"{a}[j] = {ScalarActivation(layer.Activation, a + "[j]", scalar)};");
                break;
        }
    }

    /// <summary>Output activation from the logits z into a; softmax shifts by the largest logit so exp cannot overflow.</summary>
    private static void EmitOutputActivation(CodeWriter writer, LayerSpec layer, string z, Scalar scalar)
    {
        int n = layer.Number;
        string a = "a" + n;
        if (layer.Activation == ActivationKind.Softmax)
        {
            writer.Line($"// a{n} = softmax(z{n}), computed as exp(z - max z) / sum exp(z - max z) so no exp overflows");
            string t = scalar.Keyword;
            writer.Line($"{Runtime}.Simd.Softmax<{t}>({z}, {a});");
            return;
        }

        if (layer.Shape == CodeShape.Unrolled)
        {
            for (int k = 0; k < layer.OutputSize; k++)
                writer.Line($"{a}[{k}] = {ScalarActivation(layer.Activation, $"{z}[{k}]", scalar)};");
            return;
        }

        using (writer.Block($"for (int k = 0; k < {layer.OutputSize}; k++)"))
            writer.Line($"{a}[k] = {ScalarActivation(layer.Activation, $"{z}[k]", scalar)};");
    }

    /// <summary>The activation of one value as an expression.</summary>
    private static string ScalarActivation(ActivationKind activation, string z, Scalar scalar) => activation switch
    {
        ActivationKind.Identity => z,
        ActivationKind.Sigmoid => $"{Runtime}.Kernels.Sigmoid({z})",
        ActivationKind.Tanh => $"{scalar.Math}.Tanh({z})",
        ActivationKind.ReLU => $"{Runtime}.Kernels.ReLU({z})",
        _ => $"{Runtime}.Kernels.LeakyReLU({z})",
    };

    /// <summary>
    /// <c>gradient * f'(z)</c> written through the layer's output <paramref name="a"/> = f(z), which is
    /// all the backward pass keeps: sigmoid' = a (1 - a), tanh' = 1 - a^2, relu' = [a &gt; 0].
    /// </summary>
    private static string TimesDerivative(ActivationKind activation, string a, string gradient, Scalar scalar) => activation switch
    {
        ActivationKind.Identity => gradient,
        ActivationKind.Sigmoid => $"{gradient} * {a} * ({scalar.Literal(1)} - {a})",
        ActivationKind.Tanh => $"{gradient} * ({scalar.Literal(1)} - {a} * {a})",
        ActivationKind.ReLU => $"({a} > {scalar.Literal(0)} ? {gradient} : {scalar.Literal(0)})",
        _ => $"({a} > {scalar.Literal(0)} ? {gradient} : {scalar.Literal(0.01)} * {Parenthesize(gradient)})",
    };

    private static string Parenthesize(string expression) =>
        expression.All(c => char.IsLetterOrDigit(c) || c == '[' || c == ']' || c == '_') ? expression : "(" + expression + ")";
}
