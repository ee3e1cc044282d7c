using System;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using K = NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The activation operators and their whole-layer kernels: every vector form agrees with the scalar
/// form lane by lane at every width (whatever this machine accelerates: an unaccelerated width runs in
/// software, the same code), the whole-layer kernels agree with the scalar functions at every length
/// and tail, the derivatives agree with central finite differences, and NaN propagates as the
/// <see cref="K"/> docs promise.
/// </summary>
public class ActivationKernelTests
{
    private static readonly double[] Specials =
    {
        0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 3.0, -3.0, 20.0, -20.0, 100.0, -100.0, 800.0, -800.0,
        double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, -double.Epsilon,
    };

    private static readonly int[] Lengths = Enumerable.Range(0, 71).Concat(new[] { 200, 1001 }).ToArray();

    [Fact]
    public void Vector_forms_of_the_exact_operators_equal_their_scalar_forms_bit_for_bit_at_every_width()
    {
        CheckUnary<double, IdentityOperator<double>>(0);
        CheckUnary<float, IdentityOperator<float>>(0);
        CheckUnary<double, ReLUOperator<double>>(0);
        CheckUnary<float, ReLUOperator<float>>(0);
        CheckUnary<double, LeakyReLUOperator<double>>(0);
        CheckUnary<float, LeakyReLUOperator<float>>(0);
        CheckBinary<double, IdentityDerivativeOperator<double>>();
        CheckBinary<float, IdentityDerivativeOperator<float>>();
        CheckBinary<double, SigmoidDerivativeOperator<double>>();
        CheckBinary<float, SigmoidDerivativeOperator<float>>();
        CheckBinary<double, TanhDerivativeOperator<double>>();
        CheckBinary<float, TanhDerivativeOperator<float>>();
        CheckBinary<double, ReLUDerivativeOperator<double>>();
        CheckBinary<float, ReLUDerivativeOperator<float>>();
        CheckBinary<double, LeakyReLUDerivativeOperator<double>>();
        CheckBinary<float, LeakyReLUDerivativeOperator<float>>();
    }

    [Fact]
    public void The_vector_sigmoid_is_within_four_ulps_of_the_scalar_one_at_every_width()
    {
        // The runtime's vector exp against Math.Exp / MathF.Exp, then the same division: measured at
        // most 4 ulp over 2 million arguments in [-740, 740] in either precision (2 ulp in absolute
        // terms near 1, where VectorizedActivationAccuracyTests measures it).
        CheckUnary<double, SigmoidOperator<double>>(4);
        CheckUnary<float, SigmoidOperator<float>>(4);
    }

    [Fact]
    public void The_vector_tanh_is_within_two_ulps_of_one_of_the_scalar_one_at_every_width()
    {
        // -m / (m + 2) with m = e^(-2|z|) - 1 cancels near 0, so the bound is absolute (2 ulp of 1), as
        // for the whole-layer kernel below; NaN must stay NaN (the ulp check).
        CheckUnary<double, TanhOperator<double>>(0, absolute: 4.5e-16);
        CheckUnary<float, TanhOperator<float>>(0, absolute: 2.4e-7);
    }

    [Fact]
    public void The_single_precision_vector_exp_is_within_one_ulp_of_MathF_Exp_at_every_width()
    {
        // Every float from -104 to 89 in steps of about 2^-12 of its size, then the ends and specials.
        var arguments = new System.Collections.Generic.List<float> { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon,
            88.72283f, 88.72284f, 89f, 1000f, -87.33654f, -103.27893f, -103.97208f, -104f, -1000f, float.MaxValue, float.MinValue };
        for (float x = -104f; x < 89f; x += Math.Max(1e-6f, Math.Abs(x) / 4096f))
            arguments.Add(x);
        CheckVectorExpAtEveryWidth(arguments);
    }

