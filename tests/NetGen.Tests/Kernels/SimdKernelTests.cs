using System;
using System.Linq;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The whole-layer SIMD kernels agree with plain loops for every shape: blocks of 8 and 4 rows,
/// 512-bit column blocks, the streamed rows of matrices too large for L1, and every kind of tail.
/// </summary>
public class SimdKernelTests
{
    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 3, 5 }, { 4, 8 }, { 8, 16 }, { 9, 17 }, { 10, 32 }, { 13, 130 }, { 17, 300 }, { 32, 64 }, { 128, 784 }, { 5, 1000 },
        // Over 64 KB of weights: the streamed path (one row at a time), with leftover vectors and columns.
        { 40, 260 }, { 21, 1000 }, { 9, 1031 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatrixVector_matches_a_plain_loop(int rows, int columns)
    {
        var random = new Random(rows * 1000 + columns);
        double[] w = Values(random, rows * columns), x = Values(random, columns), b = Values(random, rows);
        var z = new double[rows];
        Simd.MatrixVector<double>(w, x, b, z);
        for (int j = 0; j < rows; j++)
            AssertClose(b[j] + Enumerable.Range(0, columns).Sum(i => w[j * columns + i] * x[i]), z[j], $"z[{j}]");

        float[] wf = ToSingle(w), xf = ToSingle(x), bf = ToSingle(b);
        var zf = new float[rows];
        Simd.MatrixVector<float>(wf, xf, bf, zf);
        for (int j = 0; j < rows; j++)
            AssertClose(z[j], zf[j], $"single z[{j}]", 1e-4 * Math.Sqrt(columns));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatrixMatrix_gives_each_input_exactly_what_MatrixVector_gives_it(int rows, int columns)
    {
        const int Samples = 5, Stride = 3; // outputs interleaved with untouched gaps, as in a batch of activation rows
        var random = new Random(rows * 1000 + columns + 3);
        double[] w = Values(random, rows * columns), b = Values(random, rows), x = Values(random, Samples * columns);
        var z = Enumerable.Repeat(-7.0, Samples * (rows + Stride)).ToArray();
        Simd.MatrixMatrix<double>(w, b, x, columns, z, rows + Stride);
        float[] wf = ToSingle(w), bf = ToSingle(b), xf = ToSingle(x);
        var zf = new float[Samples * (rows + Stride)];
        Simd.MatrixMatrix<float>(wf, bf, xf, columns, zf, rows + Stride);

        for (int s = 0; s < Samples; s++)
        {
            var expected = new double[rows];
            Simd.MatrixVector<double>(w, x.AsSpan(s * columns, columns), b, expected);
            Assert.Equal(expected, z.AsSpan(s * (rows + Stride), rows).ToArray());
            Assert.All(z.AsSpan(s * (rows + Stride) + rows, Stride).ToArray(), gap => Assert.Equal(-7.0, gap));
            var expectedSingle = new float[rows];
            Simd.MatrixVector<float>(wf, xf.AsSpan(s * columns, columns), bf, expectedSingle);
            Assert.Equal(expectedSingle, zf.AsSpan(s * (rows + Stride), rows).ToArray());
        }
        Assert.Throws<ArgumentException>(() => Simd.MatrixMatrix<double>(w, b, x.AsSpan(1).ToArray(), columns + (columns == 1 ? 1 : 0), z, rows + Stride));
        Assert.Throws<ArgumentException>(() => Simd.MatrixMatrix<double>(w, b, x, columns, new double[Samples * rows - 1], rows));
        var stride = Assert.Throws<ArgumentOutOfRangeException>(() => Simd.MatrixMatrix<double>(w, b, x, columns, z, rows - 1));
        Assert.Equal("outputStride", stride.ParamName);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_products_do_not_depend_on_where_the_inputs_sit(int rows, int columns)
    {
        // The streamed path copies inputs that are not on a cache line; the copy must not change a bit.
        const int Samples = 6;
        var random = new Random(rows * 1000 + columns + 4);
        float[] w = ToSingle(Values(random, rows * columns)), b = ToSingle(Values(random, rows)), x = ToSingle(Values(random, Samples * columns));
        var aligned = new AlignedBuffer<float>(Samples * columns + 16);
        foreach (int offset in new[] { 0, 1, 4, 15 })
        {
            Span<float> placed = aligned.Span.Slice(offset, Samples * columns);
            x.CopyTo(placed);
            var fromArray = new float[Samples * rows];
            var fromPlaced = new float[Samples * rows];
            Simd.MatrixMatrix<float>(w, b, x, columns, fromArray, rows);
            Simd.MatrixMatrix<float>(w, b, placed, columns, fromPlaced, rows);
            Assert.Equal(fromArray, fromPlaced);
            Simd.MatrixVector<float>(w, placed.Slice(columns, columns), b, fromPlaced.AsSpan(0, rows));
            Assert.Equal(fromArray.AsSpan(rows, rows).ToArray(), fromPlaced.AsSpan(0, rows).ToArray());
        }
    }

    [Fact]
    public void ReLU_is_max_of_zero_and_z_and_its_NaN_case_is_the_documented_one()
    {
        foreach (double z in new[] { 2.5, -3.0, 0.0, -0.0, 1e-300, -1e-300, double.PositiveInfinity, double.NegativeInfinity })
        {
            Assert.Equal(z > 0 ? z : 0.0, NetGen.Kernels.ReLU(z));
            Assert.Equal(z > 0 ? (float)z : 0f, NetGen.Kernels.ReLU((float)z));
        }
        // A NaN sum gives 0 on x64, where these tests run (vmaxsd returns its second operand); Arm64's
        // fmax would give NaN.
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Equal(0.0, NetGen.Kernels.ReLU(double.NaN));
            Assert.Equal(0f, NetGen.Kernels.ReLU(float.NaN));
        }
    }

    [Fact]
    public void Row_chunk_updates_give_exactly_the_scalar_statements_and_touch_nothing_else()
    {
        // Unrolled layers update weight rows with Kernels.AddScaled; the result must be bit for bit
        // what "w[i] += s * x[i]" gives, so that vectorising the rows changes no result.
        var random = new Random(11);
        double[] row = Values(random, 6), x = Values(random, 4);
        double scale = random.NextDouble() - 0.5;
        double[] expected = (double[])row.Clone();
        for (int i = 0; i < 4; i++)
            expected[1 + i] += scale * x[i];
        NetGen.Kernels.AddScaled(row, 1, scale, System.Runtime.Intrinsics.Vector256.Create(x));
        Assert.Equal(expected, row);
        for (int i = 0; i < 2; i++)
            expected[3 + i] -= scale * x[i]; // the step's form: AddScaled(w, k, -s, x) is w[k..] -= s * x bit for bit
        NetGen.Kernels.AddScaled(row, 3, -scale, System.Runtime.Intrinsics.Vector128.Create(x[0], x[1]));
        Assert.Equal(expected, row);

        float[] rowSingle = ToSingle(Values(random, 10)), xSingle = ToSingle(Values(random, 8));
        float[] expectedSingle = (float[])rowSingle.Clone();
        for (int i = 0; i < 8; i++)
            expectedSingle[1 + i] += 0.25f * xSingle[i];
        NetGen.Kernels.AddScaled(rowSingle, 1, 0.25f, System.Runtime.Intrinsics.Vector256.Create(xSingle));
        Assert.Equal(expectedSingle, rowSingle);

        // Lanes past the end, or a negative start, are refused and change nothing.
        double[] before = (double[])row.Clone();
        Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddScaled(row, 3, scale, System.Runtime.Intrinsics.Vector256.Create(x)));
        Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddScaled(row, 5, scale, System.Runtime.Intrinsics.Vector128.Create(x[0], x[1])));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddScaled(row, -1, scale, System.Runtime.Intrinsics.Vector128.Create(x[0], x[1])));
        Assert.Equal("start", negative.ParamName);
        Assert.Equal(before, row);
        for (int i = 0; i < 4; i++)
            before[2 + i] += scale * x[i];
        NetGen.Kernels.AddScaled(row, 2, scale, System.Runtime.Intrinsics.Vector256.Create(x)); // the last lanes that fit
        Assert.Equal(before, row);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TransposedMatrixVector_matches_a_plain_loop(int rows, int columns)
    {
        var random = new Random(rows * 1000 + columns + 1);
        double[] w = Values(random, rows * columns), d = Values(random, rows);
        var result = Values(random, columns); // overwritten, not added to
        Simd.TransposedMatrixVector<double>(w, d, result);
        for (int i = 0; i < columns; i++)
            AssertClose(Enumerable.Range(0, rows).Sum(j => w[j * columns + i] * d[j]), result[i], $"result[{i}]");

        float[] wf = ToSingle(w), df = ToSingle(d);
        var resultSingle = ToSingle(Values(random, columns));
        Simd.TransposedMatrixVector<float>(wf, df, resultSingle);
        for (int i = 0; i < columns; i++)
            AssertClose(result[i], resultSingle[i], $"single result[{i}]", 1e-4 * Math.Sqrt(rows));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(37)]
    public void Softmax_matches_the_definition_and_stays_finite_for_huge_logits(int length)
    {
        var random = new Random(length);
        double[] z = Values(random, length).Select(v => v * 20).ToArray();
        var a = new double[length];
        Simd.Softmax<double>(z, a);
        double normaliser = z.Sum(Math.Exp);
        for (int k = 0; k < length; k++)
            AssertClose(Math.Exp(z[k]) / normaliser, a[k], $"a[{k}]");

        // Shifted by the largest logit, so logits far beyond exp's range give the same finite result.
        double[] huge = z.Select(v => v + 1000).ToArray();
        var fromHuge = new double[length];
        Simd.Softmax<double>(huge, fromHuge);
        for (int k = 0; k < length; k++)
            AssertClose(a[k], fromHuge[k], $"a[{k}] at z + 1000");

        // Single precision, written into the middle of a longer block: nothing outside it changes
        // (up to 16 floats take a path with masked 512-bit loads and stores).
        float[] zf = ToSingle(z);
        var block = Enumerable.Repeat(-7f, length + 32).ToArray();
        Simd.Softmax<float>(zf, block.AsSpan(16, length));
        for (int k = 0; k < length; k++)
            AssertClose(a[k], block[16 + k], $"single a[{k}]", 1e-6);
        Assert.All(block.Take(16).Concat(block.Skip(16 + length)), value => Assert.Equal(-7f, value));
        Assert.Throws<ArgumentException>(() => Simd.Softmax<double>(z, new double[length + 1]));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AddScaledOuterProduct_matches_a_plain_loop_and_skips_nothing_that_matters(int rows, int columns)
    {
        var random = new Random(rows * 1000 + columns + 2);
        double[] w = Values(random, rows * columns), x = Values(random, columns), d = Values(random, rows);
        for (int j = 0; j < rows; j += 3)
            d[j] = 0; // inactive rows: their update is exactly zero, whether skipped or not
        double[] expected = w.Select((value, k) => value + -0.25 * d[k / columns] * x[k % columns]).ToArray();

        Simd.AddScaledOuterProduct<double>(w, d, x, -0.25);

        for (int k = 0; k < w.Length; k++)
            AssertClose(expected[k], w[k], $"w[{k / columns}, {k % columns}]");

        float[] wf = ToSingle(w), xf = ToSingle(x), df = ToSingle(d);
        float[] expectedSingle = wf.Select((value, k) => value + 0.5f * df[k / columns] * xf[k % columns]).ToArray();
        Simd.AddScaledOuterProduct<float>(wf, df, xf, 0.5f);
        for (int k = 0; k < wf.Length; k++)
            AssertClose(expectedSingle[k], wf[k], $"single w[{k}]", 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(45)]
    public void ReLUBackward_passes_the_error_of_active_units_only(int length)
    {
        var random = new Random(length);
        double[] a = Values(random, length).Select(v => Math.Max(v, 0)).ToArray(); // ReLU outputs: about half zero
        double[] delta = Values(random, length);
        a[length / 2] = double.NaN;
        double[] expected = delta.Select((d, i) => a[i] > 0 ? d : 0).ToArray();
        float[] singleDelta = ToSingle(delta);

        Simd.ReLUBackward<double>(a, delta);
        Simd.ReLUBackward<float>(ToSingle(a), singleDelta);

        Assert.Equal(expected, delta);
        Assert.Equal(ToSingle(expected), singleDelta);
        Assert.Throws<ArgumentException>(() => Simd.ReLUBackward<double>(a, new double[length + 1]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(19)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    [InlineData(1001)]
    public void AddScaled_matches_a_plain_loop_for_every_tail(int length)
    {
        var random = new Random(length + 5);
        double[] x = Values(random, length), y = Values(random, length);
        double[] expected = y.Select((value, i) => value + -0.3 * x[i]).ToArray();
        float[] xf = ToSingle(x), yf = ToSingle(y);
        float[] expectedSingle = yf.Select((value, i) => value + -0.3f * xf[i]).ToArray();

        Simd.AddScaled<double>(-0.3, x, y);
        Simd.AddScaled<float>(-0.3f, xf, yf);

        for (int i = 0; i < length; i++)
        {
            AssertClose(expected[i], y[i], $"y[{i}]");
            AssertClose(expectedSingle[i], yf[i], $"single y[{i}]", 1e-6);
        }
    }

    [Fact]
    public void Kernels_reject_mismatched_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Simd.MatrixVector<double>(new double[5], new double[2], new double[3], new double[3]));
        Assert.Contains("Expected a span of length 6, got length 5", error.Message);
        Assert.Throws<ArgumentException>(() => Simd.MatrixVector<double>(new double[6], new double[2], new double[2], new double[3]));
        Assert.Throws<ArgumentException>(() => Simd.AddScaled<double>(1, new double[3], new double[4]));
    }

    [Fact]
    public void Layer_activations_are_System_Numerics_Tensors_by_default_and_check_their_lengths()
    {
        // Without the NetGen.UseSystemExp switch (NetGen.ExactExp.Tests covers it on), the wrappers the
        // generated code calls are exactly the vectorised library calls.
        Assert.False(global::NetGen.Kernels.UsesSystemExp);
        var random = new Random(21);
        double[] z = Values(random, 37).Select(v => v * 30).ToArray();
        float[] zf = ToSingle(z);
        double[] a = new double[z.Length], expected = new double[z.Length];
        float[] af = new float[z.Length], expectedf = new float[z.Length];

        Simd.Sigmoid<double>(z, a);
        System.Numerics.Tensors.TensorPrimitives.Sigmoid<double>(z, expected);
        Assert.Equal(expected, a);
        Simd.Tanh<float>(zf, af);
        System.Numerics.Tensors.TensorPrimitives.Tanh<float>(zf, expectedf);
        Assert.Equal(expectedf, af);
        z.CopyTo(a);
        Simd.Tanh<double>(a, a); // in place, as the generated code calls it
        System.Numerics.Tensors.TensorPrimitives.Tanh<double>(z, expected);
        Assert.Equal(expected, a);

        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Simd.Sigmoid<double>(z, new double[z.Length - 1])).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Simd.Tanh<float>(zf, new float[zf.Length + 1])).ParamName);
    }

    private static double[] Values(Random random, int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();

    private static float[] ToSingle(double[] values) => values.Select(v => (float)v).ToArray();

    private static void AssertClose(double expected, double actual, string what, double tolerance = 1e-12)
    {
        double error = Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));
        Assert.True(error <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
