using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// The evaluation passes training and the public metrics share. The data sets are already checked
/// (whole rows, same row count); the caller supplies any scratch, so a pass allocates nothing.
/// </summary>
internal static class Evaluation
{
    /// <summary>The sum of the per-sample losses over every row, accumulated in double.</summary>
    public static double SumLoss<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = inputs.Length / network.InputSize;
        double sum = 0.0;
        for (int row = 0; row < rows; row++)
            sum += RowLoss(network, inputs, targets, row);
        return sum;
    }

    /// <summary>
    /// Writes each row's loss into <paramref name="losses"/> (one per row), for a caller that adds them in its own order:
    /// each is the term <see cref="SumLoss{T}"/> adds for that row.
    /// </summary>
    public static void WriteLosses<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<double> losses)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int row = 0; row < losses.Length; row++)
            losses[row] = RowLoss(network, inputs, targets, row);
    }

    /// <summary>The loss of row <paramref name="row"/>, in double.</summary>
    private static double RowLoss<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int inputSize = network.InputSize, outputSize = network.OutputSize;
        return double.CreateTruncating(network.Loss(inputs.Slice(row * inputSize, inputSize), targets.Slice(row * outputSize, outputSize)));
    }

    /// <summary>
    /// How many rows the network classifies as their target does (<see cref="NetworkMetrics.ClassOf{T}"/>),
    /// predicting <c>predictions.Length / OutputSize</c> rows at a time; also tallies every row into
    /// <paramref name="confusion"/> when one is given.
    /// </summary>
    public static int CountCorrect<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> predictions, ConfusionMatrix? confusion = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int inputSize = network.InputSize;
        int outputSize = network.OutputSize;
        int rows = inputs.Length / inputSize;
        int chunkRows = predictions.Length / outputSize;
        int correct = 0;
        for (int start = 0; start < rows; start += chunkRows)
        {
            int count = Math.Min(chunkRows, rows - start);
            Span<T> outputs = predictions.Slice(0, count * outputSize);
            network.PredictBatch(inputs.Slice(start * inputSize, count * inputSize), outputs);
            for (int i = 0; i < count; i++)
            {
                int actual = NetworkMetrics.ClassOf(targets.Slice((start + i) * outputSize, outputSize));
                int predicted = NetworkMetrics.ClassOf<T>(outputs.Slice(i * outputSize, outputSize));
                if (actual == predicted)
                    correct++;
                confusion?.Add(actual, predicted);
            }
        }
        return correct;
    }
}