    [Fact]
    public void The_double_precision_vector_exp_is_within_one_ulp_of_Math_Exp_at_every_width()
    {
        // Random arguments over the whole range, near 0, and around the ends where the result overflows or
        // goes subnormal, then the specials. 1 ulp of Math.Exp (which is itself within about 1 ulp of e^x).
        var random = new Random(11);
        var arguments = new System.Collections.Generic.List<double> { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
            double.Epsilon, -double.Epsilon, 1e-300, -1e-300, 709.78, 709.7827128933840, 709.79, 710.0, 1000.0, -708.39, -708.4, -744.44,
            -745.13, -745.14, -745.2, -746.0, -1000.0, double.MaxValue, double.MinValue, 0.34657359027997264, -0.34657359027997264 };
        for (int i = 0; i < 400_000; i++)
        {
            double u = random.NextDouble() * 2 - 1;
            arguments.Add((i % 4) switch { 0 => u * 746, 1 => u * 20, 2 => u, _ => u * 1e-6 });
        }
        for (int i = 0; i < 20_000; i++)
        {
            arguments.Add(-708.5 - random.NextDouble() * 37); // subnormal results
            arguments.Add(709.0 + random.NextDouble() * 0.79); // the largest finite results
        }
        CheckVectorExpAtEveryWidth(arguments);
    }

