using System;

namespace NetGen;

/// <summary>
/// CRC-32 as in zlib, PNG and Ethernet (reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF; the check value of "123456789" is 0xCBF43926). Written here because the runtime
/// does not reference System.IO.Hashing.
/// </summary>
internal struct Crc32
{
    private static readonly uint[] Table = CreateTable();

    // Held inverted between calls, as the algorithm works; exposed un-inverted by Value.
    private uint _state;

    /// <summary>A CRC over no bytes yet.</summary>
    public static Crc32 Create() => new() { _state = 0xFFFFFFFFu };

    /// <summary>The CRC of every byte appended so far.</summary>
    public readonly uint Value => ~_state;

    /// <summary>Extends the CRC over <paramref name="bytes"/>.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        uint state = _state;
        uint[] table = Table;
        foreach (byte b in bytes)
            state = table[(state ^ b) & 0xFF] ^ (state >> 8);
        _state = state;
    }

    /// <summary>The CRC of <paramref name="bytes"/> alone.</summary>
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        Crc32 crc = Create();
        crc.Append(bytes);
        return crc.Value;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
