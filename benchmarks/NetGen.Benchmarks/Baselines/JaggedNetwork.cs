using System;
using System.Numerics;

namespace NetGen.Benchmarks.Baselines;

/// <summary>
/// Baseline (a): the seed tutorials ported line by line to C#, as a user would write it. Weights are
/// jagged arrays <c>weights[layer][output][input]</c>; every forward pass allocates its activation
/// arrays and every training call its delta arrays, like the tutorials' <c>new double[n]</c>.
/// Generic over the element type only so that the single-precision workloads do single-precision
/// arithmetic like the C reference (generic math is specialised per type by the JIT).
/// </summary>
public sealed class JaggedNetwork<T> where T : IFloatingPointIeee754<T>
{
    private readonly int[] sizes;
    private readonly Activation[] activations;
    private readonly LossFunction loss;

    public readonly T[][][] Weights;
    public readonly T[][] Biases;
    public readonly T[][][] WeightGradients;
    public readonly T[][] BiasGradients;

    public JaggedNetwork(int[] sizes, Activation[] activations, LossFunction loss)
    {
        this.sizes = sizes;
        this.activations = activations;
        this.loss = loss;
        int layers = sizes.Length - 1;
        Weights = new T[layers][][];
        Biases = new T[layers][];
        WeightGradients = new T[layers][][];
        BiasGradients = new T[layers][];
        for (int l = 0; l < layers; l++)
        {
            Weights[l] = new T[sizes[l + 1]][];
            WeightGradients[l] = new T[sizes[l + 1]][];
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                Weights[l][j] = new T[sizes[l]];
                WeightGradients[l][j] = new T[sizes[l]];
            }
            Biases[l] = new T[sizes[l + 1]];
            BiasGradients[l] = new T[sizes[l + 1]];
        }
    }

    /// <summary>Feeds one input through the network and returns every layer's activations (index 0 is the input).</summary>
    public T[][] FeedForward(T[] input)
    {
        var layerOutputs = new T[sizes.Length][];
        layerOutputs[0] = input;
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            var previous = layerOutputs[l];
            var current = new T[sizes[l + 1]];
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                T sum = Biases[l][j];
                for (int i = 0; i < sizes[l]; i++)
                    sum += Weights[l][j][i] * previous[i];
                current[j] = sum;
            }
            if (activations[l] == Activation.Softmax)
            {
                T max = current[0];
                for (int j = 1; j < current.Length; j++)
                    if (current[j] > max) max = current[j];
                T total = T.Zero;
                for (int j = 0; j < current.Length; j++)
                {
                    current[j] = T.Exp(current[j] - max);
                    total += current[j];
                }
                T inverse = T.One / total;
                for (int j = 0; j < current.Length; j++)
                    current[j] *= inverse;
            }
            else
            {
                for (int j = 0; j < current.Length; j++)
                    current[j] = Activate(current[j], activations[l]);
            }
            layerOutputs[l + 1] = current;
        }
        return layerOutputs;
    }

    public T[] Predict(T[] input)
    {
        var layerOutputs = FeedForward(input);
        return layerOutputs[^1];
    }

    /// <summary>The error terms (d loss / d z) of every weight layer, computed with the current weights.</summary>
    private T[][] ComputeDeltas(T[][] layerOutputs, T[] target)
    {
        int layers = sizes.Length - 1;
        var deltas = new T[layers][];
        var output = layerOutputs[layers];
        deltas[layers - 1] = new T[output.Length];
        for (int k = 0; k < output.Length; k++)
        {
            T error = output[k] - target[k];
            // Sigmoid+BCE and softmax+CE reduce to (o - t); half squared error keeps the activation's slope.
            deltas[layers - 1][k] = loss == LossFunction.HalfSquaredError
                ? error * Derivative(output[k], activations[layers - 1])
                : error;
        }
        for (int l = layers - 2; l >= 0; l--)
        {
            deltas[l] = new T[sizes[l + 1]];
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                T sum = T.Zero;
                for (int k = 0; k < sizes[l + 2]; k++)
                    sum += Weights[l + 1][k][j] * deltas[l + 1][k];
                deltas[l][j] = sum * Derivative(layerOutputs[l + 1][j], activations[l]);
            }
        }
        return deltas;
    }

    /// <summary>One plain SGD step on one sample.</summary>
    public void Train(T[] input, T[] target, T learningRate)
    {
        var layerOutputs = FeedForward(input);
        var deltas = ComputeDeltas(layerOutputs, target);
        for (int l = sizes.Length - 2; l >= 0; l--)
        {
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                for (int i = 0; i < sizes[l]; i++)
                    Weights[l][j][i] -= learningRate * deltas[l][j] * layerOutputs[l][i];
                Biases[l][j] -= learningRate * deltas[l][j];
            }
        }
    }

    /// <summary>Adds one sample's gradient into the gradient arrays.</summary>
    public void Backward(T[] input, T[] target)
    {
        var layerOutputs = FeedForward(input);
        var deltas = ComputeDeltas(layerOutputs, target);
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                for (int i = 0; i < sizes[l]; i++)
                    WeightGradients[l][j][i] += deltas[l][j] * layerOutputs[l][i];
                BiasGradients[l][j] += deltas[l][j];
            }
        }
    }

    public void ZeroGradients()
    {
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                for (int i = 0; i < sizes[l]; i++)
                    WeightGradients[l][j][i] = T.Zero;
                BiasGradients[l][j] = T.Zero;
            }
        }
    }

    public void ApplyGradients(T learningRate)
    {
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                for (int i = 0; i < sizes[l]; i++)
                    Weights[l][j][i] -= learningRate * WeightGradients[l][j][i];
                Biases[l][j] -= learningRate * BiasGradients[l][j];
            }
        }
    }

    private static T Activate(T z, Activation activation) => activation switch
    {
        Activation.Sigmoid => T.One / (T.One + T.Exp(-z)),
        Activation.ReLU => z > T.Zero ? z : T.Zero,
        Activation.Tanh => T.Tanh(z),
        Activation.Identity => z,
        _ => throw new NotSupportedException(activation.ToString()),
    };

    // The derivative written through the activation's value a, as the tutorials do.
    private static T Derivative(T a, Activation activation) => activation switch
    {
        Activation.Sigmoid => a * (T.One - a),
        Activation.ReLU => a > T.Zero ? T.One : T.Zero,
        Activation.Tanh => T.One - a * a,
        _ => T.One,
    };
}
