using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NetGen;

/// <summary>
/// Compiles a network type's code before its first real use. Under the JIT, a fresh process's first <c>Predict</c>, first
/// <c>Train</c> and first training step of <c>Fit</c> otherwise wait for the compiler: about 45, 85 and 40-55 ms for
/// 784-128-10. Every generated network's constructor calls <see cref="StartInBackground{TNetwork, T}"/>, so the first
/// network of a type constructed in a process starts <see cref="Run{TNetwork, T}"/> on a background thread, which
/// overlaps the compiling with whatever the application does next (typically loading its data). In an assembly that
/// declares exactly one network the generator also writes a module initializer that calls it when the assembly loads
/// (before <c>Main</c> in an application), so the compiling overlaps the program's start even when it constructs the
/// network just before <c>Fit</c>. Native AOT compiles everything ahead of time, and this does nothing there.
/// </summary>
/// <remarks>
/// <para>
/// What it costs: one background thread per network type and process, for as long as the compiling takes (140-165 ms
/// of one core for 784-128-10), and a throwaway network of the type with 32 rows of made-up data (garbage once it ends). Calls
/// made while it runs do not compile a method twice: a thread that needs a method the other one is compiling waits for
/// it. Networks over <see cref="MaxBackgroundParameters"/> parameters are left out: their training dwarfs the compiling.
/// A background warm-up stops at its next call once a <c>Fit</c> is running, which compiles what it needs next on threads
/// of its own: measured with the network constructed just before <c>Fit</c>, a warm-up that went on competed with Fit's
/// two threads for two cores and made the first epoch slower.
/// </para>
/// <para>
/// To turn it off, set the <c>AppContext</c> switch <see cref="DisableSwitchName"/> in the project file:
/// <c>&lt;ItemGroup&gt;&lt;RuntimeHostConfigurationOption Include="NetGen.DisableBackgroundWarmUp" Value="true" /&gt;&lt;/ItemGroup&gt;</c>.
/// <c>AppContext.SetSwitch("NetGen.DisableBackgroundWarmUp", true)</c> stops only warm-ups that have not started: it
/// comes too late for the one an assembly's module initializer starts before <c>Main</c>.
/// <see cref="Run{TNetwork, T}"/> still works then, on the calling thread.
/// </para>
/// </remarks>
public static class NetworkWarmUp
{
    /// <summary>The <c>AppContext</c> switch that turns the background warm-up off when it is set to true.</summary>
    public const string DisableSwitchName = "NetGen.DisableBackgroundWarmUp";

    /// <summary>
    /// The most parameters a network may have for its constructor to start a background warm-up: the throwaway network's
    /// parameters and gradients then take at most 16 MB (double), and a larger network's training dwarfs the compiling.
    /// </summary>
    public const int MaxBackgroundParameters = 1 << 20;

    /// <summary>The rows each batch call of the warm-up gets: as many as a shard of a sharded <c>Fit</c> step aims for.</summary>
    internal const int Rows = ShardedBackward<float>.TargetShardRows;

    /// <summary>
    /// Runs every call a training job or a prediction service makes on a new <typeparamref name="TNetwork"/>, once, on
    /// the calling thread, so that their code is compiled when this returns: <c>BackwardBatch</c> (and the kernels of
    /// <c>Fit</c>'s steps), <c>PredictBatch</c>, <c>Predict</c>, <c>Train</c>. The network it constructs is thrown away;
    /// no other network changes. Call it at start-up to take the compiling out of the first real call when constructing a
    /// network in the background is not early enough, or when the background warm-up is turned off.
    /// </summary>
    /// <typeparam name="TNetwork">A network type with a parameterless constructor (every generated network has one).</typeparam>
    /// <typeparam name="T">The network's precision.</typeparam>
    public static void Run<TNetwork, T>()
        where TNetwork : class, INetwork<T>, new()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => RunCalls<TNetwork, T>(inBackground: false);

