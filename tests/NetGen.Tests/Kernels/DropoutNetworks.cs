using NetGen;

namespace NetGen.Tests.Kernels;

// Networks with dropout in every code shape, each with a twin declared without it (same shape, same seed, so
// the same parameters). Smooth activations where a test takes finite differences.

/// <summary>All unrolled, in locals: a packed sigmoid layer and a tanh layer, both with dropout.</summary>
[Network(3, 5, 4, 2, Activations = new[] { Activation.Sigmoid, Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Dropout = 0.5)]
public partial class DropoutInLocals { }

[Network(3, 5, 4, 2, Activations = new[] { Activation.Sigmoid, Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
public partial class DropoutInLocalsTwin { }

/// <summary>In locals, a hidden layer that keeps z (GELU) and a per-layer rate of 0 on the second hidden layer.</summary>
[Network(3, 4, 3, 2, Activations = new[] { Activation.GELU, Activation.Sigmoid, Activation.Identity }, DropoutRates = new[] { 0.3, 0.0 })]
public partial class DropoutPerLayerInLocals { }

/// <summary>Unrolled layers on the span kernels: a tanh layer wide enough for one layer kernel call, then softmax.</summary>
[Network(4, 9, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Dropout = 0.4)]
public partial class DropoutUnrolledSpans { }

[Network(4, 9, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class DropoutUnrolledSpansTwin { }

/// <summary>Every layer looped, the batch calls run layer 1 for chunks of rows; a SiLU layer keeps z.</summary>
[Network(3, 9, 6, 2, Activations = new[] { Activation.Tanh, Activation.SiLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, DropoutRates = new[] { 0.5, 0.25 }, MaxUnrolledWeights = 0)]
public partial class DropoutLooped { }

[Network(3, 9, 6, 2, Activations = new[] { Activation.Tanh, Activation.SiLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
public partial class DropoutLoopedTwin { }

/// <summary>A looped layer below an unrolled one.</summary>
[Network(6, 4, 5, 2, Activations = new[] { Activation.Sigmoid, Activation.Tanh, Activation.Identity }, Dropout = 0.2, MaxUnrolledWeights = 20)]
public partial class DropoutMixedShapes { }

/// <summary>Single precision, looped, a wide layer: the rate counted over many draws.</summary>
[Network(2, 64, 1, Hidden = Activation.Sigmoid, Output = Activation.Identity, Dropout = 0.3, Precision = Precision.Single, MaxUnrolledWeights = 0)]
public partial class DropoutWideSingle { }

/// <summary>A replicable classifier for data-parallel Fit with dropout.</summary>
[Network(8, 32, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Dropout = 0.5, Precision = Precision.Single, MaxUnrolledWeights = 0)]
public partial class DropoutClassifier { }
