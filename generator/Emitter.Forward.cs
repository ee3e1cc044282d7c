using System.Linq;
using System.Text;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

internal static partial class Emitter
{
    /// <summary>
    /// Forward: every layer's output into the activation buffer, plus the output layer's logits.
    /// Small layers are one statement per neuron; wide ones are a dot product per row over SIMD.
    /// When PredictBatch runs the first layer for many rows at once (<see cref="NetworkPlan.BatchesFirstLayer"/>),
    /// everything after that first product is its own method, which it calls per row.
    /// </summary>
    private static void EmitForward(CodeWriter writer, NetworkPlan plan, Scalar scalar)
    {
        EmitForwardPass(writer, plan, scalar, training: false);
        // The training calls of a network with dropout run their own forward pass, so Predict and Loss stay as they are
        // (in-locals networks have it inside their training kernels).
        if (plan.HasDropout && !plan.RunsInLocals)
            EmitForwardPass(writer, plan, scalar, training: true);
    }

    /// <summary>
    /// Forward (or, with <paramref name="training"/>, ForwardTraining, which applies dropout after each hidden layer
    /// that has it, with the masks of <c>dropoutKey</c>) and, for Forward when PredictBatch runs the first layer for many
    /// rows at once, the part after layer 1's product as its own method.
    /// </summary>
    private static void EmitForwardPass(CodeWriter writer, NetworkPlan plan, Scalar scalar, bool training)
    {
        string t = scalar.Keyword;
        string parameters = $"global::System.ReadOnlySpan<{t}> parameters";
        string name = training ? GeneratedNames.ForwardTraining : "Forward";
        // Only PredictBatch runs a chunk's first layer at once, so only Forward is split after that product.
        bool splits = plan.BatchesFirstLayer && !training;
        string key = training ? ", ulong dropoutKey" : "";
        if (training)
            writer.Line("/// <summary>The training calls' forward pass: as Forward, and each hidden layer with dropout also writes its mask (drawn from <paramref name=\"dropoutKey\"/>) and its dropped outputs, which the layer above reads.</summary>");
        else
            writer.Line("/// <summary>Forward pass: writes each layer's output a, then the output layer's logits z, into <paramref name=\"activations\"/>.</summary>");
        using (writer.Block($"private static void {name}({parameters}, global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> activations{key})"))
        {
            if (splits)
            {
                LayerPlan first = plan.Layers[0];
                EmitLayerHeader(writer, plan, first);
                EmitLoopedAffine(writer, first, ProductTarget(first), scalar);
                writer.Line($"{GeneratedNames.ForwardAfterFirstProduct}(parameters, activations);");
            }
            else
            {
                foreach (LayerPlan layer in plan.Layers)
                    EmitForwardLayer(writer, plan, layer, scalar, afterProduct: false, training);
            }
        }
        writer.Line();

        if (!splits)
            return;
        string sharers = plan.PredictFusesFirstActivation ? "Forward shares it"
            : plan.PredictsFirstLayerFromColumns ? "Forward, Predict and PredictBatch share it" : "Forward and PredictBatch share it";
        writer.Line($"/// <summary>The forward pass from layer 1's product z1 = W1 input + b1 (already in <paramref name=\"activations\"/>) on: {sharers}.</summary>");
        using (writer.Block($"private static void {GeneratedNames.ForwardAfterFirstProduct}({parameters}, global::System.Span<{t}> activations)"))
        {
            if (plan.PredictFusesFirstActivation)
            {
                EmitForwardLayer(writer, plan, plan.Layers[0], scalar, afterProduct: true);
                writer.Line($"{GeneratedNames.ForwardAfterFirstLayer}(parameters, activations);");
            }
            else
            {
                foreach (LayerPlan layer in plan.Layers)
                    EmitForwardLayer(writer, plan, layer, scalar, afterProduct: layer.Number == 1);
            }
        }
        writer.Line();
        if (!plan.PredictFusesFirstActivation)
            return;
        writer.Line($"/// <summary>The forward pass from layer 1's outputs a1 (already in <paramref name=\"activations\"/>) on: ForwardAfterFirstProduct, Predict and PredictBatch share it.</summary>");
        using (writer.Block($"private static void {GeneratedNames.ForwardAfterFirstLayer}({parameters}, global::System.Span<{t}> activations)"))
        {
            writer.Line("// Layer 1's outputs, activated by the product that wrote them");
            EmitOutputSlices(writer, plan, plan.Layers[0]);
            foreach (LayerPlan layer in plan.Layers.Skip(1))
                EmitForwardLayer(writer, plan, layer, scalar, afterProduct: false);
        }
        writer.Line();
    }