    /// <summary><see cref="VectorExp.Exp{T}(Vector512{T})"/> and its 256- and 128-bit forms, lane by lane, within 1 ulp of <c>T.Exp</c> (Math.Exp / MathF.Exp).</summary>
    private static void CheckVectorExpAtEveryWidth<T>(System.Collections.Generic.List<T> arguments)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        while (arguments.Count % Vector512<T>.Count != 0)
            arguments.Add(T.One);
        T[] values = arguments.ToArray();
        for (int i = 0; i < values.Length; i += Vector512<T>.Count)
        {
            Vector512<T> wide = VectorExp.Exp(Vector512.Create(values.AsSpan(i, Vector512<T>.Count)));
            Vector256<T> half = VectorExp.Exp(Vector256.Create(values.AsSpan(i, Vector256<T>.Count)));
            Vector128<T> quarter = VectorExp.Exp(Vector128.Create(values.AsSpan(i, Vector128<T>.Count)));
            for (int lane = 0; lane < Vector512<T>.Count; lane++)
            {
                T expected = T.Exp(values[i + lane]);
                string what = $"exp({values[i + lane]:R})";
                AssertUlps(expected, wide[lane], 1, "512-bit " + what);
                if (lane < Vector256<T>.Count)
                    AssertUlps(expected, half[lane], 1, "256-bit " + what);
                if (lane < Vector128<T>.Count)
                    AssertUlps(expected, quarter[lane], 1, "128-bit " + what);
            }
        }
    }

    [Fact]
    public void The_softmax_kernel_is_within_a_few_ulps_of_the_scalar_formula_at_every_length()
    {
        CheckSoftmax<double>(4);
        CheckSoftmax<float>(4);
    }

    [Fact]
    public void The_softmax_kernel_in_place_gives_the_same_bits_and_a_NaN_or_infinite_logit_makes_every_output_NaN()
    {
        CheckSoftmaxEdges<double>();
        CheckSoftmaxEdges<float>();
    }

    private static void CheckSoftmaxEdges<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int length in Lengths.Where(n => n > 0))
        {
            T[] z = SoftmaxLogits<T>(length);
            T[] a = new T[length];
            K.Softmax<T>(z, a);
            // The vector path reads each pass's last (overlapping) vector before it stores: a = z gives the same bits.
            T[] inPlace = (T[])z.Clone();
            K.Softmax<T>(inPlace, inPlace);
            Assert.Equal(a, inPlace);
            // The outputs sum to 1 within the rounding of a sum of `length` values.
            double total = a.Sum(v => double.CreateTruncating(v));
            double tolerance = (typeof(T) == typeof(float) ? 2e-7 : 5e-16) * (4 + length);
            Assert.InRange(total, 1 - tolerance, 1 + tolerance);
            foreach (T bad in new[] { T.NaN, T.PositiveInfinity })
            {
                foreach (int at in new[] { 0, length / 2, length - 1 })
                {
                    T[] withBad = (T[])z.Clone();
                    withBad[at] = bad;
                    K.Softmax<T>(withBad, a);
                    Assert.All(a, value => Assert.True(T.IsNaN(value), $"softmax {typeof(T).Name}, length {length}, {bad} at {at}: {value}"));
                }
            }
        }
    }

    /// <summary>The softmax tests' logits for a row of <paramref name="length"/>: uniform in [-30, 30), seeded by the length.</summary>
    private static T[] SoftmaxLogits<T>(int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(length);
        return Enumerable.Range(0, length).Select(_ => T.CreateTruncating((random.NextDouble() * 2 - 1) * 30)).ToArray();
    }

    private static void CheckSoftmax<T>(int ulps)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int length in Lengths.Where(n => n > 0))
        {
            T[] z = SoftmaxLogits<T>(length);
            T[] a = new T[length];
            K.Softmax<T>(z, a);
            double max = z.Max(v => double.CreateTruncating(v));
            double sum = CompensatedSum(z.Select(v => Math.Exp(double.CreateTruncating(v) - max)));
            for (int k = 0; k < length; k++)
            {
                T expected = T.CreateTruncating(Math.Exp(double.CreateTruncating(z[k]) - max) / sum);
                // The kernel sums in T, in lanes of a vector (or one value after another): its rounding grows with the length.
                AssertClose(expected, a[k], ulps + length / 64, absolute: typeof(T) == typeof(float) ? 1e-9 : 1e-18, $"softmax {typeof(T).Name}, length {length}, [{k}]");
            }
        }
    }

    /// <summary>The sum of <paramref name="values"/> with the rounding error of each addition carried along (Neumaier), so the reference's own sum adds no error to compare with.</summary>
    private static double CompensatedSum(System.Collections.Generic.IEnumerable<double> values)
    {
        double sum = 0, carried = 0;
        foreach (double value in values)
        {
            double next = sum + value;
            carried += Math.Abs(sum) >= Math.Abs(value) ? (sum - next) + value : (value - next) + sum;
            sum = next;
        }
        return sum + carried;
    }

    /// <summary>Every lane of every width against the scalar form, within <paramref name="ulps"/> (0: the same bits) or <paramref name="absolute"/>.</summary>
    private static void CheckUnary<T, TOperator>(int ulps, double absolute = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        T[] x = Arguments<T>();
        for (int i = 0; i + Vector512<T>.Count <= x.Length; i += Vector512<T>.Count)
        {
            Vector512<T> wide = TOperator.Invoke(Vector512.Create(x.AsSpan(i, Vector512<T>.Count)));
            Vector256<T> half = TOperator.Invoke(Vector256.Create(x.AsSpan(i, Vector256<T>.Count)));
            Vector128<T> quarter = TOperator.Invoke(Vector128.Create(x.AsSpan(i, Vector128<T>.Count)));
            for (int lane = 0; lane < Vector512<T>.Count; lane++)
            {
                T expected = TOperator.Invoke(x[i + lane]);
                string what = $"{typeof(TOperator).Name}({x[i + lane]})";
                AssertClose(expected, wide[lane], ulps, absolute, "512-bit " + what);
                if (lane < Vector256<T>.Count)
                    AssertClose(expected, half[lane], ulps, absolute, "256-bit " + what);
                if (lane < Vector128<T>.Count)
                    AssertClose(expected, quarter[lane], ulps, absolute, "128-bit " + what);
            }
        }
    }

    private static void CheckBinary<T, TOperator>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        T[] a = Arguments<T>();
        T[] delta = a.Reverse().ToArray();
        for (int i = 0; i + Vector512<T>.Count <= a.Length; i += Vector512<T>.Count)
        {
            Vector512<T> wide = TOperator.Invoke(Vector512.Create(a.AsSpan(i, Vector512<T>.Count)), Vector512.Create(delta.AsSpan(i, Vector512<T>.Count)));
            Vector256<T> half = TOperator.Invoke(Vector256.Create(a.AsSpan(i, Vector256<T>.Count)), Vector256.Create(delta.AsSpan(i, Vector256<T>.Count)));
            Vector128<T> quarter = TOperator.Invoke(Vector128.Create(a.AsSpan(i, Vector128<T>.Count)), Vector128.Create(delta.AsSpan(i, Vector128<T>.Count)));
            for (int lane = 0; lane < Vector512<T>.Count; lane++)
            {
                T expected = TOperator.Invoke(a[i + lane], delta[i + lane]);
                string what = $"{typeof(TOperator).Name}({a[i + lane]}, {delta[i + lane]})";
                AssertUlps(expected, wide[lane], 0, "512-bit " + what);
                if (lane < Vector256<T>.Count)
                    AssertUlps(expected, half[lane], 0, "256-bit " + what);
                if (lane < Vector128<T>.Count)
                    AssertUlps(expected, quarter[lane], 0, "128-bit " + what);
            }
        }
    }

    [Fact]
    public void Whole_layer_activations_equal_the_scalar_ones_at_every_length_in_place_or_not()
    {
        CheckLayer<double>(K.Identity, K.Identity<double>, 0, inPlace: false);
        CheckLayer<float>(K.Identity, K.Identity<float>, 0, inPlace: false);
        CheckLayer<double>(K.ReLU, K.ReLU<double>, 0);
        CheckLayer<float>(K.ReLU, K.ReLU<float>, 0);
        CheckLayer<double>(K.LeakyReLU, K.LeakyReLU<double>, 0);
        CheckLayer<float>(K.LeakyReLU, K.LeakyReLU<float>, 0);
        CheckLayer<double>(z => 1.0 / (1.0 + Math.Exp(-z)), K.Sigmoid<double>, 4);
        CheckLayer<float>(z => 1f / (1f + MathF.Exp(-z)), K.Sigmoid<float>, 4);
        // System.Numerics.Tensors' vector tanh is accurate to about an ulp of 1 in absolute terms, not
        // relative ones: near 0 it is far off in ulps (tanh(1e-10) = -6e-8 in single precision).
        CheckLayer<double>(K.Tanh, K.Tanh<double>, 2, absolute: 4.5e-16);
        CheckLayer<float>(K.Tanh, K.Tanh<float>, 2, absolute: 2.4e-7);
    }

    private delegate void LayerKernel<T>(ReadOnlySpan<T> input, Span<T> output);

    private static void CheckLayer<T>(Func<T, T> scalar, LayerKernel<T> layer, int ulps, bool inPlace = true, double absolute = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] all = Arguments<T>();
        foreach (int length in Lengths)
        {
            T[] z = Enumerable.Range(0, length).Select(i => all[(i * 7 + length) % all.Length]).ToArray();
            var block = Enumerable.Repeat(T.CreateTruncating(-7), length + 2).ToArray();
            layer(z, block.AsSpan(1, length));
            for (int i = 0; i < length; i++)
            {
                AssertClose(scalar(z[i]), block[1 + i], ulps, absolute, $"{layer.Method.Name}<{typeof(T).Name}> length {length} at {i}, z = {z[i]}");
            }
            Assert.Equal(T.CreateTruncating(-7), block[0]);
            Assert.Equal(T.CreateTruncating(-7), block[length + 1]);
            if (inPlace)
            {
                T[] copy = (T[])z.Clone();
                layer(copy, copy);
                Assert.True(copy.AsSpan().SequenceEqual(block.AsSpan(1, length)), $"{layer.Method.Name}<{typeof(T).Name}> in place, length {length}");
            }
        }
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => layer(new T[3], new T[4])).ParamName);
    }

    [Fact]
    public void Whole_layer_derivatives_equal_the_generators_scalar_statements_bit_for_bit_at_every_length()
    {
        // The statements the generator writes for unrolled layers (Emitter.TimesDerivative), in the same order.
        CheckDerivative<double>((a, d) => d, K.IdentityDerivative<double>);
        CheckDerivative<float>((a, d) => d, K.IdentityDerivative<float>);
        CheckDerivative<double>((a, d) => d * a * (1 - a), K.SigmoidDerivative<double>);
        CheckDerivative<float>((a, d) => d * a * (1 - a), K.SigmoidDerivative<float>);
        CheckDerivative<double>((a, d) => d * (1 - a * a), K.TanhDerivative<double>);
        CheckDerivative<float>((a, d) => d * (1 - a * a), K.TanhDerivative<float>);
        CheckDerivative<double>((a, d) => a > 0 ? d : 0, K.ReLUDerivative<double>);
        CheckDerivative<float>((a, d) => a > 0 ? d : 0, K.ReLUDerivative<float>);
        CheckDerivative<double>((a, d) => a > 0 ? d : 0.01 * d, K.LeakyReLUDerivative<double>);
        CheckDerivative<float>((a, d) => a > 0 ? d : 0.01f * d, K.LeakyReLUDerivative<float>);
    }

    private static void CheckDerivative<T>(Func<T, T, T> statement, LayerKernel<T> derivative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] all = Arguments<T>();
        foreach (int length in Lengths)
        {
            T[] a = Enumerable.Range(0, length).Select(i => all[(i * 5 + length) % all.Length]).ToArray();
            T[] delta = Enumerable.Range(0, length + 2).Select(i => all[(i * 3 + 1) % all.Length]).ToArray();
            T[] expected = (T[])delta.Clone();
            for (int i = 0; i < length; i++)
                expected[1 + i] = statement(a[i], delta[1 + i]);
            derivative(a, delta.AsSpan(1, length));
            for (int i = 0; i < length + 2; i++)
                AssertUlps(expected[i], delta[i], 0, $"{derivative.Method.Name}<{typeof(T).Name}> length {length} at {i - 1}");
        }
        Assert.Equal("delta", Assert.Throws<ArgumentException>(() => derivative(new T[3], new T[2])).ParamName);
    }

    [Fact]
    public void Derivatives_written_through_the_output_match_central_differences()
    {
        CheckFiniteDifferences(K.Sigmoid, K.SigmoidDerivative<double>);
        CheckFiniteDifferences(K.Tanh, K.TanhDerivative<double>);
        CheckFiniteDifferences(K.ReLU, K.ReLUDerivative<double>);
        CheckFiniteDifferences(K.LeakyReLU, K.LeakyReLUDerivative<double>);
        CheckFiniteDifferences(K.Identity, K.IdentityDerivative<double>);
    }

    private static void CheckFiniteDifferences(Func<double, double> f, LayerKernel<double> derivative)
    {
        const double H = 1e-6;
        // Away from ReLU's kink at 0, where no difference quotient is the derivative.
        double[] z = Enumerable.Range(-60, 121).Select(i => i / 10.0 + 0.0137).ToArray();
        double[] a = z.Select(f).ToArray();
        double[] slope = Enumerable.Repeat(1.0, z.Length).ToArray();
        derivative(a, slope);
        for (int i = 0; i < z.Length; i++)
        {
            double numeric = (f(z[i] + H) - f(z[i] - H)) / (2 * H);
            Assert.True(Math.Abs(numeric - slope[i]) <= 1e-7 * Math.Max(1, Math.Abs(numeric)) + 1e-9,
                $"{derivative.Method.Name} at z = {z[i]}: {slope[i]:R}, central difference {numeric:R}");
        }
    }

    [Fact]
    public void Derivatives_from_the_pre_activation_equal_the_derivatives_through_the_output_and_central_differences()
    {
        CheckFromInput<double>(K.Sigmoid<double>, K.SigmoidDerivative<double>, K.SigmoidDerivativeFromInput<double>, K.Sigmoid);
        CheckFromInput<double>(K.Tanh<double>, K.TanhDerivative<double>, K.TanhDerivativeFromInput<double>, K.Tanh);
        CheckFromInput<double>(K.ReLU<double>, K.ReLUDerivative<double>, K.ReLUDerivativeFromInput<double>, K.ReLU);
        CheckFromInput<double>(K.LeakyReLU<double>, K.LeakyReLUDerivative<double>, K.LeakyReLUDerivativeFromInput<double>, K.LeakyReLU);
        CheckFromInput<double>(K.Identity<double>, K.IdentityDerivative<double>, K.IdentityDerivativeFromInput<double>, K.Identity);
        CheckFromInput<float>(K.Sigmoid<float>, K.SigmoidDerivative<float>, K.SigmoidDerivativeFromInput<float>, null);
        CheckFromInput<float>(K.Tanh<float>, K.TanhDerivative<float>, K.TanhDerivativeFromInput<float>, null);
        CheckFromInput<float>(K.LeakyReLU<float>, K.LeakyReLUDerivative<float>, K.LeakyReLUDerivativeFromInput<float>, null);
    }

    private static void CheckFromInput<T>(LayerKernel<T> forward, LayerKernel<T> throughOutput, LayerKernel<T> fromInput, Func<double, double>? scalar)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int length in Lengths)
        {
            // Away from ReLU's kink at 0, where no difference quotient is the derivative.
            T[] z = Enumerable.Range(0, length).Select(i => T.CreateTruncating((i % 41 - 20) / 4.0 + 0.0137)).ToArray();
            T[] a = new T[length], expected = Enumerable.Repeat(T.One, length).ToArray(), actual = Enumerable.Repeat(T.One, length).ToArray();
            forward(z, a);
            throughOutput(a, expected);
            fromInput(z, actual);
            for (int i = 0; i < length; i++)
                AssertUlps(expected[i], actual[i], 0, $"{fromInput.Method.Name}<{typeof(T).Name}> length {length} at z = {z[i]}");
            if (scalar is null)
                continue;
            const double H = 1e-6;
            for (int i = 0; i < length; i++)
            {
                double at = double.CreateTruncating(z[i]), numeric = (scalar(at + H) - scalar(at - H)) / (2 * H);
                Assert.True(Math.Abs(numeric - double.CreateTruncating(actual[i])) <= 1e-7 * Math.Max(1, Math.Abs(numeric)) + 1e-9,
                    $"{fromInput.Method.Name} at z = {at}: {actual[i]}, central difference {numeric:R}");
            }
        }
        Assert.Equal("delta", Assert.Throws<ArgumentException>(() => fromInput(new T[3], new T[2])).ParamName);
    }

    [Fact]
    public void ReLU_and_leaky_ReLU_propagate_NaN_in_every_shape()
    {
        Assert.True(double.IsNaN(K.ReLU(double.NaN)));
        Assert.True(float.IsNaN(K.ReLU(float.NaN)));
        Assert.True(double.IsNaN(K.LeakyReLU(double.NaN)));
        Assert.True(float.IsNaN(K.LeakyReLU(float.NaN)));
        Assert.True(double.IsNaN(ReLUOperator<double>.Invoke(Vector512.Create(double.NaN)).GetElement(7)));
        Assert.True(float.IsNaN(ReLUOperator<float>.Invoke(Vector256.Create(float.NaN)).GetElement(7)));
        Assert.True(double.IsNaN(ReLUOperator<double>.Invoke(Vector128.Create(double.NaN)).GetElement(1)));
        Assert.True(double.IsNaN(LeakyReLUOperator<double>.Invoke(Vector128.Create(double.NaN)).GetElement(1)));

        foreach (int length in Enumerable.Range(1, 70))
        {
            // A NaN at every position, so that every vector lane and every tail sees one.
            for (int at = 0; at < length; at++)
            {
                double[] z = Enumerable.Range(0, length).Select(i => i % 2 == 0 ? -1.5 : 2.5).ToArray();
                z[at] = double.NaN;
                var a = new double[length];
                K.ReLU<double>(z, a);
                Assert.True(double.IsNaN(a[at]), $"ReLU of NaN at {at} of {length}");
                Assert.Equal(length - 1, a.Count(v => !double.IsNaN(v)));
                float[] zf = z.Select(v => (float)v).ToArray();
                var af = new float[length];
                K.LeakyReLU<float>(zf, af);
                Assert.True(float.IsNaN(af[at]), $"leaky ReLU of NaN at {at} of {length}");
            }
        }
    }

    [Fact]
    public void The_vector_ReLU_and_leaky_ReLU_the_generated_code_calls_equal_the_scalar_ones_lane_by_lane_at_every_width()
    {
        // The grouped layers' code calls these with 128-bit groups, and Predict with 256- and 512-bit sums before splitting
        // them into groups: every lane must be the scalar function's bits.
        float[] values = Specials.Select(v => (float)v).Concat(new[] { 1e-40f, -1e-40f, 0.01f, -0.01f }).ToArray();
        for (int start = 0; start < values.Length; start++)
        {
            var lanes = Enumerable.Range(0, 16).Select(i => values[(start + i) % values.Length]).ToArray();
            var z512 = Vector512.Create(lanes);
            Vector512<float> relu512 = K.ReLU(z512), leaky512 = K.LeakyReLU(z512);
            Vector256<float> relu256 = K.ReLU(z512.GetLower()), leaky256 = K.LeakyReLU(z512.GetLower());
            Vector128<float> relu128 = K.ReLU(z512.GetLower().GetLower()), leaky128 = K.LeakyReLU(z512.GetLower().GetLower());
            for (int i = 0; i < 16; i++)
            {
                int relu = BitConverter.SingleToInt32Bits(K.ReLU(lanes[i])), leaky = BitConverter.SingleToInt32Bits(K.LeakyReLU(lanes[i]));
                Assert.Equal(relu, BitConverter.SingleToInt32Bits(relu512.GetElement(i)));
                Assert.Equal(leaky, BitConverter.SingleToInt32Bits(leaky512.GetElement(i)));
                if (i < 8)
                {
                    Assert.Equal(relu, BitConverter.SingleToInt32Bits(relu256.GetElement(i)));
                    Assert.Equal(leaky, BitConverter.SingleToInt32Bits(leaky256.GetElement(i)));
                }
                if (i < 4)
                {
                    Assert.Equal(relu, BitConverter.SingleToInt32Bits(relu128.GetElement(i)));
                    Assert.Equal(leaky, BitConverter.SingleToInt32Bits(leaky128.GetElement(i)));
                }
            }
        }
        var doubles = Vector512.Create(Specials.Take(8).ToArray());
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(K.ReLU(Specials[i])), BitConverter.DoubleToInt64Bits(K.ReLU(doubles).GetElement(i)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(K.LeakyReLU(Specials[i])), BitConverter.DoubleToInt64Bits(K.LeakyReLU(doubles).GetElement(i)));
        }
    }

    [Fact]
    public void ReLU_is_the_IEEE_maximum_with_zero_in_every_shape()
    {
        var layer = new double[Specials.Length];
        K.ReLU<double>(Specials, layer);
        for (int i = 0; i < Specials.Length; i++)
        {
            double z = Specials[i];
            AssertUlps(Math.Max(z, 0.0), K.ReLU(z), 0, $"ReLU({z})");
            AssertUlps(MathF.Max((float)z, 0f), K.ReLU((float)z), 0, $"ReLU({z}f)");
            AssertUlps(Math.Max(z, 0.0), layer[i], 0, $"layer ReLU({z})");
        }
        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(K.ReLU(-0.0))); // +0, not -0
        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(layer[1]));
    }

    [Fact]
    public void The_ReLU_derivative_takes_the_negative_side_at_a_NaN_output()
    {
        // Documented on Kernels: a NaN output's error is dropped, as PyTorch's threshold_backward does
        // for a <= 0; the NaN itself has already reached the loss through the forward value.
        foreach (int length in new[] { 1, 3, 8, 17, 33 })
        {
            double[] a = Enumerable.Repeat(double.NaN, length).ToArray();
            double[] delta = Enumerable.Repeat(2.0, length).ToArray();
            K.ReLUDerivative<double>(a, delta);
            Assert.All(delta, d => Assert.Equal(0.0, d));
            delta = Enumerable.Repeat(2.0, length).ToArray();
            K.LeakyReLUDerivative<double>(a, delta);
            Assert.All(delta, d => Assert.Equal(0.02, d));
        }
    }

    /// <summary>The special values, then values spread over [-30, 30], a whole number of 512-bit vectors in all.</summary>
    private static T[] Arguments<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(7);
        var values = Specials.Concat(Enumerable.Range(0, 4000).Select(_ => (random.NextDouble() * 2 - 1) * 30)).Select(T.CreateTruncating).ToList();
        while (values.Count % Vector512<T>.Count != 0)
            values.Add(T.One);
        return values.ToArray();
    }

    /// <summary>Within <paramref name="absolute"/> of each other (if it is positive; signed zeros then count as equal), or else within <paramref name="ulps"/>.</summary>
    private static void AssertClose<T>(T expected, T actual, int ulps, double absolute, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double difference = double.Abs(double.CreateTruncating(expected - actual));
        if (!(absolute > 0 && difference <= absolute))
            AssertUlps(expected, actual, ulps, what);
    }

    private static void AssertUlps<T>(T expected, T actual, int ulps, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected) || T.IsNaN(actual))
        {
            Assert.True(T.IsNaN(expected) && T.IsNaN(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        long distance = typeof(T) == typeof(double)
            ? Math.Abs(BitConverter.DoubleToInt64Bits(double.CreateTruncating(expected)) - BitConverter.DoubleToInt64Bits(double.CreateTruncating(actual)))
            : Math.Abs((long)BitConverter.SingleToInt32Bits(float.CreateTruncating(expected)) - BitConverter.SingleToInt32Bits(float.CreateTruncating(actual)));
        Assert.True(distance <= ulps, $"{what}: expected {expected:R}, got {actual:R} ({distance} ulp)");
    }
}
