#if NETGEN
using System;
using System.Numerics;
using NetGen.Benchmarks.Networks;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// The calls the benchmarks make on a generated network: exactly the public contract (issue 2 / INetwork).
/// Implemented by one small struct per network so that <see cref="NetGenRunner{T, TNetwork}"/> is
/// specialised per network by the JIT and calls the generated members directly, as user code holding
/// the concrete type would; no interface dispatch is measured.
/// </summary>
public interface INetworkCalls<T> where T : IFloatingPointIeee754<T>
{
    Span<T> Parameters { get; }
    T Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate);
    void Predict(ReadOnlySpan<T> input, Span<T> output);
    T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target);
    void ZeroGradients();
    void ApplyGradients(T learningRate);
    T TrainBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);
}

// One forwarding struct per generated class; each member is a direct call the JIT inlines away.
#pragma warning disable CS1591 // the members restate INetworkCalls
public readonly struct W1Calls(W1Net n) : INetworkCalls<double>
{
    public Span<double> Parameters => n.Parameters;
    public double Train(ReadOnlySpan<double> x, ReadOnlySpan<double> t, double lr) => n.Train(x, t, lr);
    public void Predict(ReadOnlySpan<double> x, Span<double> o) => n.Predict(x, o);
    public double Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> t) => n.Backward(x, t);
    public void ZeroGradients() => n.ZeroGradients();
    public void ApplyGradients(double lr) => n.ApplyGradients(lr);
    public double TrainBatch(ReadOnlySpan<double> x, ReadOnlySpan<double> t, double lr) => n.TrainBatch(x, t, lr);
}
public readonly struct W2Calls(W2Net n) : INetworkCalls<double>
{
    public Span<double> Parameters => n.Parameters;
    public double Train(ReadOnlySpan<double> x, ReadOnlySpan<double> t, double lr) => n.Train(x, t, lr);
    public void Predict(ReadOnlySpan<double> x, Span<double> o) => n.Predict(x, o);
    public double Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> t) => n.Backward(x, t);
    public void ZeroGradients() => n.ZeroGradients();
    public void ApplyGradients(double lr) => n.ApplyGradients(lr);
    public double TrainBatch(ReadOnlySpan<double> x, ReadOnlySpan<double> t, double lr) => n.TrainBatch(x, t, lr);
}
public readonly struct W3Calls(W3Net n) : INetworkCalls<double>
{
    public Span<double> Parameters => n.Parameters;
    public double Train(ReadOnlySpan<double> x, ReadOnlySpan<double> t, double lr) => n.Train(x, t, lr);
    public void Predict(ReadOnlySpan<double> x, Span<double> o) => n.Predict(x, o);
    public double Backward(ReadOnlySpan<double> x, ReadOnlySpan<double> t) => n.Backward(x, t);
    public void ZeroGradients() => n.ZeroGradients();
    public void ApplyGradients(double lr) => n.ApplyGradients(lr);
    public double TrainBatch(ReadOnlySpan<double> x, ReadOnlySpan<double> t, double lr) => n.TrainBatch(x, t, lr);
}
public readonly struct W4Calls(W4Net n) : INetworkCalls<float>
{
    public Span<float> Parameters => n.Parameters;
    public float Train(ReadOnlySpan<float> x, ReadOnlySpan<float> t, float lr) => n.Train(x, t, lr);
    public void Predict(ReadOnlySpan<float> x, Span<float> o) => n.Predict(x, o);
    public float Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> t) => n.Backward(x, t);
    public void ZeroGradients() => n.ZeroGradients();
    public void ApplyGradients(float lr) => n.ApplyGradients(lr);
    public float TrainBatch(ReadOnlySpan<float> x, ReadOnlySpan<float> t, float lr) => n.TrainBatch(x, t, lr);
}
public readonly struct W5Calls(W5Net n) : INetworkCalls<float>
{
    public Span<float> Parameters => n.Parameters;
    public float Train(ReadOnlySpan<float> x, ReadOnlySpan<float> t, float lr) => n.Train(x, t, lr);
    public void Predict(ReadOnlySpan<float> x, Span<float> o) => n.Predict(x, o);
    public float Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> t) => n.Backward(x, t);
    public void ZeroGradients() => n.ZeroGradients();
    public void ApplyGradients(float lr) => n.ApplyGradients(lr);
    public float TrainBatch(ReadOnlySpan<float> x, ReadOnlySpan<float> t, float lr) => n.TrainBatch(x, t, lr);
}
public readonly struct W6Calls(W6Net n) : INetworkCalls<float>
{
    public Span<float> Parameters => n.Parameters;
    public float Train(ReadOnlySpan<float> x, ReadOnlySpan<float> t, float lr) => n.Train(x, t, lr);
    public void Predict(ReadOnlySpan<float> x, Span<float> o) => n.Predict(x, o);
    public float Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> t) => n.Backward(x, t);
    public void ZeroGradients() => n.ZeroGradients();
    public void ApplyGradients(float lr) => n.ApplyGradients(lr);
    public float TrainBatch(ReadOnlySpan<float> x, ReadOnlySpan<float> t, float lr) => n.TrainBatch(x, t, lr);
}
#pragma warning restore CS1591

