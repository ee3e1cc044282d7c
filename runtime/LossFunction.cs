namespace NetGen;

/// <summary>The per-sample loss a network minimises; <c>o</c> is the output, <c>t</c> the target.</summary>
/// <remarks>
/// Named <c>LossFunction</c>, not <c>Loss</c>: attribute arguments on a class bind in the class's own
/// scope, where the generated <c>Loss</c> method would hide an enum of that name.
/// The numeric values are part of the binary model format; append, never renumber.
/// </remarks>
public enum LossFunction
{
    /// <summary><c>0.5 * sum_k (o_k - t_k)^2</c>: the seed tutorials' loss.</summary>
    HalfSquaredError = 0,

    /// <summary><c>mean_k (o_k - t_k)^2</c>.</summary>
    MeanSquaredError = 1,

    /// <summary><c>-sum_k [t_k log o_k + (1 - t_k) log(1 - o_k)]</c>; requires a <see cref="Activation.Sigmoid"/> output.</summary>
    BinaryCrossEntropy = 2,

    /// <summary><c>-sum_k t_k log softmax(z)_k</c>; requires a <see cref="Activation.Softmax"/> output.</summary>
    CrossEntropy = 3,

    /// <summary><c>mean_k |o_k - t_k|</c>: PyTorch's <c>L1Loss</c> (mean absolute error); its gradient at <c>o = t</c> is 0.</summary>
    L1 = 4,

    /// <summary>
    /// <c>mean_k h(o_k - t_k)</c> with <c>h(d) = 0.5 d^2</c> for <c>|d| &lt; 1</c>, else <c>|d| - 0.5</c>:
    /// PyTorch's <c>HuberLoss</c> with delta 1.
    /// </summary>
    Huber = 5,
}
