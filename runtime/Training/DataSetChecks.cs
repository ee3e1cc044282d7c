using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Threading.Tasks;

namespace NetGen;

/// <summary>Checks of row-major data sets shared by training and metrics, so every entry point rejects bad data the same way.</summary>
internal static class DataSetChecks
{
    /// <summary>
    /// Checks that <paramref name="inputs"/> and <paramref name="targets"/> hold whole rows of the network's
    /// sizes, the same number of each, and at least one; returns the row count.
    /// </summary>
    public static int RowCount<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int inputSize, int outputSize, string inputsName, string targetsName)
    {
        int rows = ThrowHelper.MatchingRowCount(inputsName, inputs.Length, inputSize, targetsName, targets.Length, outputSize);
        if (rows == 0)
            ThrowHelper.ThrowEmptyBatch(inputsName);
        return rows;
    }

    /// <summary>
    /// Values from which <see cref="CheckFinite{T}(ReadOnlyMemory{T}, int, string, int)"/> splits the scan over threads:
    /// the first 8,000 MNIST digits (6.3 million values) took 1.3 ms to scan on one core, about 4% of a 2-thread epoch
    /// of 784-128-10 at batch 64; below about a million values a thread's hand-off would cost more than it saves.
    /// </summary>
    internal const int ParallelCheckValues = 1 << 20;

    // Values per block of a split scan: a multiple of every vector width, so each block takes the vector path.
    private const int CheckBlockValues = 1 << 18;

    /// <summary>
    /// <see cref="CheckFinite{T}(ReadOnlySpan{T}, int, string)"/> for a training data set: with
    /// <paramref name="maxDegreeOfParallelism"/> above 1 (or -1, every core) and at least
    /// <see cref="ParallelCheckValues"/> values, the blocks of the scan run on that many threads of the pool; a block
    /// that holds a non-finite value sends the caller to the one-thread scan, which names the first one, so the message
    /// does not depend on the thread count.
    /// </summary>
    public static void CheckFinite<T>(ReadOnlyMemory<T> values, int rowLength, string parameterName, int maxDegreeOfParallelism)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        if (threads > 1 && values.Length >= ParallelCheckValues)
        {
            int blocks = (values.Length + CheckBlockValues - 1) / CheckBlockValues;
            bool allFinite = true; // only ever set to false, so the threads need no lock
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, (block, loop) =>
            {
                int start = block * CheckBlockValues;
                if (!TensorPrimitives.IsFiniteAll(values.Span.Slice(start, Math.Min(CheckBlockValues, values.Length - start))))
                {
                    allFinite = false;
                    loop.Stop();
                }
            });
            if (allFinite)
                return;
        }
        CheckFinite(values.Span, rowLength, parameterName);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first row and column that holds NaN or an infinity.</summary>
    public static void CheckFinite<T>(ReadOnlySpan<T> values, int rowLength, string parameterName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The vectorised check is the common case; the element loop only runs to name the culprit.
        if (TensorPrimitives.IsFiniteAll(values))
            return;
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
                throw new ArgumentException(
                    $"{parameterName} holds {values[i]} at row {i / rowLength}, column {i % rowLength} (counting from 0); every value must be finite.",
                    parameterName);
        }
    }
}
