using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// Scalar activation functions the generated kernels call, one overload per precision. They know no
/// layer size; the JIT inlines them into the unrolled code.
/// </summary>
public static partial class Kernels
{
    /// <summary>
    /// Whether every exp-based activation of the generated networks computes with <see cref="Math.Exp"/>,
    /// <see cref="MathF.Exp"/>, <see cref="Math.Tanh"/> and <see cref="MathF.Tanh"/> (the exact path)
    /// instead of <see cref="Exp"/>, the runtime's vector exp and System.Numerics.Tensors (each within
    /// 2 ulp of the exact formula): the sigmoids of this class and <see cref="Simd.Sigmoid{T}"/>,
    /// <see cref="Simd.Tanh{T}"/> and <see cref="Simd.Softmax{T}"/> of wide layers. Off by default; turn it on for a whole process with the
    /// <c>NetGen.UseSystemExp</c> runtime switch, e.g. in the project file:
    /// <c>&lt;RuntimeHostConfigurationOption Include="NetGen.UseSystemExp" Value="true" /&gt;</c>.
    /// </summary>
    /// <remarks>Read once; the JIT then treats it as a constant, so the path not taken costs nothing.</remarks>
    public static readonly bool UsesSystemExp = AppContext.TryGetSwitch("NetGen.UseSystemExp", out bool on) && on;

    /// <summary><c>1 / (1 + e^-z)</c>; 0 or 1 at the extremes, never NaN for a number.</summary>
    /// <remarks>
    /// Makes no call on any path (the exact path aside): a call anywhere in an inlined kernel, even in a
    /// branch never taken, makes the JIT keep its caller's values in memory around it. With W3 Predict
    /// inlined into BenchmarkDotNet's loop, the Math.Exp fallback this replaced kept the loop's sum and
    /// the span lengths on the stack (DOTNET_JitDisasm); without it, and without the string load in the
    /// generated length checks (see <see cref="SampleArgument"/>), W3 infer went from 8.6 to 7.7 ns.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double z)
    {
        if (UsesSystemExp)
            return 1.0 / (1.0 + Math.Exp(-z));
        // For z >= 708, e^-z < 2^-1021 vanishes next to 1. For z <= -708, e^-z = (e^(-z/2))^2, the half
        // in range while z > -1416; the square overflows to infinity (sigmoid 0) about where Math.Exp's
        // e^-z does, at -z = 709.78. Within 3 ulps of 1 / (1 + Math.Exp(-z)) there (tested). One copy of
        // the exp serves both ranges, so that a large unrolled kernel, which inlines this at every
        // sigmoid, does not reach the JIT's inlining limit sooner (see ExpInRange).
        double t = z;
        bool squared = false;
        if (Math.Abs(z) >= ExpRangeLimit)
        {
            if (z > 0)
                return 1.0;
            if (z <= -2 * ExpRangeLimit)
                return 0.0;
            t = z * 0.5;
            squared = true;
        }
        double e = ExpInRange(-1.0, t);
        if (squared)
            e *= e;
        return 1.0 / (1.0 + e);
    }

    // NetGen's own exp, used by the scalar sigmoid: x = (64 k + j) ln2 / 64 + r with |r| <= ln2 / 128,
    // e^x = 2^k * 2^(j/64) * e^r, 2^(j/64) from a 64-entry table and e^r - 1 from its Taylor series to
    // r^6 (truncation below 1e-19), evaluated by Estrin's scheme so that the dependency chain is short:
    // 12.8 ns latency against 13.3 ns for Math.Exp here, and no call. Inlined into the unrolled code
    // it took W3 Predict from 9.9 to 8.6 ns and W1/W2/W3 Train down by 1-2 ns (BenchmarkDotNet).
    // It is within 1 ulp of Math.Exp over 4 million random arguments (VectorizedActivationAccuracyTests
    // checks 1.5 million and the edges).
    // Outside |x| < 708 (overflow, underflow to subnormals) Exp defers to Math.Exp; Sigmoid handles it.
    private const double ExpRangeLimit = 708.0;

