using System;
using System.Linq;
using System.Numerics;

namespace NetGen.Tests.Kernels;

/// <summary>The whole-layer loss kernels agree with their scalar formulas at every length and for extreme logits.</summary>
public class LossKernelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(20)]
    [InlineData(31)]
    [InlineData(300)]
    [InlineData(1100)] // past the factors one log takes (32 per lane) at every vector width
    public void Binary_cross_entropy_from_outputs_matches_the_formula_at_every_length(int length)
    {
        Check<double>(length, 1e-14);
        Check<float>(length, 1e-6);
    }

    [Fact]
    public void Binary_cross_entropy_from_outputs_stays_finite_and_exact_at_the_extremes()
    {
        // Every lane of a vector and the masked tail: huge logits of both signs give their term exactly
        // (log(1 + e^-1000) is 0, and a is 0 or 1), zero logits log 2; never NaN or infinity.
        double[] z = Enumerable.Range(0, 19).Select(i => (i % 3 - 1) * 1000.0).ToArray();
        double[] t = Enumerable.Range(0, 19).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();
        double expected = 0;
        for (int k = 0; k < z.Length; k++)
            expected += Math.Max(z[k], 0) - t[k] * z[k] + (z[k] == 0 ? Math.Log(2) : 0);
        double actual = global::NetGen.Kernels.BinaryCrossEntropyFromOutputs<double>(Sigmoids(z), z, t);
        Assert.True(double.IsFinite(actual));
        Assert.Equal(expected, actual, 1e-9);
    }

    [Fact]
    public void Binary_cross_entropy_from_outputs_does_not_underflow_over_many_outputs_at_one_half()
    {
        // 2000 factors of 1/2 multiplied would be 2^-2000, far below double's range: the kernel takes a log every 32 per lane.
        double[] z = new double[2000], t = new double[2000];
        double actual = global::NetGen.Kernels.BinaryCrossEntropyFromOutputs<double>(Sigmoids(z), z, t);
        Assert.Equal(2000 * Math.Log(2), actual, 1e-9);
        // In single precision the 2000 terms are summed in float (the scalar path, without AVX, adds them one by one:
        // 1386.2982 against 1386.2944 in one CI run); an underflow would give infinity, so a bound of n float
        // roundings of the sum (2000 x 2^-24 relative) still catches it.
        float single = global::NetGen.Kernels.BinaryCrossEntropyFromOutputs<float>(new float[2000].Select(_ => 0.5f).ToArray(), new float[2000], new float[2000]);
        Assert.True(float.IsFinite(single));
        Assert.Equal(2000 * Math.Log(2), single, 2000 * Math.Log(2) * 2000 * Math.Pow(2, -24));
    }

    [Fact]
    public void Binary_cross_entropy_from_outputs_rejects_mismatched_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => global::NetGen.Kernels.BinaryCrossEntropyFromOutputs<double>(new double[3], new double[3], new double[2]));
        Assert.Contains("3", error.Message);
        Assert.Contains("2", error.Message);
        error = Assert.Throws<ArgumentException>(() => global::NetGen.Kernels.BinaryCrossEntropyFromOutputs<double>(new double[3], new double[4], new double[3]));
        Assert.Contains("3", error.Message);
        Assert.Contains("4", error.Message);
    }

    private static void Check<T>(int length, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(length);
        T[] z = Enumerable.Range(0, length).Select(_ => T.CreateTruncating(random.NextDouble() * 40 - 20)).ToArray();
        T[] t = Enumerable.Range(0, length).Select(_ => T.CreateTruncating(random.NextDouble())).ToArray();
        double expected = 0;
        for (int k = 0; k < length; k++)
        {
            double value = double.CreateTruncating(z[k]);
            expected += Math.Max(value, 0) - double.CreateTruncating(t[k]) * value + Math.Log(1 + Math.Exp(-Math.Abs(value)));
        }
        double actual = double.CreateTruncating(global::NetGen.Kernels.BinaryCrossEntropyFromOutputs<T>(Sigmoids(z), z, t));
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{typeof(T).Name}, length {length}: {actual} against {expected}");
    }

    /// <summary>The sigmoid outputs the network's forward pass gives the kernel, in the logits' precision.</summary>
    private static T[] Sigmoids<T>(T[] z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        z.Select(value => T.One / (T.One + T.Exp(-value))).ToArray();
}
