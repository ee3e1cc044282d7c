using Microsoft.CodeAnalysis;

namespace NetGen.Generator;

/// <summary>
/// Every diagnostic NetGen reports. Each message says what is wrong and how to fix it; each ID
/// has a page under docs/diagnostics/ and a line in AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class Diagnostics
{
    private const string Category = "NetGen";
    private const string HelpLinkBase = "https://github.com/netgen/netgen/blob/main/docs/diagnostics/";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "NG0001", "Network class must be partial",
        "'{0}' must be declared partial so NetGen can add the generated members: write 'partial class {0}'. Until then every use of a generated member is an error too (CS0117, CS1061)");

    public static readonly DiagnosticDescriptor TooFewLayers = Error(
        "NG0002", "A network needs at least two layer sizes",
        "[Network] on '{0}' has {1} layer size(s); give the input size and at least one more, e.g. [Network(4, 3, 1)]");

    public static readonly DiagnosticDescriptor LayerSizeTooSmall = Error(
        "NG0003", "Layer size must be 1 or more",
        "Layer size {0} (position {1}) of '{2}' is below 1; every layer needs at least one neuron");

    public static readonly DiagnosticDescriptor ActivationCountMismatch = Error(
        "NG0004", "Activations needs one entry per weight layer",
        "Activations of '{0}' has {1} entries, but {2} layer sizes make {3} weight layers; give exactly {3} activations");

    public static readonly DiagnosticDescriptor SoftmaxNotOutputWithCrossEntropy = Error(
        "NG0005", "Softmax is only supported as the output activation with CrossEntropy",
        "'{0}' uses Softmax {1}; use Softmax only on the output layer together with Loss = LossFunction.CrossEntropy");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmax = Error(
        "NG0006", "CrossEntropy needs a Softmax output",
        "'{0}' uses LossFunction.CrossEntropy, which needs a Softmax output, but its output is {1}; set Output = Activation.Softmax (or use BinaryCrossEntropy with a Sigmoid output)");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyNeedsSigmoid = Error(
        "NG0007", "BinaryCrossEntropy needs a Sigmoid output",
        "'{0}' uses LossFunction.BinaryCrossEntropy, which needs a Sigmoid output, but its output is {1}; set Output = Activation.Sigmoid");

    public static readonly DiagnosticDescriptor GenericNotSupported = Error(
        "NG0008", "Generic network classes are not supported",
        "'{0}' is generic or nested in a generic type; a network has one fixed shape and precision, so declare it in a non-generic class");

    public static readonly DiagnosticDescriptor ConflictingActivations = Error(
        "NG0009", "Activations conflicts with Hidden or Output",
        "'{0}' sets both Activations and {1}; use Activations alone (one per weight layer) or Hidden and Output");

    public static readonly DiagnosticDescriptor ValueOutOfRange = Error(
        "NG0010", "Attribute value out of range",
        "{0} = {1} on '{2}' is not a defined value; use one of: {3}");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        "NG0011", "Network is too large to generate",
        "'{0}' {1}; the limit is {2}. Split the model or make the layers smaller.");

    public static readonly DiagnosticDescriptor UnsupportedTypeKind = Error(
        "NG0012", "Unsupported kind of type for a network",
        "'{0}' is {1}; [Network] needs a non-static partial class that is not a record and not file-local");

    public static readonly DiagnosticDescriptor MemberNameClash = Error(
        "NG0013", "A member clashes with a generated member",
        "'{0}' {1} '{2}', which NetGen generates; rename or remove it");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "NG0014", "Containing type must be partial",
        "'{0}' is nested in '{1}', which must be partial too so NetGen can add to '{0}': write 'partial' on '{1}'");

    public static readonly DiagnosticDescriptor BaseWithoutParameterlessConstructor = Error(
        "NG0015", "Base class needs a parameterless constructor",
        "'{0}' derives from '{1}', which has no accessible parameterless constructor; the generated constructors call base(). Add one to '{1}', or derive from another class.");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "NG0016", "Weights file is not an AdditionalFiles item",
        "Weights = \"{0}\" on '{1}' does not name exactly one AdditionalFiles item{2}. List the file in the project file as <AdditionalFiles Include=\"{0}\" /> and name it by its path relative to the project or by its file name.");

    public static readonly DiagnosticDescriptor WeightsFileNotJson = Error(
        "NG0017", "Weights file is not state_dict JSON",
        "The Weights file '{0}' of '{1}' is not state_dict JSON: {2}. Export it from PyTorch with json.dump({{k: v.tolist() for k, v in model.state_dict().items()}}, file).");

    public static readonly DiagnosticDescriptor WeightsDoNotMatch = Error(
        "NG0018", "Weights file does not match the network",
        "The Weights file '{0}' does not match '{1}' ({2}): {3}");

    public static readonly DiagnosticDescriptor WeightsNotFinite = Error(
        "NG0019", "Weights file holds a number that is not finite",
        "The Weights file '{0}' of '{1}' cannot be compiled in: {2}. Every weight must be a finite number of the network's precision.");

    public static readonly DiagnosticDescriptor WeightsFileTooLarge = Error(
        "NG0020", "Weights file is too large to compile in",
        "The Weights file '{0}' of '{1}' has {2} characters, more than the {3} NetGen compiles into code; load a file this large at run time with LoadStateDict instead");

    public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Error(
        "NG0021", "Dropout rate out of range",
        "{0} = {1} on '{2}' is not a dropout rate; use the probability of dropping a unit, from 0 (no dropout) up to but not including 1, e.g. 0.2");

    public static readonly DiagnosticDescriptor DropoutLayerMismatch = Error(
        "NG0022", "Dropout does not match the hidden layers",
        "'{0}' {1}; give DropoutRates one rate per hidden layer ({2} here), or set Dropout alone for the same rate on every hidden layer");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "NG0099", "NetGen failed unexpectedly",
        "NetGen could not process '{0}': {1}. Please report this with the declaration that caused it.");
}
