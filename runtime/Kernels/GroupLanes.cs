using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

// Lane moves for the unrolled code of a hidden layer of two to four inputs whose units are held in vectors of four
// (Emitter.Groups.cs in the generator): four units' weights are consecutive values of W, row by row (w[j, 0], w[j, 1],
// ..., w[j + 1, 0], ...), so the vector of one input's four weights is a column of the 4 x k matrix those values make,
// loaded as k vectors (Transpose; with two inputs the even or the odd lanes of the two). They move values only: a lane
// gets the bits it would get one value at a time. Vector128 of floats and Vector256 of doubles, the widths of a group;
// and Vector512 of doubles, two groups of eight rows, which Predict takes at once where 512-bit vectors are accelerated.
// Written element by element (Vector128.Create of four values read at a stride) a group's two columns took eight
// scalar loads and six inserts: 2-33-3 doubles' Predict 25.9 -> 21.0 ns with these (5 December, AMD EPYC). The columns
// are out parameters, not a tuple: a tuple's constructor is one more call for the JIT to inline per group, and in a
// training kernel of 31 groups (3-124-1) the JIT's inlining budget ran out and left 23 of them as calls.
public static partial class Kernels
{
    /// <summary>
    /// The columns of the 4 x 2 matrix whose eight values, row by row, are <paramref name="first"/> and
    /// <paramref name="second"/>: a group of four units of a layer of two inputs. Column 0 is the even lanes of the two,
    /// column 1 the odd.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector128<float> first, Vector128<float> second, out Vector128<float> column0, out Vector128<float> column1)
    {
        if (Sse.IsSupported)
        {
            column0 = Sse.Shuffle(first, second, 0b10_00_10_00);
            column1 = Sse.Shuffle(first, second, 0b11_01_11_01);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            column0 = AdvSimd.Arm64.UnzipEven(first, second);
            column1 = AdvSimd.Arm64.UnzipOdd(first, second);
        }
        else
        {
            column0 = Vector128.Create(first.GetElement(0), first.GetElement(2), second.GetElement(0), second.GetElement(2));
            column1 = Vector128.Create(first.GetElement(1), first.GetElement(3), second.GetElement(1), second.GetElement(3));
        }
    }

    /// <inheritdoc cref="Transpose(Vector128{float}, Vector128{float}, out Vector128{float}, out Vector128{float})"/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector256<double> first, Vector256<double> second, out Vector256<double> column0, out Vector256<double> column1)
    {
        // UnpackLow pairs lane 0 of each and lane 2 of each (w0 w4 w2 w6); the permute puts them in order. Likewise the odd.
        if (Avx2.IsSupported)
        {
            column0 = Avx2.Permute4x64(Avx.UnpackLow(first, second), 0b11_01_10_00);
            column1 = Avx2.Permute4x64(Avx.UnpackHigh(first, second), 0b11_01_10_00);
        }
        else
        {
            column0 = Vector256.Create(first.GetElement(0), first.GetElement(2), second.GetElement(0), second.GetElement(2));
            column1 = Vector256.Create(first.GetElement(1), first.GetElement(3), second.GetElement(1), second.GetElement(3));
        }
    }

