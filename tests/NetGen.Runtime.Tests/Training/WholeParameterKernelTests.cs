using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// The whole-parameter kernels Fit and Adam run on every step (Kernels.AdamUpdate, AllFinite, CopyAllFinite,
/// DivideInPlace, AddInPlace, Add) replaced System.Numerics.Tensors calls for the cold start; they must give
/// what those calls gave, bit for bit, over every vector tail and in both precisions.
/// </summary>
public class WholeParameterKernelTests
{
    /// <summary>Empty, shorter than any vector, every tail of 512-bit vectors, and a parameter block's size.</summary>
    private static IEnumerable<int> Lengths() => Enumerable.Range(0, 35).Concat(new[] { 63, 64, 65, 1001, 101_770 });

    [Fact]
    public void AdamUpdate_computes_each_value_with_the_documented_operations_bit_for_bit()
    {
        CheckAdam<double>(againstLibrary: false);
        CheckAdam<float>(againstLibrary: false);
    }

    [Fact]
    public void AdamUpdate_agrees_with_the_nine_library_calls_it_replaced_to_the_last_bits()
    {
        CheckAdam<double>(againstLibrary: true);
        CheckAdam<float>(againstLibrary: true);
    }

    /// <summary>
    /// Three Adam steps against a reference: plain loops with the kernel's operations (rounded one by one,
    /// no fused multiply-add: the same bits on every machine), bit for bit; or the System.Numerics.Tensors
    /// calls AdamMoments made before, to the last bits: the library's Lerp fuses its multiply-add where the
    /// hardware has one (and its scalar path does even where its vector path does not).
    /// </summary>
    private static void CheckAdam<T>(bool againstLibrary)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T beta1 = T.CreateTruncating(0.9), beta2 = T.CreateTruncating(0.999), epsilon = T.CreateTruncating(1e-8);
        double tolerance = typeof(T) == typeof(float) ? 1e-6 : 1e-14;
        foreach (int length in Lengths())
        {
            var random = new Random(length);
            T[] p = Values<T>(random, length), m = Values<T>(random, length), v = Values<T>(random, length).Select(T.Abs).ToArray();
            T[] g = Values<T>(random, length);
            if (length > 3)
                g[3] = T.Zero; // a dead unit's gradient
            T[] expectedP = (T[])p.Clone(), expectedM = (T[])m.Clone(), expectedV = (T[])v.Clone(), scratch = new T[length];
            for (int step = 1; step <= 3; step++)
            {
                T stepSize = T.CreateTruncating(1e-3 / (1 - Math.Pow(0.9, step)));
                T correction = T.Sqrt(T.One - T.Pow(beta2, T.CreateTruncating(step)));
                if (againstLibrary)
                {
                    TensorPrimitives.Lerp(expectedM, g, T.One - beta1, expectedM);
                    TensorPrimitives.Multiply(g, g, scratch);
                    TensorPrimitives.Multiply(expectedV, beta2, expectedV);
                    TensorPrimitives.MultiplyAdd(scratch, T.One - beta2, expectedV, expectedV);
                    TensorPrimitives.Sqrt(expectedV, scratch);
                    TensorPrimitives.Divide(scratch, correction, scratch);
                    TensorPrimitives.Add(scratch, epsilon, scratch);
                    TensorPrimitives.Divide(expectedM, scratch, scratch);
                    TensorPrimitives.MultiplyAdd(scratch, -stepSize, expectedP, expectedP);
                }
                else
                {
                    T a = T.One - beta1;
                    for (int i = 0; i < length; i++)
                    {
                        T product = g[i] * g[i];
                        expectedM[i] = Rounded(expectedM[i] * (T.One - a)) + Rounded(g[i] * a);
                        expectedV[i] = Rounded(product * (T.One - beta2)) + Rounded(expectedV[i] * beta2);
                        T denominator = Rounded(T.Sqrt(expectedV[i]) / correction) + epsilon;
                        expectedP[i] = Rounded(Rounded(expectedM[i] / denominator) * -stepSize) + expectedP[i];
                    }
                }

                Kernels.AdamUpdate<T>(p, g, m, v, beta1, beta2, stepSize, correction, epsilon);
                string where = $"{typeof(T).Name}, length {length}, step {step}";
                if (againstLibrary)
                {
                    AssertClose(expectedM, m, tolerance, "m, " + where);
                    AssertClose(expectedV, v, tolerance, "v, " + where);
                    AssertClose(expectedP, p, tolerance, "p, " + where);
                }
                else
                {
                    AssertSameBits(expectedM, m, "m, " + where);
                    AssertSameBits(expectedV, v, "v, " + where);
                    AssertSameBits(expectedP, p, "p, " + where);
                }
            }
        }
    }

    // Stored to memory and read back: keeps the compiler from fusing a product into the next sum.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static T Rounded<T>(T value) => value;

    [Fact]
    public void AdamUpdate_rejects_buffers_of_another_length()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Kernels.AdamUpdate<double>(new double[4], new double[4], new double[4], new double[3], 0.9, 0.999, 1e-3, 1, 1e-8));
        Assert.Contains("4", error.Message);
        Assert.Contains("3", error.Message);
    }

    [Fact]
    public void AllFinite_and_CopyAllFinite_find_a_NaN_or_an_infinity_at_every_position()
    {
        CheckAllFinite<double>();
        CheckAllFinite<float>();
    }

    private static void CheckAllFinite<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int length in Lengths().Where(n => n < 2000))
        {
            T[] values = Values<T>(new Random(length), length);
            if (length > 0)
                values[0] = T.NegativeZero; // finite: x - x is +0 for it
            if (length > 1)
                values[^1] = T.CreateTruncating(-1e30); // large, and finite in single precision too
            Assert.True(Kernels.AllFinite<T>(values), $"{typeof(T).Name}, length {length}");
            T[] copy = new T[length];
            Assert.True(Kernels.CopyAllFinite<T>(values, copy), $"copy, {typeof(T).Name}, length {length}");
            AssertSameBits(values, copy, $"copy, {typeof(T).Name}, length {length}");
            for (int i = 0; i < length; i++)
            {
                foreach (T bad in new[] { T.NaN, T.PositiveInfinity, T.NegativeInfinity })
                {
                    T kept = values[i];
                    values[i] = bad;
                    Assert.False(Kernels.AllFinite<T>(values), $"{typeof(T).Name}, length {length}: {bad} at {i}");
                    copy = new T[length];
                    Assert.False(Kernels.CopyAllFinite<T>(values, copy), $"copy, {typeof(T).Name}, length {length}: {bad} at {i}");
                    Assert.Equal(bad, copy[i]); // the whole span is still copied
                    values[i] = kept;
                }
            }
        }
        Assert.Throws<ArgumentException>(() => Kernels.CopyAllFinite<T>(new T[3], new T[2]));
    }

    [Fact]
    public void DivideInPlace_and_AddInPlace_give_the_bits_of_the_library_calls()
    {
        CheckDivideAndAdd<double>();
        CheckDivideAndAdd<float>();
    }

    private static void CheckDivideAndAdd<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int length in Lengths())
        {
            var random = new Random(length);
            T[] sum = Values<T>(random, length), addend = Values<T>(random, length);
            T[] expected = new T[length];
            TensorPrimitives.Divide(sum, T.CreateTruncating(32), expected);
            T[] actual = (T[])sum.Clone();
            Kernels.DivideInPlace<T>(actual, T.CreateTruncating(32));
            AssertSameBits(expected, actual, $"divide, {typeof(T).Name}, length {length}");

            TensorPrimitives.Add(sum, addend, expected);
            actual = (T[])sum.Clone();
            Kernels.AddInPlace<T>(actual, addend);
            AssertSameBits(expected, actual, $"add, {typeof(T).Name}, length {length}");

            // Into a third buffer (Fit's mean of two shards); the operands stay as they were.
            T[] augend = (T[])sum.Clone(), keptAddend = (T[])addend.Clone();
            actual = new T[length];
            Kernels.Add<T>(augend, addend, actual);
            AssertSameBits(expected, actual, $"add into, {typeof(T).Name}, length {length}");
            AssertSameBits(sum, augend, $"add into leaves the augend, {typeof(T).Name}, length {length}");
            AssertSameBits(keptAddend, addend, $"add into leaves the addend, {typeof(T).Name}, length {length}");
        }
    }

    [Fact]
    public void Add_rejects_buffers_of_another_length()
    {
        var error = Assert.Throws<ArgumentException>(() => Kernels.Add<float>(new float[5], new float[5], new float[4]));
        Assert.Contains("5", error.Message);
        Assert.Contains("4", error.Message);
        Assert.Throws<ArgumentException>(() => Kernels.Add<float>(new float[5], new float[4], new float[5]));
    }

    private static T[] Values<T>(Random random, int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Enumerable.Range(0, length).Select(_ => T.CreateTruncating(random.NextDouble() * 2 - 1)).ToArray();

    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            if (!(Math.Abs(a - e) <= tolerance * Math.Max(1, Math.Abs(e))))
                Assert.Fail($"{what}: [{i}] is {a:R}, expected {e:R} within {tolerance:R}");
        }
    }

    private static void AssertSameBits<T>(T[] expected, T[] actual, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
                Assert.Fail($"{what}: [{i}] is {actual[i]:R}, expected {expected[i]:R}");
        }
    }
}
