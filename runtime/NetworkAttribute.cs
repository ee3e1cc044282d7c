using System;

namespace NetGen;

/// <summary>
/// Compiles the partial class it is placed on into a fixed, fully specialised multilayer perceptron:
/// the NetGen source generator writes unrolled, allocation-free <c>Predict</c>, <c>Loss</c>,
/// <c>Backward</c> and <c>Train</c> members with every shape a compile-time constant.
/// </summary>
/// <example>
/// <code>
/// [Network(4, 3, 1)]                       // sigmoid everywhere, half squared error, double
/// public partial class XorNet { }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Declares a network with the given layer sizes, input first, output last.</summary>
    /// <param name="layerSizes">Two or more sizes, each 1 or more, e.g. <c>4, 3, 1</c>.</param>
    public NetworkAttribute(params int[] layerSizes) => LayerSizes = layerSizes;

    /// <summary>The layer sizes, input first.</summary>
    public int[] LayerSizes { get; }

    /// <summary>The activation of every hidden layer (default <see cref="Activation.Sigmoid"/>).</summary>
    public Activation Hidden { get; set; } = Activation.Sigmoid;

    /// <summary>The activation of the output layer (default <see cref="Activation.Sigmoid"/>).</summary>
    public Activation Output { get; set; } = Activation.Sigmoid;

    /// <summary>
    /// One activation per weight layer (one fewer than the layer sizes); when set, it replaces
    /// <see cref="Hidden"/> and <see cref="Output"/>.
    /// </summary>
    public Activation[]? Activations { get; set; }

    /// <summary>
    /// The dropout rate p of every hidden layer, in [0, 1) (default 0: no dropout). In the training calls only
    /// (<c>Backward</c>, <c>Train</c>, <c>BackwardBatch</c>, <c>TrainBatch</c>, and so <c>Fit</c>), each hidden unit's
    /// output is zeroed with probability p after its activation and the kept ones are scaled by 1 / (1 - p) (inverted
    /// dropout, as PyTorch's <c>nn.Dropout</c>); <c>Predict</c>, <c>PredictBatch</c> and <c>Loss</c> never drop.
    /// The masks are deterministic for a seed (see <see cref="IDropoutNetwork"/>). A rate outside [0, 1) is NG0021.
    /// </summary>
    public double Dropout { get; set; }

    /// <summary>
    /// One dropout rate per hidden layer (two fewer than the layer sizes), each in [0, 1), applied after that layer's
    /// activation; when set, it replaces <see cref="Dropout"/> (setting both, or the wrong count, is NG0022).
    /// </summary>
    public double[]? DropoutRates { get; set; }

    /// <summary>The per-sample loss (default <see cref="LossFunction.HalfSquaredError"/>).</summary>
    public LossFunction Loss { get; set; } = LossFunction.HalfSquaredError;

    /// <summary>The floating-point type of parameters, inputs and outputs (default <see cref="Precision.Double"/>).</summary>
    public Precision Precision { get; set; } = Precision.Double;

    /// <summary>How the constructors fill the parameters (default <see cref="Initializer.Default"/>).</summary>
    public Initializer Initializer { get; set; } = Initializer.Default;

    /// <summary>
    /// Layers with at most this many weights (inputs x outputs) are fully unrolled into straight-line
    /// code; wider layers become SIMD loops with constant bounds. Set, it holds for every layer. Leave unset
    /// for the generator's default: 64, except that a network of at most 256 weights whose layers past 64 are
    /// all identity, ReLU or leaky ReLU is unrolled whole.
    /// </summary>
    public int MaxUnrolledWeights { get; set; } = -1;

    /// <summary>
    /// A PyTorch state_dict JSON file (the format <c>LoadStateDict</c> reads) whose weights are compiled
    /// into the class: both constructors start from them, no file is read at run time, and the network can
    /// still be trained. List the file in the project as <c>&lt;AdditionalFiles Include="..." /&gt;</c>
    /// and name it here by its path relative to the project or by its file name. A file that does not
    /// fit the declared layers is a build error (NG0016-NG0020).
    /// </summary>
    public string? Weights { get; set; }
}
