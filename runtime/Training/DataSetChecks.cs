using System;
using System.Numerics;
using System.Numerics.Tensors;

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
