using System;
using NetGen.Generator.Model;

namespace NetGen.Generator.Kinds;

/// <summary>What the derivative of an activation is written in terms of.</summary>
internal enum DerivativeInput
{
    /// <summary>f'(z) = 1: the delta passes through unchanged.</summary>
    None,

    /// <summary>f'(z) written through the layer's output a = f(z) (sigmoid: a (1 - a)); only a is kept.</summary>
    Output,

    /// <summary>f'(z) needs the pre-activation z itself (GELU, SiLU): the plan keeps z beside a.</summary>
    PreActivation,
}

/// <summary>Where in a network an activation may stand.</summary>
internal enum ActivationPlacement
{
    /// <summary>On any layer.</summary>
    AnyLayer,

    /// <summary>Only on the output layer, and only with <see cref="ActivationInfo.RequiredLoss"/> (softmax with cross-entropy).</summary>
    OutputWithRequiredLoss,
}

/// <summary>
/// Everything the generator knows about one kind of activation, in one place: its name in comments,
/// the runtime kernels that compute it, how to write its value and derivative as C#, and the rules the
/// parser and planner apply to it. <see cref="Of"/> is the table; adding an activation is one row here
/// and one operator in the runtime (DEVELOPERS.md lists every place).
/// </summary>
internal sealed class ActivationInfo
{
    private readonly Func<string, Scalar, string>? _forward;
    private readonly Func<string, string, Scalar, string>? _timesDerivative;
    private readonly Func<string, string, Scalar, string, string>? _timesDerivativeVector;

    private ActivationInfo(
        ActivationKind kind, string name, string runtimeName, bool isTranscendental, DerivativeInput derivativeInput,
        InitializerKind defaultInitializer, Func<string, Scalar, string>? forward, Func<string, string, Scalar, string>? timesDerivative,
        ActivationPlacement placement = ActivationPlacement.AnyLayer, LossKind? requiredLoss = null, string? kernelNote = null,
        Func<string, string, Scalar, string, string>? timesDerivativeVector = null, bool packs = false, double? scalarCallNanoseconds = null)
    {
        Packs = packs;
        ScalarCallNanoseconds = scalarCallNanoseconds;
        KernelNote = kernelNote;
        HasInlineVectorForm = timesDerivativeVector is not null;
        _timesDerivativeVector = timesDerivativeVector;
        Kind = kind;
        Name = name;
        RuntimeName = runtimeName;
        IsTranscendental = isTranscendental;
        DerivativeInput = derivativeInput;
        DefaultInitializer = defaultInitializer;
        _forward = forward;
        _timesDerivative = timesDerivative;
        Placement = placement;
        RequiredLoss = requiredLoss;
    }

    public ActivationKind Kind { get; }

    /// <summary>The name the generated comments use, e.g. <c>sigmoid</c> in <c>a1 = sigmoid(z)</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The stem of the runtime kernels (<see cref="RuntimeApi"/>): <c>Kernels.{RuntimeName}(z)</c> for one value,
    /// <c>Kernels.{RuntimeName}&lt;T&gt;(z, a)</c> over a layer, <c>Kernels.{RuntimeName}Derivative&lt;T&gt;(a or z, delta)</c> backward.
    /// </summary>
    public string RuntimeName { get; }

    /// <summary>
    /// True when one value costs an exp or tanh: a wide layer of it is then activated by one vector kernel call
    /// (<see cref="Planning.PlanLimits.MinVectorizedActivationWidth"/>) instead of one scalar call per neuron.
    /// </summary>
    public bool IsTranscendental { get; }

    public DerivativeInput DerivativeInput { get; }

    /// <summary>
    /// True when <see cref="TimesDerivative"/> is a runtime call per value (GELU, SiLU, Softplus: transcendental, from z),
    /// not arithmetic on the output (sigmoid, tanh): a layer of it activated by its layer kernel also multiplies its delta
    /// by the layer's derivative kernel, one vector call instead of a scalar call per unit.
    /// </summary>
    public bool DerivativeIsCall => IsTranscendental && DerivativeInput == DerivativeInput.PreActivation;

