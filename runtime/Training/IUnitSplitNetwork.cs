using System;
using System.ComponentModel;
using System.Numerics;

namespace NetGen;

/// <summary>
/// A generated network whose first layer <see cref="NetworkTraining">Fit</see> splits by units between its threads
/// (the generator's rule 13: a large looped first layer that holds most of the weights). Its <c>BackwardBatch</c> runs
/// each chunk of rows in three steps, and Fit runs the first and the last for blocks of units on several threads at once:
/// <list type="number">
/// <item><see cref="ForwardSplitUnits"/>: layer 1 for a range of its units, <c>A1[:, u] = f(X W1[u, :]^T + b1[u])</c>;</item>
/// <item><see cref="BackwardAfterSplitLayer"/>, on one thread once every unit is done: the later layers, each row's loss
/// and output delta, and the later layers' gradients;</item>
/// <item><see cref="AddSplitUnitGradients"/>: layer 1's delta and gradients for a range of its units,
/// <c>D1[:, u] = (D2 W2[:, u]) * f'(Z1[:, u])</c> and <c>dW1[u, :] += D1[:, u]^T X</c>.</item>
/// </list>
/// Each thread then reads and writes only its own units' weights, gradients and optimizer state, and only the chunk's
/// activations and layer 2's deltas move between cores. Generated code implements this; it is not meant to be
/// implemented or called by hand, and its members may change with the generator.
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// A chunk's calls must come in the order above, on the network's chunk scratch: the three steps for one chunk of at
/// most <see cref="SplitChunkRows"/> rows, every unit of layer 1 covered by exactly one range in step 1 and in step 3,
/// with the same inputs; ranges of units may run on different threads at the same time. The step-1 and step-3 calls
/// for all units at once (<c>firstUnit</c> 0, <c>unitCount</c> <see cref="SplitUnits"/>) are what BackwardBatch runs.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IUnitSplitNetwork<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The first layer's units (outputs).</summary>
    int SplitUnits { get; }

    /// <summary>The most rows one chunk takes (the generated <c>BatchRows</c>).</summary>
    int SplitChunkRows { get; }

    /// <summary>Layer 1 for units <paramref name="firstUnit"/> to <paramref name="firstUnit"/> + <paramref name="unitCount"/> - 1 of the chunk's rows (<paramref name="inputs"/>: 1 to <see cref="SplitChunkRows"/> whole input rows).</summary>
    void ForwardSplitUnits(ReadOnlySpan<T> inputs, int firstUnit, int unitCount);

    /// <summary>The later layers of the chunk whose layer 1 is complete: adds the later layers' gradients into <c>Gradients</c> and returns the chunk's summed loss.</summary>
    T BackwardAfterSplitLayer(ReadOnlySpan<T> targets);

    /// <summary>Computes layer 1's delta of the chunk for units <paramref name="firstUnit"/> to <paramref name="firstUnit"/> + <paramref name="unitCount"/> - 1 and adds their weight and bias gradients into <c>Gradients</c>.</summary>
    void AddSplitUnitGradients(ReadOnlySpan<T> inputs, int firstUnit, int unitCount);
}

/// <summary>The argument checks of <see cref="IUnitSplitNetwork{T}"/>'s generated members, and the unit blocks Fit cuts a layer into.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UnitSplit
{
    /// <summary>Blocks start at multiples of this many units: whole 64-byte cache lines of floats, so two threads never write one line.</summary>
    public const int Alignment = 16;

    /// <summary>
    /// The number of blocks Fit cuts a layer of <paramref name="units"/> units and <paramref name="inputs"/> inputs of
    /// <paramref name="valueBytes"/>-byte values into: one per possible participant, at most <paramref name="mostBlocks"/>,
    /// each at least <see cref="Alignment"/> units; and, when the whole layer's product streams its rows (a matrix over
    /// <c>StreamedRows.MatrixBytes</c>), each block over that size too, so that a block's product takes the layer's
    /// path and gives each unit the same sum as the whole layer's product (a smaller block would take the blocked
    /// path, whose sums are formed in another order). It depends on nothing else, not on the thread count, so the bits
    /// of a step do not either. A power of two (1, 2, 4, ...); 1 means the layer is not worth splitting.
    /// </summary>
    public static int BlockCount(int units, int inputs, int valueBytes, int mostBlocks)
    {
        int blocks = Math.Clamp(units / Alignment, 1, mostBlocks);
        long rowBytes = (long)inputs * valueBytes;
        if (units * rowBytes > StreamedRows.MatrixBytes)
        {
            long fewestUnits = (StreamedRows.MatrixBytes / rowBytes + 1 + Alignment - 1) / Alignment * Alignment;
            blocks = (int)Math.Clamp(units / fewestUnits, 1, blocks);
        }
        // A power of two, so two or four threads each get the same share: three blocks of 784-96-10 on two threads
        // left one thread a block and the other two, and made the split slower than the shards.
        return 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)blocks));
    }

    /// <summary>The first unit of block <paramref name="block"/> of <paramref name="blocks"/> (<paramref name="units"/> for one past the last): a multiple of <see cref="Alignment"/>.</summary>
    public static int BlockStart(int block, int blocks, int units) =>
        block >= blocks ? units : (int)((long)block * units / blocks) / Alignment * Alignment;

    /// <summary>Checks a chunk's span of whole rows (1 to <paramref name="chunkRows"/> of <paramref name="rowLength"/> values) and returns its row count.</summary>
    public static int ChunkRows(string parameterName, int length, int rowLength, int chunkRows)
    {
        int rows = ThrowHelper.RowCount(parameterName, length, rowLength);
        if (rows < 1 || rows > chunkRows)
            throw new ArgumentOutOfRangeException(parameterName, length, $"Expected 1 to {chunkRows} rows of {rowLength} values, got {rows} rows.");
        return rows;
    }

    /// <summary>Checks that units <paramref name="firstUnit"/> to <paramref name="firstUnit"/> + <paramref name="unitCount"/> - 1 are a non-empty range of a layer's <paramref name="units"/>.</summary>
    public static void CheckUnits(int firstUnit, int unitCount, int units)
    {
        if (firstUnit < 0 || unitCount < 1 || firstUnit > units - unitCount)
            throw new ArgumentOutOfRangeException(nameof(unitCount), unitCount,
                $"Expected a range of units inside 0 to {units - 1}, got {unitCount} units from unit {firstUnit}.");
    }
}