public static class NetGenRunners
{
    public static Runner Create(string workload) => workload switch
    {
        "W1" => new NetGenRunner<double, W1Calls>(Workloads.W1(), new W1Calls(new W1Net())),
        "W2" => new NetGenRunner<double, W2Calls>(Workloads.W2(), new W2Calls(new W2Net())),
        "W3" => new NetGenRunner<double, W3Calls>(Workloads.W3(), new W3Calls(new W3Net())),
        "W4" => new NetGenRunner<float, W4Calls>(Workloads.W4(), new W4Calls(new W4Net())),
        "W5" => new NetGenRunner<float, W5Calls>(Workloads.W5(), new W5Calls(new W5Net())),
        "W6" => new NetGenRunner<float, W6Calls>(Workloads.W6(), new W6Calls(new W6Net())),
        _ => throw new ArgumentException($"Unknown workload '{workload}'.", nameof(workload)),
    };
}

/// <summary>Drives a generated network through its public contract, over the workload's row-major data.</summary>
public sealed class NetGenRunner<T, TNetwork> : Runner
    where T : IFloatingPointIeee754<T>
    where TNetwork : struct, INetworkCalls<T>
{
    private readonly Workload<T> workload;
    private readonly TNetwork network;
    private readonly T[] output;

    public NetGenRunner(Workload<T> workload, TNetwork network)
    {
        this.workload = workload;
        this.network = network;
        output = new T[workload.OutputSize];
        if (network.Parameters.Length != workload.ParameterCount)
            throw new InvalidOperationException($"{workload.Name}: the generated network has {network.Parameters.Length} parameters, the workload {workload.ParameterCount}.");
        Reset();
    }

    public override string WorkloadName => workload.Name;

    public override void Reset() => workload.WriteParameters(network.Parameters);

    public override void Steps()
    {
        // Everything the loop reads is hoisted into locals so the harness costs a few instructions per op.
        T learningRate = workload.LearningRate;
        T[] inputs = workload.Inputs, targets = workload.Targets;
        int inputSize = workload.InputSize, outputSize = workload.OutputSize, samples = workload.SampleCount, ops = workload.StepOps;
        int s = 0;
        for (int k = 0; k < ops; k++)
        {
            network.Train(new ReadOnlySpan<T>(inputs, s * inputSize, inputSize), new ReadOnlySpan<T>(targets, s * outputSize, outputSize), learningRate);
            if (++s == samples) s = 0;
        }
    }

    public override double Infers()
    {
        T[] inputs = workload.Inputs, output = this.output;
        int inputSize = workload.InputSize, samples = workload.SampleCount, ops = workload.InferOps;
        double sum = 0;
        int s = 0;
        for (int k = 0; k < ops; k++)
        {
            network.Predict(new ReadOnlySpan<T>(inputs, s * inputSize, inputSize), output);
            sum += double.CreateChecked(output[0]);
            if (++s == samples) s = 0;
        }
        return sum;
    }

    public override void Batches()
    {
        T scale = workload.LearningRate / T.CreateChecked(Workload<T>.BatchSize);
        for (int k = 0; k < workload.BatchOps; k++)
        {
            network.ZeroGradients();
            int start = workload.BatchStart(k);
            for (int b = 0; b < Workload<T>.BatchSize; b++)
                network.Backward(workload.Input(start + b), workload.Target(start + b));
            network.ApplyGradients(scale);
        }
    }

    public override void FusedBatches()
    {
        int inputs = Workload<T>.BatchSize * workload.InputSize, targets = Workload<T>.BatchSize * workload.OutputSize;
        for (int k = 0; k < workload.BatchOps; k++)
        {
            int start = workload.BatchStart(k);
            network.TrainBatch(
                workload.Inputs.AsSpan(start * workload.InputSize, inputs),
                workload.Targets.AsSpan(start * workload.OutputSize, targets),
                workload.LearningRate);
        }
    }

    public override double Job()
    {
        T learningRate = workload.LearningRate;
        T[] inputs = workload.Inputs, targets = workload.Targets;
        int inputSize = workload.InputSize, outputSize = workload.OutputSize, samples = workload.SampleCount, epochs = workload.JobEpochs;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            network.ZeroGradients();
            for (int s = 0; s < samples; s++)
                network.Backward(new ReadOnlySpan<T>(inputs, s * inputSize, inputSize), new ReadOnlySpan<T>(targets, s * outputSize, outputSize));
            network.ApplyGradients(learningRate);
        }
        double checksum = 0, weight = 1;
        for (int s = 0; s < workload.SampleCount; s++, weight *= 10)
        {
            network.Predict(workload.Input(s), output);
            checksum += weight * double.CreateChecked(output[0]);
        }
        return checksum; // C's job checksum: o0 + 10 o1 + 100 o2
    }

    public override double ParameterSum()
    {
        double sum = 0;
        foreach (T p in network.Parameters) sum += double.CreateChecked(p);
        return sum;
    }
}
#endif
