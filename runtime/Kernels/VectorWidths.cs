using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

/// <summary>The vector a kernel reads a row of weights with (<c>KernelsAt.RowWidthOf</c>): the same for every kernel, so a row's sums keep their bits.</summary>
internal enum RowWidth
{
    /// <summary>The wide vector of the width pair (512 or 256 bits, or 128 when that is the widest).</summary>
    Wide,

    /// <summary>The narrow vector of the pair: rows shorter than one wide vector.</summary>
    Narrow,

    /// <summary>128 bits under the 512/256 pair: rows shorter than one 256-bit vector that fill a 128-bit one.</summary>
    Quarter,

    /// <summary>One value at a time: rows shorter than any vector the pair may use.</summary>
    Scalar,
}

/// <summary>
/// One vector width as a type argument, so that a kernel is written once and instantiated per width:
/// <see cref="Width512{T}"/>, <see cref="Width256{T}"/>, <see cref="Width128{T}"/>, and
/// <see cref="ScalarWidth{T}"/>, one value per "vector", which is the kernels' scalar path. The members
/// are static and inlined, so each instantiation is the code one would write by hand for its width.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TVector">The vector type of this width (<typeparamref name="T"/> itself for the scalar width).</typeparam>
internal interface IVectorWidth<T, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TVector : struct
{
    /// <summary>Values per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Create(T value);

    static abstract TVector Load(ref T source, nuint offset);

    static abstract void Store(TVector value, ref T destination, nuint offset);

    static abstract TVector Add(TVector left, TVector right);

    static abstract TVector Subtract(TVector left, TVector right);

    static abstract TVector Multiply(TVector left, TVector right);

    static abstract TVector Divide(TVector left, TVector right);

    static abstract TVector Abs(TVector value);

    /// <summary>A mask of the lanes where <paramref name="left"/> &lt; <paramref name="right"/> (none where either is NaN), for <see cref="Select"/>.</summary>
    static abstract TVector LessThan(TVector left, TVector right);

    /// <summary>A mask of the lanes where <paramref name="left"/> &lt;= <paramref name="right"/> (none where either is NaN), for <see cref="Select"/>.</summary>
    static abstract TVector LessThanOrEqual(TVector left, TVector right);

    /// <summary>A mask of the lanes where <paramref name="left"/> &gt; <paramref name="right"/> (none where either is NaN), for <see cref="Select"/>.</summary>
    static abstract TVector GreaterThan(TVector left, TVector right);

    /// <summary>
    /// <c>e^x</c> lane by lane: <see cref="VectorExp"/> in vectors, <see cref="Kernels.Exp(double)"/> for a double on
    /// the scalar width and <see cref="MathF.Exp"/> for a float.
    /// </summary>
    static abstract TVector Exp(TVector x);

    /// <summary>
    /// <paramref name="value"/> limited to [<paramref name="lowest"/>, <paramref name="highest"/>] with the
    /// hardware min and max: a NaN may come out as a bound, so a caller that must keep NaN puts it back.
    /// </summary>
    static abstract TVector Clamp(TVector value, TVector lowest, TVector highest);

    /// <summary>
    /// <c>value * 2^n</c> by integer addition to the exponent field, where <paramref name="shifted"/> holds
    /// n in the low bits of its mantissa (a whole number plus 1.5 * 2^52 in double, 1.5 * 2^23 in float);
    /// the result must stay a normal number.
    /// </summary>
    static abstract TVector ScaleByPowerOfTwo(TVector value, TVector shifted);

    /// <summary>
    /// <c>left * right + addend</c>: fused where the hardware has a fused multiply-add (x64 FMA, Arm64),
    /// otherwise a multiply, then an add (a software fused multiply-add would cost a call per lane).
    /// </summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVector value);

    /// <summary>Lane by lane, the larger value, by the hardware's max instruction: which operand a NaN lane gives back is the hardware's choice.</summary>
    static abstract TVector MaxNative(TVector left, TVector right);

