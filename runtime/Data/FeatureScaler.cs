using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// A per-feature affine map <c>x' = (x - Center[j]) * Factor[j] + Shift</c>, fitted on one data set
/// (the training set) and applied unchanged to others (the test set, and single inputs at prediction
/// time), so no information from the test set leaks into training.
/// </summary>
/// <example>
/// <code>
/// var (train, test) = data.Split(0.8);
/// var scaler = FeatureScaler&lt;double&gt;.FitStandardization(train);
/// train = scaler.Transform(train);
/// test = scaler.Transform(test);
/// </code>
/// </example>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed class FeatureScaler<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _center;
    private readonly T[] _factor;

    private FeatureScaler(T[] center, T[] factor, T shift)
    {
        _center = center;
        _factor = factor;
        Shift = shift;
    }

    /// <summary>
    /// Rebuilds a scaler from its numbers, for example those a saved model carries or those another
    /// tool (scikit-learn's <c>mean_</c> and <c>1 / scale_</c>) fitted: each feature maps to
    /// <c>(x - center[j]) * factor[j] + shift</c>. The spans are copied.
    /// </summary>
    /// <param name="center">What is subtracted from each feature.</param>
    /// <param name="factor">What each centred feature is multiplied by; finite and nonzero (a zero would map every value of the feature to <paramref name="shift"/>).</param>
    /// <param name="shift">What is added last.</param>
    /// <exception cref="ArgumentException">No features, lengths that differ, a value that is NaN or infinite, or a zero factor; the message names the feature.</exception>
    public static FeatureScaler<T> Create(ReadOnlySpan<T> center, ReadOnlySpan<T> factor, T shift)
    {
        if (center.IsEmpty)
            throw new ArgumentException("A scaler needs at least one feature; center is empty.", nameof(center));
        if (factor.Length != center.Length)
            throw new ArgumentException($"Expected one factor per feature: center has {center.Length} values, factor has {factor.Length}.", nameof(factor));
        if (!T.IsFinite(shift))
            throw new ArgumentException($"Expected a finite shift, got {shift}.", nameof(shift));
        for (int j = 0; j < center.Length; j++)
        {
            if (!T.IsFinite(center[j]))
                throw new ArgumentException($"Expected a finite center for feature {j}, got {center[j]}.", nameof(center));
            if (!T.IsFinite(factor[j]) || T.IsZero(factor[j]))
                throw new ArgumentException($"Expected a finite, nonzero factor for feature {j}, got {factor[j]}.", nameof(factor));
        }
        return new FeatureScaler<T>(center.ToArray(), factor.ToArray(), shift);
    }

    /// <summary>Number of input features the scaler was fitted on.</summary>
    public int FeatureCount => _center.Length;

    /// <summary>What is subtracted from each feature: its mean, or its minimum.</summary>
    public ReadOnlySpan<T> Center => _center;

    /// <summary>What each centred feature is multiplied by: 1 / standard deviation, or range / (max - min).</summary>
    public ReadOnlySpan<T> Factor => _factor;

    /// <summary>What is added last: 0 for standardisation, the lower bound for min-max scaling.</summary>
    public T Shift { get; }

    /// <summary>
    /// Fits standardisation: each feature gets mean 0 and standard deviation 1 on <paramref name="data"/>
    /// (population standard deviation, as scikit-learn's StandardScaler). A constant feature is only
    /// centred (factor 1), not divided by zero.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows, an input that is NaN or infinite, or a
    /// feature whose mean or scale factor is outside <typeparamref name="T"/>'s finite range.</exception>
    public static FeatureScaler<T> FitStandardization(LabeledDataSet<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireRows(data);
        DataSetChecks.CheckFinite<T>(data.Inputs, data.InputSize, nameof(data));
        int features = data.InputSize;
        var center = new T[features];
        var factor = new T[features];
        for (int j = 0; j < features; j++)
        {
            // Two passes in double: the mean first, then the squared deviations from it, which stays
            // accurate where the one-pass sum-of-squares formula cancels catastrophically. Values near double's
            // limit overflow the sums; those features are summed again divided by their largest magnitude.
            (T min, T max) = Range(data, j);
            (double mean, double deviationOfFeature) = MeanAndDeviation(data, j, 1.0);
            if (!double.IsFinite(mean) || !double.IsFinite(deviationOfFeature))
            {
                double magnitude = Math.Max(Math.Abs(double.CreateTruncating(min)), Math.Abs(double.CreateTruncating(max)));
                (mean, deviationOfFeature) = MeanAndDeviation(data, j, magnitude);
                mean *= magnitude;
                deviationOfFeature *= magnitude;
            }
            center[j] = T.CreateTruncating(mean);
            factor[j] = deviationOfFeature > 0 ? T.CreateTruncating(1.0 / deviationOfFeature) : T.One;
            RequireScalable(j, min, max, center[j], factor[j]);
        }
        return new FeatureScaler<T>(center, factor, T.Zero);
    }

    /// <summary>
    /// Fits min-max scaling: each feature's minimum on <paramref name="data"/> maps to
    /// <paramref name="lower"/> and its maximum to <paramref name="upper"/> (values outside the fitted
    /// range in other sets map outside [lower, upper]). A constant feature maps to <paramref name="lower"/>
    /// plus its offset from that constant, as scikit-learn's MinMaxScaler does.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no rows or an input that is NaN or infinite,
    /// <paramref name="lower"/> and <paramref name="upper"/> are not finite with lower below upper, or a feature's
    /// range overflows <typeparamref name="T"/>.</exception>
    public static FeatureScaler<T> FitMinMax(LabeledDataSet<T> data, T lower, T upper)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireRows(data);
        if (!(T.IsFinite(lower) && T.IsFinite(upper) && lower < upper))
            throw new ArgumentException($"Expected finite bounds with lower < upper, got lower {lower} and upper {upper}.", nameof(lower));
        if (!T.IsFinite(upper - lower))
            throw new ArgumentException($"The bounds {lower} and {upper} are further apart than {typeof(T).Name} holds; choose a narrower range.", nameof(upper));
        DataSetChecks.CheckFinite<T>(data.Inputs, data.InputSize, nameof(data));
        int features = data.InputSize;
        var center = new T[features];
        var factor = new T[features];
        for (int j = 0; j < features; j++)
        {
            (T min, T max) = Range(data, j);
            center[j] = min;
            factor[j] = max > min ? (upper - lower) / (max - min) : T.One;
            RequireScalable(j, min, max, center[j], factor[j]);
        }
        return new FeatureScaler<T>(center, factor, lower);
    }

    /// <summary>Fits min-max scaling to [0, 1]; see <see cref="FitMinMax(LabeledDataSet{T}, T, T)"/>.</summary>
    public static FeatureScaler<T> FitMinMax(LabeledDataSet<T> data) => FitMinMax(data, T.Zero, T.One);

    /// <summary>A copy of <paramref name="data"/> with its inputs scaled; targets and labels are unchanged.</summary>
    /// <exception cref="ArgumentException">The data set's input size is not <see cref="FeatureCount"/>.</exception>
    public LabeledDataSet<T> Transform(LabeledDataSet<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputSize != FeatureCount)
            throw new ArgumentException($"The scaler was fitted on {FeatureCount} features; the data set has {data.InputSize}.", nameof(data));
        T[] scaled = (T[])data.Inputs.Clone();
        for (int start = 0; start < scaled.Length; start += FeatureCount)
            TransformInPlace(scaled.AsSpan(start, FeatureCount));
        return data.WithInputs(scaled);
    }

    /// <summary>Writes the scaled <paramref name="row"/> into <paramref name="destination"/>, leaving the row as it was.</summary>
    /// <exception cref="ArgumentException">Either span's length is not <see cref="FeatureCount"/>.</exception>
    public void Transform(ReadOnlySpan<T> row, Span<T> destination)
    {
        if (row.Length != FeatureCount)
            ThrowHelper.ThrowLengthMismatch(nameof(row), FeatureCount, row.Length);
        if (destination.Length != FeatureCount)
            ThrowHelper.ThrowLengthMismatch(nameof(destination), FeatureCount, destination.Length);
        for (int j = 0; j < row.Length; j++)
            destination[j] = (row[j] - _center[j]) * _factor[j] + Shift;
    }

    /// <summary>Scales one input row in place, for inputs that arrive after training.</summary>
    /// <exception cref="ArgumentException">The row's length is not <see cref="FeatureCount"/>.</exception>
    public void TransformInPlace(Span<T> row)
    {
        Transform(row, row);
    }

    /// <summary>The mean and population standard deviation of feature <paramref name="feature"/>, each value divided by <paramref name="divisor"/> first.</summary>
    private static (double Mean, double Deviation) MeanAndDeviation(LabeledDataSet<T> data, int feature, double divisor)
    {
        int features = data.InputSize;
        double sum = 0;
        for (int row = 0; row < data.Rows; row++)
            sum += double.CreateTruncating(data.Inputs[row * features + feature]) / divisor;
        double mean = sum / data.Rows;
        double squares = 0;
        for (int row = 0; row < data.Rows; row++)
        {
            double deviation = double.CreateTruncating(data.Inputs[row * features + feature]) / divisor - mean;
            squares += deviation * deviation;
        }
        return (mean, Math.Sqrt(squares / data.Rows));
    }

    /// <summary>
    /// Throws unless the feature's center and factor are finite, the factor is not zero, and the feature's smallest and
    /// largest values scale to finite values (<c>(x - center) * factor</c> in <typeparamref name="T"/>): near the type's
    /// limits a difference or a product overflows.
    /// </summary>
    private static void RequireScalable(int feature, T min, T max, T center, T factor)
    {
        if (!T.IsFinite(center) || !T.IsFinite(factor) || T.IsZero(factor)
            || !T.IsFinite((min - center) * factor) || !T.IsFinite((max - center) * factor))
            throw new ArgumentException(
                $"Feature {feature} cannot be scaled in {typeof(T).Name}: its values from {min} to {max} give center {center} and factor {factor}, " +
                "and a scaled value outside the finite range; rescale the column first (for example divide it by a power of ten).",
                "data");
    }

    /// <summary>The smallest and largest value of feature <paramref name="feature"/>.</summary>
    private static (T Min, T Max) Range(LabeledDataSet<T> data, int feature)
    {
        T min = data.Inputs[feature], max = min;
        for (int i = feature + data.InputSize; i < data.Inputs.Length; i += data.InputSize)
        {
            min = T.Min(min, data.Inputs[i]);
            max = T.Max(max, data.Inputs[i]);
        }
        return (min, max);
    }

    private static void RequireRows(LabeledDataSet<T> data)
    {
        if (data.Rows == 0)
            throw new ArgumentException("Cannot fit a scaler on a data set with no rows.", nameof(data));
    }
}
