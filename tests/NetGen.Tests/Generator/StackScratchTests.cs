using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// The calls that run on scratch from <see cref="global::NetGen.Kernels.OnStack{T, TPass}"/>, which is not zeroed (Predict, PredictBatch
/// and Loss of networks that do not run in locals), read no scratch value before they write it: with the stack under them
/// filled first with NaNs, or with huge finite values, they give bit for bit what they give on a zeroed stack.
/// </summary>
public class StackScratchTests
{
    /// <summary>Every way those calls use their scratch: each of these shapes takes one or more of them (checked below).</summary>
    private const string Networks = """
        using NetGen;

        // Predict's and PredictBatch's first layer from the input-major copy of W1 (rows of 9 floats).
        [Network(9, 130, 1, Activations = new[] { Activation.ReLU, Activation.Identity }, Precision = Precision.Single)]
        public partial class FromColumns { }

        // The first layer by dot products; PredictBatch runs it for chunks of rows.
        [Network(8, 141, 2, Activations = new[] { Activation.ReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
        public partial class ChunkedRows { }

        // Every layer looped, softmax over the outputs.
        [Network(6, 40, 30, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
        public partial class LoopedSoftmax { }

        // GELU keeps its pre-activation beside its output.
        [Network(12, 37, 5, Activations = new[] { Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
        public partial class KeepsPreActivation { }

        // Dropout: Predict and Loss run the forward pass without it, past the sections the training pass uses.
        [Network(20, 64, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Dropout = 0.25)]
        public partial class WithDropout { }

        // Unrolling off: small layers looped, one row at a time.
        [Network(4, 20, 2, Hidden = Activation.LeakyReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
        public partial class LoopedRegression { }

        // A first layer unrolled and a wide one looped: PredictBatch runs the rows one at a time on one row's scratch.
        [Network(3, 4, 200, 2, Hidden = Activation.Tanh, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError)]
        public partial class UnrolledThenLooped { }
        """;

    private static readonly Lazy<GeneratorRun> Generated = new(() => GeneratorHarness.Run(Networks));

    private static readonly Lazy<Assembly> Compiled = new(() =>
    {
        Assert.Empty(Generated.Value.GeneratorDiagnostics);
        return GeneratorHarness.LoadCompilation(Generated.Value.Output);
    });

    /// <summary>Values of the stack filled before each call: 256 KB, several times the largest scratch here (a chunk of 32 rows of 145 doubles is 37 KB).</summary>
    private const int PoisonedValues = 32 * 1024;

    /// <summary>NaN as a double and as each of its two floats.</summary>
    private const ulong NaNs = 0xFFF8_0000_FFC0_0000;

    /// <summary>A huge finite value as a double (about 5e303) and as each of its two floats (about 1.7e38).</summary>
    private const ulong HugeValues = 0x7F00_0000_7F00_0000;

    [Fact]
    public void Predict_PredictBatch_and_Loss_give_the_same_bits_on_a_stack_of_NaNs_or_huge_values_as_on_a_zeroed_one()
    {
        Assembly assembly = Compiled.Value;
        string[] classes = ["FromColumns", "ChunkedRows", "LoopedSoftmax", "KeepsPreActivation", "WithDropout", "LoopedRegression", "UnrolledThenLooped"];
        foreach (string name in classes)
        {
            string source = GeneratedSource(name);
            Assert.Contains("Kernels.OnStack", source);
            if (assembly.GetType(name)!.GetInterfaces().Contains(typeof(INetwork<float>)))
                AssertSameOnAnyStack<float>(assembly, name);
            else
                AssertSameOnAnyStack<double>(assembly, name);
        }

        // The shapes cover each body that takes scratch: Predict from the column copy and from Forward, PredictBatch in
        // chunks and row by row, Loss.
        string all = string.Concat(classes.Select(GeneratedSource));
        Assert.Contains("ColumnCopyProduct", all);
        Assert.Contains("private void PredictBatchWith(global::System.ReadOnlySpan<double> inputs, global::System.Span<double> outputs, int rows, global::System.Span<double> batch)", all);
        Assert.Contains("private void PredictBatchWith(global::System.ReadOnlySpan<double> inputs, global::System.Span<double> outputs, int rows, global::System.Span<double> activations)", all);
        Assert.Contains("Forward(_parameters.Span, input, activations);", all);
    }