    /// <summary>The largest lane, by the hardware's max instruction as <see cref="MaxNative"/>.</summary>
    static abstract T MaxOfLanes(TVector value);

    /// <summary>
    /// A mask of the last <paramref name="count"/> lanes (1 to <see cref="Count"/>): the kernels' tails
    /// load the last whole vector of a row, which overlaps values already done, and let only its new
    /// lanes count (<see cref="And"/>) or change (<see cref="Select"/>).
    /// </summary>
    static abstract TVector LastLanes(int count);

    /// <summary><paramref name="value"/> where <paramref name="mask"/> is set, zero elsewhere.</summary>
    static abstract TVector And(TVector value, TVector mask);

    /// <summary>Lane by lane, <paramref name="whenTrue"/> where <paramref name="mask"/> is set and <paramref name="whenFalse"/> elsewhere.</summary>
    static abstract TVector Select(TVector mask, TVector whenTrue, TVector whenFalse);

    /// <summary>
    /// Lane <c>k</c> of the result is lane <c>indices[k]</c> of <paramref name="values"/>, where each lane of
    /// <paramref name="indices"/> holds a lane number as the bits of an integer of the lane's size (see
    /// <see cref="KernelsAt{T, TWideVector, TWide, TNarrowVector, TNarrow}.LaneNumber"/>), in [0, <see cref="Count"/>).
    /// One instruction where <see cref="KernelsAt{T, TWideVector, TWide, TNarrowVector, TNarrow}.PermutesInHardware"/>.
    /// </summary>
    static abstract TVector Permute(TVector values, TVector indices);

    /// <summary>
    /// <see cref="Permute"/> from two vectors: lane <c>k</c> of the result is lane <c>indices[k]</c> of
    /// <paramref name="first"/> followed by <paramref name="second"/>, indices in [0, 2 <see cref="Count"/>).
    /// One instruction under AVX-512 (<c>vpermt2ps</c>/<c>vpermt2pd</c>), else two permutes and a select.
    /// </summary>
    static abstract TVector PermuteTwo(TVector first, TVector second, TVector indices);

    /// <summary>The element-wise operator at this width.</summary>
    static abstract TVector Invoke<TOperator>(TVector x)
        where TOperator : struct, IUnaryOperator<T>;

    /// <summary>The element-wise operator at this width.</summary>
    static abstract TVector Invoke<TOperator>(TVector x, TVector y)
        where TOperator : struct, IBinaryOperator<T>;
}

/// <summary>The scalar path: one value per "vector", a multiply then an add (as in the kernels' scalar tails).</summary>
internal readonly struct ScalarWidth<T> : IVectorWidth<T, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => 1;

    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T left, T right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T left, T right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T left, T right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T left, T right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T value) => T.Abs(value);

    // Masks are one (set) or zero, as in LastLanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThan(T left, T right) => left < right ? T.One : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LessThanOrEqual(T left, T right) => left <= right ? T.One : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GreaterThan(T left, T right) => left > right ? T.One : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp(T x) =>
        typeof(T) == typeof(double) ? Unsafe.BitCast<double, T>(Kernels.Exp(Unsafe.BitCast<T, double>(x))) : T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Clamp(T value, T lowest, T highest) => T.MinNative(T.MaxNative(value, lowest), highest);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ScaleByPowerOfTwo(T value, T shifted) =>
        typeof(T) == typeof(double)
            ? Unsafe.BitCast<ulong, T>(Unsafe.BitCast<T, ulong>(value) + (Unsafe.BitCast<T, ulong>(shifted) << 52))
            : Unsafe.BitCast<uint, T>(Unsafe.BitCast<T, uint>(value) + (Unsafe.BitCast<T, uint>(shifted) << 23));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T left, T right, T addend) => left * right + addend;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxNative(T left, T right) => T.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxOfLanes(T value) => value;

    // One lane: a mask is one (set) or zero. A tail of the scalar width never occurs (every row fills
    // whole "vectors" of one value), but the members are still exact.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LastLanes(int count) => count > 0 ? T.One : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T And(T value, T mask) => mask != T.Zero ? value : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Select(T mask, T whenTrue, T whenFalse) => mask != T.Zero ? whenTrue : whenFalse;

    /// <summary>One lane: its only valid index is 0.</summary>
    public static T Permute(T values, T indices) => values;

    /// <summary>One lane: index 0 is <paramref name="first"/>, 1 is <paramref name="second"/>.</summary>
    public static T PermuteTwo(T first, T second, T indices) =>
        (typeof(T) == typeof(float) ? Unsafe.BitCast<T, int>(indices) : Unsafe.BitCast<T, long>(indices)) == 0 ? first : second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke<TOperator>(T x)
        where TOperator : struct, IUnaryOperator<T> => TOperator.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke<TOperator>(T x, T y)
        where TOperator : struct, IBinaryOperator<T> => TOperator.Invoke(x, y);
}

