using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Kinds;

/// <summary>
/// Everything the generator knows about one kind of loss, in one place: its description, which output
/// activation it needs, and how to write its value and its output delta d loss / d z, both over the
/// activation buffer (span kernels) and over locals (the all-unrolled kernels). <see cref="Of"/> is the table.
/// </summary>
/// <remarks>
/// Names the code it writes relies on. Span kernels: <c>a{n}</c> and <c>z{n}</c> (output and logits spans),
/// <c>delta{n}</c>, <c>target</c>, a declared <c>loss</c> to add into. Locals: <c>a{n}_{k}</c>,
/// <c>z{n}_{k}</c>, <c>d{n}_{k}</c>, <c>target</c>; the loss declares <c>loss</c> itself.
/// </remarks>
internal abstract class LossInfo
{
    protected LossInfo(LossKind kind, string description, ActivationKind? requiredOutput = null, DiagnosticDescriptor? mismatch = null)
    {
        Kind = kind;
        Description = description;
        RequiredOutput = requiredOutput;
        OutputMismatch = mismatch;
    }

    public LossKind Kind { get; }

    /// <summary>The formula, as the generated comments and XML docs say it.</summary>
    public string Description { get; }

    /// <summary>The output activation this loss is fused with, if any (its delta is then a - t).</summary>
    public ActivationKind? RequiredOutput { get; }

    /// <summary>The diagnostic for another output activation than <see cref="RequiredOutput"/>.</summary>
    public DiagnosticDescriptor? OutputMismatch { get; }

    /// <summary>
    /// Whether the loss reads the output a and the logits z (ComputeLoss slices only what it reads); <paramref name="asLayer"/>
    /// as in <see cref="EmitLoss"/>.
    /// </summary>
    public abstract bool ReadsOutput(bool asLayer);

    public abstract bool ReadsLogits { get; }

