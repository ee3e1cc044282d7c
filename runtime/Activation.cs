namespace NetGen;

/// <summary>The function a layer applies to its pre-activation <c>z = W a + b</c>.</summary>
/// <remarks>The numeric values are part of the binary model format; append, never renumber.</remarks>
public enum Activation
{
    /// <summary><c>f(z) = z</c>.</summary>
    Identity = 0,

    /// <summary><c>f(z) = 1 / (1 + e^-z)</c>.</summary>
    Sigmoid = 1,

    /// <summary><c>f(z) = tanh(z)</c>.</summary>
    Tanh = 2,

    /// <summary><c>f(z) = max(0, z)</c>.</summary>
    ReLU = 3,

    /// <summary><c>f(z) = z</c> for <c>z &gt; 0</c>, else <c>0.01 z</c>.</summary>
    LeakyReLU = 4,

    /// <summary><c>f(z)_k = e^z_k / sum_j e^z_j</c>; only on the output layer, with <see cref="LossFunction.CrossEntropy"/>.</summary>
    Softmax = 5,
}