    /// <summary>
    /// True when the runtime computes a vector of values at once, each lane as the scalar form does up to the vector exp's
    /// last bits (<c>Kernels.{RuntimeName}(Vector128/256/512)</c>), and, where <see cref="DerivativeIsCall"/>, the derivative
    /// too (<c>Kernels.{RuntimeName}Derivative(Vector...)</c>): a narrow unrolled layer of it packs its units into one vector
    /// (<see cref="Planning.LayerPlan.PacksActivation"/>), one call instead of one per unit.
    /// </summary>
    public bool Packs { get; }

    /// <summary>
    /// What one more unit of the scalar form costs where a layer's calls follow one another (measured on this project's
    /// host by <c>NetGen.Benchmarks --packs</c>, docs/benchmarks.md), for the kinds whose scalar form is a call; null for the others.
    /// </summary>
    public double? ScalarCallNanoseconds { get; }

    /// <summary>
    /// The fewest units a layer of this kind packs (<see cref="Packs"/>): 2, or for a call per unit, the units whose calls
    /// cost at least a pack's wait (<see cref="Planning.PlanLimits.PackBreakEvenNanoseconds"/>). A pack is one vector
    /// evaluation that the layer waits for, 35-60 ns; scalar calls overlap, each adding its cost: two GELU calls (14.5 ns
    /// each) already cost more than a pack, SiLU (4.5 ns) needs six.
    /// </summary>
    public int MinPackedUnits => ScalarCallNanoseconds is double cost
        ? Math.Max(2, (int)Math.Ceiling(Planning.PlanLimits.PackBreakEvenNanoseconds / cost))
        : 2;

    /// <summary>The initializer <c>Initializer.Default</c> means after a hidden layer of this kind (He for ReLU-like, else Xavier).</summary>
    public InitializerKind DefaultInitializer { get; }

    public ActivationPlacement Placement { get; }

    /// <summary>
    /// True when a vector of sums is activated by an inlined compare and mask or by nothing
    /// (<c>Kernels.{RuntimeName}(Vector128/256)</c>; identity writes no call), and its derivative too
    /// (<see cref="TimesDerivativeVector"/>): a narrow hidden layer of it runs Predict as one vector
    /// (<see cref="Planning.LayerPlan.PredictsAsVector"/>), a wide one of one or two inputs every in-locals kernel in vectors of four
    /// units (<see cref="Planning.LayerPlan.GroupsUnits"/>).
    /// </summary>
    public bool HasInlineVectorForm { get; }

    /// <summary>
    /// True when <c>Kernels.ColumnCopyProduct</c> applies this activation to its vectors of sums as it stores them (the kinds
    /// with an inlined compare and mask or nothing, <see cref="HasInlineVectorForm"/>): Predict's first layer read from a
    /// copy of W then needs no pass of its own over the layer's outputs.
    /// </summary>
    public bool FusesIntoColumnProduct => HasInlineVectorForm;

    /// <summary>
    /// <see cref="TimesDerivative"/> for a vector of units (<paramref name="vector"/>: the vector class, such as
    /// <c>global::System.Runtime.Intrinsics.Vector256</c>), lane for lane the scalar expression: the same compare, the same
    /// product. Only the kinds of <see cref="HasInlineVectorForm"/> have it.
    /// </summary>
    public string TimesDerivativeVector(string input, string gradient, Scalar scalar, string vector) =>
        _timesDerivativeVector is null ? throw new InvalidOperationException(Name + " has no inline vector form") : _timesDerivativeVector(input, gradient, scalar, vector);

    /// <summary>The loss this activation must be paired with, for <see cref="ActivationPlacement.OutputWithRequiredLoss"/>.</summary>
    public LossKind? RequiredLoss { get; }