    private static readonly double[] ExpTable = BuildExpTable();

    private static double[] BuildExpTable()
    {
        var table = new double[64];
        for (int j = 0; j < table.Length; j++)
            table[j] = Math.Pow(2.0, j / 64.0);
        return table;
    }

    /// <summary><c>e^x</c> within 1 ulp of <see cref="Math.Exp"/>, inlined (see <see cref="UsesSystemExp"/> for the exact path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double x) =>
        UsesSystemExp || Math.Abs(x) >= ExpRangeLimit ? Math.Exp(x) : ExpInRange(1.0, x);

    // e^(sign t) for |t| < 708 (a NaN comes out NaN: every step propagates it) and a constant sign of
    // +1 or -1. The sigmoid needs e^-z: with the sign folded into the constants below, the negation costs
    // no instruction and no latency, and every intermediate is the exact negation of Exp(-z)'s, so the
    // result is bit for bit Exp(-z) (tested). Taking W3 Predict's negation and a constant load out of
    // the dependency chain made it 0.3 ns faster (Stopwatch).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExpInRange(double sign, double t)
    {
        const double Shift = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer kept in the low mantissa bits
        const double SixtyFourOverLn2 = 64 / 0.6931471805599453;
        const double Ln2Over64High = 0.6931471805599453 / 64, Ln2Over64Low = 2.3190468138462996e-17 / 64;
        // Few named locals on purpose: this is inlined at every sigmoid of an unrolled kernel, and the JIT
        // inlines into one method only up to a limit (past it, even Span.Slice stays a call; seen in a
        // 7-7-7-7-1 network's BackwardAndStep).
        double shifted = Math.FusedMultiplyAdd(t, sign * SixtyFourOverLn2, Shift);
        long n = BitConverter.DoubleToInt64Bits(shifted); // 64 k + j in the low bits
        double nearest = shifted - Shift;
        // r = x - nearest ln2 / 64 with x = sign t; computed here as sign r, which is exact either way
        double r = Math.FusedMultiplyAdd(nearest, -sign * Ln2Over64Low, Math.FusedMultiplyAdd(nearest, -sign * Ln2Over64High, t));
        // e^r - 1 = r + r^2 (1/2 + r/6) + r^4 (1/24 + r/120 + r^2/720), the odd terms carrying the sign
        double r2 = r * r;
        double expm1 = Math.FusedMultiplyAdd(r2 * r2, Math.FusedMultiplyAdd(r2, 1.0 / 720, Math.FusedMultiplyAdd(r, sign / 120, 1.0 / 24)),
            Math.FusedMultiplyAdd(r2, Math.FusedMultiplyAdd(r, sign / 6, 0.5), sign > 0 ? r : -r));
        // 2^k * 2^(j/64): k added to the exponent field of the table entry
        double scale = BitConverter.Int64BitsToDouble(
            BitConverter.DoubleToInt64Bits(Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ExpTable), (nint)(n & 63))) + ((n >> 6) << 52));
        return Math.FusedMultiplyAdd(scale, expm1, scale);
    }

    /// <summary><c>1 / (1 + e^-z)</c>; 0 or 1 at the extremes, never NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    // Sigmoid of a narrow layer's few sums at once (the generator packs 2-7 of them into the smallest
    // vector that holds them, padding with zeros): one vector exp costs about what one scalar exp
    // does, so W1's hidden layer of 3 takes 6.7 ns instead of 12.3. The vector exp is the runtime's
    // own (System.Runtime.Intrinsics); measured against Math.Exp over 10^6 random arguments in
    // [-30, 30] it differs by at most 2 ulp, and the reference-vector tests bound the result.
    // Where a vector width is not accelerated (no AVX-512, or no AVX), or with UsesSystemExp, the
    // overload splits into halves down to scalar calls instead of running the vector exp.

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sigmoid(Vector128<double> z) =>
        Vector128.IsHardwareAccelerated && !UsesSystemExp
            ? Vector128<double>.One / (Vector128<double>.One + Vector128.Exp(-z))
            : Vector128.Create(Sigmoid(z.GetElement(0)), Sigmoid(z.GetElement(1)));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> z) =>
        Vector256.IsHardwareAccelerated && !UsesSystemExp
            ? Vector256<double>.One / (Vector256<double>.One + Vector256.Exp(-z))
            : Vector256.Create(Sigmoid(z.GetLower()), Sigmoid(z.GetUpper()));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> z) =>
        Vector512.IsHardwareAccelerated && !UsesSystemExp
            ? Vector512<double>.One / (Vector512<double>.One + Vector512.Exp(-z))
            : Vector512.Create(Sigmoid(z.GetLower()), Sigmoid(z.GetUpper()));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z) =>
        Vector128.IsHardwareAccelerated && !UsesSystemExp
            ? Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-z))
            : Vector128.Create(Sigmoid(z.GetElement(0)), Sigmoid(z.GetElement(1)), Sigmoid(z.GetElement(2)), Sigmoid(z.GetElement(3)));

    /// <summary><c>1 / (1 + e^-z)</c> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z) =>
        Vector256.IsHardwareAccelerated && !UsesSystemExp
            ? Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-z))
            : Vector256.Create(Sigmoid(z.GetLower()), Sigmoid(z.GetUpper()));

    // A chunk of an unrolled layer's weight (or weight-gradient) row updated as one vector:
    // weights[start + i] += scale * x[i] lane by lane, with the same rounding as the scalar statement (a
    // product, then a sum; no fused multiply-add). The generator emits these for rows of 2 or more values.

    /// <summary><c>weights[start + i] += scale * x[i]</c> for the 4 or 8 lanes of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lanes run past the end of <paramref name="weights"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(Span<T> weights, int start, T scale, Vector256<T> x)
        where T : unmanaged
    {
        ref T first = ref Lanes(weights, start, Vector256<T>.Count);
        (Vector256.LoadUnsafe(ref first) + Vector256.Create(scale) * x).StoreUnsafe(ref first);
    }

    /// <summary><c>weights[start + i] += scale * x[i]</c> for the 2 or 4 lanes of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lanes run past the end of <paramref name="weights"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled<T>(Span<T> weights, int start, T scale, Vector128<T> x)
        where T : unmanaged
    {
        ref T first = ref Lanes(weights, start, Vector128<T>.Count);
        (Vector128.LoadUnsafe(ref first) + Vector128.Create(scale) * x).StoreUnsafe(ref first);
    }

    // The first of `count` values from `start` on, checked. The generated kernels pass constant starts into
    // spans of constant length, so the JIT removes the check; taking the offset here instead of a Slice
    // keeps each call to one inline with no locals of its own (a large unrolled kernel makes dozens).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T Lanes<T>(Span<T> values, int start, int count)
        where T : unmanaged
    {
        if ((ulong)(uint)start + (uint)count > (uint)values.Length)
            ThrowHelper.ThrowLanesOutOfRange(start, count, values.Length);
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(values), (nint)(uint)start);
    }

    // ReLU is the hardware's max instruction (one vmaxsd/vmaxss on x64) rather than a branch that
    // mispredicts as units switch on and off: W3 Predict 10.4 -> 9.9 ns, Train 29.4 -> 28.6 ns. For a
    // NaN sum it gives 0 on x64 (as the branch did) and NaN on Arm64.

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReLU(double z) => double.MaxNative(z, 0.0);

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => float.MaxNative(z, 0f);

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReLU(double z) => z > 0.0 ? z : 0.01 * z;

    /// <summary><c>z</c> for positive z, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z) => z > 0f ? z : 0.01f * z;
}
