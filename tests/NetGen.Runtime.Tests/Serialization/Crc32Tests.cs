using NetGen;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>The CRC-32 the binary format's checksums use.</summary>
public sealed class Crc32Tests
{
    [Fact]
    public void Check_value_of_123456789_is_the_standard_CBF43926() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void Crc_of_no_bytes_is_zero() =>
        Assert.Equal(0u, Crc32.Compute([]));

    [Fact]
    public void Appending_in_pieces_gives_the_same_crc_as_all_at_once()
    {
        Crc32 crc = Crc32.Create();
        crc.Append("1234"u8);
        crc.Append("56789"u8);

        Assert.Equal(0xCBF43926u, crc.Value);
    }
}
