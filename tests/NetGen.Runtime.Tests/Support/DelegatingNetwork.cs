using System;
using System.Numerics;
using NetGen;

namespace NetGen.Runtime.Tests.Support;

/// <summary>Passes every member to another network; tests override the members they want to watch.</summary>
internal abstract class DelegatingNetwork<T> : INetwork<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    protected DelegatingNetwork(INetwork<T> inner) => Inner = inner;

    protected INetwork<T> Inner { get; }

    public NetworkDescription Description => Inner.Description;

    public int InputSize => Inner.InputSize;

    public int OutputSize => Inner.OutputSize;

    public int ParameterCount => Inner.ParameterCount;

    public Span<T> Parameters => Inner.Parameters;

    public Span<T> Gradients => Inner.Gradients;

    public void Predict(ReadOnlySpan<T> input, Span<T> output) => Inner.Predict(input, output);

    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs) => Inner.PredictBatch(inputs, outputs);

    public T Loss(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => Inner.Loss(input, target);

    public virtual T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => Inner.Backward(input, target);

    public virtual T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets) => Inner.BackwardBatch(inputs, targets);

    public void ZeroGradients() => Inner.ZeroGradients();

    public void ApplyGradients(T learningRate) => Inner.ApplyGradients(learningRate);

    public virtual T Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate) => Inner.Train(input, target, learningRate);

    public virtual T TrainBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate) => Inner.TrainBatch(inputs, targets, learningRate);
}
