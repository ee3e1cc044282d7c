#if NETGEN
using System;
using System.Numerics;
using NetGen.Benchmarks.Networks;

namespace NetGen.Benchmarks.Harness;

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
        "W1" => new ContractRunner<double, W1Calls>(Workloads.W1(), new W1Calls(new W1Net())),
        "W2" => new ContractRunner<double, W2Calls>(Workloads.W2(), new W2Calls(new W2Net())),
        "W3" => new ContractRunner<double, W3Calls>(Workloads.W3(), new W3Calls(new W3Net())),
        "W4" => new ContractRunner<float, W4Calls>(Workloads.W4(), new W4Calls(new W4Net())),
        "W5" => new ContractRunner<float, W5Calls>(Workloads.W5(), new W5Calls(new W5Net())),
        "W6" => new ContractRunner<float, W6Calls>(Workloads.W6(), new W6Calls(new W6Net())),
        "W6d" => new ContractRunner<float, W6Calls>(Workloads.W6Dense(), new W6Calls(new W6Net())),
        _ => throw new ArgumentException($"Unknown workload '{workload}'.", nameof(workload)),
    };
}

#endif
