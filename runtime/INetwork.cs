using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// What every generated network offers to generic code (training loops, optimizers, initialisers,
/// save/load). The per-sample kernels behind it are generated for one fixed shape.
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>, as chosen by <see cref="NetworkAttribute.Precision"/>.</typeparam>
/// <remarks>
/// Thread-safety: <see cref="Predict"/>, <see cref="PredictBatch"/> and <see cref="Loss"/> only read the
/// parameters and may run on many threads at once while nothing trains. Every member that writes
/// (<see cref="Backward"/>, <see cref="Train"/>, <see cref="ApplyGradients"/>, ...) needs exclusive access.
/// </remarks>
public interface INetwork<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The network's shape, activations, loss and precision.</summary>
    NetworkDescription Description { get; }

    /// <summary>Length of one input row.</summary>
    int InputSize { get; }

    /// <summary>Length of one output row.</summary>
    int OutputSize { get; }

    /// <summary>Length of <see cref="Parameters"/> and <see cref="Gradients"/>.</summary>
    int ParameterCount { get; }

    /// <summary>All weights and biases as one flat block: per layer W (out x in, row-major) then b, as in a PyTorch state_dict.</summary>
    Span<T> Parameters { get; }

    /// <summary>The gradient accumulator, laid out like <see cref="Parameters"/>.</summary>
    /// <remarks>
    /// A generated network with large layers adds their weight gradients a few <see cref="Backward"/> calls at a time
    /// (the same bits, see README's Performance section); reading this property adds what is pending, and from then on
    /// that network adds every call's gradients at once, since the caller may keep the span.
    /// </remarks>
    Span<T> Gradients { get; }

    /// <summary>Writes the network's output for one input row.</summary>
    void Predict(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Writes the outputs of many input rows (row-major), one after another on the calling thread; <see cref="NetworkExtensions.PredictParallel{T}"/> spreads them over cores.</summary>
    void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>The loss of one sample at the current parameters.</summary>
    T Loss(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

    /// <summary>Runs the forward pass, adds d loss / d parameters into <see cref="Gradients"/>, and returns the loss.</summary>
    T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

    /// <summary>Adds the gradients of many samples (row-major) into <see cref="Gradients"/> and returns their summed loss.</summary>
    /// <remarks>
    /// The same gradient as <see cref="Backward"/> once per row, up to the order of floating-point sums: generated networks run
    /// chunks of rows through each layer as matrix-matrix products, or (small networks kept in locals) add each row's long
    /// sums in several chains, so a gradient may differ from the per-row sum in its last bits (tested: within 64 units in the
    /// last place of the largest gradient). The result never depends on anything but the rows and the parameters.
    /// </remarks>
    T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary><c>Parameters -= learningRate * Gradients</c>.</summary>
    void ApplyGradients(T learningRate);

    /// <summary>One plain SGD step on one sample; returns that sample's loss before the step. <see cref="Gradients"/> is left untouched.</summary>
    T Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate);

    /// <summary>One SGD step with the mean gradient over many samples (row-major); returns their mean loss before the step. <see cref="Gradients"/> ends holding the summed gradient.</summary>
    T TrainBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);
}
