using NetGen;

namespace NetGen.Tests.Kernels;

// Networks the tests make up themselves: every activation and loss, both code shapes, and layers
// of mixed shape in one network.

[Network(3, 5, 4, 2, Activations = new[] { Activation.Sigmoid, Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
public partial class SigmoidTanhMse { }

[Network(5, 7, 3, Hidden = Activation.LeakyReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class LeakySoftmax { }

[Network(4, 6, 6, 3, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class ReluBinary { }

[Network(20, 16, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class WideTanhSoftmax { }

[Network(2, 40, 1, Hidden = Activation.Sigmoid, Output = Activation.Identity, MaxUnrolledWeights = 0)]
public partial class LoopedRegression { }

[Network(6, 4, 5, 4, 2, Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid }, MaxUnrolledWeights = 20)]
public partial class MixedShapes { }

[Network(3, 9, 2, Hidden = Activation.LeakyReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
public partial class LoopedBinary { }

// A small network (204 parameters) with a layer of 20 units and sums of 20 terms: its layers train in batches through
// the layer kernels; Predict, Backward and Train run unrolled whole in locals (Planner rule 9's small-network bounds).
[Network(5, 20, 4, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
public partial class SmallWideInLocals { }

[Network(1, 2, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class SingleLayerSoftmax { }

[Network(1, 1, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class SingleNeuronLogistic { }

[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class MnistShaped { }