    /// <summary>
    /// ComputeLoss's body after <c>loss = 0</c>: adds up the loss and returns it. <paramref name="asLayer"/>:
    /// the plan runs the output layer's activation as one whole-layer kernel (a wide or looped layer), so a
    /// loss with a transcendental per output may call a whole-layer loss kernel too.
    /// </summary>
    public abstract void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar, bool asLayer);

    /// <summary>Declares the local <c>loss</c> from the output locals, as <see cref="EmitLoss"/> computes it.</summary>
    public abstract void EmitLossInLocals(CodeWriter writer, int n, int k, Scalar scalar);

    /// <summary>The output layer's delta into the span <c>delta{n}</c>.</summary>
    /// <remarks>
    /// <paramref name="slope"/>, where given, names the derivative at a unit index expression, already computed (a lane of a
    /// packed derivative, <see cref="ActivationInfo.TimesSlope"/>).
    /// </remarks>
    public abstract void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null);

    /// <summary>
    /// The output layer's delta into locals <c>d{n}_{k}</c>; <paramref name="slope"/>, where given, names the derivative at
    /// a unit index, already computed (a lane of a packed derivative, <see cref="ActivationInfo.TimesSlope"/>).
    /// </summary>
    public abstract void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null);

    /// <summary>The output layer's values its activation's derivative is written through: a, or the logits z.</summary>
    private static string DerivativeInputOf(ActivationInfo output) => output.DerivativeInput == DerivativeInput.PreActivation ? "z" : "a";

    private static readonly LossInfo HalfSquaredError = new ErrorLoss(
        LossKind.HalfSquaredError, "half squared error, 0.5 * sum_k (o_k - t_k)^2",
        term: (e, _) => $"{e} * {e}",
        gradient: (e, _, _) => e,
        total: (sum, _, s) => $"{s.Literal(0.5)} * {sum}",
        gradientText: (n, _) => $"(a{n} - t)");

    private static readonly LossInfo MeanSquaredError = new ErrorLoss(
        LossKind.MeanSquaredError, "mean squared error, mean_k (o_k - t_k)^2",
        term: (e, _) => $"{e} * {e}",
        gradient: (e, k, s) => $"({s.Literal(2.0 / k)} * {e})",
        total: (sum, k, s) => $"{sum} / {s.Literal(k)}",
        gradientText: (n, k) => $"2 / {k} * (a{n} - t)");

    // PyTorch's L1Loss: the gradient of |e| is sign(e), 0 at e = 0.
    private static readonly LossInfo L1 = new ErrorLoss(
        LossKind.L1, "mean absolute error (L1), mean_k |o_k - t_k|",
        term: (e, s) => $"{s.Math}.Abs({e})",
        gradient: (e, k, s) => $"({s.Literal(1.0 / k)} * ({e} > {s.Literal(0)} ? {s.Literal(1)} : {e} < {s.Literal(0)} ? {s.Literal(-1)} : {s.Literal(0)}))",
        total: (sum, k, s) => $"{sum} / {s.Literal(k)}",
        gradientText: (n, k) => $"sign(a{n} - t) / {k}");

    // PyTorch's HuberLoss with delta 1: quadratic inside |e| < 1, linear outside; its gradient is e clamped to [-1, 1].
    private static readonly LossInfo Huber = new ErrorLoss(
        LossKind.Huber, "Huber loss (delta 1), mean_k h(o_k - t_k), h(e) = 0.5 e^2 if |e| < 1 else |e| - 0.5",
        term: (e, s) => $"({s.Math}.Abs({e}) < {s.Literal(1)} ? {s.Literal(0.5)} * {e} * {e} : {s.Math}.Abs({e}) - {s.Literal(0.5)})",
        gradient: (e, k, s) => $"({s.Literal(1.0 / k)} * global::System.Math.Clamp({e}, {s.Literal(-1)}, {s.Literal(1)}))",
        total: (sum, k, s) => $"{sum} / {s.Literal(k)}",
        gradientText: (n, k) => $"clamp(a{n} - t, -1, 1) / {k}");
    private static readonly LossInfo BinaryCrossEntropy = new BinaryCrossEntropyLoss();
    private static readonly LossInfo CrossEntropy = new CrossEntropyLoss();

    /// <summary>The row for <paramref name="kind"/>; an unknown kind is an internal error, never another kind's math.</summary>
    public static LossInfo Of(LossKind kind) => kind switch
    {
        LossKind.HalfSquaredError => HalfSquaredError,
        LossKind.MeanSquaredError => MeanSquaredError,
        LossKind.BinaryCrossEntropy => BinaryCrossEntropy,
        LossKind.CrossEntropy => CrossEntropy,
        LossKind.L1 => L1,
        LossKind.Huber => Huber,
        _ => throw new UnknownKindException(typeof(LossKind), (int)kind),
    };

    /// <summary>
    /// A loss of the error e_k = o_k - t_k alone, summed or averaged over k: squared errors, L1, Huber.
    /// The output delta is the loss's derivative in e, through the output activation's derivative.
    /// </summary>
    private sealed class ErrorLoss : LossInfo
    {
        private readonly System.Func<string, Scalar, string> _term;
        private readonly System.Func<string, int, Scalar, string> _gradient;
        private readonly System.Func<string, int, Scalar, string> _total;
        private readonly System.Func<int, int, string> _gradientText;

        /// <param name="term">The loss of one error, e.g. <c>e * e</c>.</param>
        /// <param name="gradient">d loss / d o_k from an error expression (with the 1/k of a mean), e.g. <c>(2/k * e)</c>.</param>
        /// <param name="total">The loss from the (parenthesised) sum of terms, e.g. <c>0.5 * sum</c>.</param>
        /// <param name="gradientText">That gradient as the generated comment says it, from layer n and width k.</param>
        public ErrorLoss(LossKind kind, string description, System.Func<string, Scalar, string> term, System.Func<string, int, Scalar, string> gradient,
            System.Func<string, int, Scalar, string> total, System.Func<int, int, string> gradientText)
            : base(kind, description)
        {
            _term = term;
            _gradient = gradient;
            _total = total;
            _gradientText = gradientText;
        }

        public override bool ReadsOutput(bool asLayer) => true;

        public override bool ReadsLogits => false;

        private string DeltaComment(int n, int k, ActivationInfo output) =>
            $"// Output delta: d loss / d z{n} = {_gradientText(n, k)} * {output.Name}'(z{n})";

        public override void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar, bool asLayer)
        {
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
            {
                writer.Line($"{scalar.Keyword} error = a{n}[k] - target[k];");
                writer.Line($"loss += {_term("error", scalar)};");
            }
            writer.Line($"return {_total("loss", k, scalar)};");
        }

        public override void EmitLossInLocals(CodeWriter writer, int n, int k, Scalar scalar)
        {
            for (int j = 0; j < k; j++)
                writer.Line($"{scalar.Keyword} error{j} = a{n}_{j} - target[{j}];");
            string terms = string.Join(" + ", Enumerable.Range(0, k).Select(j => _term($"error{j}", scalar)));
            writer.Line($"{scalar.Keyword} loss = {_total("(" + terms + ")", k, scalar)};");
        }

        public override void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null)
        {
            writer.Line(DeltaComment(n, k, output));
            string gradient = _gradient($"(a{n}[k] - target[k])", k, scalar);
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"delta{n}[k] = {(slope is null ? output.TimesDerivative($"{DerivativeInputOf(output)}{n}[k]", gradient, scalar) : output.TimesSlope(slope("k"), gradient))};");
        }

        public override void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null)
        {
            writer.Line(DeltaComment(n, k, output));
            for (int j = 0; j < k; j++)
            {
                string gradient = _gradient($"error{j}", k, scalar);
                writer.Line($"{scalar.Keyword} d{n}_{j} = {(slope is null ? output.TimesDerivative($"{DerivativeInputOf(output)}{n}_{j}", gradient, scalar) : output.TimesSlope(slope(j.ToString(System.Globalization.CultureInfo.InvariantCulture)), gradient))};");
            }
        }
    }

    /// <summary>Binary cross-entropy of sigmoid outputs, from the logits: finite for any z, delta fused to a - t.</summary>
    private sealed class BinaryCrossEntropyLoss : LossInfo
    {
        private const string Comment = "// -[t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))] = max(z, 0) - t z + log(1 + exp(-|z|)): finite for any z";

        public BinaryCrossEntropyLoss()
            : base(LossKind.BinaryCrossEntropy, "binary cross-entropy, -sum_k [t_k log o_k + (1 - t_k) log(1 - o_k)], from the logits",
                ActivationKind.Sigmoid, Diagnostics.BinaryCrossEntropyNeedsSigmoid)
        {
        }

        public override bool ReadsOutput(bool asLayer) => asLayer;

        public override bool ReadsLogits => true;

        private static string Term(string z, string t, Scalar s) =>
            $"{s.Math}.Max({z}, {s.Literal(0)}) - {t} * {z} + {s.Math}.Log({s.Literal(1)} + {s.Math}.Exp(-{s.Math}.Abs({z})))";

        public override void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar, bool asLayer)
        {
            writer.Line(Comment);
            if (asLayer)
            {
                // log(1 + exp(-|z|)) is -log(max(a, 1 - a)), and the kernel takes one log of a product of those per
                // layer: no exp, where a Math.Exp and Math.Log per output cost more than the rest of a training step.
                writer.Line($"loss += {RuntimeApi.Call(RuntimeApi.BinaryCrossEntropyFromOutputs)}<{scalar.Keyword}>(a{n}, z{n}, target);");
                writer.Line("return loss;");
                return;
            }
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
            {
                writer.Line($"{scalar.Keyword} z = z{n}[k];");
                writer.Line($"loss += {Term("z", "target[k]", scalar)};");
            }
            writer.Line("return loss;");
        }

        public override void EmitLossInLocals(CodeWriter writer, int n, int k, Scalar scalar)
        {
            writer.Line(Comment);
            writer.Line($"{scalar.Keyword} loss = {string.Join(" + ", Enumerable.Range(0, k).Select(j => "(" + Term($"z{n}_{j}", $"target[{j}]", scalar) + ")"))};");
        }

        public override void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null)
        {
            writer.Line($"// Output delta, sigmoid and binary cross-entropy fused: d loss / d z{n} = a{n} - t");
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"delta{n}[k] = a{n}[k] - target[k];");
        }

        public override void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null)
        {
            writer.Line($"// Output delta, sigmoid and binary cross-entropy fused: d loss / d z{n} = a{n} - t");
            for (int j = 0; j < k; j++)
                writer.Line($"{scalar.Keyword} d{n}_{j} = a{n}_{j} - target[{j}];");
        }
    }

    /// <summary>Cross-entropy of softmax outputs, from the logits without an exp: delta fused to a sum(t) - t.</summary>
    private sealed class CrossEntropyLoss : LossInfo
    {
        private const string DeltaComment = "// Output delta, softmax and cross-entropy fused: d loss / d z{0} = a{0} * sum(t) - t (a{0} - t for one-hot targets)";

        public CrossEntropyLoss()
            : base(LossKind.CrossEntropy, "cross-entropy, -sum_k t_k log softmax(z)_k, from the logits",
                ActivationKind.Softmax, Diagnostics.CrossEntropyNeedsSoftmax)
        {
        }

        public override bool ReadsOutput(bool asLayer) => true;

        public override bool ReadsLogits => true;

        public override void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar, bool asLayer)
        {
            writer.Line("// -sum_k t_k log softmax(z)_k = sum_k t_k (logsumexp(z) - z_k). With m the largest logit,");
            writer.Line("// softmax(z)_m = 1 / sum_j exp(z_j - z_m), so logsumexp(z) = z_m - log a_m: no exp, and finite for any z.");
            writer.Line("int largest = 0;");
            using (writer.Block($"for (int k = 1; k < {k}; k++)"))
                writer.Line($"if (z{n}[k] > z{n}[largest]) largest = k;");
            writer.Line($"{scalar.Keyword} logSumExp = z{n}[largest] - {scalar.Math}.Log(a{n}[largest]);");
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"loss += target[k] * (logSumExp - z{n}[k]);");
            writer.Line("return loss;");
        }

        public override void EmitLossInLocals(CodeWriter writer, int n, int k, Scalar scalar)
        {
            string t = scalar.Keyword;
            writer.Line("// -sum_k t_k log softmax(z)_k = sum_k t_k (logsumexp(z) - z_k), with logsumexp(z) = z_m - log a_m for the largest logit z_m");
            writer.Line($"{t} largestZ = z{n}_0, largestA = a{n}_0;");
            for (int j = 1; j < k; j++)
                writer.Line($"if (z{n}_{j} > largestZ) {{ largestZ = z{n}_{j}; largestA = a{n}_{j}; }}");
            writer.Line($"{t} logSumExp = largestZ - {scalar.Math}.Log(largestA);");
            writer.Line($"{t} loss = {string.Join(" + ", Enumerable.Range(0, k).Select(j => $"target[{j}] * (logSumExp - z{n}_{j})"))};");
        }

        public override void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null)
        {
            writer.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, DeltaComment, n));
            // sum_k t_k left to right, the order of the unrolled shape below: 1 for a one-hot target. A loop of our own, not
            // TensorPrimitives.Sum: its generic loops were 14 of the methods a first training step compiled.
            writer.Line($"{scalar.Keyword} targetSum = target[0];");
            using (writer.Block($"for (int k = 1; k < {k}; k++)"))
                writer.Line("targetSum += target[k];");
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"delta{n}[k] = a{n}[k] * targetSum - target[k];");
        }

        public override void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output, Func<string, string>? slope = null)
        {
            writer.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, DeltaComment, n));
            writer.Line($"{scalar.Keyword} targetSum = {string.Join(" + ", Enumerable.Range(0, k).Select(j => $"target[{j}]"))};");
            for (int j = 0; j < k; j++)
                writer.Line($"{scalar.Keyword} d{n}_{j} = a{n}_{j} * targetSum - target[{j}];");
        }
    }
}
