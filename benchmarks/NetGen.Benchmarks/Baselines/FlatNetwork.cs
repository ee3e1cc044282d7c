using System;
using System.Numerics;

namespace NetGen.Benchmarks.Baselines;

/// <summary>
/// Baseline (b): a careful hand-written port with runtime sizes. One flat parameter block in NetGen's
/// (PyTorch's) layout, preallocated scratch for activations and deltas, spans sliced once per row so
/// the JIT can drop bounds checks, the activation chosen once per layer rather than per unit, and no
/// allocation after construction. Plain scalar loops: what a competent C# developer writes without
/// reaching for explicit SIMD.
/// </summary>
public sealed class FlatNetwork<T> where T : IFloatingPointIeee754<T>
{
    private readonly int[] sizes;
    private readonly Activation[] activations;
    private readonly LossFunction loss;
    private readonly int[] weightOffsets;
    private readonly int[] biasOffsets;
    private readonly int[] unitOffsets; // into activationValues / deltaValues, one slot per non-input unit
    private readonly T[] activationValues;
    private readonly T[] deltaValues;

    /// <summary>Per layer W (out x in, row-major) then b.</summary>
    public readonly T[] Parameters;
    public readonly T[] Gradients;

    public FlatNetwork(int[] sizes, Activation[] activations, LossFunction loss)
    {
        this.sizes = sizes;
        this.activations = activations;
        this.loss = loss;
        int layers = sizes.Length - 1;
        weightOffsets = new int[layers];
        biasOffsets = new int[layers];
        unitOffsets = new int[layers];
        int parameters = 0, units = 0;
        for (int l = 0; l < layers; l++)
        {
            weightOffsets[l] = parameters;
            parameters += sizes[l + 1] * sizes[l];
            biasOffsets[l] = parameters;
            parameters += sizes[l + 1];
            unitOffsets[l] = units;
            units += sizes[l + 1];
        }
        Parameters = new T[parameters];
        Gradients = new T[parameters];
        activationValues = new T[units];
        deltaValues = new T[units];
    }

    private Span<T> LayerOutput(int layer) => activationValues.AsSpan(unitOffsets[layer], sizes[layer + 1]);
    private Span<T> LayerDelta(int layer) => deltaValues.AsSpan(unitOffsets[layer], sizes[layer + 1]);

    private ReadOnlySpan<T> LayerInput(int layer, ReadOnlySpan<T> input) =>
        layer == 0 ? input : LayerOutput(layer - 1);

