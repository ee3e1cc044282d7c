namespace NetGen.Generator.Model;

// Mirrors of the runtime's public enums. The generator cannot reference the runtime assembly (it
// runs inside the compiler), so the values are repeated here; a test checks they stay identical.

/// <summary>Mirror of <c>NetGen.Activation</c>.</summary>
internal enum ActivationKind
{
    Identity = 0,
    Sigmoid = 1,
    Tanh = 2,
    ReLU = 3,
    LeakyReLU = 4,
    Softmax = 5,
}

/// <summary>Mirror of <c>NetGen.LossFunction</c>.</summary>
internal enum LossKind
{
    HalfSquaredError = 0,
    MeanSquaredError = 1,
    BinaryCrossEntropy = 2,
    CrossEntropy = 3,
}

/// <summary>Mirror of <c>NetGen.Precision</c>.</summary>
internal enum PrecisionKind
{
    Double = 0,
    Single = 1,
}

/// <summary>Mirror of <c>NetGen.Initializer</c>.</summary>
internal enum InitializerKind
{
    Default = 0,
    Uniform01 = 1,
    XavierUniform = 2,
    HeUniform = 3,
    HeNormal = 4,
    XavierNormal = 5,
}
