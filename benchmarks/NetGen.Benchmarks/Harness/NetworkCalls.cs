using System;
using System.Numerics;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// The calls the benchmarks make on a network: exactly the public contract of a generated network
/// (issue 2 / INetwork), which the flat-array baseline offers too. Implemented by one small struct per
/// network so that the runner driving it (ContractRunner here, SweepRunner in benchmarks/sweep, which
/// links this file) is specialised per network by the JIT and calls the members directly, as user code
/// holding the concrete type would; no interface dispatch is measured.
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
