using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using static NetGen.Tests.Kernels.MatrixKernelTests;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The minibatch products BackwardBatch runs for a chunk of rows (<see cref="NetGen.Kernels.ChunkProduct{T}"/>,
/// <see cref="NetGen.Kernels.TransposedMatrixMatrix{T}"/>,
/// <see cref="NetGen.Kernels.AddOuterProducts{T}"/>, <see cref="NetGen.Kernels.AddRows{T}"/>) agree with plain loops in
/// double precision for every tile and tail: sample counts around the tiles of four, rows around the tiles of four,
/// every column tail of every width, at every pair of vector widths (as <see cref="MatrixKernelTests"/> runs them).
/// </summary>
public class BatchKernelTests
{
    private static readonly int[] SampleCounts = { 1, 2, 3, 4, 5, 8, 9 };

    private static IEnumerable<(int Rows, int Columns)> Shapes() =>
        (from rows in new[] { 0, 1, 3, 4, 5, 8, 9 }
         from columns in Enumerable.Range(0, 71)
         select (rows, columns))
        .Concat(new[] { (128, 784), (10, 128), (130, 9), (7, 300), (33, 1000) })
        // Short rows against many of them, which the forward product and the weight gradient run by columns (blocks of rows,
        // an overlapping last block), and shapes on either side of that rule.
        .Concat(new[] { (1024, 2), (300, 7), (20, 1), (257, 31), (64, 16), (513, 3), (17, 33) });

    [Theory]
    [MemberData(nameof(Widths), MemberType = typeof(MatrixKernelTests))]
    public void TransposedMatrixMatrix_matches_a_plain_loop(int wideBits)
    {
        CheckTransposedMatrixMatrix<double>(wideBits, 1e-12);
        CheckTransposedMatrixMatrix<float>(wideBits, 2e-6);
    }

    private static void CheckTransposedMatrixMatrix<T>(int wideBits, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in Shapes())
        {
            foreach (int samples in SampleCounts)
            {
                var random = new Random(rows * 7919 + columns * 31 + samples);
                T[] w = Values<T>(random, rows * columns), d = Values<T>(random, samples * rows);
                T[] results = Values<T>(random, samples * columns); // overwritten, not added to
                kernels.TransposedMatrixMatrix(w, d, rows, columns, samples, results);
                for (int s = 0; s < samples; s++)
                {
                    for (int i = 0; i < columns; i++)
                    {
                        double expected = 0;
                        for (int j = 0; j < rows; j++)
                            expected += double.CreateTruncating(w[j * columns + i]) * double.CreateTruncating(d[s * rows + j]);
                        AssertClose(expected, double.CreateTruncating(results[s * columns + i]),
                            $"{wideBits}-bit {typeof(T).Name} {rows}x{columns}, {samples} samples: result[{s}, {i}]", tolerance * Math.Sqrt(rows + 1));
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths), MemberType = typeof(MatrixKernelTests))]
    public void ChunkProduct_matches_a_plain_loop_by_rows_and_by_columns(int wideBits)
    {
        CheckChunkProduct<double>(wideBits, 1e-12);
        CheckChunkProduct<float>(wideBits, 2e-6);
    }

    private static void CheckChunkProduct<T>(int wideBits, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in Shapes().Where(shape => shape.Columns > 0))
        {
            foreach (int samples in SampleCounts)
            {
                var random = new Random(rows * 7919 + columns * 31 + samples + 2);
                T[] w = Values<T>(random, rows * columns), b = Values<T>(random, rows), x = Values<T>(random, samples * columns);
                T[] z = Values<T>(random, samples * rows); // overwritten
                kernels.ChunkProduct(w, b, x, columns, samples, z);
                for (int s = 0; s < samples; s++)
                {
                    for (int j = 0; j < rows; j++)
                    {
                        double expected = double.CreateTruncating(b[j]);
                        for (int i = 0; i < columns; i++)
                            expected += double.CreateTruncating(w[j * columns + i]) * double.CreateTruncating(x[s * columns + i]);
                        AssertClose(expected, double.CreateTruncating(z[s * rows + j]),
                            $"{wideBits}-bit {typeof(T).Name} {rows}x{columns}, {samples} samples: z[{s}, {j}]", tolerance * Math.Sqrt(columns + 1));
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths), MemberType = typeof(MatrixKernelTests))]
    public void AddOuterProducts_matches_a_plain_loop(int wideBits)
    {
        CheckAddOuterProducts<double>(wideBits, 1e-12);
        CheckAddOuterProducts<float>(wideBits, 2e-6);
    }

    private static void CheckAddOuterProducts<T>(int wideBits, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in Shapes())
        {
            foreach (int samples in SampleCounts)
            {
                var random = new Random(rows * 7919 + columns * 31 + samples + 1);
                T[] w = Values<T>(random, rows * columns), d = Values<T>(random, samples * rows), x = Values<T>(random, samples * columns);
                // Units off for the whole chunk (rows 4-7, a whole tile of four, and every third row, so that other tiles and
                // single rows are partly or wholly off), and one unit off for all samples but the last: skipped or not, the
                // result must be the same.
                for (int s = 0; s < samples; s++)
                {
                    for (int j = 0; j < rows; j++)
                    {
                        if (j % 3 == 0 || (j >= 4 && j < 8) || (j == 1 && s < samples - 1))
                            d[s * rows + j] = T.Zero;
                    }
                }
                double[] expected = new double[w.Length];
                for (int j = 0; j < rows; j++)
                {
                    for (int i = 0; i < columns; i++)
                    {
                        double sum = double.CreateTruncating(w[j * columns + i]);
                        for (int s = 0; s < samples; s++)
                            sum += double.CreateTruncating(d[s * rows + j]) * double.CreateTruncating(x[s * columns + i]);
                        expected[j * columns + i] = sum;
                    }
                }
                kernels.AddOuterProducts(w, d, x, rows, columns, samples);
                for (int k = 0; k < w.Length; k++)
                    AssertClose(expected[k], double.CreateTruncating(w[k]),
                        $"{wideBits}-bit {typeof(T).Name} {rows}x{columns}, {samples} samples: w[{k / columns}, {k % columns}]", tolerance * Math.Sqrt(samples + 1));
            }
        }
    }

    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    public void AddOuterProducts_adds_a_tall_matrix_of_few_columns_sample_by_sample(int wideBits)
    {
        CheckSampleBySample<double>(wideBits);
        CheckSampleBySample<float>(wideBits);
    }

    // A tall matrix of one to three columns whose gradient and one delta row fit in 32 KB takes the per-sample kernel for
    // each sample of the pass, so its sums are those of the per-row calls, bit for bit; 40 samples make two passes.
    private static void CheckSampleBySample<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in new[] { (1024, 1), (1024, 2), (1024, 3), (2048, 1) })
        {
            foreach (int samples in new[] { 32, 40 })
            {
                var random = new Random(rows + columns * 31 + samples);
                T[] w = Values<T>(random, rows * columns), d = Values<T>(random, samples * rows), x = Values<T>(random, samples * columns);
                T[] batch = (T[])w.Clone(), perSample = (T[])w.Clone();
                kernels.AddOuterProducts(batch, d, x, rows, columns, samples);
                for (int s = 0; s < samples; s++)
                    kernels.AddScaledOuterProduct(perSample, d.AsSpan(s * rows, rows).ToArray(), x.AsSpan(s * columns, columns).ToArray(), T.One);
                Assert.True(batch.SequenceEqual(perSample), $"{wideBits}-bit {typeof(T).Name} {rows}x{columns}, {samples} samples");
            }
        }
    }

    [Fact]
    public void AddRows_adds_every_row_in_order()
    {
        // Widths under, at and past a vector of each precision (the last columns of a width past one are the vector
        // that ends at the last column, overlapping the one before), with few rows and with a batch's 32.
        AddsEveryRowInOrder<double>();
        AddsEveryRowInOrder<float>();
    }

    private static void AddsEveryRowInOrder<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int width in new[] { 1, 3, 4, 7, 8, 9, 16, 17, 23, 32, 64, 70, 130 }) // 32 and 64: four whole vectors a pass; 70: then one, then the overlap
        {
            foreach (int count in new[] { 1, 5, 32 })
            {
                var random = new Random(width * 100 + count);
                T[] rows = Values<T>(random, count * width), sums = Values<T>(random, width);
                T[] expected = (T[])sums.Clone();
                for (int s = 0; s < count; s++)
                    for (int i = 0; i < width; i++)
                        expected[i] += rows[s * width + i];
                NetGen.Kernels.AddRows<T>(rows, sums);
                Assert.True(expected.AsSpan().SequenceEqual(sums), $"{typeof(T).Name} width {width}, {count} rows"); // one rounded add per row and value, in row order: exact
            }
        }
    }

    [Fact]
    public void Bad_shapes_are_exceptions_that_name_the_argument()
    {
        ArgumentException notTwoRows = Assert.Throws<ArgumentException>(() => NetGen.Kernels.TransposedMatrixMatrix<double>(new double[6], new double[5], 2, new double[6]));
        Assert.Equal("deltas", notTwoRows.ParamName);
        Assert.Contains("Expected 2 rows of equal length, got length 5", notTwoRows.Message);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => NetGen.Kernels.TransposedMatrixMatrix<double>(new double[5], new double[4], 2, new double[6])).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => NetGen.Kernels.AddOuterProducts<double>(new double[6], new double[4], new double[7], 2)).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => NetGen.Kernels.AddOuterProducts<double>(new double[5], new double[4], new double[6], 2)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentException>(() => NetGen.Kernels.AddRows<double>(new double[7], new double[3])).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentException>(() => NetGen.Kernels.AddRows<double>(new double[2], Array.Empty<double>())).ParamName);
        NetGen.Kernels.AddRows<double>(Array.Empty<double>(), Array.Empty<double>()); // no rows of no values: nothing to add
        Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddOuterProducts<double>(new double[6], new double[4], new double[6], 0));
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => NetGen.Kernels.ChunkProduct<double>(new double[6], new double[3], new double[4], 2, new double[5])).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => NetGen.Kernels.ChunkProduct<double>(new double[6], new double[3], new double[5], 2, new double[6])).ParamName);
    }
}