    [Fact]
    public void OnStack_hands_the_pass_the_stack_as_it_was_and_refuses_a_length_past_its_bound()
    {
        var seen = new double[1000];
        RunEmptyPass(seen.Length); // compiled first: the JIT, compiling on this thread, would leave its own values on the stack
        PoisonStack(NaNs);
        var probe = new ProbePass(seen);
        global::NetGen.Kernels.OnStack<double, ProbePass>(seen.Length, ref probe);
        // The stack under the call was not zeroed, and the filling reaches the scratch, so the test above reads what it means
        // to: most values are the poison. Not all: the runtime may run code of its own on this thread in between (tiered
        // compilation's call counting), which leaves other values in some slots (2 of 1,000 alone, 196 after a failed test).
        int poisoned = seen.Count(value => BitConverter.DoubleToUInt64Bits(value) == NaNs);
        Assert.True(poisoned >= seen.Length / 2, $"{poisoned} of {seen.Length} scratch values hold the poison");

        int most = global::NetGen.Kernels.MaxStackScratchBytes / sizeof(double);
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => RunEmptyPass(most + 1));
        Assert.Contains(most.ToString(System.Globalization.CultureInfo.InvariantCulture), tooLong.Message);
        Assert.Contains((most + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tooLong.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RunEmptyPass(-1));
    }

    private static void RunEmptyPass(int length)
    {
        var none = new ProbePass([]);
        global::NetGen.Kernels.OnStack<double, ProbePass>(length, ref none);
    }

    /// <summary>Copies its scratch out.</summary>
    private readonly ref struct ProbePass : IStackPass<double>
    {
        private readonly Span<double> _seen;

        public ProbePass(Span<double> seen) => _seen = seen;

        public double Run(scoped Span<double> scratch)
        {
            scratch.Slice(0, _seen.Length).CopyTo(_seen);
            return 0;
        }
    }

    private static string GeneratedSource(string className) =>
        Generated.Value.Sources.Single(source => source.HintName.StartsWith(className, StringComparison.Ordinal)).SourceText.ToString();

    /// <summary>Each call's results over a stack filled with NaNs and with huge values, against those over a zeroed stack.</summary>
    private static void AssertSameOnAnyStack<T>(Assembly assembly, string className)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        INetwork<T> network = GeneratorHarness.Create<T>(assembly, className, seed: 5);
        var random = new Random(7);
        const int Rows = 100;
        T[] inputs = Enumerable.Range(0, Rows * network.InputSize).Select(_ => T.CreateChecked(random.NextDouble() * 2 - 1)).ToArray();
        T[] targets = new T[Rows * network.OutputSize];
        for (int row = 0; row < Rows; row++)
            targets[row * network.OutputSize + row % network.OutputSize] = T.One; // one-hot, fit for every loss here

        Results(network, inputs, targets, 0); // every call compiled first: the JIT, compiling on this thread, would leave its own values on the stack
        T[] zeroed = Results(network, inputs, targets, 0);
        Assert.All(zeroed, value => Assert.True(T.IsFinite(value), $"{className}: {value} on a zeroed stack"));
        foreach (ulong poison in new[] { NaNs, HugeValues })
        {
            T[] poisoned = Results(network, inputs, targets, poison);
            for (int i = 0; i < zeroed.Length; i++)
                Assert.True(Bits(zeroed[i]) == Bits(poisoned[i]), $"{className}, result {i}: {poisoned[i]} over a stack of {poison:X16}, {zeroed[i]} over a zeroed one");
        }
    }

    /// <summary>Predict of every row, PredictBatch of the first 1, 2, 3, 31, 33 and 100 rows, and Loss of every row, each called right after the stack under it was filled with <paramref name="poison"/>.</summary>
    private static T[] Results<T>(INetwork<T> network, T[] inputs, T[] targets, ulong poison)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = network.InputSize, m = network.OutputSize, rows = inputs.Length / n;
        var results = new System.Collections.Generic.List<T>();
        var output = new T[m];
        for (int row = 0; row < rows; row++)
        {
            PoisonStack(poison);
            network.Predict(inputs.AsSpan(row * n, n), output);
            results.AddRange(output);
        }
        foreach (int count in new[] { 1, 2, 3, 31, 33, rows })
        {
            var outputs = new T[count * m];
            PoisonStack(poison);
            network.PredictBatch(inputs.AsSpan(0, count * n), outputs);
            results.AddRange(outputs);
        }
        for (int row = 0; row < rows; row++)
        {
            PoisonStack(poison);
            results.Add(network.Loss(inputs.AsSpan(row * n, n), targets.AsSpan(row * m, m)));
        }
        return results.ToArray();
    }

    /// <summary>Fills <see cref="PoisonedValues"/> values of the stack below the caller's frame with <paramref name="bits"/>, where the caller's next call will put its frames and scratch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong PoisonStack(ulong bits)
    {
        Span<ulong> region = stackalloc ulong[PoisonedValues];
        region.Fill(bits);
        return region[(int)(bits % PoisonedValues)]; // read, so the filling is not dropped as dead stores
    }

    private static ulong Bits<T>(T value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        BitConverter.DoubleToUInt64Bits(double.CreateChecked(value));
}
