using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// The one type generated networks call: whole-layer kernels for looped layers (matrix products,
/// activations, softmax, weight updates), the scalar and packed activations of unrolled layers, and
/// NetGen's exp. Not meant to be called by hand; members may change with the generator.
/// Matrices are row-major (out x in), as in <see cref="INetwork{T}.Parameters"/>. The kernels know no
/// layer size: generated code passes spans of compile-time-constant length.
/// </summary>
/// <remarks>
/// <para>
/// Every vector path runs only where its width is hardware accelerated: the widest of
/// <see cref="System.Runtime.Intrinsics.Vector512"/>, <see cref="System.Runtime.Intrinsics.Vector256"/> and
/// <see cref="System.Runtime.Intrinsics.Vector128"/> whose <c>IsHardwareAccelerated</c> is true, else a
/// scalar path that computes the same math. Each kernel is written once over the vector width
/// (<see cref="IVectorWidth{T, TVector}"/>); each activation is one operator struct with a scalar and a
/// vector form per width, run by one driver per operation shape (<see cref="Apply{T, TOperator}"/>,
/// <see cref="ApplyInPlace{T, TOperator}"/>).
/// </para>
/// <para>
/// Sums are accumulated in vector lanes, with fused multiply-adds where the hardware has them (x64
/// FMA, Arm64 AdvSimd) and a multiply then an add where it does not, so results differ from a
/// sequential scalar sum in the last bits, and between machines with different vector widths or
/// without FMA. On one machine they are deterministic.
/// </para>
/// <para>
/// NaN policy, the same in every shape (scalar, packed, whole layer): every activation propagates a
/// NaN input to a NaN output, ReLU and leaky ReLU included (as PyTorch's <c>torch.relu</c> does):
/// <c>ReLU(NaN) = NaN</c>. ReLU is IEEE 754 <c>maximum(z, +0)</c>, so <c>ReLU(-0) = +0</c>. The
/// derivative kernels multiply the error by the slope on the side <c>a &gt; 0</c> selects, so a NaN
/// output takes the slope of the negative side (0 for ReLU, as PyTorch's <c>threshold_backward</c>
/// does for <c>a &lt;= 0</c>); the NaN has already reached the loss through the forward value.
/// </para>
/// <para>
/// Cold start: the methods that hold a kernel's bulk loop (the row blocks of the products, the streamed
/// rows, the column blocks of the transposed and outer products, the tiles of the chunk products (<c>TransposedMatrixMatrix</c>, <c>AddOuterProducts</c>), the activation drivers, softmax,
/// <c>AddScaled</c>, and the whole-parameter updates of Fit and Adam) are marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/>: compiled fully optimised on their first call,
/// with their <c>AggressiveInlining</c> vector helpers inlined. They are also
/// <see cref="MethodImplOptions.NoInlining"/>, so each is compiled on its own: inlined into a generated method through
/// the small dispatch steps, a loop shared that method's inlining budget with every other kernel call in it, and the
/// JIT ran out (at 0c7ac79, 131 optimised methods of the shape sweep, 8 of them the runtime's own, called <c>MultiplyAdd</c>, <c>FourRows</c> or
/// <c>ReduceEightPlusBias</c> as real calls, vectors passed through memory). Tiered, they started as tier-0 code in a
/// fresh process, where every vector helper is a call, and a Fit's first epoch took 5 to 12 times a later
/// one (docs/benchmarks.md, "Cold start"). What that costs: no dynamic PGO for those methods, which
/// tuned them for small shapes (when they were marked, 2-1024-1 trained 1.2-1.6x slower without it, 8-16-16-1's Train 1.27x; it
/// also settled badly in some processes, a Train of 784-128-10 at 50 to 110 us instead of 8), and static
/// readonly fields read as fields, not constants (<see cref="UsesSystemExp"/>: one test per call);
/// <c>IsHardwareAccelerated</c> and <c>typeof(T)</c> tests still fold, as intrinsics and generic struct
/// instantiations. The loops for rows shorter than any vector (the short-row paths) stay tiered. The single leftover dot
/// products were tiered too until the cold-start measurement of 1 December showed them running as tier-0 code through a
/// Fit's first epoch (an output layer of 10 rows leaves two per input to them): marked, the first epoch of 784-128-10 took
/// 14 ms less (two runs of 12 alternated processes), and the sweep's shapes that use them showed no change beyond the host's noise.
/// A second, tiered copy for small calls was weighed on 4 December: with every kernel tiered again, the small looped shapes
/// that had lost to the marking (2-1024-1, 8-10-1, 8-16-16-1) ran no faster than marked, so it was not built.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Kernels
{
    /// <summary>
    /// Whether every exp-based activation of the generated networks computes with <see cref="Math.Exp"/>,
    /// <see cref="MathF.Exp"/>, <see cref="Math.Tanh"/> and <see cref="MathF.Tanh"/> (the exact path)
    /// instead of <see cref="Exp"/>, NetGen's and the runtime's vector exps (each within 2 ulp of the
    /// exact formula): the scalar and packed sigmoids and the whole-layer
    /// <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T})"/>, <see cref="Tanh{T}(ReadOnlySpan{T}, Span{T})"/>
    /// and <see cref="Softmax{T}"/>. Off by default; turn it on for a whole process with the
    /// <c>NetGen.UseSystemExp</c> runtime switch, e.g. in the project file:
    /// <c>&lt;RuntimeHostConfigurationOption Include="NetGen.UseSystemExp" Value="true" /&gt;</c>.
    /// </summary>
    /// <remarks>
    /// Read once; the JIT then treats it as a constant, so the path not taken costs nothing. It is a
    /// feature switch: an application that publishes trimmed or with Native AOT and sets the option with
    /// <c>Trim="true"</c> gets the constant compiled in. Without that, Native AOT code reads a plain static
    /// field that NetGen's module initialiser set at startup (a class with a static constructor would cost
    /// an initialisation check per read, per sigmoid: W3 step 1.24x the JIT with
    /// <c>IlcInstructionSet=native</c>, 1.15x without it), so a Native AOT application sets the switch in
    /// its project file, not with <c>AppContext.SetSwitch</c> at run time. <see cref="Kernels"/> itself
    /// keeps no static state.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.FeatureSwitchDefinition(SystemExpSwitch.Name)]
    public static bool UsesSystemExp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RuntimeFeature.IsDynamicCodeCompiled ? SystemExpSwitch.IsOn : SystemExpSwitchAtStartup.IsOn;
    }

    private static class SystemExpSwitch
    {
        public const string Name = "NetGen.UseSystemExp";

        public static readonly bool IsOn = Read();

        public static bool Read() => AppContext.TryGetSwitch(Name, out bool on) && on;
    }

    // Native AOT checks whether a class is initialised at every access to a static field of a class with a
    // static constructor, and compiles a readonly one as a field, not a constant: per sigmoid, a load, a
    // test and a branch to the initialisation helper (and a call on the cold side). This class has no
    // static constructor; NetGen's module initialiser reads the switch before any of its code runs, so a
    // read is one load. The JIT keeps reading SystemExpSwitch, whose readonly field it folds.
    internal static class SystemExpSwitchAtStartup
    {
        public static bool IsOn;

        [ModuleInitializer]
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Reads one AppContext switch, which is set before NetGen's module loads; nothing else runs.")]
        internal static void Read() => IsOn = SystemExpSwitch.Read();
    }

    /// <summary>
    /// The width of the register-blocked loops on this machine, in bits: 512, 256 or 128, the widest
    /// accelerated vectors, or 0 for the scalar path. What the blocks leave over runs at half that
    /// where it is accelerated (<see cref="NarrowVectorBits"/>).
    /// </summary>
    internal static int WideVectorBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>The width of the leftover loops on this machine, in bits (see <see cref="WideVectorBits"/>).</summary>
    internal static int NarrowVectorBits =>
        Vector512.IsHardwareAccelerated ? 256 : Vector256.IsHardwareAccelerated ? 128 : Vector128.IsHardwareAccelerated ? 128 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckMatrix<T>(ReadOnlySpan<T> weights, int rows, int columns)
    {
        if (weights.Length != rows * columns)
            ThrowHelper.ThrowLengthMismatch(nameof(weights), rows * columns, weights.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
            ThrowHelper.ThrowLengthMismatch(parameterName, expected, actual);
    }
}
