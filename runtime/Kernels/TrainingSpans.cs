using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen;

// The whole-parameter-block operations Fit runs on every step besides the optimizer: the divergence
// check, the mean of a summed gradient, and the sum of the shards' gradients. Each was one
// System.Numerics.Tensors call; these give the same values bit for bit (element-wise IEEE operations:
// no order or rounding to change), but are marked for full optimisation from their first call. The
// library's large generic loops instead started as tier-0 code in a fresh process and ran too few
// iterations per call for on-stack replacement, a large part of a first Fit epoch (see Kernels's remarks).
public static partial class Kernels
{
    /// <summary>Whether every value is finite (neither NaN nor infinite).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T x = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // x - x is 0 for a finite x and NaN for NaN or an infinity; NaN never equals 0.
            for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> xi = Vector.LoadUnsafe(ref x, (nuint)i);
                if (!Vector.EqualsAll(xi - xi, Vector<T>.Zero))
                    return false;
            }
        }
        for (; i < values.Length; i++)
        {
            if (!T.IsFinite(Unsafe.Add(ref x, i)))
                return false;
        }
        return true;
    }

    /// <summary><c>values[i] /= divisor</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void DivideInPlace<T>(Span<T> values, T divisor)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T x = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> divisors = new(divisor);
            for (; i <= values.Length - Vector<T>.Count; i += Vector<T>.Count)
                (Vector.LoadUnsafe(ref x, (nuint)i) / divisors).StoreUnsafe(ref x, (nuint)i);
        }
        for (; i < values.Length; i++)
            Unsafe.Add(ref x, i) /= divisor;
    }

    /// <summary><c>sum[i] += addend[i]</c>.</summary>
    internal static void AddInPlace<T>(Span<T> sum, ReadOnlySpan<T> addend)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Add<T>(sum, addend, sum);

    /// <summary><c>sum[i] = augend[i] + addend[i]</c>; <paramref name="sum"/> may be <paramref name="augend"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Add<T>(ReadOnlySpan<T> augend, ReadOnlySpan<T> addend, Span<T> sum)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(augend.Length, sum.Length, nameof(augend));
        CheckLength(addend.Length, sum.Length, nameof(addend));
        ref T x = ref MemoryMarshal.GetReference(augend);
        ref T a = ref MemoryMarshal.GetReference(addend);
        ref T s = ref MemoryMarshal.GetReference(sum);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            for (; i <= sum.Length - Vector<T>.Count; i += Vector<T>.Count)
                (Vector.LoadUnsafe(ref x, (nuint)i) + Vector.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref s, (nuint)i);
        }
        for (; i < sum.Length; i++)
            Unsafe.Add(ref s, i) = Unsafe.Add(ref x, i) + Unsafe.Add(ref a, i);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (of the same length) and returns whether every value is finite: one pass for the two.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static bool CopyAllFinite<T>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(destination.Length, source.Length, nameof(destination));
        ref T x = ref MemoryMarshal.GetReference(source);
        ref T d = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        bool finite = true;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // x - x is 0 for a finite x and NaN for NaN or an infinity; the differences are ORed and tested once.
            Vector<T> differences = Vector<T>.Zero;
            for (; i <= source.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> xi = Vector.LoadUnsafe(ref x, (nuint)i);
                xi.StoreUnsafe(ref d, (nuint)i);
                differences |= xi - xi;
            }
            finite = Vector.EqualsAll(differences, Vector<T>.Zero);
        }
        for (; i < source.Length; i++)
        {
            T xi = Unsafe.Add(ref x, i);
            Unsafe.Add(ref d, i) = xi;
            finite &= T.IsFinite(xi);
        }
        return finite;
    }
}