    /// <summary>
    /// <see cref="Run{TNetwork, T}"/>; <paramref name="inBackground"/>, it stops between two calls once a <c>Fit</c> is
    /// running: <c>Fit</c> compiles what it needs next on threads of its own (<see cref="Kernels.PrepareTrainingStep{T}"/>),
    /// and a third thread compiling on two cores held it back.
    /// </summary>
    private static void RunCalls<TNetwork, T>(bool inBackground)
        where TNetwork : class, INetwork<T>, new()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Decided first: the network constructed below must not start a background warm-up of its own.
        Interlocked.CompareExchange(ref State<TNetwork>.Value, (int)WarmUpState.Off, (int)WarmUpState.Undecided);
        var network = new TNetwork();
        int inputSize = network.InputSize, outputSize = network.OutputSize;
        var inputs = new T[Rows * inputSize];
        var targets = new T[Rows * outputSize];
        var outputs = new T[Rows * outputSize];
        // Values that take the paths real data takes: inputs in a small pattern (with zero inputs a ReLU layer whose biases
        // start at zero would pass no delta), one-hot targets (with zero ones a softmax's output deltas would all be zero),
        // and a small learning rate below (with zero, Train's update skips the rows it would change). Kernels skip rows of
        // zero deltas, so all-zero data left code for the first real call to compile.
        for (int i = 0; i < inputs.Length; i++)
            inputs[i] = T.CreateTruncating(i % 7 * 0.125);
        for (int row = 0; row < Rows; row++)
            targets[row * outputSize + row % outputSize] = T.One;
        // A training step's batch gradient first: when a Fit starts while this runs, it needs that chain first, and the
        // two threads then share its compiling (each method is compiled once; a thread that needs one the other is
        // compiling waits for it). Then the step's optimizer kernels, a batch of predictions (Fit's epoch report), one
        // prediction, and one plain SGD step (Train).
        network.ZeroGradients();
        network.BackwardBatch(inputs, targets);
        if (inBackground && FitRunning)
            return;
        Kernels.PrepareTrainingStep<T>(network.ParameterCount);
        if (inBackground && FitRunning)
            return;
        network.PredictBatch(inputs, outputs);
        network.Predict(inputs.AsSpan(0, inputSize), outputs.AsSpan(0, outputSize));
        if (inBackground && FitRunning)
            return;
        network.Train(inputs.AsSpan(0, inputSize), targets.AsSpan(0, outputSize), T.CreateTruncating(0.001));
    }

    /// <summary>
    /// Marks a <c>Fit</c> call as running until the result is disposed: background warm-ups stop at their next call
    /// meanwhile (<see cref="NetworkTraining"/>'s Fit takes one for its whole call).
    /// </summary>
    internal static FitInProgress EnterFit()
    {
        Interlocked.Increment(ref s_fitsRunning);
        return default;
    }

    /// <summary>One running <c>Fit</c>, from <see cref="EnterFit"/> until disposed.</summary>
    internal readonly struct FitInProgress : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref s_fitsRunning);
    }

    private static int s_fitsRunning;

    private static bool FitRunning => Volatile.Read(ref s_fitsRunning) > 0;

    /// <summary>
    /// Called by each generated network's constructor (and by the module initializer of an assembly with one network):
    /// under the JIT, the first call for <typeparamref name="TNetwork"/> in a process starts
    /// <see cref="Run{TNetwork, T}"/> on a background thread, unless <see cref="DisableSwitchName"/>
    /// is set or the network has more than <see cref="MaxBackgroundParameters"/> parameters. Later calls return at once.
    /// A failure of the warm-up is ignored: the real calls compile what they need themselves.
    /// </summary>
    /// <param name="parameterCount">The network type's parameter count.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void StartInBackground<TNetwork, T>(int parameterCount)
        where TNetwork : class, INetwork<T>, new()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref int state = ref State<TNetwork>.Value;
        if (Volatile.Read(ref state) != (int)WarmUpState.Undecided
            || Interlocked.CompareExchange(ref state, (int)WarmUpState.Off, (int)WarmUpState.Undecided) != (int)WarmUpState.Undecided)
            return;
        if (!RuntimeFeature.IsDynamicCodeCompiled || parameterCount > MaxBackgroundParameters || IsDisabled())
            return;
        Volatile.Write(ref state, (int)WarmUpState.Running);
        try
        {
            new Thread(static () => RunInBackground<TNetwork, T>()) { IsBackground = true, Name = "NetGen warm-up" }.Start();
        }
        catch (Exception)
        {
            // No thread to spare (a platform without threads, or none left): a constructor must not fail for that, and
            // the real calls compile what they need as they go.
            Volatile.Write(ref state, (int)WarmUpState.Off);
        }
    }

    /// <summary>Whether the switch <see cref="DisableSwitchName"/> is set to true.</summary>
    internal static bool IsDisabled() => AppContext.TryGetSwitch(DisableSwitchName, out bool disabled) && disabled;

    /// <summary>Where <typeparamref name="TNetwork"/>'s background warm-up stands (for tests).</summary>
    internal static WarmUpState StateOf<TNetwork>() => (WarmUpState)Volatile.Read(ref State<TNetwork>.Value);

    private static void RunInBackground<TNetwork, T>()
        where TNetwork : class, INetwork<T>, new()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        WarmUpState outcome = WarmUpState.Done;
        try
        {
            RunCalls<TNetwork, T>(inBackground: true);
        }
        catch (Exception)
        {
            // Only a warm-up, on a thread of its own, which an exception must not end the process from: the real calls
            // report whatever went wrong here themselves.
            outcome = WarmUpState.Failed;
        }
        Volatile.Write(ref State<TNetwork>.Value, (int)outcome);
    }

    private static class State<TNetwork>
    {
        // A WarmUpState: Undecided until the first constructor call (or Run) for TNetwork.
        public static int Value;
    }
}

/// <summary>Where a network type's background warm-up stands (<see cref="NetworkWarmUp"/>).</summary>
internal enum WarmUpState
{
    /// <summary>No network of the type constructed yet.</summary>
    Undecided,

    /// <summary>None started: turned off, no JIT, too many parameters, no thread, or <see cref="NetworkWarmUp.Run{TNetwork, T}"/> called first.</summary>
    Off,

    /// <summary>Running on its background thread.</summary>
    Running,

    /// <summary>Finished, or stopped early for a running <c>Fit</c>.</summary>
    Done,

    /// <summary>Ended by an exception, which it ignored.</summary>
    Failed,
}