    /// <summary>What the generated comment adds about how the layer kernel computes it (softmax: how it avoids overflow).</summary>
    public string? KernelNote { get; }

    /// <summary>True for activations computed value by value (every kind except softmax, which normalises a whole layer).</summary>
    public bool IsElementwise => _forward is not null;

    /// <summary>The activation of one value <paramref name="z"/>, as a C# expression.</summary>
    public string Forward(string z, Scalar scalar) =>
        _forward is null ? throw new InvalidOperationException(Name + " is not computed value by value") : _forward(z, scalar);

    /// <summary>
    /// <c>gradient * f'(z)</c> as a C# expression, with <paramref name="input"/> naming the layer's output a
    /// or its pre-activation z, as <see cref="DerivativeInput"/> says.
    /// </summary>
    public string TimesDerivative(string input, string gradient, Scalar scalar) =>
        _timesDerivative is null ? throw new InvalidOperationException(Name + "'s derivative exists only fused into its loss") : _timesDerivative(input, gradient, scalar);

    /// <summary>
    /// <see cref="TimesDerivative"/> of a <see cref="DerivativeIsCall"/> kind with the call's value already in <paramref name="slope"/>
    /// (a lane of a packed derivative): the same product, in the same order.
    /// </summary>
    public string TimesSlope(string slope, string gradient) =>
        DerivativeIsCall ? $"{Parenthesize(gradient)} * {slope}" : throw new InvalidOperationException(Name + "'s derivative is no call");

    private const string Kernels = RuntimeApi.Kernels;

    private static readonly ActivationInfo Identity = new(
        ActivationKind.Identity, "identity", "Identity", isTranscendental: false, DerivativeInput.None, InitializerKind.XavierUniform,
        forward: (z, _) => z,
        timesDerivative: (_, gradient, _) => gradient,
        timesDerivativeVector: (_, gradient, _, _) => gradient);

    private static readonly ActivationInfo Sigmoid = new(
        ActivationKind.Sigmoid, "sigmoid", "Sigmoid", isTranscendental: true, DerivativeInput.Output, InitializerKind.XavierUniform,
        forward: (z, _) => $"{Kernels}.Sigmoid({z})",
        timesDerivative: (a, gradient, s) => $"{gradient} * {a} * ({s.Literal(1)} - {a})",
        packs: true);

    private static readonly ActivationInfo Tanh = new(
        ActivationKind.Tanh, "tanh", "Tanh", isTranscendental: true, DerivativeInput.Output, InitializerKind.XavierUniform,
        forward: (z, s) => $"{s.Math}.Tanh({z})",
        timesDerivative: (a, gradient, s) => $"{gradient} * ({s.Literal(1)} - {a} * {a})");

    private static readonly ActivationInfo ReLU = new(
        ActivationKind.ReLU, "relu", "ReLU", isTranscendental: false, DerivativeInput.Output, InitializerKind.HeUniform,
        forward: (z, _) => $"{Kernels}.ReLU({z})",
        timesDerivative: (a, gradient, s) => $"({a} > {s.Literal(0)} ? {gradient} : {s.Literal(0)})",
        timesDerivativeVector: (a, gradient, s, v) => $"{v}.ConditionalSelect({v}.GreaterThan({a}, {v}<{s.Keyword}>.Zero), {gradient}, {v}<{s.Keyword}>.Zero)");

    private static readonly ActivationInfo LeakyReLU = new(
        ActivationKind.LeakyReLU, "leaky_relu", "LeakyReLU", isTranscendental: false, DerivativeInput.Output, InitializerKind.HeUniform,
        forward: (z, _) => $"{Kernels}.LeakyReLU({z})",
        timesDerivative: (a, gradient, s) => $"({a} > {s.Literal(0)} ? {gradient} : {s.Literal(0.01)} * {Parenthesize(gradient)})",
        timesDerivativeVector: (a, gradient, s, v) => $"{v}.ConditionalSelect({v}.GreaterThan({a}, {v}<{s.Keyword}>.Zero), {gradient}, {v}.Create({s.Literal(0.01)}) * {Parenthesize(gradient)})");

