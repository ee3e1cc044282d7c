using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>The 4-3-1 sigmoid network of the first seed tutorial.</summary>
[Network(4, 3, 1)]
public partial class SeedNet431 { }

/// <summary>The classic 2-2-2 step-by-step backpropagation example.</summary>
[Network(2, 2, 2)]
public partial class SeedNet222 { }

/// <summary>The 3-4-1 ReLU / sigmoid network trained with binary cross-entropy.</summary>
[Network(3, 4, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class SeedNet341 { }

/// <summary>A digits-sized network with looped layers.</summary>
[Network(64, 32, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class DigitsShapedNet { }