    /// <summary>The comment and the slices of one layer's W, b and outputs (and z, where the plan keeps it).</summary>
    private static void EmitLayerHeader(CodeWriter writer, NetworkPlan plan, LayerPlan layer, string? input = null)
    {
        int n = layer.Number;
        if (n > 1)
            writer.Line();
        writer.Line($"// Layer {n}: {layer.InputSize} -> {layer.OutputSize}, z = W{n} {input ?? Previous(layer)} + b{n}, a{n} = {ActivationInfo.Of(layer.Activation).Name}(z){ShapeNote(layer)}");
        writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
        writer.Line($"var b{n} = parameters.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
        EmitOutputSlices(writer, plan, layer);
    }

    /// <summary>
    /// The slices of a layer's output a and, where the plan keeps it, its z: the output layer's logits
    /// (the losses are computed from them) or a hidden z that the activation's derivative needs.
    /// </summary>
    private static void EmitOutputSlices(CodeWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        int n = layer.Number;
        writer.Line($"var a{n} = activations.Slice({GeneratedNames.ActivationOffset(n)}, {layer.OutputSize});");
        if (layer.KeepsPreActivation)
            writer.Line($"var z{n} = activations.Slice({PreActivationOffsetName(plan, layer)}, {layer.OutputSize});");
    }

    /// <summary>The constant that locates a layer's kept z: the logits' for the output layer.</summary>
    private static string PreActivationOffsetName(NetworkPlan plan, LayerPlan layer) =>
        plan.IsOutput(layer) ? GeneratedNames.LogitsOffset : GeneratedNames.PreActivationOffset(layer.Number);

    /// <summary>Where a layer's product W x + b goes: its kept z, or straight into its outputs a.</summary>
    private static string ProductTarget(LayerPlan layer) => (layer.KeepsPreActivation ? "z" : "a") + layer.Number;

    /// <summary>
    /// One layer of Forward; with <paramref name="afterProduct"/>, only what follows its product z = W x + b; with
    /// <paramref name="training"/>, it reads the layer below's dropped outputs and applies its own dropout.
    /// </summary>
    private static void EmitForwardLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool afterProduct, bool training = false)
    {
        int n = layer.Number;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        string product = ProductTarget(layer);
        if (afterProduct)
        {
            writer.Line($"// Layer {n}: {layer.InputSize} -> {layer.OutputSize}, a{n} = {activation.Name}(z{n}), z{n} = W{n} {Previous(layer)} + b{n} already computed");
            EmitOutputSlices(writer, plan, layer);
            EmitActivation(writer, layer, activation, product, "a" + n, scalar);
        }
        else
        {
            EmitLayerHeader(writer, plan, layer, LayerInput(plan, layer, training));
            // Neuron by neuron, an activation straight into a is wrapped around each sum as it is written (not a packed one).
            bool fused = layer.Step == ActivationStep.PerNeuron && !layer.KeepsPreActivation && !layer.PacksInSpans;
            string input = LayerInput(plan, layer, training);
            if (layer.ActivatesAsItStores)
            {
                // Neuron by neuron, z kept for the training calls and a from it in the same statement (Planner rule 14).
                EmitUnrolledAffineKeepingZ(writer, layer, product, "a" + n, activation, scalar, input);
            }
            else
            {
                if (layer.Shape == CodeShape.Unrolled)
                    EmitUnrolledAffine(writer, layer, product, scalar, fused ? activation : null, input);
                else
                    EmitLoopedAffine(writer, layer, product, scalar, input);
                if (!fused)
                    EmitActivation(writer, layer, activation, product, "a" + n, scalar);
            }
        }
        if (training && layer.Dropout is DropoutPlan dropout)
        {
            writer.Line(DropoutComment(layer, scalar));
            writer.Line($"var {Dropped(n)} = activations.Slice({GeneratedNames.DroppedOffset(n)}, {layer.OutputSize});");
            writer.Line($"var {Mask(n)} = activations.Slice({GeneratedNames.MaskOffset(n)}, {layer.OutputSize});");
            writer.Line($"{RuntimeApi.Call(RuntimeApi.Dropout)}<{scalar.Keyword}>(a{n}, dropoutKey, {GeneratedNames.ActivationOffset(n)}, {DropThreshold(dropout)}, {scalar.Literal(dropout.KeptScale)}, {Mask(n)}, {Dropped(n)});");
        }
    }