    /// <summary>
    /// The columns of the 4 x 4 matrix whose rows are <paramref name="row0"/> to <paramref name="row3"/>: a group of four
    /// units of a layer of four inputs, whose column i holds input i's weights of the four units.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector128<float> row0, Vector128<float> row1, Vector128<float> row2, Vector128<float> row3,
        out Vector128<float> column0, out Vector128<float> column1, out Vector128<float> column2, out Vector128<float> column3)
    {
        if (Sse.IsSupported)
        {
            // Rows 0 and 1 interleaved (w00 w10 w01 w11), rows 2 and 3; then their lower and upper halves side by side.
            Vector128<float> low01 = Sse.UnpackLow(row0, row1), low23 = Sse.UnpackLow(row2, row3);
            Vector128<float> high01 = Sse.UnpackHigh(row0, row1), high23 = Sse.UnpackHigh(row2, row3);
            column0 = Sse.MoveLowToHigh(low01, low23);
            column1 = Sse.MoveHighToLow(low23, low01);
            column2 = Sse.MoveLowToHigh(high01, high23);
            column3 = Sse.MoveHighToLow(high23, high01);
        }
        else
        {
            column0 = Vector128.Create(row0.GetElement(0), row1.GetElement(0), row2.GetElement(0), row3.GetElement(0));
            column1 = Vector128.Create(row0.GetElement(1), row1.GetElement(1), row2.GetElement(1), row3.GetElement(1));
            column2 = Vector128.Create(row0.GetElement(2), row1.GetElement(2), row2.GetElement(2), row3.GetElement(2));
            column3 = Vector128.Create(row0.GetElement(3), row1.GetElement(3), row2.GetElement(3), row3.GetElement(3));
        }
    }

    /// <inheritdoc cref="Transpose(Vector128{float}, Vector128{float}, Vector128{float}, Vector128{float}, out Vector128{float}, out Vector128{float}, out Vector128{float}, out Vector128{float})"/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector256<double> row0, Vector256<double> row1, Vector256<double> row2, Vector256<double> row3,
        out Vector256<double> column0, out Vector256<double> column1, out Vector256<double> column2, out Vector256<double> column3)
    {
        if (Avx.IsSupported)
        {
            // Within each 128-bit half, rows 0 and 1 interleaved (w00 w10 | w02 w12) and rows 2 and 3; then the halves paired.
            Vector256<double> low01 = Avx.UnpackLow(row0, row1), low23 = Avx.UnpackLow(row2, row3);
            Vector256<double> high01 = Avx.UnpackHigh(row0, row1), high23 = Avx.UnpackHigh(row2, row3);
            column0 = Avx.Permute2x128(low01, low23, 0x20);
            column1 = Avx.Permute2x128(high01, high23, 0x20);
            column2 = Avx.Permute2x128(low01, low23, 0x31);
            column3 = Avx.Permute2x128(high01, high23, 0x31);
        }
        else
        {
            column0 = Vector256.Create(row0.GetElement(0), row1.GetElement(0), row2.GetElement(0), row3.GetElement(0));
            column1 = Vector256.Create(row0.GetElement(1), row1.GetElement(1), row2.GetElement(1), row3.GetElement(1));
            column2 = Vector256.Create(row0.GetElement(2), row1.GetElement(2), row2.GetElement(2), row3.GetElement(2));
            column3 = Vector256.Create(row0.GetElement(3), row1.GetElement(3), row2.GetElement(3), row3.GetElement(3));
        }
    }

    /// <summary>
    /// The columns of the 4 x 3 matrix whose twelve values, row by row, are <paramref name="first"/>, <paramref name="second"/>
    /// and <paramref name="third"/>: a group of four units of a layer of three inputs. Each column's four values sit in
    /// four different lanes of the three vectors (column 0: lanes 0 and 3 of the first, 2 of the second, 1 of the third),
    /// so a column is two lane selections and one shuffle.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector128<float> first, Vector128<float> second, Vector128<float> third,
        out Vector128<float> column0, out Vector128<float> column1, out Vector128<float> column2)
    {
        Vector128<float> lanes03 = Vector128.Create(-1, 0, 0, -1).AsSingle(), lanes1 = Vector128.Create(0, -1, 0, 0).AsSingle();
        Vector128<float> mixed0 = Vector128.ConditionalSelect(lanes03, first, Vector128.ConditionalSelect(lanes1, third, second));
        Vector128<float> mixed1 = Vector128.ConditionalSelect(lanes03, second, Vector128.ConditionalSelect(lanes1, first, third));
        Vector128<float> mixed2 = Vector128.ConditionalSelect(lanes03, third, Vector128.ConditionalSelect(lanes1, second, first));
        column0 = Vector128.Shuffle(mixed0, Vector128.Create(0, 3, 2, 1));
        column1 = Vector128.Shuffle(mixed1, Vector128.Create(1, 0, 3, 2));
        column2 = Vector128.Shuffle(mixed2, Vector128.Create(2, 1, 0, 3));
    }

    /// <inheritdoc cref="Transpose(Vector128{float}, Vector128{float}, Vector128{float}, out Vector128{float}, out Vector128{float}, out Vector128{float})"/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector256<double> first, Vector256<double> second, Vector256<double> third,
        out Vector256<double> column0, out Vector256<double> column1, out Vector256<double> column2)
    {
        Vector256<double> lanes03 = Vector256.Create(-1L, 0, 0, -1).AsDouble(), lanes1 = Vector256.Create(0, -1L, 0, 0).AsDouble();
        Vector256<double> mixed0 = Vector256.ConditionalSelect(lanes03, first, Vector256.ConditionalSelect(lanes1, third, second));
        Vector256<double> mixed1 = Vector256.ConditionalSelect(lanes03, second, Vector256.ConditionalSelect(lanes1, first, third));
        Vector256<double> mixed2 = Vector256.ConditionalSelect(lanes03, third, Vector256.ConditionalSelect(lanes1, second, first));
        column0 = Vector256.Shuffle(mixed0, Vector256.Create(0L, 3, 2, 1));
        column1 = Vector256.Shuffle(mixed1, Vector256.Create(1L, 0, 3, 2));
        column2 = Vector256.Shuffle(mixed2, Vector256.Create(2L, 1, 0, 3));
    }

    /// <summary>
    /// The columns of the 8 x 2 matrix whose sixteen values, row by row, are <paramref name="first"/> and
    /// <paramref name="second"/>: two groups of four units of a layer of two inputs, as one 512-bit vector (Predict, where
    /// 512-bit vectors are accelerated). Column c is the values at c, 2 + c, ..., 14 + c: one two-source permute.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector512<double> first, Vector512<double> second, out Vector512<double> column0, out Vector512<double> column1)
    {
        column0 = Pick(first, second, Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14));
        column1 = Pick(first, second, Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15));
    }

    /// <summary>
    /// The columns of the 16 x 2 matrix whose 32 values, row by row, are <paramref name="first"/> and
    /// <paramref name="second"/>: four groups of four units of a layer of two inputs, as one 512-bit vector of floats
    /// (Predict, where 512-bit vectors are accelerated). Column c is the values at c, 2 + c, ..., 30 + c: one two-source
    /// permute.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector512<float> first, Vector512<float> second, out Vector512<float> column0, out Vector512<float> column1)
    {
        column0 = Pick(first, second, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
        column1 = Pick(first, second, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31));
    }

    /// <summary>
    /// The columns of the 16 x 3 matrix whose 48 values, row by row, are <paramref name="first"/>, <paramref name="second"/>
    /// and <paramref name="third"/>: four groups of four units of a layer of three inputs, as one 512-bit vector of floats
    /// (the training kernels, where 512-bit vectors are accelerated). Column c is the values at c, 3 + c, ..., 45 + c: the
    /// ones among the first 32 picked from the first two vectors, then the rest from the third.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector512<float> first, Vector512<float> second, Vector512<float> third,
        out Vector512<float> column0, out Vector512<float> column1, out Vector512<float> column2)
    {
        // Lanes 0-10 (columns 0 and 1) or 0-9 (column 2) come from the first 32 values; the last ones from the third vector (16 + its lane).
        column0 = Pick(Pick(first, second, Vector512.Create(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0)), third,
            Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29));
        column1 = Pick(Pick(first, second, Vector512.Create(1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0)), third,
            Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30));
        column2 = Pick(Pick(first, second, Vector512.Create(2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0)), third,
            Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31));
    }

    /// <summary>
    /// The columns of the 16 x 4 matrix whose 64 values, row by row, are <paramref name="first"/> to <paramref name="fourth"/>:
    /// four groups of four units of a layer of four inputs, as one 512-bit vector of floats (the training kernels). Column
    /// c's first eight values are among the first two vectors, its last eight among the last two, at the same places: two
    /// picks, then one that joins their halves.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector512<float> first, Vector512<float> second, Vector512<float> third, Vector512<float> fourth,
        out Vector512<float> column0, out Vector512<float> column1, out Vector512<float> column2, out Vector512<float> column3)
    {
        Vector512<int> halves = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        Vector512<int> c0 = Vector512.Create(0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<int> c1 = Vector512.Create(1, 5, 9, 13, 17, 21, 25, 29, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<int> c2 = Vector512.Create(2, 6, 10, 14, 18, 22, 26, 30, 0, 0, 0, 0, 0, 0, 0, 0);
        Vector512<int> c3 = Vector512.Create(3, 7, 11, 15, 19, 23, 27, 31, 0, 0, 0, 0, 0, 0, 0, 0);
        column0 = Pick(Pick(first, second, c0), Pick(third, fourth, c0), halves);
        column1 = Pick(Pick(first, second, c1), Pick(third, fourth, c1), halves);
        column2 = Pick(Pick(first, second, c2), Pick(third, fourth, c2), halves);
        column3 = Pick(Pick(first, second, c3), Pick(third, fourth, c3), halves);
    }

    /// <summary>
    /// The columns of the 8 x 3 matrix whose 24 values, row by row, are <paramref name="first"/>, <paramref name="second"/>
    /// and <paramref name="third"/>: two groups of four units of a layer of three inputs, as one 512-bit vector. Column c
    /// is the values at c, 3 + c, ..., 21 + c: the ones among the first sixteen picked from the first two vectors, then the
    /// rest from the third.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector512<double> first, Vector512<double> second, Vector512<double> third,
        out Vector512<double> column0, out Vector512<double> column1, out Vector512<double> column2)
    {
        // Lanes 0-5 (column 0) or 0-4 (columns 1 and 2) come from the first sixteen values; the last ones from the third vector (8 + its lane).
        column0 = Pick(Pick(first, second, Vector512.Create(0L, 3, 6, 9, 12, 15, 0, 0)), third, Vector512.Create(0L, 1, 2, 3, 4, 5, 10, 13));
        column1 = Pick(Pick(first, second, Vector512.Create(1L, 4, 7, 10, 13, 0, 0, 0)), third, Vector512.Create(0L, 1, 2, 3, 4, 8, 11, 14));
        column2 = Pick(Pick(first, second, Vector512.Create(2L, 5, 8, 11, 14, 0, 0, 0)), third, Vector512.Create(0L, 1, 2, 3, 4, 9, 12, 15));
    }

    /// <summary>
    /// The columns of the 8 x 4 matrix whose 32 values, row by row, are <paramref name="first"/> to <paramref name="fourth"/>:
    /// two groups of four units of a layer of four inputs, as one 512-bit vector. Column c's first four values are among the
    /// first two vectors, its last four among the last two, at the same places: two picks, then one that joins their halves.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(Vector512<double> first, Vector512<double> second, Vector512<double> third, Vector512<double> fourth,
        out Vector512<double> column0, out Vector512<double> column1, out Vector512<double> column2, out Vector512<double> column3)
    {
        Vector512<long> halves = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
        column0 = Pick(Pick(first, second, Vector512.Create(0L, 4, 8, 12, 0, 0, 0, 0)), Pick(third, fourth, Vector512.Create(0L, 4, 8, 12, 0, 0, 0, 0)), halves);
        column1 = Pick(Pick(first, second, Vector512.Create(1L, 5, 9, 13, 0, 0, 0, 0)), Pick(third, fourth, Vector512.Create(1L, 5, 9, 13, 0, 0, 0, 0)), halves);
        column2 = Pick(Pick(first, second, Vector512.Create(2L, 6, 10, 14, 0, 0, 0, 0)), Pick(third, fourth, Vector512.Create(2L, 6, 10, 14, 0, 0, 0, 0)), halves);
        column3 = Pick(Pick(first, second, Vector512.Create(3L, 7, 11, 15, 0, 0, 0, 0)), Pick(third, fourth, Vector512.Create(3L, 7, 11, 15, 0, 0, 0, 0)), halves);
    }

    /// <summary>
    /// The sum of eight chains held in one 512-bit vector whose lane l is chain (l + 1) % 8 (a row of Predict's output
    /// layer over a grouped layer of doubles: the bias starts chain 0, in lane 7), added as the unrolled scalar sum adds
    /// them: <c>((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7))</c>, each addition with the lower chain first. With
    /// AVX-512, three permutes and three vector additions after one permute that puts chain c in lane c.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddChainsInPairs(Vector512<double> chains)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<double> inOrder = Avx512F.PermuteVar8x64(chains, Vector512.Create(7L, 0, 1, 2, 3, 4, 5, 6));
            Vector512<double> pairs = inOrder + Avx512F.PermuteVar8x64(inOrder, Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6));
            Vector512<double> quads = pairs + Avx512F.PermuteVar8x64(pairs, Vector512.Create(2L, 3, 0, 1, 6, 7, 4, 5));
            return (quads + Avx512F.PermuteVar8x64(quads, Vector512.Create(4L, 5, 6, 7, 0, 1, 2, 3))).ToScalar();
        }
        return ((chains.GetElement(7) + chains.GetElement(0)) + (chains.GetElement(1) + chains.GetElement(2)))
            + ((chains.GetElement(3) + chains.GetElement(4)) + (chains.GetElement(5) + chains.GetElement(6)));
    }

    /// <summary>
    /// The sum of sixteen chains held in one 512-bit vector of floats whose lane l is chain (l + 1) % 16 (a row of
    /// Predict's output layer over a grouped layer of floats: the bias starts chain 0, in lane 15), added as the unrolled
    /// scalar sum adds them: chains in pairs, the pairs in pairs, and so on, each addition with the lower chain first.
    /// With AVX-512, four permutes and four vector additions after one permute that puts chain c in lane c.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float AddChainsInPairs(Vector512<float> chains)
    {
        if (Avx512F.IsSupported)
        {
            Vector512<float> inOrder = Avx512F.PermuteVar16x32(chains, Vector512.Create(15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
            Vector512<float> pairs = inOrder + Avx512F.PermuteVar16x32(inOrder, Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
            Vector512<float> quads = pairs + Avx512F.PermuteVar16x32(pairs, Vector512.Create(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
            Vector512<float> eights = quads + Avx512F.PermuteVar16x32(quads, Vector512.Create(4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
            return (eights + Avx512F.PermuteVar16x32(eights, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))).ToScalar();
        }
        Span<float> chain = stackalloc float[16];
        for (int lane = 0; lane < 16; lane++)
            chain[(lane + 1) % 16] = chains.GetElement(lane);
        return AddInPairs(chain);
    }

    /// <summary>
    /// The sum of sixteen chains of doubles held in two 512-bit vectors, lane l of <paramref name="low"/> chain l + 1 and
    /// lane l of <paramref name="high"/> chain (l + 9) % 16 (a row of sixteen chains over a grouped layer of doubles: the
    /// bias starts chain 0, in lane 7 of the second), added as the unrolled scalar sum adds them: chains 0-7 and 8-15 each
    /// in pairs as <see cref="AddChainsInPairs(Vector512{double})"/> adds eight, then the two sums.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddChainsInPairs(Vector512<double> low, Vector512<double> high)
    {
        // Chains 0-7 and 8-15, each in the lane order AddChainsInPairs(Vector512<double>) takes: chain (l + 1) % 8 of the eight in lane l.
        Vector512<double> first = Pick(low, high, Vector512.Create(0L, 1, 2, 3, 4, 5, 6, 15));
        Vector512<double> second = Pick(low, high, Vector512.Create(8L, 9, 10, 11, 12, 13, 14, 7));
        return AddChainsInPairs(first) + AddChainsInPairs(second);
    }

    /// <summary>
    /// A 512-bit vector whose last lane is <paramref name="bias"/> and whose other lanes are -0, the exact identity of
    /// addition: added to a row's first products it starts the chain in the last lane from the bias (bias + product, the
    /// scalar sum's first addition) and leaves the other lanes' products as they are.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> BiasInLastLane(double bias) =>
        Vector512.ConditionalSelect(Vector512.Create(0L, 0, 0, 0, 0, 0, 0, -1).AsDouble(), Vector512.Create(bias), Vector512.Create(-0.0));

    /// <inheritdoc cref="BiasInLastLane(double)"/>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> BiasInLastLane(float bias) =>
        Vector512.ConditionalSelect(Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1).AsSingle(), Vector512.Create(bias), Vector512.Create(-0.0f));

    /// <summary>Chains added in pairs, the pairs in pairs, and so on, each addition with the lower chain first (the scalar sum's order).</summary>
    private static float AddInPairs(Span<float> chains)
    {
        for (int count = chains.Length; count > 1; count = (count + 1) / 2)
            for (int i = 0; i < count; i += 2)
                chains[i / 2] = i + 1 < count ? chains[i] + chains[i + 1] : chains[i];
        return chains[0];
    }

    /// <summary>
    /// Lane l of the result is value <c>indices[l]</c> of the 32 lanes of <paramref name="low"/> then
    /// <paramref name="high"/>: one <c>vpermt2ps</c> with AVX-512, lane by lane otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pick(Vector512<float> low, Vector512<float> high, Vector512<int> indices)
    {
        if (Avx512F.IsSupported)
            return Avx512F.PermuteVar16x32x2(low, indices, high);
        Span<float> lanes = stackalloc float[16];
        for (int lane = 0; lane < 16; lane++)
        {
            int index = indices.GetElement(lane);
            lanes[lane] = index < 16 ? low.GetElement(index) : high.GetElement(index - 16);
        }
        return Vector512.Create((ReadOnlySpan<float>)lanes);
    }

    /// <summary>
    /// Lane l of the result is value <c>indices[l]</c> of the sixteen lanes of <paramref name="low"/> then
    /// <paramref name="high"/>: one <c>vpermt2pd</c> with AVX-512, lane by lane otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Pick(Vector512<double> low, Vector512<double> high, Vector512<long> indices)
    {
        if (Avx512F.IsSupported)
            return Avx512F.PermuteVar8x64x2(low, indices, high);
        return Vector512.Create(
            Lane(0), Lane(1), Lane(2), Lane(3), Lane(4), Lane(5), Lane(6), Lane(7));

        double Lane(int lane)
        {
            long index = indices.GetElement(lane);
            return index < 8 ? low.GetElement((int)index) : high.GetElement((int)index - 8);
        }
    }
}
