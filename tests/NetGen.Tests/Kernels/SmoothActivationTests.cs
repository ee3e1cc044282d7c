using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Tests.Kernels;

/// <summary>
/// GELU, SiLU, ELU and Softplus and their derivatives (runtime/Kernels/SmoothActivations.cs) against their definitions
/// computed at 50 digits (<see cref="SmoothActivationValues"/>, from make_smooth_activation_values.py): the scalar forms
/// that unrolled code calls per unit, and the layer kernels, which run them in vectors of doubles (a float layer widened
/// to double and rounded once). The networks' reference vectors and gradient checks cover them again through the contract.
/// </summary>
public class SmoothActivationTests
{
    // Largest relative errors measured when written (4 December, AVX-512 and AVX2, scalar and layer forms): GELU and GELU'
    // 1.3e-15 for |z| <= 3 (the erfc series), growing with z^2 beyond (below); SiLU, ELU, Softplus and their derivatives
    // 3.3e-16. The bound leaves room for other instruction sets' unfused multiply-adds.
    private const double RelativeBound = 1e-14;

    private static readonly string[] Names = { "GELU", "GELU'", "SiLU", "SiLU'", "ELU", "Softplus", "Softplus'" };

    private static readonly Func<double, double>[] Scalar =
    {
        global::NetGen.Kernels.GELU, global::NetGen.Kernels.GELUDerivative, global::NetGen.Kernels.SiLU,
        global::NetGen.Kernels.SiLUDerivative, global::NetGen.Kernels.ELU, global::NetGen.Kernels.Softplus,
        global::NetGen.Kernels.SoftplusDerivative,
    };

    private static double[] Points => SmoothActivationValues.Rows.Select(row => row[0]).ToArray();

    private static double Expected(int function, int point) => SmoothActivationValues.Rows[point][function + 1];

