using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator;

/// <summary>
/// The training kernels of networks whose layers are all unrolled (<see cref="RunsInLocals"/>):
/// one sample's forward pass, loss, deltas and parameter updates in one method, every activation and
/// delta a local. The span-based kernels, which the other networks use, pass activations through
/// memory and make four calls per sample, which costs more than the arithmetic of a tutorial-sized
/// network: in locals, W1's Backward went from 53 to 39 ns and Train from 62 to 52 ns (Stopwatch).
/// The sums and the loss are written in the same order as in the span-based kernels.
/// </summary>
internal static partial class Emitter
{
    /// <summary>Backward (adds into <c>gradients</c>) or BackwardAndStep (plain SGD in place) for one sample, in locals.</summary>
    private static void EmitBackwardInLocals(CodeWriter writer, NetworkModel model, Scalar scalar, BackwardMode mode)
    {
        string t = scalar.Keyword;
        bool step = mode == BackwardMode.Step;
        string parameters = step ? $"global::System.Span<{t}> parameters" : $"global::System.ReadOnlySpan<{t}> parameters";
        string inputs = $"global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> target";
        string signature;
        if (step)
        {
            writer.Line("/// <summary>One sample's forward pass, loss, deltas and plain SGD step <c>Parameters -= learningRate * d loss / d Parameters</c>, all in locals; returns the loss before the step.</summary>");
            signature = $"private static {t} BackwardAndStep({parameters}, {inputs}, {t} learningRate)";
        }
        else
        {
            writer.Line("/// <summary>One sample's forward pass, loss and deltas in locals; adds d loss / d parameters into <paramref name=\"gradients\"/> and returns the loss.</summary>");
            signature = $"private static {t} Backward({parameters}, {inputs}, global::System.Span<{t}> gradients)";
        }

        using (writer.Block(signature))
        {
            // Packing the sigmoid layers' exps (as Predict does) made Backward faster but the in-place step
            // slower (W1: 43 -> 40 ns and 53 -> 57 ns), so only Backward packs them.
            EmitForwardInLocals(writer, model, scalar, training: true, packSigmoid: !step);
            EmitLossInLocals(writer, model, scalar);
            EmitOutputDeltaInLocals(writer, model, scalar);
            writer.Line();
            for (int index = model.Layers.Count - 1; index >= 1; index--)
            {
                EmitHiddenDeltaInLocals(writer, model.Layers[index - 1], model.Layers[index], scalar);
                writer.Line();
            }
            foreach (LayerSpec layer in model.Layers)
                EmitParameterUpdateInLocals(writer, layer, scalar, step);
            writer.Line("return loss;");
        }
        if (!step)
            writer.Line();
    }

    /// <summary>Local names: a layer's outputs, the output layer's logits and each layer's deltas.</summary>
    private static string A(int layer, int index) => $"a{layer}_{index}";

    private static string Z(int layer, int index) => $"z{layer}_{index}";

    private static string D(int layer, int index) => $"d{layer}_{index}";

    /// <summary>The loss from the output locals, as ComputeLoss computes it from the activation buffer.</summary>
    private static void EmitLossInLocals(CodeWriter writer, NetworkModel model, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerSpec output = model.OutputLayer;
        int n = output.Number, k = output.OutputSize;
        var terms = Enumerable.Range(0, k);
        writer.Line($"// Loss: {DescribeLoss(model.Loss)}");
        switch (model.Loss)
        {
            case LossKind.HalfSquaredError:
            case LossKind.MeanSquaredError:
                foreach (int j in terms)
                    writer.Line($"{t} error{j} = {A(n, j)} - target[{j}];");
                string squares = string.Join(" + ", terms.Select(j => $"error{j} * error{j}"));
                writer.Line(model.Loss == LossKind.HalfSquaredError
                    ? $"{t} loss = {scalar.Literal(0.5)} * ({squares});"
                    : $"{t} loss = ({squares}) / {scalar.Literal(k)};");
                break;
            case LossKind.BinaryCrossEntropy:
                writer.Line("// -[t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))] = max(z, 0) - t z + log(1 + exp(-|z|)): finite for any z");
                writer.Line($"{t} loss = {string.Join(" + ", terms.Select(j => $"({scalar.Math}.Max({Z(n, j)}, {scalar.Literal(0)}) - target[{j}] * {Z(n, j)} + {scalar.Math}.Log({scalar.Literal(1)} + {scalar.Math}.Exp(-{scalar.Math}.Abs({Z(n, j)}))))"))};");
                break;
            default:
                writer.Line("// -sum_k t_k log softmax(z)_k = sum_k t_k (logsumexp(z) - z_k), with logsumexp(z) = z_m - log a_m for the largest logit z_m");
                writer.Line($"{t} largestZ = {Z(n, 0)}, largestA = {A(n, 0)};");
                for (int j = 1; j < k; j++)
                    writer.Line($"if ({Z(n, j)} > largestZ) {{ largestZ = {Z(n, j)}; largestA = {A(n, j)}; }}");
                writer.Line($"{t} logSumExp = largestZ - {scalar.Math}.Log(largestA);");
                writer.Line($"{t} loss = {string.Join(" + ", terms.Select(j => $"target[{j}] * (logSumExp - {Z(n, j)})"))};");
                break;
        }
        writer.Line();
    }

