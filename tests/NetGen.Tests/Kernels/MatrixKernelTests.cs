using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The matrix and update kernels agree with plain loops for every shape: blocks of 8 and 4 rows,
/// column blocks, the streamed rows of matrices too large for L1, and every kind of tail. Each test
/// runs the kernels at every pair of vector widths (512/256, 256/128, 128/128 bits and the scalar
/// path), whatever this machine accelerates (a width it does not is emulated in software by the
/// runtime, so the test still exercises that width's code), and checks that the public entry
/// points run the pair <see cref="NetGen.Kernels.WideVectorBits"/> names, bit for bit.
/// </summary>
public class MatrixKernelTests
{
    /// <summary>Every wide width in bits; 0 is the scalar path.</summary>
    public static TheoryData<int> Widths() => new() { 512, 256, 128, 0 };

    /// <summary>Matrices that stream (over 64 KB, rows of at least 16 wide vectors), as rows and columns: whole vectors and tails.</summary>
    public static TheoryData<int, int> StreamedShapes() => new() { { 128, 784 }, { 40, 520 }, { 21, 1000 }, { 9, 2063 } };

    /// <summary>Rows covering blocks of 8, blocks of 4 and single rows; columns 0-70 cover every vector tail of every width.</summary>
    private static IEnumerable<(int Rows, int Columns)> SmallShapes() =>
        from rows in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17 }
        from columns in Enumerable.Range(0, 71)
        select (rows, columns);

    /// <summary>
    /// Over 64 KB of weights in both precisions (the streamed path) and L1-sized large ones, with leftover
    /// vectors and columns; and many short rows (the packed paths), with more rows than one block of
    /// factors and row counts that leave every remainder.
    /// </summary>
    private static readonly (int Rows, int Columns)[] LargeShapes =
    {
        (40, 520), (21, 1000), (9, 2063), (128, 784), (13, 130), (17, 300),
        (1030, 1), (1031, 2), (2100, 3), (301, 5), (300, 7), (130, 9), (67, 15),
        // Every other row length the block products take (1 to 12), three blocks of 16 rows and a tail.
        (53, 4), (53, 6), (53, 8), (53, 10), (53, 11), (53, 12),
    };

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixVector_and_MatrixMatrix_match_a_plain_loop(int wideBits)
    {
        CheckProducts<double>(wideBits, 1e-12);
        CheckProducts<float>(wideBits, 2e-6);
    }

    private static void CheckProducts<T>(int wideBits, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in SmallShapes().Concat(LargeShapes))
        {
            var random = new Random(rows * 1000 + columns);
            T[] w = Values<T>(random, rows * columns), x = Values<T>(random, 3 * columns), b = Values<T>(random, rows);
            const int Samples = 3, Gap = 2;
            var z = Enumerable.Repeat(T.CreateTruncating(-7), Samples * (rows + Gap)).ToArray();
            kernels.MatrixMatrix(w, b, x, columns, Samples, z, rows + Gap);
            for (int s = 0; s < Samples; s++)
            {
                for (int j = 0; j < rows; j++)
                {
                    double expected = double.CreateTruncating(b[j]);
                    for (int i = 0; i < columns; i++)
                        expected += double.CreateTruncating(w[j * columns + i]) * double.CreateTruncating(x[s * columns + i]);
                    AssertClose(expected, double.CreateTruncating(z[s * (rows + Gap) + j]), $"{wideBits}-bit {typeof(T).Name} {rows}x{columns} sample {s} z[{j}]", tolerance * Math.Sqrt(columns + 1));
                }
                Assert.All(z.AsSpan(s * (rows + Gap) + rows, Gap).ToArray(), gap => Assert.Equal(T.CreateTruncating(-7), gap));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void TransposedMatrixVector_matches_a_plain_loop(int wideBits)
    {
        CheckTransposed<double>(wideBits, 1e-12);
        CheckTransposed<float>(wideBits, 2e-6);
    }

    private static void CheckTransposed<T>(int wideBits, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in SmallShapes().Concat(LargeShapes))
        {
            var random = new Random(rows * 1000 + columns + 1);
            T[] w = Values<T>(random, rows * columns), d = Values<T>(random, rows);
            T[] result = Values<T>(random, columns); // overwritten, not added to
            kernels.TransposedMatrixVector(w, d, result);
            for (int i = 0; i < columns; i++)
            {
                double expected = 0;
                for (int j = 0; j < rows; j++)
                    expected += double.CreateTruncating(w[j * columns + i]) * double.CreateTruncating(d[j]);
                AssertClose(expected, double.CreateTruncating(result[i]), $"{wideBits}-bit {typeof(T).Name} {rows}x{columns} result[{i}]", tolerance * Math.Sqrt(rows + 1));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void PermuteTwo_takes_each_lane_from_the_vector_its_index_names(int wideBits)
    {
        switch (wideBits)
        {
            case 512: CheckPermuteTwo<Vector512<float>, Width512<float>, float>(); CheckPermuteTwo<Vector512<double>, Width512<double>, double>(); break;
            case 256: CheckPermuteTwo<Vector256<float>, Width256<float>, float>(); CheckPermuteTwo<Vector256<double>, Width256<double>, double>(); break;
            case 128: CheckPermuteTwo<Vector128<float>, Width128<float>, float>(); CheckPermuteTwo<Vector128<double>, Width128<double>, double>(); break;
            default: CheckPermuteTwo<float, ScalarWidth<float>, float>(); CheckPermuteTwo<double, ScalarWidth<double>, double>(); break;
        }
    }

    private static void CheckPermuteTwo<TV, TW, T>()
        where TV : struct
        where TW : struct, IVectorWidth<T, TV>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int count = TW.Count;
        T[] first = new T[count], second = new T[count], indices = new T[count], result = new T[count];
        for (int lane = 0; lane < count; lane++)
        {
            first[lane] = T.CreateTruncating(lane + 1);
            second[lane] = T.CreateTruncating(-(lane + 1));
        }
        // Every index in [0, 2 Count) at every lane: lane k reads (k + shift) mod 2 Count.
        for (int shift = 0; shift < 2 * count; shift++)
        {
            for (int lane = 0; lane < count; lane++)
                indices[lane] = KernelsAt<T, TV, TW, TV, TW>.LaneNumber((lane + shift) % (2 * count));
            TV permuted = TW.PermuteTwo(TW.Load(ref first[0], 0), TW.Load(ref second[0], 0), TW.Load(ref indices[0], 0));
            TW.Store(permuted, ref result[0], 0);
            for (int lane = 0; lane < count; lane++)
            {
                int index = (lane + shift) % (2 * count);
                Assert.Equal(index < count ? first[index] : second[index - count], result[lane]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddScaledOuterProduct_matches_a_plain_loop_and_skips_nothing_that_matters(int wideBits)
    {
        CheckOuterProduct<double>(wideBits, 1e-12);
        CheckOuterProduct<float>(wideBits, 1e-6);
    }

    private static void CheckOuterProduct<T>(int wideBits, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        T scale = T.CreateTruncating(-0.25);
        foreach (var (rows, columns) in SmallShapes().Concat(LargeShapes))
        {
            var random = new Random(rows * 1000 + columns + 2);
            T[] w = Values<T>(random, rows * columns), x = Values<T>(random, columns), d = Values<T>(random, rows);
            for (int j = 0; j < rows; j += 3)
                d[j] = T.Zero; // inactive rows: their update is exactly zero, whether skipped or not
            double[] expected = w.Select((value, k) => double.CreateTruncating(value) + double.CreateTruncating(scale * d[k / columns]) * double.CreateTruncating(x[k % columns])).ToArray();
            kernels.AddScaledOuterProduct(w, d, x, scale);
            for (int k = 0; k < w.Length; k++)
                AssertClose(expected[k], double.CreateTruncating(w[k]), $"{wideBits}-bit {typeof(T).Name} {rows}x{columns} w[{k / columns}, {k % columns}]", tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Outer_products_added_in_order_equal_one_call_per_sample_bit_for_bit(int wideBits)
    {
        CheckOuterProductsInOrder<double>(wideBits);
        CheckOuterProductsInOrder<float>(wideBits);
    }

    /// <summary>
    /// <c>AddOuterProductsInOrder</c> (how a network's GradientBuffer adds the samples it deferred) must give every weight
    /// exactly what <c>AddScaledOuterProduct</c> with scale 1, called once per sample in order, gives it: for rows packed
    /// several to a vector, rows of one wide vector or more (each weight vector taking all samples in registers), the
    /// zero factors that long rows skip, every tail, and more samples than the registers take (the blocks of rows).
    /// </summary>
    private static void CheckOuterProductsInOrder<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (var (rows, columns) in SmallShapes().Where(shape => shape.Rows > 0 && shape.Columns > 0).Concat(LargeShapes))
        {
            foreach (int samples in new[] { 1, 2, 5, 8, 11 })
            {
                var random = new Random(rows * 1000 + columns * 10 + samples);
                T[] w = Values<T>(random, rows * columns), x = Values<T>(random, samples * columns), d = Values<T>(random, samples * rows);
                for (int k = 0; k < d.Length; k += 3)
                    d[k] = T.Zero; // inactive units, skipped by long rows
                T[] expected = (T[])w.Clone();
                for (int s = 0; s < samples; s++)
                    kernels.AddScaledOuterProduct(expected, d.AsSpan(s * rows, rows).ToArray(), x.AsSpan(s * columns, columns).ToArray(), T.One);
                kernels.AddOuterProductsInOrder(w, d, x, rows, columns, samples);
                Assert.True(expected.SequenceEqual(w), $"{wideBits}-bit {typeof(T).Name} {rows}x{columns}, {samples} samples");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddScaled_matches_a_plain_loop_for_every_tail(int wideBits)
    {
        CheckAddScaled<double>(wideBits);
        CheckAddScaled<float>(wideBits);
    }

    private static void CheckAddScaled<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        T a = T.CreateTruncating(-0.3);
        foreach (int length in Enumerable.Range(0, 71).Concat(new[] { 200, 1001, 4099 }))
        {
            var random = new Random(length + 5);
            T[] x = Values<T>(random, length + 1), y = Values<T>(random, length + 1);
            T last = y[length];
            // Where the vector loops stop, the values left over are a product and a sum, like this loop;
            // the vector lanes may fuse the two (within an ulp).
            T[] expected = y.Select((value, i) => value + a * x[i]).ToArray();
            kernels.AddScaled(a, x.AsSpan(0, length), y.AsSpan(0, length));
            for (int i = 0; i < length; i++)
                AssertClose(double.CreateTruncating(expected[i]), double.CreateTruncating(y[i]), $"{wideBits}-bit {typeof(T).Name} length {length} y[{i}]", typeof(T) == typeof(float) ? 2e-7 : 4e-16);
            Assert.Equal(last, y[length]); // nothing past the end
        }
    }

    [Fact]
    public void The_public_kernels_run_the_widths_this_machine_accelerates_bit_for_bit()
    {
        int expectedWide = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
        Assert.Equal(expectedWide, NetGen.Kernels.WideVectorBits);
        // CI runs these tests once per instruction set and says which widths each run must exercise,
        // so a runtime switch that stops working (DOTNET_EnableAVX512F does nothing on .NET 10) fails here.
        if (Environment.GetEnvironmentVariable("NETGEN_EXPECT_VECTOR_BITS") is { } required)
            Assert.Equal(required, NetGen.Kernels.WideVectorBits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expectedWide switch { 512 => 256, 256 => 128, 128 => 128, _ => 0 }, NetGen.Kernels.NarrowVectorBits);
        CheckPublicKernels<double>();
        CheckPublicKernels<float>();
    }

    private static void CheckPublicKernels<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> machine = KernelsAtWidth<T>(NetGen.Kernels.WideVectorBits);
        string widths = $"{NetGen.Kernels.WideVectorBits}/{NetGen.Kernels.NarrowVectorBits}-bit {typeof(T).Name}";
        foreach (var (rows, columns) in new[] { (9, 17), (16, 64), (3, 5), (40, 520), (21, 1000) })
        {
            var random = new Random(rows + columns);
            T[] w = Values<T>(random, rows * columns), x = Values<T>(random, 5 * columns), b = Values<T>(random, rows), d = Values<T>(random, rows);
            T[] expected = new T[5 * rows], actual = new T[5 * rows];
            machine.MatrixMatrix(w, b, x, columns, 5, expected, rows);
            NetGen.Kernels.MatrixMatrix<T>(w, b, x, columns, actual, rows);
            Assert.True(expected.SequenceEqual(actual), $"MatrixMatrix {rows}x{columns} at {widths}");
            NetGen.Kernels.MatrixVector<T>(w, x.AsSpan(0, columns), b, actual.AsSpan(0, rows));
            Assert.True(expected.AsSpan(0, rows).SequenceEqual(actual.AsSpan(0, rows)), $"MatrixVector {rows}x{columns} at {widths}");

            T[] transposed = new T[columns], transposedPublic = new T[columns];
            machine.TransposedMatrixVector(w, d, transposed);
            NetGen.Kernels.TransposedMatrixVector<T>(w, d, transposedPublic);
            Assert.True(transposed.SequenceEqual(transposedPublic), $"TransposedMatrixVector {rows}x{columns} at {widths}");

            T[] updated = (T[])w.Clone(), updatedPublic = (T[])w.Clone();
            machine.AddScaledOuterProduct(updated, d, x.AsSpan(0, columns).ToArray(), T.CreateTruncating(0.5));
            NetGen.Kernels.AddScaledOuterProduct<T>(updatedPublic, d, x.AsSpan(0, columns), T.CreateTruncating(0.5));
            Assert.True(updated.SequenceEqual(updatedPublic), $"AddScaledOuterProduct {rows}x{columns} at {widths}");

            machine.AddScaled(T.CreateTruncating(0.5), w, updated);
            NetGen.Kernels.AddScaled<T>(T.CreateTruncating(0.5), w, updatedPublic);
            Assert.True(updated.SequenceEqual(updatedPublic), $"AddScaled of {w.Length} at {widths}");

            T[] deltas = Values<T>(random, 5 * rows);
            T[] sent = new T[5 * columns], sentPublic = new T[5 * columns];
            machine.TransposedMatrixMatrix(w, deltas, rows, columns, 5, sent);
            NetGen.Kernels.TransposedMatrixMatrix<T>(w, deltas, 5, sentPublic);
            Assert.True(sent.SequenceEqual(sentPublic), $"TransposedMatrixMatrix {rows}x{columns} at {widths}");

            T[] chunk = new T[5 * rows], chunkPublic = new T[5 * rows];
            machine.ChunkProduct(w, b, x, columns, 5, chunk);
            NetGen.Kernels.ChunkProduct<T>(w, b, x, columns, chunkPublic);
            Assert.True(chunk.SequenceEqual(chunkPublic), $"ChunkProduct {rows}x{columns} at {widths}");

            machine.AddOuterProducts(updated, deltas, x, rows, columns, 5);
            NetGen.Kernels.AddOuterProducts<T>(updatedPublic, deltas, x, 5);
            Assert.True(updated.SequenceEqual(updatedPublic), $"AddOuterProducts {rows}x{columns} at {widths}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixMatrix_gives_each_input_exactly_what_MatrixVector_gives_it_at_every_width(int wideBits)
    {
        IKernelsAt<double> kernels = KernelsAtWidth<double>(wideBits);
        foreach (var (rows, columns) in new[] { (1, 1), (9, 17), (13, 130), (40, 520), (21, 1000), (9, 2063) })
        {
            const int Samples = 6;
            var random = new Random(rows * 1000 + columns + 3);
            double[] w = Values<double>(random, rows * columns), b = Values<double>(random, rows), x = Values<double>(random, Samples * columns);
            var z = new double[Samples * rows];
            kernels.MatrixMatrix(w, b, x, columns, Samples, z, rows);
            for (int s = 0; s < Samples; s++)
            {
                var single = new double[rows];
                kernels.MatrixMatrix(w, b, x.AsSpan(s * columns, columns).ToArray(), columns, 1, single, rows);
                Assert.Equal(single, z.AsSpan(s * rows, rows).ToArray());
            }
        }
    }

    /// <summary>
    /// A minibatch's forward product gives each sample exactly the one-input product's bits, for every shape not run by
    /// columns (rows shorter than two wide vectors against at least one wide vector of them), over 64 KB included. With
    /// structured weights and inputs a pre-activation can be zero in exact arithmetic; summed in two orders it took
    /// opposite signs, and a ReLU then passed a sample's delta in <c>TrainBatch</c> but not in <c>Backward</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void ChunkProduct_gives_each_input_exactly_what_MatrixVector_gives_it_unless_it_runs_by_columns(int wideBits)
    {
        CheckChunkMatchesSingleInputs<float>(wideBits);
        CheckChunkMatchesSingleInputs<double>(wideBits);
    }

    private static void CheckChunkMatchesSingleInputs<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        int wide = wideBits == 0 ? 1 : wideBits / 8 / Unsafe.SizeOf<T>();
        // 128x256 single / 64x256 double: over 64 KB, eight rows in L1 (the shape that went through another order).
        int large = 32 * 1024 / Unsafe.SizeOf<T>();
        foreach (var (rows, columns) in new[] { (large / 256, 256), (40, 520), (21, 1000), (9, 2063), (13, 130), (3, 2 * wide + 1), (5, 70) })
        {
            if (wide > 1 && columns < 2 * wide && rows >= wide)
                continue;
            foreach (int samples in new[] { 1, 5, 32 })
            {
                var random = new Random(rows * 1000 + columns + samples);
                T[] w = Values<T>(random, rows * columns), b = Values<T>(random, rows), x = Values<T>(random, samples * columns);
                var chunk = new T[samples * rows];
                kernels.ChunkProduct(w, b, x, columns, samples, chunk);
                for (int s = 0; s < samples; s++)
                {
                    var single = new T[rows];
                    kernels.MatrixMatrix(w, b, x.AsSpan(s * columns, columns).ToArray(), columns, 1, single, rows);
                    Assert.True(single.AsSpan().SequenceEqual(chunk.AsSpan(s * rows, rows)),
                        $"{typeof(T).Name} {rows}x{columns}, sample {s} of {samples}, at {wideBits} bits");
                }
            }
        }
    }

    [Fact]
    public void MatrixMatrix_checks_its_arguments()
    {
        double[] w = new double[6], b = new double[2], x = new double[9];
        var z = new double[10];
        Assert.Throws<ArgumentException>(() => NetGen.Kernels.MatrixMatrix<double>(w, b, x.AsSpan(1).ToArray(), 3, z, 2));
        Assert.Throws<ArgumentException>(() => NetGen.Kernels.MatrixMatrix<double>(w, b, x, 3, new double[5], 2));
        Assert.Equal("outputStride", Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.MatrixMatrix<double>(w, b, x, 3, z, 1)).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.MatrixMatrix<double>(new double[0], b, x, 0, z, 2)).ParamName);
    }

    [Theory]
    [InlineData(9, 17)]
    [InlineData(128, 784)]
    [InlineData(40, 520)]
    [InlineData(21, 1000)]
    public void The_products_do_not_depend_on_where_the_inputs_sit(int rows, int columns)
    {
        // The streamed path copies inputs that are not on a cache line; the copy must not change a bit.
        const int Samples = 6;
        var random = new Random(rows * 1000 + columns + 4);
        float[] w = Values<float>(random, rows * columns), b = Values<float>(random, rows), x = Values<float>(random, Samples * columns);
        var aligned = new AlignedBuffer<float>(Samples * columns + 16);
        foreach (int offset in new[] { 0, 1, 4, 15 })
        {
            Span<float> placed = aligned.Span.Slice(offset, Samples * columns);
            x.CopyTo(placed);
            var fromArray = new float[Samples * rows];
            var fromPlaced = new float[Samples * rows];
            NetGen.Kernels.MatrixMatrix<float>(w, b, x, columns, fromArray, rows);
            NetGen.Kernels.MatrixMatrix<float>(w, b, placed, columns, fromPlaced, rows);
            Assert.Equal(fromArray, fromPlaced);
            NetGen.Kernels.MatrixVector<float>(w, placed.Slice(columns, columns), b, fromPlaced.AsSpan(0, rows));
            Assert.Equal(fromArray.AsSpan(rows, rows).ToArray(), fromPlaced.AsSpan(0, rows).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(StreamedShapes))]
    public void One_input_streamed_one_row_or_four_rows_at_a_time_gets_the_same_bits(int rows, int columns)
    {
        // Which of the two a machine runs depends on its maker (StreamedRows.OneRowAtATime); both must give RowDot's bits,
        // which the batch product's four-input streams also give.
        var random = new Random(rows * 1000 + columns + 9);
        AssertBothWays(Values<float>(random, rows * columns), Values<float>(random, rows), Values<float>(random, 5 * columns));
        AssertBothWays(Values<double>(random, rows * columns), Values<double>(random, rows), Values<double>(random, 5 * columns));

        void AssertBothWays<T>(T[] w, T[] b, T[] x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            var batch = new T[5 * rows];
            NetGen.Kernels.MatrixMatrix<T>(w, b, x, columns, batch, rows); // four inputs per row stream, then one alone
            WithEachSetting(() => StreamedRows.OneRowAtATime, value => StreamedRows.OneRowAtATime = value, _ =>
            {
                for (int s = 0; s < 5; s++)
                {
                    var z = new T[rows];
                    NetGen.Kernels.MatrixVector<T>(w, x.AsSpan(s * columns, columns), b, z);
                    Assert.Equal(batch.AsSpan(s * rows, rows).ToArray(), z);
                }
            });
        }
    }

    [Theory]
    [MemberData(nameof(StreamedShapes))]
    public void A_streamed_chunk_in_blocks_or_in_row_streams_gives_each_input_MatrixVectors_bits(int rows, int columns)
    {
        // Which of the two a machine runs depends on its maker (StreamedRows.ChunkInRowStreams); a chunk's pre-activations
        // must be Backward's (MatrixVector's) either way, for an even and an odd number of inputs.
        var random = new Random(rows * 1000 + columns + 11);
        AssertBothWays(Values<float>(random, rows * columns), Values<float>(random, rows), Values<float>(random, 33 * columns));
        AssertBothWays(Values<double>(random, rows * columns), Values<double>(random, rows), Values<double>(random, 33 * columns));

        void AssertBothWays<T>(T[] w, T[] b, T[] x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            WithEachSetting(() => StreamedRows.ChunkInRowStreams, value => StreamedRows.ChunkInRowStreams = value, rowStreams =>
            {
                foreach (int samples in new[] { 2, 7, 32, 33 })
                {
                    var chunk = new T[samples * rows];
                    NetGen.Kernels.ChunkProduct<T>(w, b, x.AsSpan(0, samples * columns), columns, chunk);
                    for (int s = 0; s < samples; s++)
                    {
                        var z = new T[rows];
                        NetGen.Kernels.MatrixVector<T>(w, x.AsSpan(s * columns, columns), b, z);
                        Assert.True(z.AsSpan().SequenceEqual(chunk.AsSpan(s * rows, rows)),
                            $"{typeof(T).Name} {rows}x{columns}, {samples} inputs, input {s}, row streams {rowStreams}");
                    }
                }
            });
        }
    }

    /// <summary>
    /// Runs <paramref name="check"/> with a switch that depends on the machine's maker (read and written through
    /// <paramref name="read"/> and <paramref name="write"/>) set each way, then puts the machine's setting back.
    /// </summary>
    private static void WithEachSetting(Func<bool> read, Action<bool> write, Action<bool> check)
    {
        bool machine = read();
        try
        {
            foreach (bool value in new[] { false, true })
            {
                write(value);
                check(value);
            }
        }
        finally
        {
            write(machine);
        }
    }

    /// <summary>
    /// A layer of one unit takes its dot product through <see cref="NetGen.Kernels.OneRowProduct{T}"/> in generated code and
    /// through the matrix kernels in the batch calls: the two give the same bits at every width, for every tail of a row
    /// and for a row long enough to stream (over 64 KB).
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void OneRowProduct_gives_a_one_row_MatrixMatrix_bit_for_bit(int wideBits)
    {
        CheckOneRow<float>(wideBits);
        CheckOneRow<double>(wideBits);
    }

    private static void CheckOneRow<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        int streamed = 64 * 1024 / Unsafe.SizeOf<T>() + 37;
        foreach (int columns in Enumerable.Range(1, 70).Concat(new[] { 130, 445, 1000, streamed }))
        {
            var random = new Random(columns * 7 + wideBits);
            T[] w = Values<T>(random, columns), x = Values<T>(random, columns), b = Values<T>(random, 1);
            var z = new T[1];
            kernels.MatrixMatrix(w, b, x, columns, 1, z, 1);
            T one = kernels.OneRowProduct(w, x, b[0]);
            Assert.True(z[0] == one, $"{typeof(T).Name} 1x{columns} at {wideBits} bits: MatrixMatrix {z[0]}, OneRowProduct {one}");
        }
        // The public entry point runs this machine's widths, and equals MatrixVector's value for the one row.
        var r = new Random(5);
        T[] w1 = Values<T>(r, 445), x1 = Values<T>(r, 445), b1 = Values<T>(r, 1), z1 = new T[1];
        NetGen.Kernels.MatrixVector<T>(w1, x1, b1, z1);
        Assert.Equal(z1[0], NetGen.Kernels.OneRowProduct<T>(w1, x1, b1[0]));
    }

    /// <summary>
    /// W^T d for a W of one row (a layer of one unit sending its error back) is each weight times d, added to zero as the
    /// row path's multiply-adds do: a product that is zero, of either sign, is +0. Bit for bit at every width, for every
    /// tail of a row.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void One_row_transposed_product_is_each_weight_times_the_delta(int wideBits)
    {
        CheckOneRowTransposed<float>(wideBits);
        CheckOneRowTransposed<double>(wideBits);
    }

    private static void CheckOneRowTransposed<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        foreach (int columns in Enumerable.Range(1, 70).Concat(new[] { 130, 395 }))
        {
            var random = new Random(columns + wideBits);
            T[] w = Values<T>(random, columns);
            w[0] = T.NegativeZero; // -0 * d and 0 * d: +0 after the addition
            w[columns / 2] = T.Zero;
            foreach (T d in new[] { T.CreateTruncating(0.37), T.CreateTruncating(-1.5), T.NegativeZero })
            {
                T[] result = Enumerable.Repeat(T.NaN, columns).ToArray();
                kernels.TransposedMatrixVector(w, new[] { d }, result);
                T[] expected = w.Select(weight => weight * d + T.Zero).ToArray();
                Assert.True(System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan())),
                    $"{typeof(T).Name} 1x{columns} at {wideBits} bits, d = {d}: [{string.Join(", ", result)}], expected [{string.Join(", ", expected)}]");
            }
        }
    }

    /// <summary>
    /// Two or three rows of at least a vector (a regression or classifier output of 2-3 units) are summed together, their
    /// chains interleaved, and so are the two or three rows a larger W leaves after its groups of four; each row's sum keeps
    /// exactly the bits of its dot product alone (<see cref="NetGen.Kernels.OneRowProduct{T}"/>), for one input and for
    /// several, at every width and for every tail of a row.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void Two_or_three_rows_give_each_row_its_one_row_product_bit_for_bit(int wideBits)
    {
        CheckFewRows<float>(wideBits);
        CheckFewRows<double>(wideBits);
    }

    private static void CheckFewRows<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        int wide = wideBits == 0 ? 1 : wideBits / 8 / Unsafe.SizeOf<T>();
        int longest = 60 * 1024 / Unsafe.SizeOf<T>() / 3; // three rows that stay short of the streamed path's 64 KB
        foreach (int columns in Enumerable.Range(wide, 70).Concat(new[] { 130, 395, 445, longest }))
        {
            foreach (int rows in columns == longest ? new[] { 2, 3 } : new[] { 2, 3, 6, 7 })
            {
                var random = new Random(columns * 31 + rows * 7 + wideBits);
                T[] w = Values<T>(random, rows * columns), b = Values<T>(random, rows);
                const int samples = 3;
                T[] x = Values<T>(random, samples * columns);
                var one = new T[rows];
                var several = new T[samples * rows];
                kernels.MatrixMatrix(w, b, x, columns, 1, one, rows);
                kernels.MatrixMatrix(w, b, x, columns, samples, several, rows);
                // Rows 0-3 of six or seven take the four-row path, whose sums have another order.
                for (int row = rows > 4 ? 4 : 0; row < rows; row++)
                {
                    T[] weights = w.AsSpan(row * columns, columns).ToArray();
                    for (int sample = 0; sample < samples; sample++)
                    {
                        T expected = kernels.OneRowProduct(weights, x.AsSpan(sample * columns, columns).ToArray(), b[row]);
                        T actual = several[sample * rows + row];
                        Assert.True(expected == actual, $"{typeof(T).Name} {rows}x{columns} at {wideBits} bits, input {sample}, row {row}: {actual}, alone {expected}");
                        if (sample == 0)
                            Assert.True(expected == one[row], $"{typeof(T).Name} {rows}x{columns} at {wideBits} bits, one input, row {row}: {one[row]}, alone {expected}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// A layer of short rows whose row count is not a whole number of blocks (124 units of 3 inputs) takes its last rows as
    /// one more block, overlapping the one before it. Those rows get exactly what a block gives them: each row's sum (where
    /// the width packs the forward product's rows) and each row's update are those of the same rows in a matrix of whole
    /// blocks, and the rows the two blocks share are updated once. At every width and every row length the block products
    /// take, for every remainder, and for none (four whole blocks).
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void Rows_after_the_last_whole_block_get_a_blocks_bits(int wideBits)
    {
        CheckOverlappingBlock<float>(wideBits);
        CheckOverlappingBlock<double>(wideBits);
    }

    private static void CheckOverlappingBlock<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        IKernelsAt<T> kernels = KernelsAtWidth<T>(wideBits);
        int block = wideBits == 0 ? 1 : wideBits / 8 / Unsafe.SizeOf<T>();
        T scale = T.CreateTruncating(-0.375);
        foreach (int columns in Enumerable.Range(1, 12))
        {
            foreach (int extra in Enumerable.Range(1, block - 1).Append(block))
            {
                // Three whole blocks and `extra` rows more; the reference is the last three blocks' rows on their own.
                int rows = 3 * block + extra, first = rows - 3 * block;
                var random = new Random(columns * 97 + extra * 13 + wideBits);
                T[] w = Values<T>(random, rows * columns), b = Values<T>(random, rows), x = Values<T>(random, columns), d = Values<T>(random, rows);
                T[] tailW = w.AsSpan(first * columns).ToArray(), tailB = b.AsSpan(first).ToArray(), tailD = d.AsSpan(first).ToArray();

                if (kernels.PacksForward(columns))
                {
                    T[] z = new T[rows], tailZ = new T[3 * block];
                    kernels.MatrixMatrix(w, b, x, columns, 1, z, rows);
                    kernels.MatrixMatrix(tailW, tailB, x, columns, 1, tailZ, 3 * block);
                    for (int row = first; row < rows; row++)
                        Assert.True(z[row] == tailZ[row - first], $"{typeof(T).Name} {rows}x{columns} at {wideBits} bits, z[{row}]: {z[row]}, in whole blocks {tailZ[row - first]}");
                }

                kernels.AddScaledOuterProduct(w, d, x, scale);
                kernels.AddScaledOuterProduct(tailW, tailD, x, scale);
                for (int k = first * columns; k < w.Length; k++)
                    Assert.True(w[k] == tailW[k - first * columns], $"{typeof(T).Name} {rows}x{columns} at {wideBits} bits, W[{k / columns}, {k % columns}]: {w[k]}, in whole blocks {tailW[k - first * columns]}");
            }
        }
    }

    [Fact]
    public void Kernels_reject_mismatched_lengths()
    {
        var oneRow = Assert.Throws<ArgumentException>(() => NetGen.Kernels.OneRowProduct<double>(new double[5], new double[6], 0));
        Assert.Equal("weights", oneRow.ParamName);
        Assert.Contains("Expected a span of length 6, got length 5", oneRow.Message);
        var error = Assert.Throws<ArgumentException>(() => NetGen.Kernels.MatrixVector<double>(new double[5], new double[2], new double[3], new double[3]));
        Assert.Contains("Expected a span of length 6, got length 5", error.Message);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => NetGen.Kernels.MatrixVector<double>(new double[6], new double[2], new double[2], new double[3])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => NetGen.Kernels.TransposedMatrixVector<double>(new double[5], new double[2], new double[3])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => NetGen.Kernels.AddScaledOuterProduct<double>(new double[5], new double[2], new double[3], 1)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => NetGen.Kernels.AddScaled<double>(1, new double[3], new double[4])).ParamName);
    }

    [Fact]
    public void Short_row_products_write_only_their_own_values()
    {
        // The packed paths load and store whole vectors that span several short rows: next to the
        // matrix, the outputs and the inputs, sentinels must come out untouched.
        CheckShortRowBounds<double>();
        CheckShortRowBounds<float>();
    }

    private static void CheckShortRowBounds<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T sentinel = T.CreateTruncating(-7);
        const int Margin = 64;
        foreach (int columns in Enumerable.Range(1, 17))
        {
            foreach (int rows in new[] { 1, 2, 5, 16, 17, 33, 100 })
            {
                var random = new Random(rows * 100 + columns);
                T[] weights = Values<T>(random, rows * columns).Concat(Enumerable.Repeat(sentinel, Margin)).ToArray();
                T[] outputs = Enumerable.Repeat(sentinel, rows + Margin).ToArray();
                T[] bias = Values<T>(random, rows), x = Values<T>(random, columns), d = Values<T>(random, rows);
                NetGen.Kernels.MatrixVector<T>(weights.AsSpan(0, rows * columns), x, bias, outputs.AsSpan(0, rows));
                NetGen.Kernels.AddScaledOuterProduct<T>(weights.AsSpan(0, rows * columns), d, x, T.CreateTruncating(0.5));
                Assert.All(weights.Skip(rows * columns), value => Assert.Equal(sentinel, value));
                Assert.All(outputs.Skip(rows), value => Assert.Equal(sentinel, value));
                Assert.DoesNotContain(sentinel, outputs.Take(rows));
            }
        }
    }

    [Fact]
    public void Row_chunk_updates_give_exactly_the_scalar_statements_and_touch_nothing_else()
    {
        // Unrolled layers update weight rows with Kernels.AddScaled; the result must be bit for bit
        // what "w[i] += s * x[i]" gives, so that vectorising the rows changes no result.
        var random = new Random(11);
        double[] row = Values<double>(random, 6), x = Values<double>(random, 4);
        double scale = random.NextDouble() - 0.5;
        double[] expected = (double[])row.Clone();
        for (int i = 0; i < 4; i++)
            expected[1 + i] += scale * x[i];
        NetGen.Kernels.AddScaled(row, 1, scale, Vector256.Create(x));
        Assert.Equal(expected, row);
        for (int i = 0; i < 2; i++)
            expected[3 + i] -= scale * x[i]; // the step's form: AddScaled(w, k, -s, x) is w[k..] -= s * x bit for bit
        NetGen.Kernels.AddScaled(row, 3, -scale, Vector128.Create(x[0], x[1]));
        Assert.Equal(expected, row);

        float[] rowSingle = Values<float>(random, 10), xSingle = Values<float>(random, 8);
        float[] expectedSingle = (float[])rowSingle.Clone();
        for (int i = 0; i < 8; i++)
            expectedSingle[1 + i] += 0.25f * xSingle[i];
        NetGen.Kernels.AddScaled(rowSingle, 1, 0.25f, Vector256.Create(xSingle));
        Assert.Equal(expectedSingle, rowSingle);

        // Lanes past the end, or a negative start, are refused and change nothing.
        double[] before = (double[])row.Clone();
        Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddScaled(row, 3, scale, Vector256.Create(x)));
        Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddScaled(row, 5, scale, Vector128.Create(x[0], x[1])));
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => NetGen.Kernels.AddScaled(row, -1, scale, Vector128.Create(x[0], x[1])));
        Assert.Equal("start", negative.ParamName);
        Assert.Equal(before, row);
        for (int i = 0; i < 4; i++)
            before[2 + i] += scale * x[i];
        NetGen.Kernels.AddScaled(row, 2, scale, Vector256.Create(x)); // the last lanes that fit
        Assert.Equal(before, row);
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
        double[] z = Values<double>(random, length).Select(v => v * 20).ToArray();
        var a = new double[length];
        NetGen.Kernels.Softmax<double>(z, a);
        double normaliser = z.Sum(Math.Exp);
        for (int k = 0; k < length; k++)
            AssertClose(Math.Exp(z[k]) / normaliser, a[k], $"a[{k}]", 1e-12);

        // Shifted by the largest logit, so logits far beyond exp's range give the same finite result.
        double[] huge = z.Select(v => v + 1000).ToArray();
        var fromHuge = new double[length];
        NetGen.Kernels.Softmax<double>(huge, fromHuge);
        for (int k = 0; k < length; k++)
            AssertClose(a[k], fromHuge[k], $"a[{k}] at z + 1000", 1e-12);

        // Single precision, written into the middle of a longer block: nothing outside it changes.
        float[] zf = z.Select(v => (float)v).ToArray();
        var block = Enumerable.Repeat(-7f, length + 32).ToArray();
        NetGen.Kernels.Softmax<float>(zf, block.AsSpan(16, length));
        for (int k = 0; k < length; k++)
            AssertClose(a[k], block[16 + k], $"single a[{k}]", 1e-6);
        Assert.All(block.Take(16).Concat(block.Skip(16 + length)), value => Assert.Equal(-7f, value));
        Assert.Throws<ArgumentException>(() => NetGen.Kernels.Softmax<double>(z, new double[length + 1]));
    }

    /// <summary>The kernels of one width pair, reached through <see cref="KernelsAtWidth{T}"/>.</summary>
    internal interface IKernelsAt<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        void MatrixMatrix(T[] weights, T[] bias, T[] inputs, int columns, int samples, T[] outputs, int outputStride);

        void TransposedMatrixVector(T[] weights, T[] d, T[] result);

        void AddScaledOuterProduct(T[] weights, T[] d, T[] x, T scale);

        void AddScaled(T a, ReadOnlySpan<T> x, Span<T> y);

        void TransposedMatrixMatrix(T[] weights, T[] deltas, int rows, int columns, int samples, T[] results);

        void AddOuterProducts(T[] weights, T[] deltas, T[] inputs, int rows, int columns, int samples);

        void AddOuterProductsInOrder(T[] weights, T[] deltas, T[] inputs, int rows, int columns, int samples);

        void ChunkProduct(T[] weights, T[] bias, T[] inputs, int columns, int samples, T[] outputs);

        T OneRowProduct(T[] weights, T[] x, T bias);

        bool PacksForward(int columns);
    }

    private sealed class At<T, TWideVector, TWide, TNarrowVector, TNarrow> : IKernelsAt<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TWideVector : struct
        where TWide : struct, IVectorWidth<T, TWideVector>
        where TNarrowVector : struct
        where TNarrow : struct, IVectorWidth<T, TNarrowVector>
    {
        public T OneRowProduct(T[] weights, T[] x, T bias) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.OneRowProduct(ref weights[0], ref x[0], x.Length, bias);

        public bool PacksForward(int columns) => KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.PacksForward(columns);

        public void MatrixMatrix(T[] weights, T[] bias, T[] inputs, int columns, int samples, T[] outputs, int outputStride) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.MatrixMatrix(weights, bias, inputs.AsSpan(0, samples * columns), columns, samples, outputs, outputStride);

        public void TransposedMatrixVector(T[] weights, T[] d, T[] result) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.TransposedMatrixVector(weights, d, result);

        public void AddScaledOuterProduct(T[] weights, T[] d, T[] x, T scale) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.AddScaledOuterProduct(weights, d, x, scale);

        public void AddScaled(T a, ReadOnlySpan<T> x, Span<T> y) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.AddScaled(a, ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y), x.Length);

        public void TransposedMatrixMatrix(T[] weights, T[] deltas, int rows, int columns, int samples, T[] results) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.TransposedMatrixMatrix(weights, deltas, rows, columns, samples, results);

        public void AddOuterProducts(T[] weights, T[] deltas, T[] inputs, int rows, int columns, int samples) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.AddOuterProducts(weights, deltas, inputs, rows, columns, samples);

        public void AddOuterProductsInOrder(T[] weights, T[] deltas, T[] inputs, int rows, int columns, int samples) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.AddOuterProductsInOrder(weights, deltas, inputs, rows, columns, samples);

        public void ChunkProduct(T[] weights, T[] bias, T[] inputs, int columns, int samples, T[] outputs) =>
            KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>.ChunkProduct(weights, bias, inputs, columns, samples, outputs);
    }

    /// <summary>The kernels at the pair whose wide width is <paramref name="wideBits"/> (0: scalar), as <see cref="NetGen.Kernels"/> pairs them.</summary>
    internal static IKernelsAt<T> KernelsAtWidth<T>(int wideBits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => wideBits switch
        {
            512 => new At<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>(),
            256 => new At<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>(),
            128 => new At<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>(),
            _ => new At<T, T, ScalarWidth<T>, T, ScalarWidth<T>>(),
        };

    internal static T[] Values<T>(Random random, int count)
        where T : IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, count).Select(_ => T.CreateTruncating(random.NextDouble() * 2 - 1)).ToArray();

    internal static void AssertClose(double expected, double actual, string what, double tolerance)
    {
        double error = Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));
        Assert.True(error <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