    /// <summary>
    /// Relative error, except where the exact value is below 1e-290 (subnormal results round coarsely) or where GELU's
    /// erfc is past its series' range (|z| > 14, t > 10: there erfc is below 1e-44 and only its absolute error is kept
    /// small).
    /// </summary>
    private static void AssertClose(int function, double z, double expected, double actual, string path)
    {
        string what = $"{path} {Names[function]}({z:R}): expected {expected:R}, got {actual:R}";
        if (function <= 1 && Math.Abs(z) > 14)
        {
            Assert.True(Math.Abs(actual - expected) <= 1e-40, what);
            return;
        }
        if (Math.Abs(expected) < 1e-290)
        {
            Assert.True(Math.Abs(actual - expected) <= 1e-300, what);
            return;
        }
        // GELU's e^(-z^2 / 2) takes z^2 rounded, one part in 2^53, which the exp turns into z^2 / 2 parts: relative
        // error grows with z^2 in the tail (z = -12: 1.4e-14 on a value of 2e-32).
        // GELU' = Phi(z) + z phi(z) is a sum of terms of opposite signs below 0, zero near z = -0.75, and so is
        // SiLU' = s (1 + z (1 - s)), zero near z = -1.28: their error is measured against the size of the terms.
        double bound = function <= 1 ? RelativeBound + 4e-16 * z * z : RelativeBound;
        double sigmoid = 1 / (1 + Math.Exp(-z));
        double scale = function switch
        {
            1 => Math.Abs(expected) + 2 * Math.Abs(z) * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI),
            3 => sigmoid * (1 + Math.Abs(z) * (1 - sigmoid)),
            _ => Math.Abs(expected),
        };
        Assert.True(Math.Abs(actual - expected) <= bound * scale, what);
    }

    [Fact]
    public void The_scalar_forms_match_the_definitions_at_50_digits()
    {
        double[] points = Points;
        for (int f = 0; f < Scalar.Length; f++)
        {
            for (int p = 0; p < points.Length; p++)
                AssertClose(f, points[p], Expected(f, p), Scalar[f](points[p]), "scalar");
        }
    }

    [Fact]
    public void The_double_layer_kernels_match_the_definitions_at_50_digits()
    {
        double[] points = Points;
        for (int f = 0; f < Scalar.Length; f++)
        {
            double[] actual = Layer(f, points);
            for (int p = 0; p < points.Length; p++)
                AssertClose(f, points[p], Expected(f, p), actual[p], "layer");
        }
    }

    [Fact]
    public void The_float_layer_kernels_round_the_double_values_once()
    {
        // A float layer computes in double and rounds once: within one float ulp of the double scalar form at the same z.
        float[] points = Points.Select(z => (float)z).ToArray();
        for (int f = 0; f < Scalar.Length; f++)
        {
            float[] actual = Layer(f, points);
            for (int p = 0; p < points.Length; p++)
            {
                float expected = (float)Scalar[f](points[p]);
                Assert.True(Math.Abs(actual[p] - expected) <= Math.Max(MathF.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), 1e-44f),
                    $"float {Names[f]}({points[p]:R}): expected {expected:R}, got {actual[p]:R}");
            }
        }
    }

    [Theory]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(512)]
    public void The_packed_forms_match_the_definitions_at_50_digits(int bits)
    {
        // The vectors a narrow unrolled layer packs its units into (Kernels.GELU(Vector256<double>) and the like): each
        // lane within the bound in double, and in single precision within one float ulp of the double scalar form.
        double[] points = Points;
        float[] singles = points.Select(z => (float)z).ToArray();
        for (int f = 0; f < Scalar.Length; f++)
        {
            double[] actual = Packed(f, points, bits);
            for (int p = 0; p < points.Length; p++)
                AssertClose(f, points[p], Expected(f, p), actual[p], $"packed {bits}-bit");
            float[] single = Packed(f, singles, bits);
            for (int p = 0; p < singles.Length; p++)
            {
                float expected = (float)Scalar[f](singles[p]);
                Assert.True(Math.Abs(single[p] - expected) <= Math.Max(MathF.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), 1e-44f),
                    $"packed {bits}-bit float {Names[f]}({singles[p]:R}): expected {expected:R}, got {single[p]:R}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(17)]
    public void A_value_does_not_depend_on_the_layers_length_beyond_the_forms_rounding(int length)
    {
        // Layers shorter than a vector take the scalar form, longer ones the vector form: both within the bound.
        double[] z = Enumerable.Range(0, length).Select(i => -3.0 + 0.37 * i).ToArray();
        for (int f = 0; f < Scalar.Length; f++)
        {
            double[] actual = Layer(f, z);
            for (int i = 0; i < length; i++)
            {
                double scalar = Scalar[f](z[i]);
                Assert.True(Math.Abs(actual[i] - scalar) <= RelativeBound * Math.Max(Math.Abs(scalar), 1e-300), $"{Names[f]}({z[i]:R}) in a layer of {length}: {actual[i]:R} against {scalar:R}");
            }
        }
    }

    [Fact]
    public void Infinities_and_NaN_give_what_PyTorchs_formulas_give()
    {
        // GELU(-inf) = -inf * 0 and SiLU(-inf) = -inf * 0 are NaN in PyTorch too; so are GELU'(+-inf), Phi + z phi with
        // z phi = inf * 0, and SiLU'(+-inf) = s (1 + z (1 - s)) with z (1 - s) = inf * 0 at one end, 0 * (1 - inf) at the other.
        double inf = double.PositiveInfinity, nan = double.NaN;
        double[][] expected =
        {
            //        -inf  +inf
            new[] { nan, inf }, // GELU
            new[] { nan, nan }, // GELU'
            new[] { nan, inf }, // SiLU
            new[] { nan, nan }, // SiLU'
            new[] { -1.0, inf }, // ELU
            new[] { 0.0, inf }, // Softplus
            new[] { 0.0, 1.0 }, // Softplus'
        };
        double[] z = Enumerable.Repeat(-inf, 9).Concat(Enumerable.Repeat(inf, 9)).Append(nan).ToArray();
        for (int f = 0; f < Scalar.Length; f++)
        {
            double[] layer = Layer(f, z);
            float[] single = Layer(f, z.Select(v => (float)v).ToArray());
            for (int i = 0; i < z.Length; i++)
            {
                double want = double.IsNaN(z[i]) ? nan : expected[f][z[i] < 0 ? 0 : 1];
                Assert.True(want.Equals(Scalar[f](z[i])), $"scalar {Names[f]}({z[i]}) = {Scalar[f](z[i])}, expected {want}");
                Assert.True(want.Equals(layer[i]), $"layer {Names[f]}({z[i]}) = {layer[i]}, expected {want}");
                Assert.True(((float)want).Equals(single[i]), $"float layer {Names[f]}({z[i]}) = {single[i]}, expected {want}");
                foreach (int bits in new[] { 128, 256, 512 })
                {
                    Assert.True(want.Equals(Packed(f, z, bits)[i]), $"packed {bits}-bit {Names[f]}({z[i]}), expected {want}");
                    Assert.True(((float)want).Equals(Packed(f, z.Select(v => (float)v).ToArray(), bits)[i]), $"packed {bits}-bit float {Names[f]}({z[i]}), expected {want}");
                }
            }
        }
    }

    [Fact]
    public void The_derivative_kernels_multiply_the_delta()
    {
        double[] z = Points;
        double[] delta = z.Select((_, i) => 0.25 + i % 7).ToArray();
        foreach (var (f, apply) in new (int, Action<double[], double[]>)[]
                 {
                     (1, (x, d) => global::NetGen.Kernels.GELUDerivativeFromInput<double>(x, d)),
                     (3, (x, d) => global::NetGen.Kernels.SiLUDerivativeFromInput<double>(x, d)),
                     (6, (x, d) => global::NetGen.Kernels.SoftplusDerivativeFromInput<double>(x, d)),
                 })
        {
            double[] scaled = (double[])delta.Clone();
            apply(z, scaled);
            for (int p = 0; p < z.Length; p++)
                AssertClose(f, z[p], delta[p] * Expected(f, p), scaled[p], "delta *");
        }

        // ELU's derivative is written through its output: 1 above 0, a + 1 at and below.
        double[] a = z.Select(global::NetGen.Kernels.ELU).ToArray(), eluScaled = (double[])delta.Clone();
        global::NetGen.Kernels.ELUDerivative<double>(a, eluScaled);
        for (int p = 0; p < z.Length; p++)
            Assert.Equal(delta[p] * (a[p] > 0 ? 1 : a[p] + 1), eluScaled[p]);
    }

    /// <summary><paramref name="z"/> through the packed form of <paramref name="function"/>, <paramref name="bits"/>-bit vectors at a time, the last padded with zeros.</summary>
    private static T[] Packed<T>(int function, T[] z, int bits)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        int lanes = bits / 8 / Unsafe.SizeOf<T>();
        var result = new T[z.Length];
        var chunk = new T[lanes];
        var values = new T[lanes];
        for (int start = 0; start < z.Length; start += lanes)
        {
            int count = Math.Min(lanes, z.Length - start);
            Array.Clear(chunk);
            Array.Copy(z, start, chunk, 0, count);
            switch (bits)
            {
                case 128: Pack(function, Vector128.Create(chunk)).CopyTo(values); break;
                case 256: Pack(function, Vector256.Create(chunk)).CopyTo(values); break;
                default: Pack(function, Vector512.Create(chunk)).CopyTo(values); break;
            }
            Array.Copy(values, 0, result, start, count);
        }
        return result;
    }

    private static Vector128<T> Pack<T>(int function, Vector128<T> z)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T> => function switch
        {
            0 => global::NetGen.Kernels.GELU(z),
            1 => global::NetGen.Kernels.GELUDerivative(z),
            2 => global::NetGen.Kernels.SiLU(z),
            3 => global::NetGen.Kernels.SiLUDerivative(z),
            4 => global::NetGen.Kernels.ELU(z),
            5 => global::NetGen.Kernels.Softplus(z),
            _ => global::NetGen.Kernels.SoftplusDerivative(z),
        };

    private static Vector256<T> Pack<T>(int function, Vector256<T> z)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T> => function switch
        {
            0 => global::NetGen.Kernels.GELU(z),
            1 => global::NetGen.Kernels.GELUDerivative(z),
            2 => global::NetGen.Kernels.SiLU(z),
            3 => global::NetGen.Kernels.SiLUDerivative(z),
            4 => global::NetGen.Kernels.ELU(z),
            5 => global::NetGen.Kernels.Softplus(z),
            _ => global::NetGen.Kernels.SoftplusDerivative(z),
        };

    private static Vector512<T> Pack<T>(int function, Vector512<T> z)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T> => function switch
        {
            0 => global::NetGen.Kernels.GELU(z),
            1 => global::NetGen.Kernels.GELUDerivative(z),
            2 => global::NetGen.Kernels.SiLU(z),
            3 => global::NetGen.Kernels.SiLUDerivative(z),
            4 => global::NetGen.Kernels.ELU(z),
            5 => global::NetGen.Kernels.Softplus(z),
            _ => global::NetGen.Kernels.SoftplusDerivative(z),
        };

    private static T[] Layer<T>(int function, T[] z)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var result = new T[z.Length];
        switch (function)
        {
            case 0: global::NetGen.Kernels.GELU<T>(z, result); break;
            case 2: global::NetGen.Kernels.SiLU<T>(z, result); break;
            case 4: global::NetGen.Kernels.ELU<T>(z, result); break;
            case 5: global::NetGen.Kernels.Softplus<T>(z, result); break;
            default:
                // A derivative kernel multiplies a delta of ones.
                Array.Fill(result, T.One);
                if (function == 1) global::NetGen.Kernels.GELUDerivativeFromInput<T>(z, result);
                else if (function == 3) global::NetGen.Kernels.SiLUDerivativeFromInput<T>(z, result);
                else global::NetGen.Kernels.SoftplusDerivativeFromInput<T>(z, result);
                break;
        }
        return result;
    }
}
