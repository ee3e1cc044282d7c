using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using NetGen.Benchmarks.Baselines;

namespace NetGen.Benchmarks.Harness;

/// <summary>The implementations compared with the C reference.</summary>
public enum Implementation
{
    /// <summary>Baseline (a): the tutorial ported line by line, jagged arrays, allocating.</summary>
    Jagged,
    /// <summary>Baseline (b): careful flat arrays, runtime sizes, no allocation, scalar loops.</summary>
    Flat,
    /// <summary>The NetGen-generated network, driven through its public contract.</summary>
    NetGen,
}

/// <summary>
/// One implementation of one workload. Each method is one repetition of a peers_c.c cell: the same
/// number of ops over the same samples in the same order, so checksums and ns/op compare directly.
/// </summary>
/// <remarks>
/// The repetition loops are <c>NoInlining</c>: otherwise the JIT, re-compiling BenchmarkDotNet's
/// benchmark method with profile data partway through the measurement, could inline a loop into it
/// and measure different code from then on (seen: W1 infer 27.2 ns for the first 40% of the samples,
/// 17.7 ns after; W1 step 46.2, then 52.6). Each loop reaches its final code during the warm-up.
/// </remarks>
public abstract class Runner
{
    public abstract string WorkloadName { get; }

    /// <summary>Restores the starting parameters (C does this, untimed, before every repetition).</summary>
    public abstract void Reset();

    /// <summary>"step": StepOps single-sample SGD steps, cycling through the samples.</summary>
    public abstract void Steps();

    /// <summary>"infer": InferOps forward passes; returns the sum of output[0], C's infer checksum.</summary>
    public abstract double Infers();

    /// <summary>"batch32": BatchOps minibatches of 32, each ZeroGradients + 32 Backward + ApplyGradients(lr / 32).</summary>
    public abstract void Batches();

    /// <summary>"batch32 fused": the same minibatches through one TrainBatch call each (NetGen only).</summary>
    public virtual void FusedBatches() => throw new NotSupportedException($"{GetType().Name} has no fused minibatch call.");

    /// <summary>"job": JobEpochs full-batch epochs (ZeroGradients, Backward per row, ApplyGradients(lr): the summed gradient); returns o0 + 10 o1 + 100 o2, C's job checksum.</summary>
    public abstract double Job();

    /// <summary>Sum of all weights and biases, C's step and batch checksum.</summary>
    public abstract double ParameterSum();

    public static Runner Create(string workload, Implementation implementation) => workload switch
    {
        "W1" => Create(Workloads.W1(), implementation),
        "W2" => Create(Workloads.W2(), implementation),
        "W3" => Create(Workloads.W3(), implementation),
        "W4" => Create(Workloads.W4(), implementation),
        "W5" => Create(Workloads.W5(), implementation),
        "W6" => Create(Workloads.W6(), implementation),
        "W6d" => Create(Workloads.W6Dense(), implementation),
        _ => throw new ArgumentException($"Unknown workload '{workload}', expected W1-W6 or W6d.", nameof(workload)),
    };

    private static Runner Create<T>(Workload<T> workload, Implementation implementation) where T : IFloatingPointIeee754<T> =>
        implementation switch
        {
            Implementation.Jagged => new JaggedRunner<T>(workload),
            Implementation.Flat => new ContractRunner<T, FlatCalls<T>>(workload, new FlatCalls<T>(new FlatNetwork<T>(workload.Sizes, workload.Activations, workload.Loss))),
#if NETGEN
            Implementation.NetGen => NetGenRunners.Create(workload.Name),
#endif
            _ => throw new NotSupportedException($"{implementation} is not built in (build with -p:NetGenNetworks=true)."),
        };
}

/// <summary>Drives <see cref="JaggedNetwork{T}"/> the way the tutorials do: one array per row.</summary>
public sealed class JaggedRunner<T> : Runner where T : IFloatingPointIeee754<T>
{
    private readonly Workload<T> workload;
    private readonly JaggedNetwork<T> network;
    private readonly T[][] inputs;
    private readonly T[][] targets;

    public JaggedRunner(Workload<T> workload)
    {
        this.workload = workload;
        network = new JaggedNetwork<T>(workload.Sizes, workload.Activations, workload.Loss);
        inputs = new T[workload.SampleCount][];
        targets = new T[workload.SampleCount][];
        for (int s = 0; s < workload.SampleCount; s++)
        {
            inputs[s] = workload.InputRow(s);
            targets[s] = workload.TargetRow(s);
        }
        Reset();
    }

    public override string WorkloadName => workload.Name;

