using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetGen;

// Lane moves for the unrolled code of a hidden layer of two inputs whose units are held in vectors of four
// (Emitter.Groups.cs in the generator): four units' weights are eight consecutive values of W, row by row
// (w[j, 0], w[j, 1], w[j + 1, 0], ...), so the vector of one input's four weights takes the even or the odd lanes of
// two loads, and a group's update of those eight values takes each unit's step twice. They move values only: a lane
// gets the bits it would get one value at a time. Vector128 of floats and Vector256 of doubles, the widths of a group.
// Written element by element (Vector128.Create of four values read at a stride) a group's two columns took eight
// scalar loads and six inserts: 2-33-3 doubles' Predict 25.9 -> 21.0 ns with these (5 December, AMD EPYC).
public static partial class Kernels
{
    /// <summary>Lanes 0 and 2 of <paramref name="first"/>, then lanes 0 and 2 of <paramref name="second"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> EvenLanes(Vector128<float> first, Vector128<float> second)
    {
        if (Sse.IsSupported)
            return Sse.Shuffle(first, second, 0b10_00_10_00);
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.UnzipEven(first, second);
        return Vector128.Create(first.GetElement(0), first.GetElement(2), second.GetElement(0), second.GetElement(2));
    }

    /// <summary>Lanes 1 and 3 of <paramref name="first"/>, then lanes 1 and 3 of <paramref name="second"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> OddLanes(Vector128<float> first, Vector128<float> second)
    {
        if (Sse.IsSupported)
            return Sse.Shuffle(first, second, 0b11_01_11_01);
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.UnzipOdd(first, second);
        return Vector128.Create(first.GetElement(1), first.GetElement(3), second.GetElement(1), second.GetElement(3));
    }

    /// <summary>Lanes 0 and 2 of <paramref name="first"/>, then lanes 0 and 2 of <paramref name="second"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> EvenLanes(Vector256<double> first, Vector256<double> second)
    {
        // UnpackLow pairs lane 0 of each and lane 2 of each (w0 w4 w2 w6); the permute puts them in order.
        if (Avx2.IsSupported)
            return Avx2.Permute4x64(Avx.UnpackLow(first, second), 0b11_01_10_00);
        return Vector256.Create(first.GetElement(0), first.GetElement(2), second.GetElement(0), second.GetElement(2));
    }

    /// <summary>Lanes 1 and 3 of <paramref name="first"/>, then lanes 1 and 3 of <paramref name="second"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> OddLanes(Vector256<double> first, Vector256<double> second)
    {
        if (Avx2.IsSupported)
            return Avx2.Permute4x64(Avx.UnpackHigh(first, second), 0b11_01_10_00);
        return Vector256.Create(first.GetElement(1), first.GetElement(3), second.GetElement(1), second.GetElement(3));
    }

    /// <summary>Lanes 0, 0, 1, 1 of <paramref name="value"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LowerLanesTwice(Vector128<float> value) => Vector128.Shuffle(value, Vector128.Create(0, 0, 1, 1));

    /// <summary>Lanes 2, 2, 3, 3 of <paramref name="value"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> UpperLanesTwice(Vector128<float> value) => Vector128.Shuffle(value, Vector128.Create(2, 2, 3, 3));

    /// <summary>Lanes 0, 0, 1, 1 of <paramref name="value"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> LowerLanesTwice(Vector256<double> value) => Vector256.Shuffle(value, Vector256.Create(0L, 0, 1, 1));

    /// <summary>Lanes 2, 2, 3, 3 of <paramref name="value"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> UpperLanesTwice(Vector256<double> value) => Vector256.Shuffle(value, Vector256.Create(2L, 2, 3, 3));
}
