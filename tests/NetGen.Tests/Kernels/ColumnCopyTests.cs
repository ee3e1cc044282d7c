using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Tests.Kernels;

// Networks whose Predict reads layer 1 from an input-major copy of W1 (NetworkPlan.PredictsFirstLayerFromColumns).
[Network(9, 130, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Single)]
public partial class NineInputsWide { }

[Network(5, 40, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
public partial class FiveInputsSoftmax { }

// A network whose Predict reads a grouped layer of four inputs from a copy of W1 (LayerPlan.PredictsFromColumnCopy).
[Network(4, 28, 3, Hidden = Activation.LeakyReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class FourInputsGrouped { }

// A network whose Predict runs in locals with 512-bit vectors, its wide layer grouped from a copy of W1, and through the
// kernels (layer 1 from the same copy) elsewhere (NetworkPlan.PredictsInLocalsWith512Bits).
[Network(6, 40, 3, Hidden = Activation.LeakyReLU, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class SixInputsWideLeaky { }

/// <summary>
/// <c>Kernels.ColumnCopyProduct</c>: the product from an input-major copy of W that is checked against W on every call,
/// and the generated Predict and PredictBatch that use it.
/// </summary>
public class ColumnCopyTests
{
    private static float[] RandomValues(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

    /// <summary>A random layer (W, rows x columns, and b), <paramref name="samples"/> random input rows, and an empty column copy for that W.</summary>
    private static (float[] W, float[] B, float[] Inputs, float[] Copy) RandomLayer(int seed, int rows, int columns, int samples)
    {
        var random = new Random(seed);
        float[] w = RandomValues(random, rows * columns), b = RandomValues(random, rows);
        return (w, b, RandomValues(random, samples * columns), new float[NetGen.Kernels.ColumnCopyLength<float>(rows, columns)]);
    }

    /// <summary>Each output as the kernel defines it: its bias, then one multiply-add per column in column order, in double to compare against.</summary>
    private static double[] ColumnOrderReference(float[] w, float[] b, float[] x, int rows, int columns)
    {
        var z = new double[rows];
        for (int row = 0; row < rows; row++)
        {
            double sum = b[row];
            for (int column = 0; column < columns; column++)
                sum += (double)w[row * columns + column] * x[column];
            z[row] = sum;
        }
        return z;
    }

    [Theory]
    [InlineData(130, 9)]
    [InlineData(16, 3)]
    [InlineData(17, 10)]
    [InlineData(7, 4)] // fewer rows than any vector
    [InlineData(64, 1)]
    [InlineData(1, 5)]
    public void Gives_the_product_for_every_row_count_and_keeps_a_batch_row_equal_to_the_row_alone(int rows, int columns)
    {
        const int Samples = 5;
        var (w, b, inputs, copy) = RandomLayer(rows * 31 + columns, rows, columns, Samples);

        // A batch with outputs rows + 3 apart, then each input alone.
        int stride = rows + 3;
        var batch = new float[Samples * stride];
        NetGen.Kernels.ColumnCopyProduct<float>(w, b, inputs, columns, batch, stride, copy);
        for (int sample = 0; sample < Samples; sample++)
        {
            float[] x = inputs.AsSpan(sample * columns, columns).ToArray();
            var alone = new float[rows];
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, columns, alone, rows, copy);
            Assert.Equal(alone, batch.AsSpan(sample * stride, rows).ToArray());
            double[] expected = ColumnOrderReference(w, b, x, rows, columns);
            for (int row = 0; row < rows; row++)
                Assert.Equal(expected[row], alone[row], 1e-5);
            Assert.All(batch.AsSpan(sample * stride + rows, 3).ToArray(), gap => Assert.Equal(0f, gap)); // nothing written between rows
        }
    }

    [Theory]
    [InlineData(130, 9)]
    [InlineData(17, 10)]
    [InlineData(7, 4)] // fewer rows than any vector
    [InlineData(40, 3)]
    public void Applies_identity_ReLU_and_leaky_ReLU_as_the_activation_kernel_does_after_it(int rows, int columns)
    {
        const int Samples = 3;
        var (w, b, inputs, copy) = RandomLayer(rows * 17 + columns, rows, columns, Samples);
        int stride = rows + 2;
        var products = new float[Samples * stride];
        NetGen.Kernels.ColumnCopyProduct<float>(w, b, inputs, columns, products, stride, copy);
        foreach (Activation activation in new[] { Activation.Identity, Activation.ReLU, Activation.LeakyReLU })
        {
            var fused = new float[Samples * stride];
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, inputs, columns, fused, stride, copy, activation);
            for (int sample = 0; sample < Samples; sample++)
            {
                var expected = products.AsSpan(sample * stride, rows).ToArray();
                if (activation == Activation.ReLU)
                    NetGen.Kernels.ReLU<float>(expected, expected);
                else if (activation == Activation.LeakyReLU)
                    NetGen.Kernels.LeakyReLU<float>(expected, expected);
                float[] actual = fused.AsSpan(sample * stride, rows).ToArray();
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
            }
            Assert.Contains(products, value => value < 0); // some units inactive, so the activation changed something
        }
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, inputs, columns, new float[Samples * stride], stride, copy, Activation.Sigmoid));
    }

    [Fact]
    public void The_runtime_applies_every_activation_the_generator_fuses_into_the_product()
    {
        var fused = Enum.GetValues<NetGen.Generator.Model.ActivationKind>()
            .Where(kind => NetGen.Generator.Kinds.ActivationInfo.Of(kind).FusesIntoColumnProduct).ToList();
        Assert.NotEmpty(fused);
        float[] w = { 0.5f, -1f, 2f, 0.25f }, b = { -3f, 1f }, x = { 1f, 2f };
        var copy = new float[NetGen.Kernels.ColumnCopyLength<float>(2, 2)];
        foreach (var kind in fused)
        {
            var z = new float[2];
            // The generated code names the runtime's Activation by the kind's name.
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, 2, z, 2, copy, Enum.Parse<Activation>(kind.ToString()));
            // z = (-4.5, 3.5) before the activation: every fused kind keeps a positive sum and maps -4.5 into [-4.5, 0].
            Assert.Equal(3.5f, z[1]);
            Assert.InRange(z[0], -4.5f, 0f);
        }
    }

    [Fact]
    public void Sees_every_change_of_W_even_of_one_bit()
    {
        const int Rows = 130, Columns = 9;
        var (w, b, x, copy) = RandomLayer(4, Rows, Columns, samples: 1);
        var z = new float[Rows];
        NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, Columns, z, Rows, copy);

        foreach (int index in new[] { 0, 1, 8, 9, 600, Rows * Columns - 1 })
        {
            // The smallest change there is: the last bit of one weight.
            w[index] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(w[index]) ^ 1);
            var fresh = new float[Rows];
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, Columns, fresh, Rows, new float[copy.Length]);
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, Columns, z, Rows, copy);
            Assert.Equal(fresh, z);
        }

        // +0 to -0 is a change of bits, not of value: the copy follows W's bits, so both give the same outputs.
        w[5] = 0f;
        NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, Columns, z, Rows, copy);
        w[5] = -0f;
        var negativeZero = new float[Rows];
        NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, Columns, negativeZero, Rows, copy);
        Assert.Equal(z, negativeZero);

        // A NaN weight makes its row's output NaN, every call (NaN compares unequal as a value, but the check compares bits).
        w[3 * Columns + 2] = float.NaN;
        for (int call = 0; call < 2; call++)
        {
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, Columns, z, Rows, copy);
            Assert.True(float.IsNaN(z[3]));
            Assert.False(float.IsNaN(z[4]));
        }
    }

    [Theory]
    [InlineData(2, 3)] // 24 bytes: less than one 256-bit vector
    [InlineData(5, 3)] // 60 bytes: one 256-bit vector and a tail, less than a 512-bit one
    [InlineData(16, 4)] // 256 bytes: whole vectors, no tail
    [InlineData(17, 3)] // 204 bytes: whole vectors and a 12-byte tail
    [InlineData(33, 5)] // 660 bytes: the four-vector loop, single vectors and a tail
    public void Sees_a_change_of_the_last_bit_of_any_weight_whatever_the_length_of_W(int rows, int columns)
    {
        var (w, b, x, copy) = RandomLayer(rows * 100 + columns, rows, columns, samples: 1);
        var z = new float[rows];
        NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, columns, z, rows, copy);
        for (int index = 0; index < w.Length; index++)
        {
            w[index] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(w[index]) ^ 1);
            var fresh = new float[rows];
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, columns, fresh, rows, new float[copy.Length]);
            NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, columns, z, rows, copy);
            Assert.Equal(fresh, z);
            Assert.Equal(w, copy.AsSpan(0, w.Length).ToArray()); // the copy follows W to the last bit
        }
    }

    [Fact]
    public void A_zeroed_copy_of_a_zero_W_is_already_its_transpose()
    {
        var w = new double[40 * 5];
        var b = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        var z = new double[40];
        NetGen.Kernels.ColumnCopyProduct<double>(w, b, new double[] { 1, 2, 3, 4, 5 }, 5, z, 40, new double[NetGen.Kernels.ColumnCopyLength<double>(40, 5)]);
        Assert.Equal(b, z);
    }

    [Fact]
    public void Names_the_argument_and_the_lengths_it_expected()
    {
        var w = new float[20 * 4];
        var b = new float[20];
        var x = new float[4];
        var z = new float[20];
        int length = NetGen.Kernels.ColumnCopyLength<float>(20, 4);
        var error = Assert.Throws<ArgumentException>(() => NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, 4, z, 20, new float[length - 1]));
        Assert.Equal("columnCopy", error.ParamName);
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Throws<ArgumentException>(() => NetGen.Kernels.ColumnCopyProduct<float>(w.AsSpan(1).ToArray(), b, x, 4, z, 20, new float[length]));
        Assert.ThrowsAny<ArgumentException>(() => NetGen.Kernels.ColumnCopyProduct<float>(w, b, x, 4, z, 19, new float[length]));
        Assert.ThrowsAny<ArgumentException>(() => NetGen.Kernels.ColumnCopyProduct<float>(w, b, new float[5], 4, z, 20, new float[length]));
    }

    [Fact]
    public void These_networks_keep_the_copy_and_others_do_not()
    {
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        Assert.NotNull(typeof(NineInputsWide).GetField("_columnCopy1", Private));
        Assert.NotNull(typeof(FiveInputsSoftmax).GetField("_columnCopy1", Private));
        Assert.NotNull(typeof(FourInputsGrouped).GetField("_columnCopy1", Private));
        Assert.NotNull(typeof(SixInputsWideLeaky).GetField("_columnCopy1", Private)); // one copy for both of its Predict paths
        Assert.Null(typeof(MnistShaped).GetField("_columnCopy1", Private));
        Assert.Null(typeof(WideTanhSoftmax).GetField("_columnCopy1", Private));
    }

    [Fact]
    public void Predict_sees_a_write_through_a_Parameters_span_held_across_calls()
    {
        var network = new NineInputsWide(seed: 3);
        var random = new Random(2);
        float[] input = RandomValues(random, NineInputsWide.InputSize);
        var before = new float[1];
        var after = new float[1];
        Span<float> parameters = network.Parameters; // held across the calls below
        network.Predict(input, before);
        for (int i = 0; i < 9 * 130; i++)
            parameters[i] *= -1.5f; // W1 only
        network.Predict(input, after);

        var reference = new NineInputsWide(seed: 3);
        parameters.CopyTo(reference.Parameters);
        var expected = new float[1];
        reference.Predict(input, expected);
        Assert.Equal(expected, after);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void Predict_and_PredictBatch_agree_bit_for_bit_and_stay_close_to_Loss_and_the_training_calls()
    {
        var network = new FiveInputsSoftmax(seed: 7);
        var random = new Random(3);
        const int Rows = 70;
        double[] inputs = Enumerable.Range(0, Rows * 5).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        var batch = new double[Rows * 3];
        network.PredictBatch(inputs, batch);
        for (int row = 0; row < Rows; row++)
        {
            var output = new double[3];
            network.Predict(inputs.AsSpan(row * 5, 5), output);
            Assert.Equal(output, batch.AsSpan(row * 3, 3).ToArray());
            // Loss runs the dot products: the same outputs but for the order of each unit's sum.
            int label = row % 3;
            double[] target = { label == 0 ? 1 : 0, label == 1 ? 1 : 0, label == 2 ? 1 : 0 };
            Assert.Equal(-Math.Log(output[label]), network.Loss(inputs.AsSpan(row * 5, 5), target), 1e-9);
        }
    }

    [Fact]
    public void A_network_that_predicts_in_locals_with_512_bit_vectors_agrees_with_PredictBatch_bit_for_bit_and_with_Loss_closely()
    {
        // Under every instruction set CI runs: in locals with AVX-512, through the kernels without it.
        var network = new SixInputsWideLeaky(seed: 11);
        var random = new Random(4);
        const int Rows = 70;
        float[] inputs = RandomValues(random, Rows * 6).Select(v => 4 * v).ToArray();
        var batch = new float[Rows * 3];
        for (int pass = 0; pass < 2; pass++)
        {
            network.PredictBatch(inputs, batch);
            for (int row = 0; row < Rows; row++)
            {
                var output = new float[3];
                network.Predict(inputs.AsSpan(row * 6, 6), output);
                Assert.Equal(output, batch.AsSpan(row * 3, 3).ToArray());
                Assert.Equal(1f, output.Sum(), 1e-5f);
                int label = row % 3;
                float[] target = { label == 0 ? 1 : 0, label == 1 ? 1 : 0, label == 2 ? 1 : 0 };
                Assert.Equal(-Math.Log(output[label]), network.Loss(inputs.AsSpan(row * 6, 6), target), 1e-4);
            }
            network.Train(inputs.AsSpan(0, 6), new float[] { 0, 1, 0 }, 0.5f); // W1 changes: Predict must see it
        }
    }

    [Fact]
    public void Predict_allocates_nothing()
    {
        foreach (INetwork<float> network in new INetwork<float>[] { new NineInputsWide(seed: 1), new FourInputsGrouped(seed: 1), new SixInputsWideLeaky(seed: 1) })
        {
            var input = new float[network.InputSize];
            var output = new float[network.OutputSize];
            network.Predict(input, output);
            network.Parameters[0] = 2f; // the next call copies W1 again
            long before = GC.GetAllocatedBytesForCurrentThread();
            network.Predict(input, output);
            network.Predict(input, output);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Theory]
    [InlineData(28, 4)]
    [InlineData(37, 3)]
    [InlineData(8, 4)]
    [InlineData(130, 9)]
    public void CurrentColumns_returns_the_transpose_of_W_as_it_is_now(int rows, int columns)
    {
        var random = new Random(rows + columns);
        float[] w = RandomValues(random, rows * columns);
        var copy = new float[NetGen.Kernels.ColumnCopyLength<float>(rows, columns)];
        int stride = NetGen.Kernels.ColumnStride<float>(rows);
        Assert.True(stride >= rows);
        for (int change = 0; change < 3; change++)
        {
            float[] transposed = Transposed(ref NetGen.Kernels.CurrentColumns<float>(w, rows, columns, copy));
            for (int row = 0; row < rows; row++)
            {
                for (int column = 0; column < columns; column++)
                    Assert.Equal(w[row * columns + column], transposed[column * stride + row]);
            }
            w[random.Next(w.Length)] += 1f; // the next call must see it
        }

        float[] Transposed(ref float column0) => System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref column0, columns * stride).ToArray();
    }

    [Fact]
    public void CurrentColumns_names_the_argument_and_the_lengths_it_expected()
    {
        var w = new double[12 * 3];
        int length = NetGen.Kernels.ColumnCopyLength<double>(12, 3);
        var error = Assert.Throws<ArgumentException>(() => NetGen.Kernels.CurrentColumns<double>(w, 12, 3, new double[length + 1]));
        Assert.Equal("columnCopy", error.ParamName);
        Assert.Contains(length.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        error = Assert.Throws<ArgumentException>(() => NetGen.Kernels.CurrentColumns<double>(w, 12, 4, new double[NetGen.Kernels.ColumnCopyLength<double>(12, 4)]));
        Assert.Equal("weights", error.ParamName);
        Assert.Contains("48", error.Message);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.CurrentColumns<double>(w, 0, 3, new double[length])).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.CurrentColumns<double>(w, 12, -1, new double[length])).ParamName);
    }

    [Fact]
    public void Predict_from_8_threads_after_a_write_to_the_parameters_matches_one_thread()
    {
        // Every thread finds the copy stale on its first call, and several may write it at once, each the same values.
        var network = new NineInputsWide(seed: 5);
        const int Rows = 400;
        var random = new Random(6);
        float[] inputs = RandomValues(random, Rows * 9);
        var reference = new NineInputsWide(seed: 9);
        for (int round = 0; round < 20; round++)
        {
            Span<float> parameters = network.Parameters;
            for (int i = 0; i < parameters.Length; i++)
                parameters[i] = (float)(random.NextDouble() - 0.5);
            parameters.CopyTo(reference.Parameters);
            var expected = new float[Rows];
            reference.PredictBatch(inputs, expected);

            var results = new float[8][];
            using var start = new Barrier(8);
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
            {
                var mine = new float[Rows];
                start.SignalAndWait();
                for (int row = 0; row < Rows; row++)
                    network.Predict(inputs.AsSpan(row * 9, 9), mine.AsSpan(row, 1));
                results[thread] = mine;
            });
            foreach (float[] result in results)
                Assert.Equal(expected, result);
        }
    }
}
