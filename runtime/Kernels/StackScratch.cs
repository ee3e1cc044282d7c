using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetGen;

/// <summary>
/// The body of a generated call that needs scratch memory for one call (Predict's activations, PredictBatch's chunk of
/// rows, Loss's forward pass), as a struct that holds the call's arguments: <see cref="Kernels.OnStack{T, TPass}"/> runs it
/// with that memory on the stack, not zeroed. Not meant to be implemented by hand.
/// </summary>
/// <typeparam name="T">The network's precision.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IStackPass<T>
    where T : unmanaged
{
    /// <summary>
    /// Runs the call on <paramref name="scratch"/>, which holds whatever the stack held before: the body writes every value
    /// before it reads it.
    /// </summary>
    /// <returns>The call's result (Loss's loss), or zero for a call that returns nothing.</returns>
    T Run(scoped Span<T> scratch);
}

public static partial class Kernels
{
    /// <summary>The most scratch <see cref="OnStack{T, TPass}"/> puts on the stack, in bytes: a thread-pool thread has 1.5 MB of it.</summary>
    public const int MaxStackScratchBytes = 1 << 20;

    /// <summary>
    /// Runs <paramref name="pass"/> with <paramref name="length"/> values of scratch on the stack, not zeroed.
    /// </summary>
    /// <remarks>
    /// C# zeroes every <c>stackalloc</c> unless its method skips locals initialisation, which only a project that allows
    /// unsafe code may ask for. This runtime does; a user's project need not, so the generated calls that need scratch
    /// (C# 13 and later: the pass is a ref struct) ask for it here. The zeroing was a large part of a forward pass whose
    /// layers are cheap: Predict of 8-141-2 doubles took 136-151 ns with its 145 activations zeroed and 117-126 ns through
    /// this method (fastest of 1,000-call loops over 3 s, AMD EPYC, 4 December), and PredictBatch zeroed up to 32 KB a
    /// call. <typeparamref name="TPass"/> is a struct, so this method is compiled for each pass and its call to
    /// <see cref="IStackPass{T}.Run"/> is direct.
    /// </remarks>
    /// <param name="length">Values of scratch, at most <see cref="MaxStackScratchBytes"/> bytes of them.</param>
    /// <param name="pass">The call's arguments and body.</param>
    /// <returns>What <see cref="IStackPass{T}.Run"/> returns.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or more than the stack bound.</exception>
    [SkipLocalsInit]
    public static T OnStack<T, TPass>(int length, scoped ref TPass pass)
        where T : unmanaged
        where TPass : IStackPass<T>, allows ref struct
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxStackScratchBytes / Unsafe.SizeOf<T>());
        return pass.Run(stackalloc T[length]);
    }
}
