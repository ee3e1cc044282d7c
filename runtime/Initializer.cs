namespace NetGen;

/// <summary>How a network's weights and biases are filled before training.</summary>
/// <remarks>The numeric values are part of the binary model format; append, never renumber.</remarks>
public enum Initializer
{
    /// <summary>
    /// One scheme for every layer, chosen by the first layer's activation: <see cref="HeUniform"/> when it is
    /// ReLU or LeakyReLU, <see cref="XavierUniform"/> otherwise (what PyTorch and Keras users expect of such a network).
    /// </summary>
    Default = 0,

    /// <summary>Every weight and bias uniform in [0, 1), as the seed tutorials do.</summary>
    Uniform01 = 1,

    /// <summary>Xavier/Glorot uniform: W ~ U(-l, l), l = sqrt(6 / (fan_in + fan_out)); biases zero.</summary>
    XavierUniform = 2,

    /// <summary>He/Kaiming uniform: W ~ U(-l, l), l = sqrt(6 / fan_in); biases zero.</summary>
    HeUniform = 3,

    /// <summary>He/Kaiming normal: W ~ N(0, 2 / fan_in); biases zero.</summary>
    HeNormal = 4,

    /// <summary>Xavier/Glorot normal: W ~ N(0, 2 / (fan_in + fan_out)); biases zero.</summary>
    XavierNormal = 5,
}
