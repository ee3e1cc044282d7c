using System;
using System.ComponentModel;
using System.Numerics;

namespace NetGen;

/// <summary>
/// The gradient block of a generated network whose <c>Backward</c> defers the weight gradients of its large layers: each
/// sample's <c>dW += delta x^T</c> for such a layer is kept (its delta and input, copied) and added with the next few
/// samples' in one pass over the layer's block, each weight getting the same additions in the same order as one
/// <see cref="Kernels.AddScaledOuterProduct{T}"/> per sample would give it, so every bit is the same. What changes is how
/// often the block moves: a layer of 784 x 128 floats (400 KB) is read and written once per few samples instead of once
/// per sample.
/// </summary>
/// <remarks>
/// <para>
/// Every read of the values goes through <see cref="Span"/>, which first adds what is pending, so no caller can see a
/// sum with samples missing. The network's public <c>Gradients</c> reads through <see cref="Exposed"/>: its caller may
/// keep that span and read it after later <c>Backward</c> calls, so from then on this buffer adds every outer product at
/// once, as a network without it does. <c>ZeroGradients</c>, <c>ApplyGradients</c>, <c>TrainBatch</c> and
/// <c>BackwardBatch</c> read through <see cref="Span"/> and keep the deferral on.
/// </para>
/// <para>
/// Deferred layers are given as (weight offset, rows, columns) triples, in the order the generated code numbers them.
/// Each keeps up to <see cref="PendingCapacity"/> samples: as many as fit in 24 KB of inputs, from 2 to 8.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GradientBuffer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly AlignedBuffer<T> _values;
    private readonly DeferredLayer[] _layers;
    private bool _pending;
    private bool _exposed;

    /// <summary>Allocates <paramref name="length"/> zeroed gradients and the pending samples' room of each deferred layer.</summary>
    /// <param name="length">The network's parameter count.</param>
    /// <param name="deferredLayers">Per deferred layer, its weight block's offset, rows and columns.</param>
    /// <exception cref="ArgumentException">The triples are not whole, or a block lies outside the gradients.</exception>
    public GradientBuffer(int length, params int[] deferredLayers)
    {
        ArgumentNullException.ThrowIfNull(deferredLayers);
        if (deferredLayers.Length % 3 != 0)
            throw new ArgumentException($"Expected (offset, rows, columns) triples, got {deferredLayers.Length} values.", nameof(deferredLayers));
        _values = new AlignedBuffer<T>(length);
        _layers = new DeferredLayer[deferredLayers.Length / 3];
        for (int i = 0; i < _layers.Length; i++)
        {
            int offset = deferredLayers[3 * i], rows = deferredLayers[3 * i + 1], columns = deferredLayers[3 * i + 2];
            if (offset < 0 || rows <= 0 || columns <= 0 || (long)offset + (long)rows * columns > length)
                throw new ArgumentException($"Deferred layer {i}: a block of {rows} x {columns} at {offset} does not fit in {length} gradients.", nameof(deferredLayers));
            _layers[i] = new DeferredLayer(offset, rows, columns);
        }
    }

    /// <summary>The gradients, with every pending outer product added first.</summary>
    public Span<T> Span
    {
        get
        {
            if (_pending)
                AddPending();
            return _values.Span;
        }
    }

    /// <summary>
    /// <see cref="Span"/>, for a caller that may keep it (the network's public <c>Gradients</c>): from now on every outer
    /// product is added at once.
    /// </summary>
    public Span<T> Exposed
    {
        get
        {
            _exposed = true;
            return Span;
        }
    }

    /// <summary>The gradients without adding what is pending: for <c>Backward</c>'s additions into the blocks it does not defer.</summary>
    public Span<T> Unflushed => _values.Span;

    /// <summary>Sets every gradient to zero, dropping what is pending: <c>ZeroGradients</c>.</summary>
    public void Clear()
    {
        foreach (DeferredLayer layer in _layers)
            layer.Count = 0;
        _pending = false;
        _values.Span.Clear();
    }

    /// <summary>The most samples a deferred layer keeps before it adds them.</summary>
    internal int PendingCapacity(int layer) => _layers[layer].Capacity;

    /// <summary>The samples deferred layer <paramref name="layer"/> holds, not yet added.</summary>
    internal int PendingSamples(int layer) => _layers[layer].Count;

    /// <summary>
    /// Adds <c>delta x^T</c> into deferred layer <paramref name="layer"/>'s weight gradients: later, with the next samples'
    /// (see the class), or at once once <see cref="Exposed"/> was read.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not the layer's rows or columns.</exception>
    public void AddOuterProduct(int layer, ReadOnlySpan<T> delta, ReadOnlySpan<T> x)
    {
        DeferredLayer deferred = _layers[layer];
        if (delta.Length != deferred.Rows)
            ThrowHelper.ThrowLengthMismatch(nameof(delta), deferred.Rows, delta.Length);
        if (x.Length != deferred.Columns)
            ThrowHelper.ThrowLengthMismatch(nameof(x), deferred.Columns, x.Length);
        if (_exposed)
        {
            Kernels.AddScaledOuterProduct(deferred.Block(_values.Span), delta, x, T.One);
            return;
        }
        delta.CopyTo(deferred.Deltas.Span.Slice(deferred.Count * deferred.Rows));
        x.CopyTo(deferred.Inputs.Span.Slice(deferred.Count * deferred.Columns));
        deferred.Count++;
        _pending = true;
        if (deferred.Count == deferred.Capacity)
            deferred.AddPending(_values.Span);
    }

    private void AddPending()
    {
        Span<T> values = _values.Span;
        foreach (DeferredLayer layer in _layers)
            layer.AddPending(values);
        _pending = false;
    }

    /// <summary>One deferred layer: its block's place and the samples it holds.</summary>
    private sealed class DeferredLayer
    {
        /// <summary>The inputs a layer keeps at most, in bytes: with a block of W (<c>Kernels.AddOuterProductsInOrder</c>), within L1.</summary>
        /// <remarks>
        /// 24 KB: seven samples of 784 floats, half a 48 KB L1 (or three quarters of a 32 KB one), beside the gradient
        /// row streaming through. Against 16 KB (five samples), 32 <c>Backward</c> calls of 784-128-10 on centred inputs
        /// between <c>ZeroGradients</c> and <c>ApplyGradients</c> took 144-147 against 150-152 us (AMD EPYC, Zen 5, five
        /// alternated processes each); 32 KB (eight samples) 142-147 us, too close to a 32 KB L1 for the little it adds.
        /// </remarks>
        private const int PendingInputBytes = 24 * 1024;

        public DeferredLayer(int offset, int rows, int columns)
        {
            Offset = offset;
            Rows = rows;
            Columns = columns;
            Capacity = Math.Clamp(PendingInputBytes / (columns * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), 2, Kernels.MaxInOrderSamplesInRegisters);
            Deltas = new AlignedBuffer<T>(Capacity * rows);
            Inputs = new AlignedBuffer<T>(Capacity * columns);
        }

        public int Offset { get; }
        public int Rows { get; }
        public int Columns { get; }
        public int Capacity { get; }
        public AlignedBuffer<T> Deltas { get; }
        public AlignedBuffer<T> Inputs { get; }
        public int Count { get; set; }

        public Span<T> Block(Span<T> values) => values.Slice(Offset, Rows * Columns);

        public void AddPending(Span<T> values)
        {
            if (Count == 0)
                return;
            Kernels.AddOuterProductsInOrder<T>(Block(values), Deltas.Span.Slice(0, Count * Rows), Inputs.Span.Slice(0, Count * Columns), Count);
            Count = 0;
        }
    }
}