    private static readonly ActivationInfo GELU = new(
        ActivationKind.GELU, "gelu", "GELU", isTranscendental: true, DerivativeInput.PreActivation, InitializerKind.HeUniform,
        forward: (z, _) => $"{Kernels}.GELU({z})",
        timesDerivative: (z, gradient, _) => $"{Parenthesize(gradient)} * {Kernels}.GELUDerivative({z})",
        packs: true, scalarCallNanoseconds: 14.5);

    private static readonly ActivationInfo SiLU = new(
        ActivationKind.SiLU, "silu", "SiLU", isTranscendental: true, DerivativeInput.PreActivation, InitializerKind.HeUniform,
        forward: (z, _) => $"{Kernels}.SiLU({z})",
        timesDerivative: (z, gradient, _) => $"{Parenthesize(gradient)} * {Kernels}.SiLUDerivative({z})",
        packs: true, scalarCallNanoseconds: 4.5);

    private static readonly ActivationInfo ELU = new(
        ActivationKind.ELU, "elu", "ELU", isTranscendental: true, DerivativeInput.Output, InitializerKind.HeUniform,
        forward: (z, _) => $"{Kernels}.ELU({z})",
        timesDerivative: (a, gradient, s) => $"({a} > {s.Literal(0)} ? {gradient} : {Parenthesize(gradient)} * ({a} + {s.Literal(1)}))",
        packs: true, scalarCallNanoseconds: 7.8);

    private static readonly ActivationInfo Softplus = new(
        ActivationKind.Softplus, "softplus", "Softplus", isTranscendental: true, DerivativeInput.PreActivation, InitializerKind.HeUniform,
        forward: (z, _) => $"{Kernels}.Softplus({z})",
        timesDerivative: (z, gradient, _) => $"{Parenthesize(gradient)} * {Kernels}.SoftplusDerivative({z})",
        packs: true, scalarCallNanoseconds: 15.0);

    private static readonly ActivationInfo Softmax = new(
        ActivationKind.Softmax, "softmax", "Softmax", isTranscendental: true, DerivativeInput.Output, InitializerKind.XavierUniform,
        forward: null, timesDerivative: null,
        ActivationPlacement.OutputWithRequiredLoss, LossKind.CrossEntropy,
        kernelNote: "computed as exp(z - max z) / sum exp(z - max z) so no exp overflows");

    /// <summary>The row for <paramref name="kind"/>; an unknown kind is an internal error, never another kind's math.</summary>
    public static ActivationInfo Of(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => Identity,
        ActivationKind.Sigmoid => Sigmoid,
        ActivationKind.Tanh => Tanh,
        ActivationKind.ReLU => ReLU,
        ActivationKind.LeakyReLU => LeakyReLU,
        ActivationKind.Softmax => Softmax,
        ActivationKind.GELU => GELU,
        ActivationKind.SiLU => SiLU,
        ActivationKind.ELU => ELU,
        ActivationKind.Softplus => Softplus,
        _ => throw new UnknownKindException(typeof(ActivationKind), (int)kind),
    };

    private static string Parenthesize(string expression)
    {
        foreach (char c in expression)
        {
            if (!(char.IsLetterOrDigit(c) || c == '[' || c == ']' || c == '_'))
                return "(" + expression + ")";
        }
        return expression;
    }
}

/// <summary>An enum value the generator has no row for: a bug in NetGen, reported as NG0099, never silently mapped to another kind.</summary>
internal sealed class UnknownKindException : Exception
{
    public UnknownKindException(Type kind, int value)
        : base($"{kind.Name} value {value} has no row in NetGen's descriptor table")
    {
    }
}
