using System.Collections.Generic;

namespace NetGen;

/// <summary>Whether the first line of a CSV file holds column names.</summary>
public enum CsvHeader
{
    /// <summary>A first line with a value that is not a number (ignoring a text label column) is a header.</summary>
    Detect = 0,

    /// <summary>The first line is a header.</summary>
    Present = 1,

    /// <summary>Every line is data.</summary>
    Absent = 2,
}

/// <summary>What the label column of a CSV file holds.</summary>
public enum CsvLabels
{
    /// <summary>A class per row, as a whole-number index or as a name; targets become one-hot rows.</summary>
    Classes = 0,

    /// <summary>A number to regress on; the target row is that one value.</summary>
    Values = 1,
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
    /// <summary>The label column by zero-based index; negative counts from the end, so -1 (the default) is the last column. Ignored when <see cref="LabelColumnName"/> is set.</summary>
    public int LabelColumn { get; init; } = -1;

    /// <summary>The label column by its header name (compared exactly); needs a header line.</summary>
    public string? LabelColumnName { get; init; }

    /// <summary>Whether the label is a class (one-hot targets, the default) or a value to regress on.</summary>
    public CsvLabels Labels { get; init; } = CsvLabels.Classes;

    /// <summary>
    /// For <see cref="CsvLabels.Classes"/>: the number of classes, so a file that happens to lack the
    /// last class still gets targets of the right width. 0 (the default) infers it: the largest index
    /// plus one, or the number of distinct class names.
    /// </summary>
    public int ClassCount { get; init; }

    /// <summary>
    /// For text labels: the class names in index order. Null (the default) sorts the distinct names
    /// ordinally (as scikit-learn's LabelEncoder does); a name not in the list is an error.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Whether the first line is a header (default: detect).</summary>
    public CsvHeader Header { get; init; } = CsvHeader.Detect;

    /// <summary>The field separator (default <c>','</c>).</summary>
    public char Separator { get; init; } = ',';
}