    private void Forward(ReadOnlySpan<T> input)
    {
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            int fanIn = sizes[l], fanOut = sizes[l + 1];
            ReadOnlySpan<T> x = LayerInput(l, input);
            ReadOnlySpan<T> weights = Parameters.AsSpan(weightOffsets[l], fanOut * fanIn);
            ReadOnlySpan<T> biases = Parameters.AsSpan(biasOffsets[l], fanOut);
            Span<T> a = LayerOutput(l);
            for (int j = 0; j < a.Length; j++)
            {
                ReadOnlySpan<T> row = weights.Slice(j * fanIn, fanIn);
                T sum = biases[j];
                for (int i = 0; i < row.Length && i < x.Length; i++)
                    sum += row[i] * x[i];
                a[j] = sum;
            }
            switch (activations[l])
            {
                case Activation.Sigmoid:
                    for (int j = 0; j < a.Length; j++) a[j] = T.One / (T.One + T.Exp(-a[j]));
                    break;
                case Activation.ReLU:
                    for (int j = 0; j < a.Length; j++) a[j] = T.Max(a[j], T.Zero);
                    break;
                case Activation.Tanh:
                    for (int j = 0; j < a.Length; j++) a[j] = T.Tanh(a[j]);
                    break;
                case Activation.Softmax:
                    T max = a[0];
                    for (int j = 1; j < a.Length; j++) max = T.Max(max, a[j]);
                    T total = T.Zero;
                    for (int j = 0; j < a.Length; j++)
                    {
                        a[j] = T.Exp(a[j] - max);
                        total += a[j];
                    }
                    T inverse = T.One / total;
                    for (int j = 0; j < a.Length; j++) a[j] *= inverse;
                    break;
            }
        }
    }

    /// <summary>d loss / d z for every layer, with the current weights, into the delta scratch.</summary>
    private void ComputeDeltas(ReadOnlySpan<T> target)
    {
        int last = sizes.Length - 2;
        ReadOnlySpan<T> output = LayerOutput(last);
        Span<T> delta = LayerDelta(last);
        bool slope = loss == LossFunction.HalfSquaredError && activations[last] != Activation.Identity;
        for (int k = 0; k < delta.Length && k < target.Length; k++)
        {
            T error = output[k] - target[k];
            delta[k] = slope ? error * Derivative(output[k], activations[last]) : error;
        }
        for (int l = last - 1; l >= 0; l--)
        {
            int fanOut = sizes[l + 1], next = sizes[l + 2];
            ReadOnlySpan<T> nextWeights = Parameters.AsSpan(weightOffsets[l + 1], next * fanOut);
            ReadOnlySpan<T> nextDelta = LayerDelta(l + 1);
            ReadOnlySpan<T> a = LayerOutput(l);
            Span<T> d = LayerDelta(l);
            d.Clear();
            for (int k = 0; k < nextDelta.Length; k++)
            {
                ReadOnlySpan<T> row = nextWeights.Slice(k * fanOut, fanOut);
                T dk = nextDelta[k];
                for (int j = 0; j < row.Length && j < d.Length; j++)
                    d[j] += row[j] * dk;
            }
            Activation activation = activations[l];
            for (int j = 0; j < d.Length && j < a.Length; j++)
                d[j] *= Derivative(a[j], activation);
        }
    }

    /// <summary>Adds <paramref name="scale"/> * (delta outer input) to <paramref name="target"/>, which is laid out like <see cref="Parameters"/>.</summary>
    private void AddOuterProducts(ReadOnlySpan<T> input, T[] target, T scale)
    {
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            int fanIn = sizes[l], fanOut = sizes[l + 1];
            ReadOnlySpan<T> x = LayerInput(l, input);
            ReadOnlySpan<T> d = LayerDelta(l);
            Span<T> weights = target.AsSpan(weightOffsets[l], fanOut * fanIn);
            Span<T> biases = target.AsSpan(biasOffsets[l], fanOut);
            for (int j = 0; j < d.Length && j < biases.Length; j++)
            {
                T scaled = scale * d[j];
                Span<T> row = weights.Slice(j * fanIn, fanIn);
                for (int i = 0; i < row.Length && i < x.Length; i++)
                    row[i] += scaled * x[i];
                biases[j] += scaled;
            }
        }
    }

    /// <summary>Writes the output for one input. Uses the instance scratch, so not thread-safe.</summary>
    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        Forward(input);
        LayerOutput(sizes.Length - 2).CopyTo(output);
    }

    /// <summary>One plain SGD step on one sample.</summary>
    public void Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate)
    {
        Forward(input);
        ComputeDeltas(target);
        AddOuterProducts(input, Parameters, -learningRate);
    }

    /// <summary>Adds one sample's gradient into <see cref="Gradients"/>.</summary>
    public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target)
    {
        Forward(input);
        ComputeDeltas(target);
        AddOuterProducts(input, Gradients, T.One);
    }

    public void ZeroGradients() => Array.Clear(Gradients);

    public void ApplyGradients(T learningRate)
    {
        Span<T> parameters = Parameters;
        ReadOnlySpan<T> gradients = Gradients.AsSpan(0, parameters.Length);
        for (int p = 0; p < parameters.Length; p++)
            parameters[p] -= learningRate * gradients[p];
    }

    private static T Derivative(T a, Activation activation) => activation switch
    {
        Activation.Sigmoid => a * (T.One - a),
        Activation.ReLU => a > T.Zero ? T.One : T.Zero,
        Activation.Tanh => T.One - a * a,
        _ => T.One,
    };
}
