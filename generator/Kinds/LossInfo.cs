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

    /// <summary>Whether the loss reads the output a and the logits z (ComputeLoss slices only what it reads).</summary>
    public abstract bool ReadsOutput { get; }

    public abstract bool ReadsLogits { get; }

    /// <summary>ComputeLoss's body after <c>loss = 0</c>: adds up the loss and returns it.</summary>
    public abstract void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar);

    /// <summary>Declares the local <c>loss</c> from the output locals, as <see cref="EmitLoss"/> computes it.</summary>
    public abstract void EmitLossInLocals(CodeWriter writer, int n, int k, Scalar scalar);

    /// <summary>The output layer's delta into the span <c>delta{n}</c>.</summary>
    public abstract void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output);

    /// <summary>The output layer's delta into locals <c>d{n}_{k}</c>.</summary>
    public abstract void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output);

    private static readonly LossInfo HalfSquaredError = new SquaredError(LossKind.HalfSquaredError, mean: false);
    private static readonly LossInfo MeanSquaredError = new SquaredError(LossKind.MeanSquaredError, mean: true);
    private static readonly LossInfo BinaryCrossEntropy = new BinaryCrossEntropyLoss();
    private static readonly LossInfo CrossEntropy = new CrossEntropyLoss();

    /// <summary>The row for <paramref name="kind"/>; an unknown kind is an internal error, never another kind's math.</summary>
    public static LossInfo Of(LossKind kind) => kind switch
    {
        LossKind.HalfSquaredError => HalfSquaredError,
        LossKind.MeanSquaredError => MeanSquaredError,
        LossKind.BinaryCrossEntropy => BinaryCrossEntropy,
        LossKind.CrossEntropy => CrossEntropy,
        _ => throw new UnknownKindException(typeof(LossKind), (int)kind),
    };

    /// <summary>0.5 * sum_k (o_k - t_k)^2, or the mean over k: the output delta goes through the output activation's derivative.</summary>
    private sealed class SquaredError : LossInfo
    {
        private readonly bool _mean;

        public SquaredError(LossKind kind, bool mean)
            : base(kind, mean ? "mean squared error, mean_k (o_k - t_k)^2" : "half squared error, 0.5 * sum_k (o_k - t_k)^2") =>
            _mean = mean;

        public override bool ReadsOutput => true;

        public override bool ReadsLogits => false;

        private string Total(string sumOfSquares, int k, Scalar scalar) =>
            _mean ? $"{sumOfSquares} / {scalar.Literal(k)}" : $"{scalar.Literal(0.5)} * {sumOfSquares}";

        /// <summary>d loss / d o_k = (o_k - t_k), times 2 / k for the mean.</summary>
        private string ErrorGradient(string error, int k, Scalar scalar) =>
            _mean ? $"({scalar.Literal(2.0 / k)} * {error})" : error;

        private string DeltaComment(int n, int k, ActivationInfo output) =>
            $"// Output delta: d loss / d z{n} = {(_mean ? $"2 / {k} * " : "")}(a{n} - t) * {output.Name}'(z{n})";

        public override void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar)
        {
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
            {
                writer.Line($"{scalar.Keyword} error = a{n}[k] - target[k];");
                writer.Line("loss += error * error;");
            }
            writer.Line($"return {Total("loss", k, scalar)};");
        }

        public override void EmitLossInLocals(CodeWriter writer, int n, int k, Scalar scalar)
        {
            for (int j = 0; j < k; j++)
                writer.Line($"{scalar.Keyword} error{j} = a{n}_{j} - target[{j}];");
            string squares = string.Join(" + ", Enumerable.Range(0, k).Select(j => $"error{j} * error{j}"));
            writer.Line($"{scalar.Keyword} loss = {Total("(" + squares + ")", k, scalar)};");
        }

        public override void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output)
        {
            writer.Line(DeltaComment(n, k, output));
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"delta{n}[k] = {output.TimesDerivative($"a{n}[k]", ErrorGradient($"(a{n}[k] - target[k])", k, scalar), scalar)};");
        }

        public override void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output)
        {
            writer.Line(DeltaComment(n, k, output));
            for (int j = 0; j < k; j++)
                writer.Line($"{scalar.Keyword} d{n}_{j} = {output.TimesDerivative($"a{n}_{j}", ErrorGradient($"error{j}", k, scalar), scalar)};");
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

        public override bool ReadsOutput => false;

        public override bool ReadsLogits => true;

        private static string Term(string z, string t, Scalar s) =>
            $"{s.Math}.Max({z}, {s.Literal(0)}) - {t} * {z} + {s.Math}.Log({s.Literal(1)} + {s.Math}.Exp(-{s.Math}.Abs({z})))";

        public override void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar)
        {
            writer.Line(Comment);
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

        public override void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output)
        {
            writer.Line($"// Output delta, sigmoid and binary cross-entropy fused: d loss / d z{n} = a{n} - t");
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"delta{n}[k] = a{n}[k] - target[k];");
        }

        public override void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output)
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

        public override bool ReadsOutput => true;

        public override bool ReadsLogits => true;

        public override void EmitLoss(CodeWriter writer, int n, int k, Scalar scalar)
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

        public override void EmitOutputDelta(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output)
        {
            writer.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, DeltaComment, n));
            writer.Line($"{scalar.Keyword} targetSum = {RuntimeApi.TensorPrimitives}.Sum<{scalar.Keyword}>(target);");
            using (writer.Block($"for (int k = 0; k < {k}; k++)"))
                writer.Line($"delta{n}[k] = a{n}[k] * targetSum - target[k];");
        }

        public override void EmitOutputDeltaInLocals(CodeWriter writer, int n, int k, Scalar scalar, ActivationInfo output)
        {
            writer.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, DeltaComment, n));
            writer.Line($"{scalar.Keyword} targetSum = {string.Join(" + ", Enumerable.Range(0, k).Select(j => $"target[{j}]"))};");
            for (int j = 0; j < k; j++)
                writer.Line($"{scalar.Keyword} d{n}_{j} = a{n}_{j} * targetSum - target[{j}];");
        }
    }
}