    public override void Reset()
    {
        for (int l = 0; l < workload.LayerCount; l++)
            for (int j = 0; j < workload.Sizes[l + 1]; j++)
            {
                for (int i = 0; i < workload.Sizes[l]; i++)
                    network.Weights[l][j][i] = workload.Weight(l, i, j);
                network.Biases[l][j] = workload.Bias(l, j);
            }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Steps()
    {
        T learningRate = workload.LearningRate;
        int s = 0;
        for (int k = 0; k < workload.StepOps; k++)
        {
            network.Train(inputs[s], targets[s], learningRate);
            if (++s == inputs.Length) s = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override double Infers()
    {
        double sum = 0;
        int s = 0;
        for (int k = 0; k < workload.InferOps; k++)
        {
            sum += double.CreateChecked(network.Predict(inputs[s])[0]);
            if (++s == inputs.Length) s = 0;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Batches()
    {
        T scale = workload.LearningRate / T.CreateChecked(Workload<T>.BatchSize);
        for (int k = 0; k < workload.BatchOps; k++)
        {
            network.ZeroGradients();
            int start = workload.BatchStart(k);
            for (int b = 0; b < Workload<T>.BatchSize; b++)
                network.Backward(inputs[start + b], targets[start + b]);
            network.ApplyGradients(scale);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override double Job()
    {
        for (int epoch = 0; epoch < workload.JobEpochs; epoch++)
        {
            network.ZeroGradients();
            for (int s = 0; s < inputs.Length; s++)
                network.Backward(inputs[s], targets[s]);
            network.ApplyGradients(workload.LearningRate);
        }
        double checksum = 0, weight = 1;
        for (int s = 0; s < inputs.Length; s++, weight *= 10)
            checksum += weight * double.CreateChecked(network.Predict(inputs[s])[0]);
        return checksum; // C's job checksum: o0 + 10 o1 + 100 o2
    }

    public override double ParameterSum()
    {
        double sum = 0;
        for (int l = 0; l < workload.LayerCount; l++)
            for (int j = 0; j < workload.Sizes[l + 1]; j++)
            {
                foreach (T w in network.Weights[l][j]) sum += double.CreateChecked(w);
                sum += double.CreateChecked(network.Biases[l][j]);
            }
        return sum;
    }
}

/// <summary>
/// <see cref="FlatNetwork{T}"/> behind the contract calls, so the flat baseline runs through the same
/// <see cref="ContractRunner{T, TNetwork}"/> loops as NetGen. It returns no losses (the harness never
/// reads them) and has no fused minibatch call.
/// </summary>
public readonly struct FlatCalls<T>(FlatNetwork<T> network) : INetworkCalls<T> where T : IFloatingPointIeee754<T>
{
    public Span<T> Parameters => network.Parameters;

    public T Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate)
    {
        network.Train(input, target, learningRate);
        return T.Zero;
    }

    public void Predict(ReadOnlySpan<T> input, Span<T> output) => network.Predict(input, output);

    public T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target)
    {
        network.Backward(input, target);
        return T.Zero;
    }

    public void ZeroGradients() => network.ZeroGradients();

    public void ApplyGradients(T learningRate) => network.ApplyGradients(learningRate);

    public T TrainBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate) =>
        throw new NotSupportedException("The flat baseline has no fused minibatch call.");
}

/// <summary>Drives a network through the generated networks' public contract, over the workload's row-major data: NetGen's networks and the flat-array baseline.</summary>
public sealed class ContractRunner<T, TNetwork> : Runner
    where T : IFloatingPointIeee754<T>
    where TNetwork : struct, INetworkCalls<T>
{
    private readonly Workload<T> workload;
    private readonly TNetwork network;
    private readonly T[] output;

    public ContractRunner(Workload<T> workload, TNetwork network)
    {
        this.workload = workload;
        this.network = network;
        output = new T[workload.OutputSize];
        if (network.Parameters.Length != workload.ParameterCount)
            throw new InvalidOperationException($"{workload.Name}: the network has {network.Parameters.Length} parameters, the workload {workload.ParameterCount}.");
        Reset();
    }

    public override string WorkloadName => workload.Name;

    public override void Reset() => workload.WriteParameters(network.Parameters);

    [MethodImpl(MethodImplOptions.NoInlining)]
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

    [MethodImpl(MethodImplOptions.NoInlining)]
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

    [MethodImpl(MethodImplOptions.NoInlining)]
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

    [MethodImpl(MethodImplOptions.NoInlining)]
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

    [MethodImpl(MethodImplOptions.NoInlining)]
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
