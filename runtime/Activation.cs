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

    /// <summary>GELU, PyTorch's exact form: <c>f(z) = z Phi(z) = 0.5 z (1 + erf(z / sqrt 2))</c>.</summary>
    GELU = 6,

    /// <summary>SiLU (swish): <c>f(z) = z / (1 + e^-z)</c>.</summary>
    SiLU = 7,

    /// <summary>ELU with alpha 1: <c>f(z) = z</c> for <c>z &gt; 0</c>, else <c>e^z - 1</c>.</summary>
    ELU = 8,

    /// <summary>Softplus with beta 1 and threshold 20 (PyTorch's defaults): <c>f(z) = log(1 + e^z)</c>, and <c>z</c> for <c>z &gt; 20</c>.</summary>
    Softplus = 9,
}
