using System;
using System.Linq;
using System.Runtime.Intrinsics;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Looped sigmoid and tanh layers are activated by one whole-layer kernel (Kernels.Sigmoid with the
/// runtime's vector exp, Kernels.Tanh with System.Numerics.Tensors' vector tanh) instead of a scalar
/// Math.Exp / Math.Tanh per neuron. These tests pin how far the vectorised results may be from the
/// scalar ones over [-20, 20] (measured: tanh 3.3e-16 in double and 1.5e-7 in single, sigmoid
/// 2.2e-16 and 8.9e-8: one or two units in the last place).
/// </summary>
public class VectorizedActivationAccuracyTests
{
    private static readonly double[] Points = Enumerable.Range(0, 400_001).Select(i => -20.0 + 40.0 * i / 400_000).ToArray();

    [Fact]
    public void NetGens_scalar_exp_is_within_one_ulp_of_Math_Exp()
    {
        // Kernels.Exp replaces Math.Exp in the scalar sigmoid (the exact path is the NetGen.UseSystemExp
        // switch, tested in NetGen.ExactExp.Tests). Measured here: at most 1 ulp over every range.
        Assert.False(global::NetGen.Kernels.UsesSystemExp);
        var random = new Random(5);
        long worst = 0;
        double worstAt = 0;
        for (int i = 0; i < 1_500_000; i++)
        {
            double scale = (i % 3) switch { 0 => 720.0, 1 => 30.0, _ => 1e-6 };
            double x = (random.NextDouble() * 2 - 1) * scale;
            long ulps = Ulps(global::NetGen.Kernels.Exp(x), Math.Exp(x));
            if (ulps > worst)
                (worst, worstAt) = (ulps, x);
        }
        Assert.True(worst <= 1, $"{worst} ulp at {worstAt:R}");

        // The edges: exact 1 at 0, the range limits (beyond |x| < 708 it is Math.Exp), overflow,
        // underflow to subnormals and zero, infinities.
        foreach (double x in new[] { 0.0, -0.0, 1.0, -1.0, 707.99, -707.99, 708.0, -708.0, 709.7, 710.0, -744.0, -746.0,
                                     double.Epsilon, double.PositiveInfinity, double.NegativeInfinity })
            Assert.True(Ulps(global::NetGen.Kernels.Exp(x), Math.Exp(x)) <= 1, $"exp({x:R}) = {(global::NetGen.Kernels.Exp(x)):R}, Math.Exp gives {Math.Exp(x):R}");
        Assert.Equal(1.0, global::NetGen.Kernels.Exp(0.0));
        Assert.True(double.IsNaN(global::NetGen.Kernels.Exp(double.NaN)));
        Assert.Equal(0.0, global::NetGen.Kernels.Sigmoid(-800.0));
        Assert.Equal(1.0, global::NetGen.Kernels.Sigmoid(800.0));
    }

    [Fact]
    public void Within_Exps_range_the_scalar_sigmoid_is_bit_for_bit_one_over_one_plus_exp_of_minus_z()
    {
        // Sigmoid folds the negation of z into Exp's constants; every intermediate is then the exact
        // negation of Exp(-z)'s, so nothing may change, not even the last bit (|z| < 708, Exp's own range;
        // beyond it, see the next test).
        var random = new Random(11);
        var edges = new[] { 0.0, -0.0, 1e-300, -1e-300, 707.99, -707.99, Math.BitDecrement(708.0), -Math.BitDecrement(708.0), double.Epsilon };
        var arguments = edges.Concat(Enumerable.Range(0, 1_000_000).Select(i => (random.NextDouble() * 2 - 1) * ((i % 3) switch { 0 => 707.9, 1 => 30.0, _ => 1e-6 })));
        foreach (double z in arguments)
        {
            double folded = global::NetGen.Kernels.Sigmoid(z), unfolded = 1.0 / (1.0 + global::NetGen.Kernels.Exp(-z));
            Assert.True(BitConverter.DoubleToInt64Bits(folded) == BitConverter.DoubleToInt64Bits(unfolded), $"sigmoid({z:R}) = {folded:R}, 1 / (1 + Exp(-z)) = {unfolded:R}");
        }
        Assert.True(double.IsNaN(global::NetGen.Kernels.Sigmoid(double.NaN)));
    }

    [Fact]
    public void The_scalar_sigmoid_beyond_708_follows_the_Math_Exp_formula_without_calling_it()
    {
        // |z| >= 708 is outside Exp's table range; Sigmoid squares the exp of z / 2 there (no call).
        // Measured over 2 million arguments: within 3 ulps of 1 / (1 + Math.Exp(-z)) down to where Math.Exp's e^-z overflows.
        var random = new Random(13);
        long worst = 0;
        double worstAt = 0;
        for (int i = 0; i < 200_000; i++)
        {
            double z = -708.0 - random.NextDouble() * 1.78; // [-709.78, -708]: e^-z still finite
            long ulps = Ulps(global::NetGen.Kernels.Sigmoid(z), 1.0 / (1.0 + Math.Exp(-z)));
            if (ulps > worst)
                (worst, worstAt) = (ulps, z);
        }
        Assert.True(worst <= 3, $"{worst} ulp at {worstAt:R}");
        // Without a fused multiply-add instruction the runtime's own exp would call a software fma, so
        // Sigmoid takes the exact Math.Exp formula instead (Exp.cs, UsesOwnExp).
        if (global::NetGen.Kernels.UsesOwnExp)
            Assert.True(worst > 0, "the far range should take the squared path, which rounds differently somewhere");
        else
            Assert.Equal(0, worst);

        // Beyond the overflow of e^-z the formula gives 0; above 708 it gives 1; so does Sigmoid.
        foreach (double z in new[] { -709.79, -710.0, -1415.9, -1416.0, -1e6, double.MinValue, double.NegativeInfinity })
            Assert.Equal(0.0, global::NetGen.Kernels.Sigmoid(z));
        foreach (double z in new[] { 708.0, 709.79, 1416.0, 1e6, double.MaxValue, double.PositiveInfinity })
            Assert.Equal(1.0, global::NetGen.Kernels.Sigmoid(z));
        Assert.Equal(1.0 / (1.0 + Math.Exp(708.0)), global::NetGen.Kernels.Sigmoid(-708.0), 1e-322);
    }

    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    [Fact]
    public void The_exp_table_holds_exactly_what_Math_Pow_gives()
    {
        ReadOnlySpan<double> table = global::NetGen.Kernels.ExpTable;
        Assert.Equal(64, table.Length);
        for (int j = 0; j < table.Length; j++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Pow(2.0, j / 64.0)), BitConverter.DoubleToInt64Bits(table[j]));
    }

    [Fact]
    public void Vectorised_tanh_is_within_two_ulps_of_Math_Tanh_in_double()
    {
        var result = new double[Points.Length];
        global::NetGen.Kernels.Tanh<double>(Points, result);
        double worst = Points.Select((x, i) => Math.Abs(result[i] - Math.Tanh(x))).Max();
        Assert.True(worst <= 5e-16, $"largest difference {worst:E2}");
    }

    [Fact]
    public void Vectorised_tanh_is_within_two_ulps_of_Math_Tanh_in_single()
    {
        float[] points = Points.Select(x => (float)x).ToArray();
        var result = new float[points.Length];
        global::NetGen.Kernels.Tanh<float>(points, result);
        double worst = points.Select((x, i) => Math.Abs(result[i] - Math.Tanh(x))).Max();
        Assert.True(worst <= 2.5e-7, $"largest difference {worst:E2}");
    }

    [Fact]
    public void Vectorised_sigmoid_is_within_two_ulps_of_the_scalar_formula()
    {
        var result = new double[Points.Length];
        global::NetGen.Kernels.Sigmoid<double>(Points, result);
        double worst = Points.Select((x, i) => Math.Abs(result[i] - global::NetGen.Kernels.Sigmoid(x))).Max();
        Assert.True(worst <= 5e-16, $"largest difference {worst:E2} in double");

        float[] points = Points.Select(x => (float)x).ToArray();
        var single = new float[points.Length];
        global::NetGen.Kernels.Sigmoid<float>(points, single);
        double worstSingle = points.Select((x, i) => Math.Abs(single[i] - 1.0 / (1.0 + Math.Exp(-(double)x)))).Max();
        Assert.True(worstSingle <= 2.5e-7, $"largest difference {worstSingle:E2} in single");
    }

    [Fact]
    public void Packed_sigmoid_of_narrow_layers_is_within_two_ulps_of_the_scalar_formula()
    {
        // Predict packs the sums of a sigmoid layer of 2-8 neurons into one vector (Kernels.Sigmoid
        // overloads for Vector128/256/512): every width's vector type, every lane.
        double worst = 0, worstSingle = 0;
        for (int i = 0; i + 8 <= Points.Length; i += 8)
        {
            var z = Vector512.Create(Points.AsSpan(i, 8));
            Vector512<double> wide = global::NetGen.Kernels.Sigmoid(z);
            Vector256<double> half = global::NetGen.Kernels.Sigmoid(z.GetLower());
            Vector128<double> quarter = global::NetGen.Kernels.Sigmoid(z.GetLower().GetLower());
            Vector256<float> singles = global::NetGen.Kernels.Sigmoid(Vector256.Narrow(z.GetLower(), z.GetUpper()));
            Vector128<float> singleQuarter = global::NetGen.Kernels.Sigmoid(Vector128.Narrow(z.GetLower().GetLower(), z.GetLower().GetUpper()));
            for (int lane = 0; lane < 8; lane++)
            {
                double exact = global::NetGen.Kernels.Sigmoid(Points[i + lane]);
                worst = Math.Max(worst, Math.Abs(wide[lane] - exact));
                if (lane < 4) worst = Math.Max(worst, Math.Abs(half[lane] - exact));
                if (lane < 2) worst = Math.Max(worst, Math.Abs(quarter[lane] - exact));
                double exactSingle = 1.0 / (1.0 + Math.Exp(-(double)(float)Points[i + lane]));
                worstSingle = Math.Max(worstSingle, Math.Abs(singles[lane] - exactSingle));
                if (lane < 4) worstSingle = Math.Max(worstSingle, Math.Abs(singleQuarter[lane] - exactSingle));
            }
        }
        Assert.True(worst <= 5e-16, $"largest difference {worst:E2} in double");
        Assert.True(worstSingle <= 2.5e-7, $"largest difference {worstSingle:E2} in single");
    }

    [Fact]
    public void A_pack_of_sixteen_floats_is_within_two_ulps_and_lane_for_lane_two_packs_of_eight()
    {
        // A sigmoid layer of 9-16 floats packs into one Vector512 (Planner rule 2): within 2 ulps of the formula, and every
        // lane exactly what the 8-lane pack and the layer kernel give it, whatever the instruction set (without AVX or FMA
        // too), so that Predict's pack and Loss's kernel agree.
        float[] points = Points.Select(x => (float)x).ToArray();
        var kernel = new float[points.Length];
        global::NetGen.Kernels.Sigmoid<float>(points, kernel);
        double worst = 0;
        int compared = 0;
        for (int i = 0; i + 16 <= points.Length; i += 16)
        {
            var z = Vector512.Create(points.AsSpan(i, 16));
            Vector512<float> wide = global::NetGen.Kernels.Sigmoid(z);
            Vector256<float> low = global::NetGen.Kernels.Sigmoid(z.GetLower()), high = global::NetGen.Kernels.Sigmoid(z.GetUpper());
            for (int lane = 0; lane < 16; lane++)
            {
                float narrow = lane < 8 ? low[lane] : high[lane - 8];
                Assert.Equal(BitConverter.SingleToInt32Bits(narrow), BitConverter.SingleToInt32Bits(wide[lane]));
                Assert.Equal(BitConverter.SingleToInt32Bits(kernel[i + lane]), BitConverter.SingleToInt32Bits(wide[lane]));
                worst = Math.Max(worst, Math.Abs(wide[lane] - 1.0 / (1.0 + Math.Exp(-(double)points[i + lane]))));
                compared++;
            }
        }
        Assert.True(compared >= 1000, $"{compared} lanes compared");
        Assert.True(worst <= 2.5e-7, $"largest difference {worst:E2} in single");
    }
}
