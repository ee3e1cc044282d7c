using System.Numerics;

namespace NetGen;

/// <summary>
/// The matrix and update kernels at one pair of vector widths, written once: <typeparamref name="TWide"/>
/// for the register-blocked loops (eight rows, eight column vectors, streamed rows), <typeparamref name="TNarrow"/>
/// for what they leave over (rows past the last block of eight, columns short of a wide vector).
/// <see cref="Kernels"/> picks the pair for this machine (<see cref="Kernels.WideVectorBits"/>):
/// 512 and 256 bits with AVX-512, 256 and 128 with AVX2, 128 and 128 with SSE or Arm64 AdvSimd, the
/// scalar width for both without hardware intrinsics. Narrow is half of wide where that is
/// accelerated, so that a short leftover still fills whole vectors.
/// </summary>
internal static partial class KernelsAt<T, TWideVector, TWide, TNarrowVector, TNarrow>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TWideVector : struct
    where TWide : struct, IVectorWidth<T, TWideVector>
    where TNarrowVector : struct
    where TNarrow : struct, IVectorWidth<T, TNarrowVector>
{
}
