using System.Collections.Generic;

namespace NetGen;

/// <summary>Whether the first line of a CSV file holds column names.</summary>
public enum CsvHeader
{
    /// <summary>A first line with a value that is not a number (ignoring a text label column and missing-value markers) is a header.</summary>
    Detect = 0,

    /// <summary>The first line is a header.</summary>
    Present = 1,

    /// <summary>Every line is data.</summary>
    Absent = 2,
}

/// <summary>What the label column of a CSV file holds.</summary>
public enum CsvLabels
{
    /// <summary>
    /// A class per row, as a whole-number index from 0 or as a name; targets become one-hot rows. A label
    /// that is a number but not a whole number from 0 is an error (it looks like a regression target:
    /// set <see cref="Values"/>), and so are more classes than <see cref="CsvOptions.MaxClassCount"/>.
    /// </summary>
    Classes = 0,

    /// <summary>Numbers to regress on, from one label column or several (<see cref="CsvOptions.LabelColumns"/>); the target row is those values.</summary>
    Values = 1,

    /// <summary>No labels: every column is an input, as for rows to predict. The data set has no targets (<see cref="LabeledDataSet{T}.TargetSize"/> is 0).</summary>
    None = 2,
}

/// <summary>What <see cref="CsvDataLoader"/> does with a field that holds a missing-value marker (see <see cref="CsvOptions.MissingValueMarkers"/>).</summary>
public enum CsvMissingValues
{
    /// <summary>A missing value is a <see cref="CsvFormatException"/> naming its line and column.</summary>
    Error = 0,

    /// <summary>A row with any missing value (input or label) is left out.</summary>
    DropRow = 1,

    /// <summary>
    /// A missing input takes the mean of the values present in its column, and the means are kept in
    /// <see cref="LabeledDataSet{T}.InputFillValues"/> so rows read later can be filled the same way.
    /// A missing label is still an error: inventing a target would teach the network something the
    /// data does not say (use <see cref="DropRow"/>).
    /// </summary>
    FillWithMean = 2,
}

/// <summary>How <see cref="CsvDataLoader"/> reads a numeric data set: where the label is and what it means.</summary>
/// <example>
/// <code>
/// // digits.csv: 64 pixel columns and a "label" column with the digit 0-9.
/// var digits = CsvDataLoader.Load&lt;float&gt;("digits.csv", new CsvOptions { LabelColumnName = "label", ClassCount = 10 });
/// </code>
/// </example>
public sealed class CsvOptions
{
    /// <summary>
    /// The default <see cref="MaxClassCount"/>: more classes than a tabular classifier usually has (ImageNet
    /// has 1000), few enough that one-hot targets stay within a small multiple of the file's size.
    /// </summary>
    public const int DefaultMaxClassCount = 1000;

    /// <summary>
    /// The label column by zero-based index; negative counts from the end, so -1 (the default) is the last column.
    /// Name the label columns one way only: setting this and <see cref="LabelColumnName"/>, <see cref="LabelColumns"/>
    /// or <see cref="LabelColumnNames"/> is an error.
    /// </summary>
    public int LabelColumn
    {
        get => _labelColumn;
        init
        {
            _labelColumn = value;
            LabelColumnIsSet = true;
        }
    }

    private readonly int _labelColumn = -1;

    /// <summary>Whether the caller set <see cref="LabelColumn"/> (to any value, -1 included), so that a second way of naming the label is caught.</summary>
    internal bool LabelColumnIsSet { get; private init; }

    /// <summary>The label column by its header name (compared exactly); needs a header line.</summary>
    public string? LabelColumnName { get; init; }

    /// <summary>
    /// For <see cref="CsvLabels.Values"/>: several target columns by zero-based index (negative counts from
    /// the end), in the order their values form each target row.
    /// </summary>
    public IReadOnlyList<int>? LabelColumns { get; init; }

    /// <summary>For <see cref="CsvLabels.Values"/>: several target columns by header name, in the order their values form each target row; needs a header line.</summary>
    public IReadOnlyList<string>? LabelColumnNames { get; init; }

    /// <summary>Whether the label is a class (one-hot targets, the default), values to regress on, or absent.</summary>
    public CsvLabels Labels { get; init; } = CsvLabels.Classes;

    /// <summary>
    /// For <see cref="CsvLabels.Classes"/>: the number of classes, so a file that happens to lack the
    /// last class still gets targets of the right width. 0 (the default) infers it: the largest index
    /// plus one, or the number of distinct class names, up to <see cref="MaxClassCount"/>; a file of one
    /// class is then an error (a classifier needs two). Otherwise 2 or more, and the length of
    /// <see cref="ClassNames"/> when both are set.
    /// </summary>
    public int ClassCount { get; init; }

    /// <summary>
    /// For <see cref="CsvLabels.Classes"/> without <see cref="ClassCount"/>: the most classes the labels may
    /// make (default <see cref="DefaultMaxClassCount"/>). A label beyond it is a <see cref="CsvFormatException"/>
    /// on its line, raised before the one-hot targets are allocated, so a few bytes of file (a regression
    /// target read as a class index, say 29999999) cannot ask for gigabytes.
    /// </summary>
    public int MaxClassCount { get; init; } = DefaultMaxClassCount;

    /// <summary>
    /// For text labels: the class names in index order, two or more, each distinct and not null. Null (the
    /// default) sorts the distinct names ordinally (as scikit-learn's LabelEncoder does); a name not in the
    /// list is an error.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Whether the first line is a header (default: detect: a header when its input columns hold text, data
    /// when they hold numbers; a first line that mixes both is an error that asks for Present).
    /// </summary>
    public CsvHeader Header { get; init; } = CsvHeader.Detect;

    /// <summary>The field separator (default <c>','</c>); not a character of a number (digit, sign, point, exponent), a quote or a line break.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>What to do with missing values (default: <see cref="CsvMissingValues.Error"/>).</summary>
    public CsvMissingValues MissingValues { get; init; } = CsvMissingValues.Error;

    /// <summary>
    /// The field texts (after trimming, compared exactly) that mean "no value": by default an empty field
    /// and the markers pandas and R write, <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>nan</c>, <c>null</c>, and <c>?</c> (UCI data sets). A null entry is an error.
    /// </summary>
    public IReadOnlyList<string> MissingValueMarkers { get; init; } = DefaultMissingValueMarkers;

    private static readonly string[] DefaultMissingValueMarkers = ["", "NA", "N/A", "NaN", "nan", "null", "?"];
}
