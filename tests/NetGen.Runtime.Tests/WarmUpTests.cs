using System;
using System.Linq;
using System.Runtime;
using System.Threading;

namespace NetGen.Runtime.Tests;

// Each test has network types of its own: a type's warm-up is decided once per process, at its first construction.
[Network(30, 50, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class WarmUpProbeNet { }

[Network(7, 9, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class WarmUpSwitchNet { }

[Network(5, 6, 1)]
public partial class WarmUpLargeNet { }

[Network(12, 20, 3, Hidden = Activation.ELU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class WarmUpDuringFitNet { }

[Network(40, 33, 17, 4, Hidden = Activation.GELU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Dropout = 0.25, Precision = Precision.Single)]
public partial class WarmUpRunDropoutNet { }

[Network(3, 4, 2, Hidden = Activation.SiLU, Loss = LossFunction.Huber)]
public partial class WarmUpRunUnrolledNet { }

/// <summary>
/// <see cref="NetworkWarmUp"/>: the first network of a type constructed under the JIT compiles the type's calls on a
/// background thread; <see cref="NetworkWarmUp.Run{TNetwork, T}"/> does it on the caller's. The tests of this class run
/// one after another (one xUnit collection), since one of them sets the process-wide switch.
/// </summary>
public sealed class WarmUpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_first_network_of_a_type_starts_one_background_warm_up_which_finishes_and_touches_no_network()
    {
        Assert.Equal(WarmUpState.Undecided, NetworkWarmUp.StateOf<WarmUpProbeNet>());
        // Constructed on several threads at once: exactly one of them starts the warm-up (the state moves on once).
        WarmUpProbeNet[] networks = Enumerable.Range(0, 8).AsParallel().Select(seed => new WarmUpProbeNet(seed)).ToArray();
        Assert.Contains(NetworkWarmUp.StateOf<WarmUpProbeNet>(), new[] { WarmUpState.Running, WarmUpState.Done });

        Assert.True(SpinWait.SpinUntil(() => NetworkWarmUp.StateOf<WarmUpProbeNet>() != WarmUpState.Running, Patience));
        Assert.Equal(WarmUpState.Done, NetworkWarmUp.StateOf<WarmUpProbeNet>());
        // The warm-up trains a network of its own: the ones constructed here still hold their seeds' parameters.
        for (int seed = 0; seed < networks.Length; seed++)
            Assert.Equal(new WarmUpProbeNet(seed).Parameters.ToArray(), networks[seed].Parameters.ToArray());
        Assert.Equal(WarmUpState.Done, NetworkWarmUp.StateOf<WarmUpProbeNet>());
    }

    [Fact]
    public void A_background_warm_up_stops_after_the_batch_gradient_while_a_Fit_runs()
    {
        Assert.Equal(WarmUpState.Undecided, NetworkWarmUp.StateOf<WarmUpDuringFitNet>());
        WarmUpDuringFitNet network;
        using (NetworkWarmUp.EnterFit())
        {
            network = new WarmUpDuringFitNet(3);
            Assert.True(SpinWait.SpinUntil(() => NetworkWarmUp.StateOf<WarmUpDuringFitNet>() != WarmUpState.Running, Patience));
        }
        Assert.Equal(WarmUpState.Done, NetworkWarmUp.StateOf<WarmUpDuringFitNet>());

        var inputs = new float[NetworkWarmUp.Rows * WarmUpDuringFitNet.InputSize];
        var targets = new float[NetworkWarmUp.Rows * WarmUpDuringFitNet.OutputSize];
        var output = new float[WarmUpDuringFitNet.OutputSize];
        ReadOnlySpan<float> input = inputs.AsSpan(0, WarmUpDuringFitNet.InputSize);
        // The batch gradient, which it ran first, is compiled; Predict, which comes after the check, is not.
        long before = JitInfo.GetCompiledMethodCount(currentThread: true);
        network.ZeroGradients();
        network.BackwardBatch(inputs, targets);
        long afterBackward = JitInfo.GetCompiledMethodCount(currentThread: true);
        network.Predict(input, output);
        long afterPredict = JitInfo.GetCompiledMethodCount(currentThread: true);
        Assert.Equal(0, afterBackward - before);
        Assert.True(afterPredict > afterBackward, "Predict should have been left for the first real call to compile");
    }

    [Fact]
    public void The_switch_turns_the_background_warm_up_off()
    {
        Assert.False(NetworkWarmUp.IsDisabled());
        AppContext.SetSwitch(NetworkWarmUp.DisableSwitchName, true);
        try
        {
            Assert.True(NetworkWarmUp.IsDisabled());
            _ = new WarmUpSwitchNet();
            Assert.Equal(WarmUpState.Off, NetworkWarmUp.StateOf<WarmUpSwitchNet>());
        }
        finally
        {
            AppContext.SetSwitch(NetworkWarmUp.DisableSwitchName, false);
        }
        // Decided at the first construction: turning the switch back does not start one later.
        _ = new WarmUpSwitchNet();
        Assert.Equal(WarmUpState.Off, NetworkWarmUp.StateOf<WarmUpSwitchNet>());
    }

    [Fact]
    public void A_network_over_the_parameter_limit_gets_no_background_warm_up()
    {
        // The generated constructor passes the type's parameter count; a larger one than the limit starts nothing.
        NetworkWarmUp.StartInBackground<WarmUpLargeNet, double>(NetworkWarmUp.MaxBackgroundParameters + 1);
        Assert.Equal(WarmUpState.Off, NetworkWarmUp.StateOf<WarmUpLargeNet>());
        _ = new WarmUpLargeNet();
        Assert.Equal(WarmUpState.Off, NetworkWarmUp.StateOf<WarmUpLargeNet>());
    }

    [Fact]
    public void After_Run_the_first_calls_of_a_new_network_compile_nothing_on_the_calling_thread()
    {
        FirstCallsCompileNothingAfterRun<WarmUpRunDropoutNet, float>();
        FirstCallsCompileNothingAfterRun<WarmUpRunUnrolledNet, double>();
    }

    private static void FirstCallsCompileNothingAfterRun<TNetwork, T>()
        where TNetwork : class, INetwork<T>, new()
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        NetworkWarmUp.Run<TNetwork, T>();
        // Run decides the type's warm-up itself, so constructing one now starts none.
        Assert.Equal(WarmUpState.Off, NetworkWarmUp.StateOf<TNetwork>());

        var network = new TNetwork();
        int inputSize = network.InputSize, outputSize = network.OutputSize;
        var inputs = new T[NetworkWarmUp.Rows * inputSize];
        var targets = new T[NetworkWarmUp.Rows * outputSize];
        var outputs = new T[NetworkWarmUp.Rows * outputSize];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = T.CreateTruncating(i % 7 * 0.1);
        for (int row = 0; row < NetworkWarmUp.Rows; row++)
            targets[row * outputSize + row % outputSize] = T.One;
        ReadOnlySpan<T> input = inputs.AsSpan(0, inputSize), target = targets.AsSpan(0, outputSize);
        Span<T> output = outputs.AsSpan(0, outputSize);
        T learningRate = T.CreateTruncating(0.01);
        long before = JitInfo.GetCompiledMethodCount(currentThread: true);
        network.Predict(input, output);
        network.PredictBatch(inputs, outputs);
        network.ZeroGradients();
        network.BackwardBatch(inputs, targets);
        network.Train(input, target, learningRate);
        long compiled = JitInfo.GetCompiledMethodCount(currentThread: true) - before;
        Assert.Equal(0, compiled);
    }
}