    /// <summary>What a layer's dropout block computes, for the comment above it.</summary>
    private static string DropoutComment(LayerPlan layer, Scalar scalar)
    {
        int n = layer.Number;
        DropoutPlan dropout = layer.Dropout!;
        string rate = dropout.Rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return $"// Layer {n} dropout, training only: dropped{n} = a{n} * mask{n}, each mask{n}[i] 0 with probability {rate} and {scalar.Literal(dropout.KeptScale)} (1 / (1 - p)) otherwise, from the row's key";
    }

    /// <summary>The drop threshold as a C# uint literal.</summary>
    private static string DropThreshold(DropoutPlan dropout) =>
        dropout.DropThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture) + "u";

    private static string Dropped(int layer) => "dropped" + layer;

    private static string Mask(int layer) => "mask" + layer;

    /// <summary>
    /// What a layer reads: the network input, the layer below's output, or in the training calls, where the layer
    /// below has dropout, its dropped outputs.
    /// </summary>
    private static string LayerInput(NetworkPlan plan, LayerPlan layer, bool training) =>
        training && layer.Number > 1 && plan.Layers[layer.Number - 2].HasDropout ? Dropped(layer.Number - 1) : Previous(layer);

    /// <summary>a = f(z) from the kept z (or in place, from the product in a), as the plan says: one kernel call or one statement per neuron.</summary>
    private static void EmitActivation(CodeWriter writer, LayerPlan layer, ActivationInfo activation, string z, string a, Scalar scalar)
    {
        if (layer.PacksInSpans)
        {
            // As the in-locals code packs the layer, so every call gives a unit the same value.
            EmitPackedActivation(writer, layer, scalar, Enumerable.Range(0, layer.OutputSize).Select(k => $"{z}[{k}]").ToList(),
                z == a ? "sums" : "z", k => $"{a}[{k}] = ");
            return;
        }
        if (layer.Step == ActivationStep.PerNeuron)
        {
            for (int k = 0; k < layer.OutputSize; k++)
                writer.Line($"{a}[{k}] = {activation.Forward($"{z}[{k}]", scalar)};");
            return;
        }
        // The identity in place is no code at all.
        if (activation.DerivativeInput == DerivativeInput.None && z == a)
            return;
        if (activation.KernelNote is not null)
            writer.Line($"// {a} = {activation.Name}({z}), {activation.KernelNote}");
        writer.Line($"{RuntimeApi.Call(activation.RuntimeName)}<{scalar.Keyword}>({z}, {a});");
    }

    /// <summary>
    /// The forward pass of an all-unrolled network in locals: the same sums in the same order as
    /// <c>Forward</c>. For Predict (<paramref name="training"/> false) it declares its own
    /// <c>parameters</c> and writes the output layer straight into <c>output</c>, with narrow sigmoid
    /// layers activated as one vector (<see cref="UsesSigmoidGroup"/>) and the layers the plan says
    /// (<see cref="LayerPlan.PredictsAsVector"/>) computed as vectors where the hardware accelerates them.
    /// For the training kernels it leaves the output layer in locals, its logits z{L}_{k} included, which the
    /// losses need; <paramref name="packSigmoid"/> says whether their hidden sigmoid layers are packed.
    /// </summary>
    /// <remarks><paramref name="acceleratedBits"/>: vectors up to this width are known to be accelerated where the code runs (inside a
    /// caller's check), so Predict tests only the wider ones, and without any, writes no scalar branch.</remarks>
    private static void EmitForwardInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar, bool training = false, bool packSigmoid = true, bool groups = false,
        int acceleratedBits = 0)
    {
        string t = scalar.Keyword;
        if (!training)
        {
            writer.Line("// Every layer is unrolled, so the forward pass runs in locals and writes straight into output.");
            writer.Line("// Sliced to its constant length, so the JIT checks the bounds once here, not once per layer slice.");
            writer.Line($"global::System.ReadOnlySpan<{t}> parameters = {GeneratedNames.ParametersSpan}.Slice(0, ParameterCount);");
            var vectorWidths = plan.Layers.Where(layer => layer.PredictsAsVector).Select(layer => VectorBits(layer, scalar))
                .Concat(GroupsAnyUnits(plan) ? new[] { GroupBits(scalar) } : System.Array.Empty<int>())
                .Distinct().OrderBy(bits => bits).ToList();
            if (vectorWidths.Count > 0)
            {
                // The JIT keeps one branch: the vector form where the vectors are accelerated, else the scalar one
                // (without AVX, as under Native AOT's default instruction set, a Vector256 is emulated in software).
                writer.Line(GroupsAnyUnits(plan)
                    ? "// Hidden layers as vectors where the hardware has them (narrow ones whole, wide ones four units at a time): the same sums, operation for operation."
                    : "// Narrow hidden layers as vectors where the hardware has them: the same sums, operation for operation.");
                var unknownWidths = vectorWidths.Where(bits => bits > acceleratedBits).ToList();
                if (unknownWidths.Count == 0)
                {
                    EmitLayersInLocals(writer, plan, scalar, training, packSigmoid, vectors: true, groups: true, acceleratedBits);
                    return;
                }
                using (writer.Block($"if ({string.Join(" && ", unknownWidths.Select(bits => $"global::System.Runtime.Intrinsics.Vector{bits}.IsHardwareAccelerated"))})"))
                    EmitLayersInLocals(writer, plan, scalar, training, packSigmoid, vectors: true, groups: true);
                using (writer.Block("else"))
                    EmitLayersInLocals(writer, plan, scalar, training, packSigmoid, vectors: false, groups: false);
                return;
            }
        }
        EmitLayersInLocals(writer, plan, scalar, training, packSigmoid, vectors: false, groups);
        if (training)
            writer.Line();
    }

    /// <summary>
    /// The layers of <see cref="EmitForwardInLocals"/>; <paramref name="vectors"/> renders <see cref="LayerPlan.PredictsAsVector"/>
    /// (Predict only), <paramref name="groups"/> <see cref="LayerPlan.GroupsUnits"/>; <paramref name="acceleratedBits"/> as in
    /// <see cref="EmitForwardInLocals"/>.
    /// </summary>
    private static void EmitLayersInLocals(CodeWriter writer, NetworkPlan plan, Scalar scalar, bool training, bool packSigmoid, bool vectors, bool groups,
        int acceleratedBits = 0)
    {
        string t = scalar.Keyword;
        foreach (LayerPlan layer in plan.Layers)
        {
            int n = layer.Number;
            bool isOutput = n == plan.Layers.Count;
            writer.Line($"// Layer {n}: {layer.InputSize} -> {layer.OutputSize}, a{n} = {ActivationInfo.Of(layer.Activation).Name}(W{n} {LayerInput(plan, layer, training)} + b{n})");
            writer.Line($"var w{n} = parameters.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            writer.Line($"var b{n} = parameters.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
            if (groups)
                EmitGroupReferences(writer, plan, layer, scalar);
            if (vectors && layer.PredictsAsVector)
            {
                EmitVectorLayer(writer, plan, layer, scalar);
                continue;
            }
            System.Func<int, string> sum = j => UnrolledSum(layer, j, i => InputInLocals(plan, layer, i, training, groups, scalar));
            LayerPlan? below = n > 1 ? plan.Layers[n - 2] : null;
            if (vectors && below is not null && below.PredictsAsVector)
                sum = EmitRowProducts(writer, layer, below, scalar);
            if (groups && below is not null && below.GroupsUnits)
                sum = EmitGroupedRowSums(writer, plan, layer, below, scalar, training) ?? sum;
            ActivationInfo activation = ActivationInfo.Of(layer.Activation);
            if (PacksHere(layer, isOutput, packSigmoid, training))
            {
                var values = Enumerable.Range(0, layer.OutputSize).Select(sum).ToList();
                string what = "sums";
                if (training && (isOutput || layer.KeepsPreActivation))
                {
                    // The training kernels keep z (the loss's logits, or what the derivative is taken from).
                    for (int j = 0; j < layer.OutputSize; j++)
                        writer.Line($"{t} z{n}_{j} = {values[j]};");
                    values = Enumerable.Range(0, layer.OutputSize).Select(j => $"z{n}_{j}").ToList();
                    what = "z";
                }
                EmitPackedActivation(writer, layer, scalar, values, what, j => isOutput && !training ? $"output[{j}] = " : $"{t} a{n}_{j} = ");
                if (training)
                    EmitDropoutInLocals(writer, layer, scalar);
                continue;
            }
            if (groups && layer.GroupsUnits)
                EmitGroupedLayer(writer, plan, layer, scalar, training, EmitUnit, acceleratedBits);
            else
            {
                for (int j = 0; j < layer.OutputSize; j++)
                    EmitUnit(j);
            }
            void EmitUnit(int j)
            {
                if (!isOutput && layer.KeepsPreActivation)
                {
                    // The derivative needs z: keep it beside a.
                    writer.Line($"{t} z{n}_{j} = {sum(j)};");
                    writer.Line($"{t} a{n}_{j} = {activation.Forward($"z{n}_{j}", scalar)};");
                }
                else if (!isOutput)
                {
                    writer.Line($"{t} a{n}_{j} = {activation.Forward(sum(j), scalar)};");
                }
                else if (!activation.IsElementwise || training)
                {
                    writer.Line($"{t} z{n}_{j} = {sum(j)};");
                    if (activation.IsElementwise)
                        writer.Line($"{t} a{n}_{j} = {activation.Forward($"z{n}_{j}", scalar)};");
                }
                else
                {
                    writer.Line($"output[{j}] = {activation.Forward(sum(j), scalar)};");
                }
            }
            if (isOutput && !activation.IsElementwise)
            {
                if (training)
                    EmitSoftmaxInLocals(writer, layer, scalar, "a" + n, j => $"{t} a{n}_{j} = ");
                else
                    EmitSoftmaxInLocals(writer, layer, scalar, "output", j => $"output[{j}] = ");
            }
            if (training)
                EmitDropoutInLocals(writer, layer, scalar);
        }
    }

    /// <summary>The vector a layer of <see cref="LayerPlan.PredictsAsVector"/> is computed in, which it fills: Vector128 or Vector256.</summary>
    private static int VectorBits(LayerPlan layer, Scalar scalar) => layer.OutputSize * scalar.Size * 8;

    /// <summary>
    /// A <see cref="LayerPlan.PredictsAsVector"/> layer of Predict: <c>a{n} = f(b + W[:, 0] x0 + W[:, 1] x1 + ...)</c> as one
    /// vector. Lane j adds the same products in the same order, and in the same chains, as neuron j's scalar sum.
    /// </summary>
    private static void EmitVectorLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar)
    {
        int n = layer.Number;
        string vector = $"global::System.Runtime.Intrinsics.Vector{VectorBits(layer, scalar)}";
        var terms = new System.Collections.Generic.List<string>(layer.InputSize + 1) { $"{vector}.Create(b{n})" };
        for (int i = 0; i < layer.InputSize; i++)
        {
            string column = string.Join(", ", Enumerable.Range(0, layer.OutputSize).Select(j => $"w{n}[{j * layer.InputSize + i}]"));
            terms.Add($"{vector}.Create({column}) * {vector}.Create({LayerInputInLocals(plan, layer, i, training: false)})");
        }
        string sum = SumOfTerms(terms);
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        writer.Line($"// the layer's {layer.OutputSize} sums as one vector, column by column (lane j: b[j] + W[j, 0] x0 + W[j, 1] x1 + ..., as neuron by neuron)");
        writer.Line(activation.Kind == ActivationKind.Identity
            ? $"var a{n} = {sum};"
            : $"var a{n} = {RuntimeApi.Call(activation.RuntimeName)}({sum});");
    }

    /// <summary>
    /// The products of a layer whose inputs are the vector <c>a{n-1}</c> of a <see cref="LayerPlan.PredictsAsVector"/> layer:
    /// one vector per weight row, <c>p{n}_{j} = W[j, :] * a{n-1}</c>; returns neuron j's sum, its bias plus the lanes in input
    /// order and in the chains of the scalar sum.
    /// </summary>
    private static System.Func<int, string> EmitRowProducts(CodeWriter writer, LayerPlan layer, LayerPlan below, Scalar scalar)
    {
        int n = layer.Number, inputs = layer.InputSize;
        string vector = $"global::System.Runtime.Intrinsics.Vector{VectorBits(below, scalar)}";
        writer.Line($"// each weight row times the vector a{n - 1}, its lanes added in input order (the same sums as neuron by neuron)");
        for (int j = 0; j < layer.OutputSize; j++)
            writer.Line($"var p{n}_{j} = {vector}.Create(w{n}.Slice({j * inputs}, {inputs})) * a{n - 1};");
        return j => SumOfTerms(Enumerable.Range(0, inputs).Select(i => $"{vector}.GetElement(p{n}_{j}, {i})").Prepend($"b{n}[{j}]").ToList());
    }

    /// <summary>A layer's dropout in the in-locals training kernels: mask{n}_{j} and dropped{n}_{j} per unit (nothing without dropout).</summary>
    private static void EmitDropoutInLocals(CodeWriter writer, LayerPlan layer, Scalar scalar)
    {
        if (layer.Dropout is not DropoutPlan dropout)
            return;
        int n = layer.Number;
        string t = scalar.Keyword;
        writer.Line(DropoutComment(layer, scalar));
        for (int j = 0; j < layer.OutputSize; j++)
        {
            writer.Line($"{t} {Mask(n)}_{j} = {RuntimeApi.Call(RuntimeApi.DropoutMask)}<{t}>(dropoutKey, {GeneratedNames.ActivationOffset(n)} + {j}, {DropThreshold(dropout)}, {scalar.Literal(dropout.KeptScale)});");
            writer.Line($"{t} {Dropped(n)}_{j} = a{n}_{j} * {Mask(n)}_{j};");
        }
    }

    /// <summary>Input i of a layer in the in-locals kernels: the network input, the layer below's output local, or its dropped output in training.</summary>
    private static string LayerInputInLocals(NetworkPlan plan, LayerPlan layer, int i, bool training)
    {
        int n = layer.Number;
        if (n == 1)
            return $"input[{i}]";
        return training && plan.Layers[n - 2].HasDropout ? $"{Dropped(n - 1)}_{i}" : $"a{n - 1}_{i}";
    }

    /// <summary>Softmax of the logit locals z{n}_{j}; <paramref name="assign"/> starts the statement that receives output j.</summary>
    private static void EmitSoftmaxInLocals(CodeWriter writer, LayerPlan layer, Scalar scalar, string target, System.Func<int, string> assign)
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
    /// Whether the in-locals kernels activate <paramref name="layer"/> as one vector here (<see cref="LayerPlan.PacksActivation"/>):
    /// a sigmoid layer only where <paramref name="packSigmoid"/> says and not as a training output (its loss is fused with
    /// it), the others wherever they pack.
    /// </summary>
    private static bool PacksHere(LayerPlan layer, bool isOutput, bool packSigmoid, bool training) =>
        layer.PacksActivation && (layer.Activation != ActivationKind.Sigmoid || (packSigmoid && !(training && isOutput)));

    /// <summary>
    /// The vector a packed layer's values go in (<see cref="LayerPlan.PacksActivation"/>): the smallest of Vector128/256/512
    /// that holds them, and its lanes.
    /// </summary>
    private static (string Vector, int Lanes) PackVector(LayerPlan layer, Scalar scalar)
    {
        int bytes = scalar.Size * layer.OutputSize;
        int bits = bytes <= 16 ? 128 : bytes <= 32 ? 256 : 512;
        return ($"global::System.Runtime.Intrinsics.Vector{bits}", bits / 8 / scalar.Size);
    }

    /// <summary>
    /// <c>f</c> of a packed layer's <paramref name="values"/> (its sums, or its kept z: <paramref name="what"/> says which, for the
    /// comment) as one vector, padded with zeros; <paramref name="assign"/> gives the start of the statement that receives neuron j.
    /// </summary>
    private static void EmitPackedActivation(CodeWriter writer, LayerPlan layer, Scalar scalar, System.Collections.Generic.IReadOnlyList<string> values, string what, System.Func<int, string> assign)
    {
        int n = layer.Number, width = layer.OutputSize;
        var (vector, lanes) = PackVector(layer, scalar);
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        // The runtime computes a pack of two doubles as two scalar sigmoids side by side (a vector exp call cost more there).
        writer.Line(activation.Kind == ActivationKind.Sigmoid && lanes == 2
            ? $"// sigmoid of the layer's {width} sums at once, one inlined scalar sigmoid per lane"
            : activation.Kind == ActivationKind.Sigmoid
                ? $"// sigmoid of the layer's {width} sums at once: one vector exp instead of {width} scalar ones"
                : $"// {activation.Name} of the layer's {width} {what} at once: one vector call instead of {width} scalar ones");
        var lanesValues = values.Concat(Enumerable.Repeat(scalar.Literal(0), lanes - width));
        writer.Line($"var s{n} = {RuntimeApi.Call(activation.RuntimeName)}({vector}.Create({string.Join(", ", lanesValues)}));");
        for (int j = 0; j < width; j++)
            writer.Line($"{assign(j)}{vector}.GetElement(s{n}, {j});");
    }

    /// <summary>
    /// The derivative of a packed layer whose derivative is a call (<see cref="ActivationInfo.DerivativeIsCall"/>) as one
    /// vector, <c>f'(z)</c> of its kept z (<paramref name="z"/> names unit j's; the in-locals z{n}_{j} if not given); returns
    /// the lane of an index expression, for <see cref="ActivationInfo.TimesSlope"/>. Null (and no code) for any other layer.
    /// </summary>
    private static System.Func<string, string>? EmitPackedSlope(CodeWriter writer, LayerPlan layer, Scalar scalar, System.Func<int, string>? z = null)
    {
        if (!PacksDerivative(layer))
            return null;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        int n = layer.Number, width = layer.OutputSize;
        z ??= j => $"z{n}_{j}";
        var (vector, lanes) = PackVector(layer, scalar);
        var lanesValues = Enumerable.Range(0, width).Select(z).Concat(Enumerable.Repeat(scalar.Literal(0), lanes - width));
        writer.Line($"// {activation.Name}'(z{n}) of the layer's {width} units at once: one vector call instead of {width} scalar ones");
        writer.Line($"var g{n} = {RuntimeApi.Call(RuntimeApi.VectorDerivative(activation))}({vector}.Create({string.Join(", ", lanesValues)}));");
        return index => $"{vector}.GetElement(g{n}, {index})";
    }

    /// <summary>
    /// Whether a packed layer's derivative is packed too: where it is a call per unit (<see cref="ActivationInfo.DerivativeIsCall"/>:
    /// GELU, SiLU, Softplus), in every kernel that packs the layer, in locals and in spans alike.
    /// </summary>
    private static bool PacksDerivative(LayerPlan layer) =>
        layer.PacksActivation && ActivationInfo.Of(layer.Activation).DerivativeIsCall;

    /// <summary>
    /// A packed layer's delta times its packed derivative, unit by unit (<c>delta[i] = delta[i] * f'(z[i])</c>, the product
    /// the in-locals code forms), for span code that has the error sent back in <paramref name="delta"/> already.
    /// </summary>
    private static void EmitTimesPackedSlope(CodeWriter writer, LayerPlan layer, Scalar scalar, System.Func<int, string> z, System.Func<int, string> delta)
    {
        var slope = EmitPackedSlope(writer, layer, scalar, z)!;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        for (int i = 0; i < layer.OutputSize; i++)
            writer.Line($"{delta(i)} = {activation.TimesSlope(slope(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), delta(i))};");
    }

    private static string ShapeNote(LayerPlan layer) =>
        layer.Shape == CodeShape.Unrolled ? ""
        : layer.WeightCount > layer.UnrollLimit ? $" (looped: {layer.WeightCount} weights is above the unroll limit of {layer.UnrollLimit})"
        : " (looped: a sum too long to unroll, or the network's unrolled weights at their limit)";

    /// <summary>One statement per neuron: <c>z[j] = b[j] + sum_i W[j, i] * prev[i]</c>, wrapped in <paramref name="fused"/> if given.</summary>
    private static void EmitUnrolledAffine(CodeWriter writer, LayerPlan layer, string target, Scalar scalar, ActivationInfo? fused, string previous)
    {
        for (int j = 0; j < layer.OutputSize; j++)
        {
            string sum = UnrolledSum(layer, j, i => $"{previous}[{i}]");
            string value = fused is null ? sum : fused.Forward(sum, scalar);
            writer.Line($"{target}[{j}] = {value};");
        }
    }

    /// <summary>One statement per neuron that keeps z: <c>a[j] = f(z[j] = b[j] + sum_i W[j, i] * prev[i])</c>, the same sum as <see cref="UnrolledSum"/>.</summary>
    private static void EmitUnrolledAffineKeepingZ(CodeWriter writer, LayerPlan layer, string z, string a, ActivationInfo activation, Scalar scalar, string previous)
    {
        for (int j = 0; j < layer.OutputSize; j++)
        {
            string sum = UnrolledSum(layer, j, i => $"{previous}[{i}]");
            // Every activation's scalar form names its argument once, so the assignment runs once.
            writer.Line($"{a}[{j}] = {activation.Forward($"{z}[{j}] = {sum}", scalar)};");
        }
    }

    /// <summary>
    /// <c>b[j] + w[j, 0] * x0 + w[j, 1] * x1 + ...</c> for neuron <paramref name="j"/>, in input order:
    /// every unrolled forward pass shares it (Forward, Predict, the in-locals training kernels), so all compute the same sum
    /// in the same order and chains (<see cref="SumOfTerms"/>).
    /// </summary>
    private static string UnrolledSum(LayerPlan layer, int j, System.Func<int, string> input)
    {
        int n = layer.Number;
        var terms = new System.Collections.Generic.List<string>(layer.InputSize + 1) { $"b{n}[{j}]" };
        for (int i = 0; i < layer.InputSize; i++)
            terms.Add($"w{n}[{j * layer.InputSize + i}] * {input(i)}");
        return SumOfTerms(terms);
    }

    /// <summary>
    /// Terms per chain from which <see cref="SumOfTerms"/> splits a sum; a long sum's chains come in sets of
    /// <see cref="ChainsPerSet"/> (the lanes of a group vector, <see cref="LayerPlan.GroupLanes"/>), at most
    /// <see cref="MaxChainSets"/> sets.
    /// </summary>
    private const int TermsPerChain = 4, ChainsPerSet = 4, MaxChainSets = 4;

    /// <summary>Whether <see cref="SumOfTerms"/> splits a sum of <paramref name="terms"/> terms into chains.</summary>
    private static bool SplitsIntoChains(int terms) => terms / TermsPerChain >= 2;

    /// <summary>
    /// The terms of an unrolled sum: up to 7 added left to right; from 8 on dealt in turn to chains of at least
    /// <see cref="TermsPerChain"/> terms (<see cref="SumChains"/>), which are then added in pairs. A sum written left to right is one
    /// chain of dependent adds, each waiting for the last: in 17-1-5's TrainBatch (32 rows in locals) four chains of its
    /// 18-term sum took the batch from 1.51 to 1.28 us, as fast as a vector dot product (Stopwatch), and 8-10-1's Predict
    /// (sums of 9 and 11 terms) went from 24-33 to 22 ns. Every unrolled kernel of a network (the forward passes, the
    /// deltas, the vector layers of Predict) sums this way, so Predict, Loss, Backward, Train and the batch calls agree bit
    /// for bit wherever the layers are unrolled.
    /// </summary>
    private static string SumOfTerms(System.Collections.Generic.IReadOnlyList<string> terms)
    {
        if (!SplitsIntoChains(terms.Count))
            return string.Join(" + ", terms);
        int chains = SumChains(terms.Count);
        return CombineChains(Enumerable.Range(0, chains)
            .Select(chain => "(" + string.Join(" + ", terms.Where((_, index) => index % chains == chain)) + ")")
            .ToList());
    }

    /// <summary>
    /// The chains <see cref="SumOfTerms"/> deals a sum of <paramref name="terms"/> terms to (1: left to right); term t goes
    /// to chain t % chains. 8-15 terms: two or three chains; 16-31: four; from 32, four per 16 terms, at most
    /// <see cref="MaxChainSets"/> sets of four. A whole set of four chains is one group vector's lanes when the inputs
    /// are a grouped layer's (<see cref="EmitGroupedRowSums"/>). Four chains of a 51-term sum (1-50-1) are 13 dependent
    /// adds each, the latency of the row's sum; twelve are 4 or 5.
    /// </summary>
    private static int SumChains(int terms)
    {
        if (!SplitsIntoChains(terms))
            return 1;
        int termsPerSet = ChainsPerSet * TermsPerChain;
        return terms < termsPerSet ? terms / TermsPerChain : ChainsPerSet * System.Math.Min(MaxChainSets, terms / termsPerSet);
    }

    /// <summary><see cref="SumOfTerms"/>'s last step: its chains (each parenthesised) added in pairs, the pairs in pairs, and so on.</summary>
    private static string CombineChains(System.Collections.Generic.List<string> sums)
    {
        while (sums.Count > 1)
        {
            var pairs = new System.Collections.Generic.List<string>();
            for (int i = 0; i < sums.Count; i += 2)
                pairs.Add(i + 1 < sums.Count ? $"({sums[i]} + {sums[i + 1]})" : sums[i]);
            sums = pairs;
        }
        return sums[0];
    }

    /// <summary>
    /// One blocked SIMD matrix-vector product for the whole layer: rows of W are contiguous in the row-major layout. A layer
    /// of one unit takes its one dot product without the matrix kernel's dispatch between shapes (the same value, bit for bit).
    /// </summary>
    private static void EmitLoopedAffine(CodeWriter writer, LayerPlan layer, string target, Scalar scalar, string? input = null)
    {
        int n = layer.Number;
        if (layer.OutputSize == 1)
            writer.Line($"{target}[0] = {RuntimeApi.Call(RuntimeApi.OneRowProduct)}<{scalar.Keyword}>(w{n}, {input ?? Previous(layer)}, b{n}[0]);");
        else
            writer.Line($"{RuntimeApi.Call(RuntimeApi.MatrixVector)}<{scalar.Keyword}>(w{n}, {input ?? Previous(layer)}, b{n}, {target});");
    }
}
