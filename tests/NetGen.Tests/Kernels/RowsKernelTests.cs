using System;
using System.Numerics;
using K = NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The rows forms of the activation kernels whose vector and scalar forms may differ in the last bits (the exp-based
/// ones and their derivatives), which a batch's chunk calls once for all its rows: each row must get exactly what the
/// one-row call gives it, since which form a call takes depends on the length of the row. Widths around every vector
/// length (1-2 values take the scalar form everywhere; 16 and 17 floats fill a 512-bit vector with and without a tail),
/// both precisions, one to 33 rows.
/// </summary>
public class RowsKernelTests
{
    private static readonly int[] Widths = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33 };
    private static readonly int[] RowCounts = { 1, 3, 32, 33 };

    private delegate void Kernel<T>(ReadOnlySpan<T> x, Span<T> y);

    private delegate void RowsKernel<T>(ReadOnlySpan<T> x, Span<T> y, int rowWidth);

    [Fact]
    public void Every_row_gets_the_bits_of_a_call_on_that_row_alone()
    {
        CheckEveryKernel<double>();
        CheckEveryKernel<float>();
    }

    [Fact]
    public void A_bad_shape_is_an_exception_that_names_the_argument()
    {
        // Seven values are no whole rows of three; a destination of another length; a width of zero.
        var notWholeRows = Assert.Throws<ArgumentException>(() => K.Sigmoid<double>(new double[7], new double[7], 3));
        Assert.Equal("z", notWholeRows.ParamName);
        Assert.Contains("7", notWholeRows.Message);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => K.Sigmoid<double>(new double[6], new double[5], 3)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentException>(() => K.GELUDerivativeFromInput<float>(new float[6], new float[4], 2)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => K.TanhDerivative<float>(new float[5], new float[5], 2)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => K.Softplus<double>(new double[4], new double[4], 0));
        K.ELU<double>(Array.Empty<double>(), Array.Empty<double>(), 5); // no rows: nothing to do
    }

    private static void CheckEveryKernel<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Check<T>("Sigmoid", K.Sigmoid, K.Sigmoid, derivative: false);
        Check<T>("SigmoidDerivative", K.SigmoidDerivative, K.SigmoidDerivative, derivative: true);
        Check<T>("Tanh", K.Tanh, K.Tanh, derivative: false);
        Check<T>("TanhDerivative", K.TanhDerivative, K.TanhDerivative, derivative: true);
        Check<T>("GELU", K.GELU, K.GELU, derivative: false);
        Check<T>("GELUDerivativeFromInput", K.GELUDerivativeFromInput, K.GELUDerivativeFromInput, derivative: true);
        Check<T>("SiLU", K.SiLU, K.SiLU, derivative: false);
        Check<T>("SiLUDerivativeFromInput", K.SiLUDerivativeFromInput, K.SiLUDerivativeFromInput, derivative: true);
        Check<T>("ELU", K.ELU, K.ELU, derivative: false);
        Check<T>("ELUDerivative", K.ELUDerivative, K.ELUDerivative, derivative: true);
        Check<T>("Softplus", K.Softplus, K.Softplus, derivative: false);
        Check<T>("SoftplusDerivativeFromInput", K.SoftplusDerivativeFromInput, K.SoftplusDerivativeFromInput, derivative: true);
    }

    /// <summary>
    /// The rows form against the one-row form on every row, bit for bit. A forward kernel writes a from z; a derivative
    /// multiplies the deltas in place (y starts as random deltas for both, so an unwritten value would show too).
    /// </summary>
    private static void Check<T>(string name, Kernel<T> oneRow, RowsKernel<T> rows, bool derivative)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        foreach (int width in Widths)
        {
            foreach (int count in RowCounts)
            {
                var random = new Random(width * 100 + count);
                T[] x = new T[width * count], y = new T[width * count];
                for (int i = 0; i < x.Length; i++)
                {
                    // Pre-activations over the exp's whole range, or outputs of a sigmoid or tanh for a derivative through them.
                    x[i] = T.CreateTruncating(derivative && !name.EndsWith("FromInput", StringComparison.Ordinal)
                        ? random.NextDouble() * 2 - 1
                        : (random.NextDouble() - 0.5) * 60);
                    y[i] = T.CreateTruncating(random.NextDouble() - 0.5);
                }
                T[] expected = (T[])y.Clone(), actual = (T[])y.Clone();
                for (int row = 0; row < count; row++)
                    oneRow(x.AsSpan(row * width, width), expected.AsSpan(row * width, width));
                rows(x, actual, width);
                for (int i = 0; i < x.Length; i++)
                    Assert.True(expected[i].Equals(actual[i]) || (T.IsNaN(expected[i]) && T.IsNaN(actual[i])),
                        $"{name}<{typeof(T).Name}> width {width}, {count} rows, value {i}: {actual[i]} where the one-row call gives {expected[i]}");
            }
        }
    }
}
