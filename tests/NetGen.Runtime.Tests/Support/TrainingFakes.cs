using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;
using NetGen;

namespace NetGen.Runtime.Tests.Support;

/// <summary>
/// A one-layer network written by hand, <c>o = f(W x + b)</c>, honest enough to train: the output is
/// Identity with half squared error, Sigmoid with binary cross-entropy, or Softmax with cross-entropy.
/// For each of those pairs d loss / d z is <c>o - t</c> (for cross-entropy <c>o * sum(t) - t</c>), which
/// keeps the hand-written gradient short enough to trust. Nothing it does allocates.
/// </summary>
internal sealed class SingleLayerNetwork : INetwork<double>
{
    private readonly double[] _parameters;
    private readonly double[] _gradients;
    private readonly Activation _output;

    public SingleLayerNetwork(int inputSize, int outputSize, Activation output = Activation.Identity)
    {
        LossFunction loss = output switch
        {
            Activation.Identity => LossFunction.HalfSquaredError,
            Activation.Sigmoid => LossFunction.BinaryCrossEntropy,
            Activation.Softmax => LossFunction.CrossEntropy,
            _ => throw new ArgumentOutOfRangeException(nameof(output), output, "The fake supports Identity, Sigmoid and Softmax outputs."),
        };
        _output = output;
        Description = new NetworkDescription([inputSize, outputSize], [output], loss, Precision.Double);
        _parameters = new double[Description.ParameterCount];
        _gradients = new double[Description.ParameterCount];
    }

    /// <summary>A network with the given parameters (W row-major, then b).</summary>
    public static SingleLayerNetwork With(int inputSize, int outputSize, Activation output, params double[] parameters)
    {
        var network = new SingleLayerNetwork(inputSize, outputSize, output);
        parameters.CopyTo(network._parameters, 0);
        return network;
    }

    /// <summary>A network with the same shape and parameters.</summary>
    public SingleLayerNetwork Clone() => With(InputSize, OutputSize, _output, _parameters);

    /// <summary>Counts of the calls Fit may make, to tell which path it took.</summary>
    public int BackwardCalls { get; private set; }

    /// <inheritdoc cref="BackwardCalls"/>
    public int BackwardBatchCalls { get; private set; }

    /// <inheritdoc cref="BackwardCalls"/>
    public int TrainCalls { get; private set; }

    /// <inheritdoc cref="BackwardCalls"/>
    public int TrainBatchCalls { get; private set; }

    /// <summary>Called with the first input value of every row Backward or Train sees (tests use it as a row id).</summary>
    public Action<double>? RowSeen { get; set; }

    public NetworkDescription Description { get; }

    public int InputSize => Description.InputSize;

    public int OutputSize => Description.OutputSize;

    public int ParameterCount => Description.ParameterCount;

    public Span<double> Parameters => _parameters;

    public Span<double> Gradients => _gradients;

    public double[] Snapshot() => (double[])_parameters.Clone();

    public void Predict(ReadOnlySpan<double> input, Span<double> output)
    {
        Check(input.Length, InputSize, nameof(input));
        Check(output.Length, OutputSize, nameof(output));
        int biases = InputSize * OutputSize;
        for (int o = 0; o < OutputSize; o++)
            output[o] = TensorPrimitives.Dot(_parameters.AsSpan(o * InputSize, InputSize), input) + _parameters[biases + o];
        switch (_output)
        {
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(output, output);
                break;
            case Activation.Softmax:
                TensorPrimitives.SoftMax(output, output);
                break;
        }
    }

    public void PredictBatch(ReadOnlySpan<double> inputs, Span<double> outputs)
    {
        int rows = inputs.Length / InputSize;
        Check(outputs.Length, rows * OutputSize, nameof(outputs));
        for (int row = 0; row < rows; row++)
            Predict(inputs.Slice(row * InputSize, InputSize), outputs.Slice(row * OutputSize, OutputSize));
    }

    public double Loss(ReadOnlySpan<double> input, ReadOnlySpan<double> target)
    {
        Span<double> output = stackalloc double[OutputSize];
        Predict(input, output);
        double loss = 0.0;
        for (int k = 0; k < OutputSize; k++)
        {
            loss += _output switch
            {
                Activation.Identity => 0.5 * (output[k] - target[k]) * (output[k] - target[k]),
                Activation.Sigmoid => -(target[k] * Math.Log(output[k]) + (1 - target[k]) * Math.Log(1 - output[k])),
                _ => -target[k] * Math.Log(output[k]),
            };
        }
        return loss;
    }

