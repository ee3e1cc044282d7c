#if NETGEN
using NetGen;

namespace NetGen.Benchmarks.Networks;

// The six workloads of benchmarks/c-reference, declared as a NetGen user would.
// (`sealed` so calls through the concrete type are direct; the benchmarks never call through INetwork<T>.)

/// <summary>W1: the 4-3-1 tutorial network; defaults: sigmoid everywhere, half squared error, double.</summary>
[Network(4, 3, 1)]
public sealed partial class W1Net { }

/// <summary>W2: 2-2-2, sigmoid / sigmoid, half squared error, double.</summary>
[Network(2, 2, 2)]
public sealed partial class W2Net { }

/// <summary>W3: 3-4-1, ReLU / sigmoid, binary cross-entropy, double.</summary>
[Network(3, 4, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public sealed partial class W3Net { }

/// <summary>W4: 64-32-10, ReLU / softmax, cross-entropy, single.</summary>
[Network(64, 32, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public sealed partial class W4Net { }

/// <summary>W5: 8-16-16-1, tanh, tanh / identity, half squared error (the default loss), single.</summary>
[Network(8, 16, 16, 1, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Identity }, Precision = Precision.Single)]
public sealed partial class W5Net { }

/// <summary>W6: 784-128-10, ReLU / softmax, cross-entropy, single.</summary>
[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public sealed partial class W6Net { }

// Not C workloads: deeper all-unrolled sigmoid networks whose per-sample training kernels are large
// enough to meet the JIT's inlining limit (the --deep mode of Program; docs/benchmarks.md notes).

/// <summary>7-7-7-7-1, sigmoid, half squared error, double: 22 sigmoids and 22 vector-updated rows per step.</summary>
[Network(7, 7, 7, 7, 1)]
public sealed partial class Deep7Net { }

/// <summary>6-6-6-6-6-6-6-1, sigmoid, half squared error, double: 37 sigmoids and rows per step.</summary>
[Network(6, 6, 6, 6, 6, 6, 6, 1)]
public sealed partial class Deep6Net { }
#endif
