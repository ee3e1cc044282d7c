using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using NetGen;
using NetGen.TestSupport;

namespace NetGen.Tests.Kernels;

// Networks whose Backward defers large layers' weight gradients (Planner rule 12): one layer of 130 x 80 floats (41 KB),
// and two of doubles (64 x 80, 40 KB; 80 x 70, 44 KB) with dropout.
[Network(130, 80, 3, Hidden = Activation.ReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
public partial class DeferredWide { }

[Network(64, 80, 70, 2, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Dropout = 0.25)]
public partial class DeferredDeep { }

/// <summary>
/// A network whose Backward defers a layer's weight gradients adds them later, a few samples at a time, in sample order:
/// every call must give exactly what adding each sample at once gives. The reference is the same network with its
/// <c>Gradients</c> read before the first call, which makes it add every sample at once from then on.
/// </summary>
public class DeferredGradientTests
{
    [Fact]
    public void A_deferring_network_trains_bit_for_bit_like_one_that_adds_every_sample_at_once()
    {
        AssertSameAsAddingAtOnce<float>(() => new DeferredWide(11), expectedDeferredLayers: 1);
        AssertSameAsAddingAtOnce<double>(() => new DeferredDeep(11), expectedDeferredLayers: 2);
    }

    private static void AssertSameAsAddingAtOnce<T>(Func<INetwork<T>> create, int expectedDeferredLayers)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        INetwork<T> deferred = create(), atOnce = create();
        _ = atOnce.Gradients; // from here on it adds each sample at once
        GradientBuffer<T> buffer = BufferOf(deferred), atOnceBuffer = BufferOf(atOnce);

        var random = new Random(5);
        int rows = 40, inputSize = deferred.InputSize, outputSize = deferred.OutputSize;
        T[] inputs = Enumerable.Range(0, rows * inputSize).Select(_ => T.CreateTruncating(random.NextDouble() * 2 - 1)).ToArray();
        T[] targets = Enumerable.Range(0, rows * outputSize).Select(_ => T.CreateTruncating(random.NextDouble())).ToArray();
        T Row(INetwork<T> network, int row) =>
            network.Backward(inputs.AsSpan(row * inputSize, inputSize), targets.AsSpan(row * outputSize, outputSize));

        // Three minibatches of 13 rows through the per-row contract: 13 is no multiple of any layer's capacity.
        for (int batch = 0; batch < 3; batch++)
        {
            deferred.ZeroGradients();
            atOnce.ZeroGradients();
            for (int row = 0; row < 13; row++)
                Assert.Equal(Row(atOnce, batch * 13 + row), Row(deferred, batch * 13 + row));
            if (batch == 0)
            {
                for (int layer = 0; layer < expectedDeferredLayers; layer++)
                {
                    Assert.Equal(13 % buffer.PendingCapacity(layer), buffer.PendingSamples(layer));
                    Assert.Equal(0, atOnceBuffer.PendingSamples(layer));
                }
            }
            deferred.ApplyGradients(T.CreateTruncating(0.05));
            atOnce.ApplyGradients(T.CreateTruncating(0.05));
            AssertBitsEqual(atOnce.Parameters, deferred.Parameters, $"parameters after minibatch {batch}");
        }

        // Per-row calls around a batch call and a fused TrainBatch: the deferred rows come first in every sum.
        deferred.ZeroGradients();
        atOnce.ZeroGradients();
        for (int row = 0; row < 3; row++)
            Assert.Equal(Row(atOnce, row), Row(deferred, row));
        Assert.Equal(atOnce.BackwardBatch(inputs.AsSpan(0, 7 * inputSize), targets.AsSpan(0, 7 * outputSize)),
            deferred.BackwardBatch(inputs.AsSpan(0, 7 * inputSize), targets.AsSpan(0, 7 * outputSize)));
        for (int row = 3; row < 5; row++)
            Assert.Equal(Row(atOnce, row), Row(deferred, row));
        deferred.ApplyGradients(T.CreateTruncating(0.05));
        atOnce.ApplyGradients(T.CreateTruncating(0.05));
        AssertBitsEqual(atOnce.Parameters, deferred.Parameters, "parameters after rows, a batch and rows");
        for (int row = 5; row < 9; row++)
            Assert.Equal(Row(atOnce, row), Row(deferred, row)); // left pending: TrainBatch starts from zero all the same
        Assert.Equal(atOnce.TrainBatch(inputs.AsSpan(0, 16 * inputSize), targets.AsSpan(0, 16 * outputSize), T.CreateTruncating(0.1)),
            deferred.TrainBatch(inputs.AsSpan(0, 16 * inputSize), targets.AsSpan(0, 16 * outputSize), T.CreateTruncating(0.1)));
        AssertBitsEqual(atOnce.Parameters, deferred.Parameters, "parameters after TrainBatch");
        AssertBitsEqual(atOnce.Gradients, deferred.Gradients, "gradients after TrainBatch");
    }

    [Fact]
    public void Reading_Gradients_adds_what_is_deferred_and_stops_deferring()
    {
        var network = new DeferredWide(3);
        GradientBuffer<float> buffer = BufferOf(network);
        float[] input = Enumerable.Range(0, 130).Select(i => MathF.Sin(i)).ToArray(), target = { 0.5f, -0.25f, 1f };
        network.Backward(input, target);
        Assert.Equal(1, buffer.PendingSamples(0));
        Span<float> gradients = network.Gradients; // adds the pending sample
        Assert.Equal(0, buffer.PendingSamples(0));
        float before = gradients.ToArray().Sum(MathF.Abs);
        Assert.True(before > 0f);
        network.Backward(input, target); // added at once: the span the caller holds sees it
        Assert.Equal(0, buffer.PendingSamples(0));
        Assert.NotEqual(before, gradients.ToArray().Sum(MathF.Abs));
    }

    [Fact]
    public void ZeroGradients_drops_what_is_deferred()
    {
        var network = new DeferredWide(3);
        float[] input = Enumerable.Range(0, 130).Select(i => MathF.Cos(i)).ToArray(), target = { 0.5f, -0.25f, 1f };
        network.Backward(input, target);
        network.Backward(input, target);
        network.ZeroGradients();
        Assert.Equal(0, BufferOf(network).PendingSamples(0));
        Assert.All(network.Gradients.ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Backward_that_defers_allocates_nothing()
    {
        var network = new DeferredDeep(3);
        double[] input = Enumerable.Range(0, 64).Select(i => Math.Sin(i)).ToArray(), target = { 1, 0 };
        for (int i = 0; i < 20; i++)
            network.Backward(input, target); // warm up, fill and add the pending samples
        // The fewest bytes of a few runs: a background collection started by another test's thread can add the rest of
        // this thread's allocation context to one reading (CI read 2,312 bytes once under DOTNET_EnableHWIntrinsic=0).
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < 20; i++)
                network.Backward(input, target);
            network.ApplyGradients(0.01);
            network.ZeroGradients();
        }));
    }

    [Fact]
    public void A_layer_adds_its_samples_when_it_holds_as_many_as_it_keeps()
    {
        var buffer = new GradientBuffer<float>(3 + 4 * 2000, 3, 4, 2000);
        int capacity = buffer.PendingCapacity(0);
        Assert.InRange(capacity, 2, 8);
        float[] delta = { 1, 0, -2, 0.5f }, x = Enumerable.Range(0, 2000).Select(i => i * 0.001f).ToArray();
        for (int sample = 1; sample < capacity; sample++)
        {
            buffer.AddOuterProduct(0, delta, x);
            Assert.Equal(sample, buffer.PendingSamples(0));
        }
        buffer.AddOuterProduct(0, delta, x);
        Assert.Equal(0, buffer.PendingSamples(0));
        Span<float> values = buffer.Span;
        Assert.Equal(0f, values[0]); // before the block: untouched
        Assert.Equal(capacity * -2f * 1.5f, values[3 + 2 * 2000 + 1500], 3);
    }

    [Fact]
    public void Bad_arguments_name_what_was_expected()
    {
        Assert.Throws<ArgumentException>(() => new GradientBuffer<float>(100, 0, 10));
        var outside = Assert.Throws<ArgumentException>(() => new GradientBuffer<float>(100, 50, 10, 10));
        Assert.Contains("10 x 10 at 50", outside.Message);
        var buffer = new GradientBuffer<double>(100, 0, 10, 10);
        var rowsWrong = Assert.Throws<ArgumentException>(() => buffer.AddOuterProduct(0, new double[9], new double[10]));
        Assert.Contains("10", rowsWrong.Message);
        Assert.Contains("9", rowsWrong.Message);
        Assert.Throws<ArgumentException>(() => buffer.AddOuterProduct(0, new double[10], new double[11]));
        Assert.Equal(0, buffer.PendingSamples(0));
    }

    /// <summary>The network's gradient buffer: it must be one, or the network does not defer and the test would prove nothing.</summary>
    private static GradientBuffer<T> BufferOf<T>(INetwork<T> network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        FieldInfo field = network.GetType().GetField("_gradients", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{network.GetType().Name} has no _gradients field.");
        return Assert.IsType<GradientBuffer<T>>(field.GetValue(network));
    }

    private static void AssertBitsEqual<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.Slice(i, 1)).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(actual.Slice(i, 1))))
                Assert.Fail($"{what}: [{i}] expected {expected[i]}, got {actual[i]}");
        }
    }
}