    public double Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> target)
    {
        BackwardCalls++;
        return AddGradient(input, target, _gradients);
    }

    public double BackwardBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets)
    {
        BackwardBatchCalls++;
        double sum = 0.0;
        for (int row = 0; row < inputs.Length / InputSize; row++)
            sum += AddGradient(inputs.Slice(row * InputSize, InputSize), targets.Slice(row * OutputSize, OutputSize), _gradients);
        return sum;
    }

    public void ZeroGradients() => _gradients.AsSpan().Clear();

    public void ApplyGradients(double learningRate)
    {
        for (int i = 0; i < _parameters.Length; i++)
            _parameters[i] -= learningRate * _gradients[i];
    }

    public double Train(ReadOnlySpan<double> input, ReadOnlySpan<double> target, double learningRate)
    {
        TrainCalls++;
        Span<double> gradient = stackalloc double[ParameterCount];
        gradient.Clear();
        double loss = AddGradient(input, target, gradient);
        for (int i = 0; i < _parameters.Length; i++)
            _parameters[i] -= learningRate * gradient[i];
        return loss;
    }

    public double TrainBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, double learningRate)
    {
        TrainBatchCalls++;
        int rows = inputs.Length / InputSize;
        ZeroGradients();
        double sum = 0.0;
        for (int row = 0; row < rows; row++)
            sum += AddGradient(inputs.Slice(row * InputSize, InputSize), targets.Slice(row * OutputSize, OutputSize), _gradients);
        ApplyGradients(learningRate / rows);
        return sum / rows;
    }

    private double AddGradient(ReadOnlySpan<double> input, ReadOnlySpan<double> target, Span<double> gradient)
    {
        RowSeen?.Invoke(input[0]);
        double loss = Loss(input, target);
        Span<double> output = stackalloc double[OutputSize];
        Predict(input, output);
        double targetSum = _output == Activation.Softmax ? TensorPrimitives.Sum(target) : 1.0;
        int biases = InputSize * OutputSize;
        for (int o = 0; o < OutputSize; o++)
        {
            double delta = output[o] * targetSum - target[o]; // d loss / d z_o
            for (int i = 0; i < InputSize; i++)
                gradient[o * InputSize + i] += delta * input[i];
            gradient[biases + o] += delta;
        }
        return loss;
    }

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
            ThrowHelper.ThrowLengthMismatch(name, expected, actual);
    }
}

/// <summary>
/// Plain SGD hidden behind a type Fit does not recognise, so Fit takes its general path
/// (ZeroGradients, Backward/BackwardBatch, divide by n, Step) instead of the generated Train shortcut.
/// Records the steps it is asked to take.
/// </summary>
internal sealed class RecordingOptimizer : IOptimizer<double>
{
    private readonly Sgd<double> _inner;

    public RecordingOptimizer(double learningRate) => _inner = new Sgd<double>(learningRate);

    public int Steps { get; private set; }

    public double LearningRate
    {
        get => _inner.LearningRate;
        set => _inner.LearningRate = value;
    }

    /// <summary>The gradients handed to the first step (filled once, so recording does not allocate per step).</summary>
    public double[]? FirstGradients { get; private set; }

    public void Step(Span<double> parameters, ReadOnlySpan<double> gradients)
    {
        Steps++;
        FirstGradients ??= gradients.ToArray();
        _inner.Step(parameters, gradients);
    }

    public void Reset() => _inner.Reset();
}

/// <summary>An <see cref="IProgress{T}"/> that records reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
internal sealed class RecordingProgress<T> : IProgress<T>
{
    public List<T> Reports { get; } = new();

    public void Report(T value) => Reports.Add(value);
}

/// <summary>Builders for small data sets.</summary>
internal static class TrainingData
{
    /// <summary>
    /// <paramref name="rows"/> rows of a 2-input linear regression, y = 2 x0 - x1 + 0.5; the first input is the
    /// row index, so a network's <see cref="SingleLayerNetwork.RowSeen"/> names the row it was handed.
    /// </summary>
    public static (double[] Inputs, double[] Targets) Linear(int rows)
    {
        var inputs = new double[rows * 2];
        var targets = new double[rows];
        for (int row = 0; row < rows; row++)
        {
            double x0 = row;
            double x1 = Math.Sin(row);
            inputs[2 * row] = x0;
            inputs[2 * row + 1] = x1;
            targets[row] = 2 * x0 - x1 + 0.5;
        }
        return (inputs, targets);
    }

    /// <summary>Like <see cref="Linear"/> but with inputs scaled into [0, 1] so plain SGD converges quickly.</summary>
    public static (double[] Inputs, double[] Targets) ScaledLinear(int rows)
    {
        (double[] inputs, double[] targets) = Linear(rows);
        for (int i = 0; i < inputs.Length; i += 2)
            inputs[i] /= rows;
        for (int row = 0; row < rows; row++)
            targets[row] = 2 * inputs[2 * row] - inputs[2 * row + 1] + 0.5;
        return (inputs, targets);
    }

    /// <summary>A token source cancelled once <paramref name="network"/> has seen <paramref name="rows"/> rows.</summary>
    public static CancellationTokenSource CancelAfterRows(SingleLayerNetwork network, int rows)
    {
        var source = new CancellationTokenSource();
        int seen = 0;
        network.RowSeen = _ =>
        {
            if (++seen == rows)
                source.Cancel();
        };
        return source;
    }
}
