using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Runtime.Tests;

public class AlignedBufferTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2410)]
    [InlineData(101_770)]
    public void Buffers_start_on_a_cache_line_are_zeroed_and_have_the_requested_length(int length)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var singles = new AlignedBuffer<float>(length);
            var doubles = new AlignedBuffer<double>(length);
            Assert.Equal(length, singles.Span.Length);
            Assert.Equal(length, doubles.Span.Length);
            Assert.All(singles.Span.ToArray(), value => Assert.Equal(0f, value));
            Assert.All(doubles.Span.ToArray(), value => Assert.Equal(0.0, value));
            Assert.Equal(0, AddressOf(singles.Span) % AlignedBuffer<float>.Alignment);
            Assert.Equal(0, AddressOf(doubles.Span) % AlignedBuffer<double>.Alignment);
        }
    }

    [Fact]
    public void Writes_through_the_span_stay_and_the_block_does_not_move_across_collections()
    {
        var buffer = new AlignedBuffer<float>(100);
        buffer.Span[99] = 42f;
        long before = AddressOf(buffer.Span);
        for (int i = 0; i < 3; i++)
        {
            _ = new byte[100_000];
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        Assert.Equal(before, AddressOf(buffer.Span));
        Assert.Equal(42f, buffer.Span[99]);
    }

    [Fact]
    public void A_negative_length_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer<float>(-1));
        Assert.Equal("length", error.ParamName);
    }

    /// <summary>The address of the span's first element (its distance from the null reference).</summary>
    private static long AddressOf<T>(Span<T> span) =>
        Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetReference(span));
}