    /// <summary>d loss / d z of the output layer into locals d{L}_{k}; the fused forms as in <see cref="EmitOutputDelta"/>.</summary>
    private static void EmitOutputDeltaInLocals(CodeWriter writer, NetworkModel model, Scalar scalar)
    {
        string t = scalar.Keyword;
        LayerSpec output = model.OutputLayer;
        int n = output.Number, k = output.OutputSize;
        switch (model.Loss)
        {
            case LossKind.HalfSquaredError:
                writer.Line($"// Output delta: d loss / d z{n} = (a{n} - t) * {Describe(output.Activation)}'(z{n})");
                for (int j = 0; j < k; j++)
                    writer.Line($"{t} {D(n, j)} = {TimesDerivative(output.Activation, A(n, j), $"error{j}", scalar)};");
                break;
            case LossKind.MeanSquaredError:
                writer.Line($"// Output delta: d loss / d z{n} = 2 / {k} * (a{n} - t) * {Describe(output.Activation)}'(z{n})");
                for (int j = 0; j < k; j++)
                    writer.Line($"{t} {D(n, j)} = {TimesDerivative(output.Activation, A(n, j), $"({scalar.Literal(2.0 / k)} * error{j})", scalar)};");
                break;
            case LossKind.BinaryCrossEntropy:
                writer.Line($"// Output delta, sigmoid and binary cross-entropy fused: d loss / d z{n} = a{n} - t");
                for (int j = 0; j < k; j++)
                    writer.Line($"{t} {D(n, j)} = {A(n, j)} - target[{j}];");
                break;
            default:
                writer.Line($"// Output delta, softmax and cross-entropy fused: d loss / d z{n} = a{n} * sum(t) - t (a{n} - t for one-hot targets)");
                writer.Line($"{t} targetSum = {string.Join(" + ", Enumerable.Range(0, k).Select(j => $"target[{j}]"))};");
                for (int j = 0; j < k; j++)
                    writer.Line($"{t} {D(n, j)} = {A(n, j)} * targetSum - target[{j}];");
                break;
        }
    }

    /// <summary><c>d_l = (W_{l+1}^T d_{l+1}) * f_l'(z_l)</c> into locals, from the current weights.</summary>
    private static void EmitHiddenDeltaInLocals(CodeWriter writer, LayerSpec layer, LayerSpec above, Scalar scalar)
    {
        int n = layer.Number, m = above.Number;
        writer.Line($"// Layer {n} delta: d{n} = (W{m}^T d{m}) * {Describe(layer.Activation)}'(z{n})");
        EmitUnrolledHiddenDelta(writer, layer, above, scalar, scalar.Keyword + " ", A, D);
    }

    /// <summary>dW = d prev^T and db = d, added into the gradients or applied as an SGD step; every delta exists before the first weight changes.</summary>
    private static void EmitParameterUpdateInLocals(CodeWriter writer, LayerSpec layer, Scalar scalar, bool step)
    {
        int n = layer.Number;
        string previous = Previous(layer);
        if (step)
        {
            writer.Line($"// Layer {n} step: W{n} -= learningRate * d{n} {previous}^T, b{n} -= learningRate * d{n}");
        }
        else
        {
            writer.Line($"// Layer {n} gradients: dW{n} += d{n} {previous}^T, db{n} += d{n}");
            writer.Line($"var gw{n} = gradients.Slice({GeneratedNames.WeightOffset(n)}, {layer.WeightCount});");
            writer.Line($"var gb{n} = gradients.Slice({GeneratedNames.BiasOffset(n)}, {layer.OutputSize});");
        }
        EmitUnrolledUpdate(writer, layer, scalar, step, j => D(n, j), i => n == 1 ? $"input[{i}]" : A(n - 1, i), n == 1 ? "input" : null);
        writer.Line();
    }
}
