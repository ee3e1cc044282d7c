using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Regression metrics over row-major predictions and targets, accumulated in double: mean absolute error, root mean
/// squared error and the coefficient of determination R2. The network overloads predict the rows first.
/// </summary>
/// <remarks>
/// With several outputs per row, MAE and RMSE are taken over all values (Keras's metrics), and R2 is the mean of each
/// output's R2 (scikit-learn's <c>r2_score</c> with its default <c>uniform_average</c>). With one output all three
/// equal scikit-learn's.
/// </remarks>
public static class RegressionMetrics
{
    /// <summary>Mean of <c>|prediction - target|</c> over every value.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, or hold a NaN or infinite value.</exception>
    public static double MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckPair(predictions, targets);
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
            sum += Math.Abs(double.CreateTruncating(predictions[i]) - double.CreateTruncating(targets[i]));
        return sum / predictions.Length;
    }

    /// <summary>Square root of the mean of <c>(prediction - target)^2</c> over every value.</summary>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, or hold a NaN or infinite value.</exception>
    public static double RootMeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckPair(predictions, targets);
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double error = double.CreateTruncating(predictions[i]) - double.CreateTruncating(targets[i]);
            sum += error * error;
        }
        return Math.Sqrt(sum / predictions.Length);
    }

    /// <summary>
    /// The coefficient of determination, <c>1 - sum (t - p)^2 / sum (t - mean t)^2</c>, per output column and then
    /// averaged: 1 for perfect predictions, 0 for always predicting the mean, negative for worse. An output whose
    /// targets are all equal scores 1 when predicted exactly and 0 otherwise (as scikit-learn does).
    /// </summary>
    /// <param name="predictions">Predictions, row-major, <paramref name="outputSize"/> per row.</param>
    /// <param name="targets">Targets, laid out like <paramref name="predictions"/>.</param>
    /// <param name="outputSize">Values per row, 1 or more; default 1.</param>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, are not whole rows, or hold a NaN or infinite value.</exception>
    public static double R2Score<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int outputSize = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        CheckPair(predictions, targets, outputSize);
        int rows = ThrowHelper.RowCount(nameof(targets), targets.Length, outputSize);
        double total = 0;
        for (int column = 0; column < outputSize; column++)
        {
            double mean = 0;
            for (int row = 0; row < rows; row++)
                mean += double.CreateTruncating(targets[row * outputSize + column]);
            mean /= rows;
            double residual = 0, spread = 0;
            for (int row = 0; row < rows; row++)
            {
                double target = double.CreateTruncating(targets[row * outputSize + column]);
                double error = target - double.CreateTruncating(predictions[row * outputSize + column]);
                residual += error * error;
                spread += (target - mean) * (target - mean);
            }
            total += spread == 0 ? (residual == 0 ? 1.0 : 0.0) : 1 - residual / spread;
        }
        return total / outputSize;
    }

    /// <summary>The mean absolute error of <paramref name="network"/>'s predictions (see <see cref="MeanAbsoluteError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>).</summary>
    /// <param name="network">The network to evaluate.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major, <see cref="INetwork{T}.OutputSize"/> values per row.</param>
    /// <exception cref="ArgumentException">Not whole rows, different row counts, no rows, or a NaN or infinite input or target.</exception>
    public static double MeanAbsoluteError<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MeanAbsoluteError<T>(PredictAll(network, inputs, targets), targets);

    /// <summary>The root mean squared error of <paramref name="network"/>'s predictions (see <see cref="RootMeanSquaredError{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>).</summary>
    /// <param name="network">The network to evaluate.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major, <see cref="INetwork{T}.OutputSize"/> values per row.</param>
    /// <exception cref="ArgumentException">Not whole rows, different row counts, no rows, or a NaN or infinite input or target.</exception>
    public static double RootMeanSquaredError<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        RootMeanSquaredError<T>(PredictAll(network, inputs, targets), targets);

    /// <summary>The R2 of <paramref name="network"/>'s predictions (see <see cref="R2Score{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/>).</summary>
    /// <param name="network">The network to evaluate.</param>
    /// <param name="inputs">Inputs, row-major, <see cref="INetwork{T}.InputSize"/> values per row.</param>
    /// <param name="targets">Targets, row-major, <see cref="INetwork{T}.OutputSize"/> values per row.</param>
    /// <exception cref="ArgumentException">Not whole rows, different row counts, no rows, or a NaN or infinite input or target.</exception>
    public static double R2Score<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        R2Score<T>(PredictAll(network, inputs, targets), targets, network.OutputSize);

    private static T[] PredictAll<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = NetworkMetrics.CheckedRowCount(network, inputs, targets);
        var predictions = new T[rows * network.OutputSize];
        network.PredictBatch(inputs, predictions);
        return predictions;
    }

    /// <summary>Throws unless both spans have the same, nonzero length and every value is finite (with <paramref name="rowLength"/> values per row, for the message).</summary>
    private static void CheckPair<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int rowLength = 1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (targets.Length != predictions.Length)
            ThrowHelper.ThrowLengthMismatch(nameof(targets), predictions.Length, targets.Length);
        if (predictions.IsEmpty)
            ThrowHelper.ThrowEmptyBatch(nameof(predictions));
        // A NaN or infinite value would make the metric NaN or infinite without saying where (scikit-learn refuses too).
        DataSetChecks.CheckFinite(predictions, rowLength, nameof(predictions));
        DataSetChecks.CheckFinite(targets, rowLength, nameof(targets));
    }
}