/// <summary>128-bit vectors (SSE, Arm64 AdvSimd).</summary>
internal readonly struct Width128<T> : IVectorWidth<T, Vector128<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Create(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> left, Vector128<T> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> left, Vector128<T> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> left, Vector128<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> left, Vector128<T> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs(Vector128<T> value) => Vector128.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThan(Vector128<T> left, Vector128<T> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThanOrEqual(Vector128<T> left, Vector128<T> right) => Vector128.LessThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThan(Vector128<T> left, Vector128<T> right) => Vector128.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp(Vector128<T> x) => VectorExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Clamp(Vector128<T> value, Vector128<T> lowest, Vector128<T> highest) =>
        Vector128.MinNative(Vector128.MaxNative(value, lowest), highest);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ScaleByPowerOfTwo(Vector128<T> value, Vector128<T> shifted) =>
        typeof(T) == typeof(double)
            ? (value.AsUInt64() + (shifted.AsUInt64() << 52)).As<ulong, T>()
            : (value.AsUInt32() + (shifted.AsUInt32() << 23)).As<uint, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> left, Vector128<T> right, Vector128<T> addend)
    {
        if (typeof(T) == typeof(float))
            return Vector128.MultiplyAddEstimate(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector128.MultiplyAddEstimate(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();
        return left * right + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MaxNative(Vector128<T> left, Vector128<T> right) => Vector128.MaxNative(left, right);

    // Each step takes the larger of every lane and its partner in the other half: two steps for four floats, one for two doubles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxOfLanes(Vector128<T> value)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> v = value.AsSingle();
            v = Vector128.MaxNative(v, Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1)));
            v = Vector128.MaxNative(v, Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2)));
            return v.As<float, T>().ToScalar();
        }
        if (typeof(T) == typeof(double))
        {
            Vector128<double> v = value.AsDouble();
            return Vector128.MaxNative(v, Vector128.Shuffle(v, Vector128.Create(1L, 0L))).As<double, T>().ToScalar();
        }
        T largest = value.GetElement(0);
        for (int lane = 1; lane < Count; lane++)
            largest = T.MaxNative(largest, value.GetElement(lane));
        return largest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LastLanes(int count) =>
        Vector128.GreaterThanOrEqual(Vector128<T>.Indices, Vector128.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> And(Vector128<T> value, Vector128<T> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Select(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse) =>
        Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Permute(Vector128<T> values, Vector128<T> indices) =>
        typeof(T) == typeof(float)
            ? Vector128.ShuffleNative(values.AsSingle(), indices.AsInt32()).As<float, T>()
            : Vector128.ShuffleNative(values.AsDouble(), indices.AsInt64()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> PermuteTwo(Vector128<T> first, Vector128<T> second, Vector128<T> indices)
    {
        // Both vectors permuted by the index within a vector, then each lane taken from the one its index names.
        if (typeof(T) == typeof(float))
        {
            Vector128<int> index = indices.AsInt32(), lane = index & Vector128.Create(Count - 1);
            Vector128<int> fromSecond = Vector128.GreaterThan(index, Vector128.Create(Count - 1));
            return Vector128.ConditionalSelect(fromSecond.AsSingle(), Vector128.ShuffleNative(second.AsSingle(), lane), Vector128.ShuffleNative(first.AsSingle(), lane)).As<float, T>();
        }
        else
        {
            Vector128<long> index = indices.AsInt64(), lane = index & Vector128.Create((long)Count - 1);
            Vector128<long> fromSecond = Vector128.GreaterThan(index, Vector128.Create((long)Count - 1));
            return Vector128.ConditionalSelect(fromSecond.AsDouble(), Vector128.ShuffleNative(second.AsDouble(), lane), Vector128.ShuffleNative(first.AsDouble(), lane)).As<double, T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke<TOperator>(Vector128<T> x)
        where TOperator : struct, IUnaryOperator<T> => TOperator.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke<TOperator>(Vector128<T> x, Vector128<T> y)
        where TOperator : struct, IBinaryOperator<T> => TOperator.Invoke(x, y);
}

/// <summary>256-bit vectors (AVX2).</summary>
internal readonly struct Width256<T> : IVectorWidth<T, Vector256<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> left, Vector256<T> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> left, Vector256<T> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> left, Vector256<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> left, Vector256<T> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan(Vector256<T> left, Vector256<T> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThanOrEqual(Vector256<T> left, Vector256<T> right) => Vector256.LessThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan(Vector256<T> left, Vector256<T> right) => Vector256.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x) => VectorExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Clamp(Vector256<T> value, Vector256<T> lowest, Vector256<T> highest) =>
        Vector256.MinNative(Vector256.MaxNative(value, lowest), highest);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ScaleByPowerOfTwo(Vector256<T> value, Vector256<T> shifted) =>
        typeof(T) == typeof(double)
            ? (value.AsUInt64() + (shifted.AsUInt64() << 52)).As<ulong, T>()
            : (value.AsUInt32() + (shifted.AsUInt32() << 23)).As<uint, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> left, Vector256<T> right, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
            return Vector256.MultiplyAddEstimate(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.MultiplyAddEstimate(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();
        return left * right + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MaxNative(Vector256<T> left, Vector256<T> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxOfLanes(Vector256<T> value) => Width128<T>.MaxOfLanes(Vector128.MaxNative(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LastLanes(int count) =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> And(Vector256<T> value, Vector256<T> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse) =>
        Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Permute(Vector256<T> values, Vector256<T> indices) =>
        typeof(T) == typeof(float)
            ? Vector256.ShuffleNative(values.AsSingle(), indices.AsInt32()).As<float, T>()
            : Vector256.ShuffleNative(values.AsDouble(), indices.AsInt64()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> PermuteTwo(Vector256<T> first, Vector256<T> second, Vector256<T> indices)
    {
        if (Avx512F.VL.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx512F.VL.PermuteVar8x32x2(first.AsSingle(), indices.AsInt32(), second.AsSingle()).As<float, T>()
                : Avx512F.VL.PermuteVar4x64x2(first.AsDouble(), indices.AsInt64(), second.AsDouble()).As<double, T>();
        }
        // Both vectors permuted by the index within a vector, then each lane taken from the one its index names.
        if (typeof(T) == typeof(float))
        {
            Vector256<int> index = indices.AsInt32(), lane = index & Vector256.Create(Count - 1);
            Vector256<int> fromSecond = Vector256.GreaterThan(index, Vector256.Create(Count - 1));
            return Vector256.ConditionalSelect(fromSecond.AsSingle(), Vector256.ShuffleNative(second.AsSingle(), lane), Vector256.ShuffleNative(first.AsSingle(), lane)).As<float, T>();
        }
        else
        {
            Vector256<long> index = indices.AsInt64(), lane = index & Vector256.Create((long)Count - 1);
            Vector256<long> fromSecond = Vector256.GreaterThan(index, Vector256.Create((long)Count - 1));
            return Vector256.ConditionalSelect(fromSecond.AsDouble(), Vector256.ShuffleNative(second.AsDouble(), lane), Vector256.ShuffleNative(first.AsDouble(), lane)).As<double, T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke<TOperator>(Vector256<T> x)
        where TOperator : struct, IUnaryOperator<T> => TOperator.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke<TOperator>(Vector256<T> x, Vector256<T> y)
        where TOperator : struct, IBinaryOperator<T> => TOperator.Invoke(x, y);
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal readonly struct Width512<T> : IVectorWidth<T, Vector512<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> left, Vector512<T> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> left, Vector512<T> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> left, Vector512<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> left, Vector512<T> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan(Vector512<T> left, Vector512<T> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThanOrEqual(Vector512<T> left, Vector512<T> right) => Vector512.LessThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan(Vector512<T> left, Vector512<T> right) => Vector512.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> x) => VectorExp.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Clamp(Vector512<T> value, Vector512<T> lowest, Vector512<T> highest) =>
        Vector512.MinNative(Vector512.MaxNative(value, lowest), highest);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleByPowerOfTwo(Vector512<T> value, Vector512<T> shifted) =>
        typeof(T) == typeof(double)
            ? (value.AsUInt64() + (shifted.AsUInt64() << 52)).As<ulong, T>()
            : (value.AsUInt32() + (shifted.AsUInt32() << 23)).As<uint, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> left, Vector512<T> right, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
            return Vector512.MultiplyAddEstimate(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.MultiplyAddEstimate(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();
        return left * right + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaxNative(Vector512<T> left, Vector512<T> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxOfLanes(Vector512<T> value) => Width256<T>.MaxOfLanes(Vector256.MaxNative(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LastLanes(int count) =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> And(Vector512<T> value, Vector512<T> mask) => value & mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse) =>
        Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Permute(Vector512<T> values, Vector512<T> indices) =>
        typeof(T) == typeof(float)
            ? Vector512.ShuffleNative(values.AsSingle(), indices.AsInt32()).As<float, T>()
            : Vector512.ShuffleNative(values.AsDouble(), indices.AsInt64()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PermuteTwo(Vector512<T> first, Vector512<T> second, Vector512<T> indices)
    {
        if (Avx512F.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Avx512F.PermuteVar16x32x2(first.AsSingle(), indices.AsInt32(), second.AsSingle()).As<float, T>()
                : Avx512F.PermuteVar8x64x2(first.AsDouble(), indices.AsInt64(), second.AsDouble()).As<double, T>();
        }
        // Both vectors permuted by the index within a vector, then each lane taken from the one its index names.
        if (typeof(T) == typeof(float))
        {
            Vector512<int> index = indices.AsInt32(), lane = index & Vector512.Create(Count - 1);
            Vector512<int> fromSecond = Vector512.GreaterThan(index, Vector512.Create(Count - 1));
            return Vector512.ConditionalSelect(fromSecond.AsSingle(), Vector512.ShuffleNative(second.AsSingle(), lane), Vector512.ShuffleNative(first.AsSingle(), lane)).As<float, T>();
        }
        else
        {
            Vector512<long> index = indices.AsInt64(), lane = index & Vector512.Create((long)Count - 1);
            Vector512<long> fromSecond = Vector512.GreaterThan(index, Vector512.Create((long)Count - 1));
            return Vector512.ConditionalSelect(fromSecond.AsDouble(), Vector512.ShuffleNative(second.AsDouble(), lane), Vector512.ShuffleNative(first.AsDouble(), lane)).As<double, T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke<TOperator>(Vector512<T> x)
        where TOperator : struct, IUnaryOperator<T> => TOperator.Invoke(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke<TOperator>(Vector512<T> x, Vector512<T> y)
        where TOperator : struct, IBinaryOperator<T> => TOperator.Invoke(x, y);
}
