using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen;

public static partial class Kernels
{
    /// <summary>
    /// One Adam update of every parameter, in one pass:
    /// <c>m = m (1 - a) + g a</c> with <c>a = 1 - beta1</c>; <c>v = (g g) (1 - beta2) + v beta2</c>;
    /// <c>p = (m / (sqrt(v) / biasCorrection2Sqrt + epsilon)) (-stepSize) + p</c>.
    /// Each value goes through the operations of the nine whole-span System.Numerics.Tensors calls this
    /// replaced, in their order, each rounded on its own (no fused multiply-add), so the result is the same
    /// on every machine and vector width. The library fused the lerp's multiply-add where the hardware has
    /// one, so the first moment can differ from what it gave in the last bit.
    /// </summary>
    /// <remarks>
    /// Why one pass of its own: the nine library calls read and wrote the parameter-sized buffers
    /// nine times, and each of their large generic loops started as unoptimised tier-0 code in a
    /// fresh process (too few iterations per call for on-stack replacement), which made the first
    /// epoch of an Adam Fit several times slower than the next ones. Marked for full optimisation
    /// from its first call for the same reason as the matrix kernels (see <see cref="Kernels"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void AdamUpdate<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> firstMoment, Span<T> secondMoment,
        T beta1, T beta2, T stepSize, T biasCorrection2Sqrt, T epsilon)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int length = parameters.Length;
        CheckLength(gradients.Length, length, nameof(gradients));
        CheckLength(firstMoment.Length, length, nameof(firstMoment));
        CheckLength(secondMoment.Length, length, nameof(secondMoment));
        T gradientWeight = T.One - beta1, keptFirst = T.One - gradientWeight, squareWeight = T.One - beta2, step = -stepSize;
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradients);
        ref T m = ref MemoryMarshal.GetReference(firstMoment);
        ref T v = ref MemoryMarshal.GetReference(secondMoment);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> gradientWeights = new(gradientWeight), keptFirsts = new(keptFirst), squareWeights = new(squareWeight),
                beta2s = new(beta2), corrections = new(biasCorrection2Sqrt), epsilons = new(epsilon), steps = new(step);
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> gi = Vector.LoadUnsafe(ref g, (nuint)i);
                Vector<T> mi = Vector.LoadUnsafe(ref m, (nuint)i) * keptFirsts + gi * gradientWeights;
                Vector<T> vi = gi * gi * squareWeights + Vector.LoadUnsafe(ref v, (nuint)i) * beta2s;
                Vector<T> denominator = Vector.SquareRoot(vi) / corrections + epsilons;
                Vector<T> pi = mi / denominator * steps + Vector.LoadUnsafe(ref p, (nuint)i);
                mi.StoreUnsafe(ref m, (nuint)i);
                vi.StoreUnsafe(ref v, (nuint)i);
                pi.StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            T gi = Unsafe.Add(ref g, i);
            T mi = Unsafe.Add(ref m, i) * keptFirst + gi * gradientWeight;
            T vi = gi * gi * squareWeight + Unsafe.Add(ref v, i) * beta2;
            Unsafe.Add(ref m, i) = mi;
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref p, i) = mi / (T.Sqrt(vi) / biasCorrection2Sqrt + epsilon) * step + Unsafe.Add(ref p, i);
        }
    }
}
