using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetGen;

/// <summary>Loss and accuracy of a network over a data set held in flat row-major spans.</summary>
public static class NetworkMetrics
{
    // Rows predicted at a time: bounds the temporary output buffer for large data sets.
    private const int ChunkRows = 256;

    /// <summary>The mean per-sample loss (<see cref="INetwork{T}.Loss"/>) over every row, accumulated in double.</summary>
    /// <param name="network">The network to evaluate.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major, <see cref="INetwork{T}.OutputSize"/> values per row.</param>
    /// <exception cref="ArgumentException">Not whole rows, different row counts, no rows, or a NaN or infinite input or target.</exception>
    public static double MeanLoss<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckedRowCount(network, inputs, targets);
        return Evaluation.SumLoss(network, inputs, targets) / rows;
    }

    /// <summary>
    /// The fraction of rows whose predicted class (<see cref="ClassOf{T}"/> of the output) is the target's class
    /// (<see cref="ClassOf{T}"/> of the target row).
    /// </summary>
    /// <param name="network">The network to evaluate.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major: one-hot rows, or one 0/1 label per row for a single output.</param>
    /// <exception cref="ArgumentException">Not whole rows, different row counts, no rows, or a NaN or infinite input or target.</exception>
    public static double Accuracy<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = CheckedRowCount(network, inputs, targets);
        return (double)Evaluation.CountCorrect(network, inputs, targets, PredictionBuffer(network, rows)) / rows;
    }

    /// <summary>
    /// The class a row stands for: for one value, 1 when it is at least 0.5 and 0 otherwise (a sigmoid's
    /// probability or a 0/1 label); for several, the index of the largest (the first on a tie; +0 counts as larger
    /// than -0, and a NaN as the largest of all, the first one, as <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/> decides).
    /// </summary>
    /// <remarks>
    /// A loop of its own rather than <see cref="TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>: Fit's accuracy pass
    /// calls this twice per row, and in a fresh process the library's generic search had to be compiled first. Fit's first
    /// accuracy pass over 8,000 MNIST rows on 784-128-10 compiled 34 methods (12 ms of JIT time) and took 40-41 ms with
    /// it; with this loop, 17 methods (5 ms) and 35-36 ms (three alternated processes each; 23-32 ms once compiled).
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="row"/> is empty.</exception>
    public static int ClassOf<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (row.IsEmpty)
            throw new ArgumentException("Expected a row of length 1 or more, got length 0.", nameof(row));
        if (row.Length == 1)
            return row[0] >= T.CreateTruncating(0.5) ? 1 : 0;
        int largest = 0;
        T max = row[0];
        if (T.IsNaN(max))
            return 0;
        for (int i = 1; i < row.Length; i++)
        {
            T value = row[i];
            if (T.IsNaN(value))
                return i;
            if (value > max || (value == max && T.IsNegative(max) && !T.IsNegative(value)))
            {
                max = value;
                largest = i;
            }
        }
        return largest;
    }

    /// <summary>The number of classes a network's outputs stand for: 2 for a single output, else one per output.</summary>
    public static int ClassCount(int outputSize) => outputSize == 1 ? 2 : outputSize;

    /// <summary>Checks the network and a data set against it; returns the row count.</summary>
    internal static int CheckedRowCount<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        int rows = DataSetChecks.RowCount(inputs, targets, network.InputSize, network.OutputSize, nameof(inputs), nameof(targets));
        // As Fit does: a NaN or infinite value would make a metric NaN, or count as class 0, without a word.
        DataSetChecks.CheckFinite(inputs, network.InputSize, nameof(inputs));
        DataSetChecks.CheckFinite(targets, network.OutputSize, nameof(targets));
        return rows;
    }

    /// <summary>A buffer for predicting up to <see cref="ChunkRows"/> rows at a time.</summary>
    internal static T[] PredictionBuffer<T>(INetwork<T> network, int rows)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        new T[Math.Min(rows, ChunkRows) * network.OutputSize];
}
