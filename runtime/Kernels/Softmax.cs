using System;
using System.Numerics;

namespace NetGen;

public static partial class Kernels
{
    /// <summary>
    /// <c>a = softmax(z)</c>, computed as <c>exp(z - max z) / sum exp(z - max z)</c> so no exp
    /// overflows. One vectorised exp, NetGen's own and inlined (<see cref="VectorExp"/>; with
    /// <see cref="UsesSystemExp"/>, <see cref="Math.Exp"/> / <see cref="MathF.Exp"/> per value); the max, sum
    /// and division are plain scalar loops, which beat four library calls on the short rows softmax layers
    /// have (one value per class).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLength(a.Length, z.Length, nameof(a));
        if (z.IsEmpty)
            return;
        T max = z[0];
        for (int k = 1; k < z.Length; k++)
        {
            if (z[k] > max)
                max = z[k];
        }
        for (int k = 0; k < z.Length; k++)
            a[k] = z[k] - max;
        Apply<T, ExpOperator<T>>(a, a); // e^x for each value, one at a time with UsesSystemExp
        T sum = T.Zero;
        for (int k = 0; k < a.Length; k++)
            sum += a[k];
        T inverse = T.One / sum; // one division: ten of them cost more than the exp
        for (int k = 0; k < a.Length; k++)
            a[k] *= inverse;
    }
}
