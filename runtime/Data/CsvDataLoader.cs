using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Reads numeric data sets with one label column from CSV: every other column is an input.
/// Numbers use the invariant culture (<c>1.5</c>, <c>-2e-3</c>) whatever the machine's culture is.
/// </summary>
/// <remarks>
/// A small parser of its own rather than a CSV library: the common ones bind rows to types through
/// reflection, which the runtime's AOT-compatibility rules out, and a numeric table needs little of
/// CSV. Supported: a header line or none, a chosen separator, fields in double quotes (with <c>""</c>
/// for a quote) on one line, blank lines (skipped), a UTF-8 byte order mark. Not supported: quoted
/// fields spanning lines, missing values.
/// </remarks>
public static class CsvDataLoader
{
    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="CsvFormatException">A value, line or label that does not fit; the message names the file, line and column.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static LabeledDataSet<T> Load<T>(string path, CsvOptions? options = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read<T>(reader, options, path);
    }

    /// <summary>Reads CSV text held in a string.</summary>
    /// <exception cref="CsvFormatException">A value, line or label that does not fit; the message names the line and column.</exception>
    public static LabeledDataSet<T> Parse<T>(string csv, CsvOptions? options = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var reader = new StringReader(csv);
        return Read<T>(reader, options, "CSV text");
    }

    /// <summary>Reads CSV from <paramref name="reader"/> to its end.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="options">Where the label is and what it means; null for the defaults (last column, classes, header detected).</param>
    /// <param name="sourceName">How error messages name the source, e.g. a file name.</param>
    /// <exception cref="CsvFormatException">A value, line or label that does not fit; the message names the source, line and column.</exception>
    public static LabeledDataSet<T> Read<T>(TextReader reader, CsvOptions? options = null, string sourceName = "CSV text")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= new CsvOptions();
        if (options.LabelColumnName is not null && options.Header == CsvHeader.Absent)
            throw new ArgumentException("LabelColumnName needs a header line, but Header is Absent; name the label column by LabelColumn instead.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.ClassCount, nameof(options));

        var parser = new Parser<T>(options, sourceName);
        string? line;
        int lineNumber = 0;
        var fields = new List<string>();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            SplitFields(line, options.Separator, fields, sourceName, lineNumber);
            parser.AddLine(fields, lineNumber);
        }
        return parser.Finish();
    }

    /// <summary>Splits one line into trimmed fields, honouring double quotes.</summary>
    private static void SplitFields(string line, char separator, List<string> fields, string source, int lineNumber)
    {
        fields.Clear();
        int position = 0;
        while (true)
        {
            int start = position;
            while (position < line.Length && line[position] is ' ' or '\t' && line[position] != separator)
                position++;
            if (position < line.Length && line[position] == '"')
            {
                var text = new System.Text.StringBuilder();
                position++;
                while (true)
                {
                    if (position >= line.Length)
                        throw new CsvFormatException(source, lineNumber, fields.Count + 1, null, "a quoted field has no closing quote (quoted fields cannot span lines).");
                    char c = line[position++];
                    if (c != '"')
                        text.Append(c);
                    else if (position < line.Length && line[position] == '"')
                    {
                        text.Append('"');
                        position++;
                    }
                    else
                        break;
                }
                while (position < line.Length && line[position] != separator)
                {
                    if (!char.IsWhiteSpace(line[position]))
                        throw new CsvFormatException(source, lineNumber, fields.Count + 1, null, $"unexpected '{line[position]}' after the closing quote of a field.");
                    position++;
                }
                fields.Add(text.ToString());
            }
            else
            {
                position = start;
                while (position < line.Length && line[position] != separator)
                    position++;
                fields.Add(line[start..position].Trim());
            }
            if (position >= line.Length)
                return;
            position++; // the separator
        }
    }

    /// <summary>Turns split lines into the flat arrays of a data set, checking as it goes.</summary>
    private sealed class Parser<T>(CsvOptions options, string source)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private readonly List<T> _inputs = [];
        private readonly List<T> _values = [];
        private readonly List<string> _labelTexts = [];
        private readonly List<int> _labelLines = [];
        private string[]? _header;
        private int _fieldCount = -1;
        private int _firstLine;
        private int _labelColumn = -1;

        public void AddLine(List<string> fields, int lineNumber)
        {
            if (_fieldCount < 0)
            {
                _fieldCount = fields.Count;
                _firstLine = lineNumber;
                if (IsHeader(fields))
                {
                    _header = fields.ToArray();
                    _labelColumn = ResolveLabelColumn(lineNumber);
                    return;
                }
                _labelColumn = ResolveLabelColumn(lineNumber);
            }

            if (fields.Count != _fieldCount)
                throw new CsvFormatException(source, lineNumber, 0, null,
                    $"expected {_fieldCount} fields (as on line {_firstLine}), found {fields.Count}.");
            if (_fieldCount < 2)
                throw new CsvFormatException(source, lineNumber, 0, null, $"expected at least 2 fields (inputs and a label), found {_fieldCount}.");

            for (int column = 0; column < fields.Count; column++)
            {
                if (column == _labelColumn)
                {
                    if (options.Labels == CsvLabels.Values)
                        _values.Add(ParseNumber(fields[column], lineNumber, column));
                    else
                    {
                        if (fields[column].Length == 0)
                            throw Error(lineNumber, column, "the label is empty.");
                        _labelTexts.Add(fields[column]);
                        _labelLines.Add(lineNumber);
                    }
                }
                else
                    _inputs.Add(ParseNumber(fields[column], lineNumber, column));
            }
        }

        public LabeledDataSet<T> Finish()
        {
            int rows = options.Labels == CsvLabels.Values ? _values.Count : _labelTexts.Count;
            if (rows == 0)
                throw new CsvFormatException(source, 0, 0, null, _header is null ? "there are no data lines." : "there are no data lines after the header.");
            int inputSize = _fieldCount - 1;
            string[]? inputNames = _header is null ? null : RemoveAt(_header, _labelColumn);

            if (options.Labels == CsvLabels.Values)
                return new LabeledDataSet<T>(_inputs.ToArray(), _values.ToArray(), inputSize, 1, labels: null, inputNames);

            (int[] labels, int classCount, string[]? classNames) = ResolveClasses();
            var targets = new T[rows * classCount];
            for (int row = 0; row < rows; row++)
                targets[row * classCount + labels[row]] = T.One;
            return new LabeledDataSet<T>(_inputs.ToArray(), targets, inputSize, classCount, labels, inputNames, classNames);
        }

        private (int[] Labels, int ClassCount, string[]? ClassNames) ResolveClasses()
        {
            var labels = new int[_labelTexts.Count];
            bool numeric = options.ClassNames is null && _labelTexts.TrueForAll(text => TryParseClassIndex(text, out _));
            if (numeric)
            {
                int largest = 0;
                for (int row = 0; row < labels.Length; row++)
                {
                    TryParseClassIndex(_labelTexts[row], out labels[row]);
                    if (labels[row] < 0)
                        throw LabelError(row, $"the class index {_labelTexts[row]} is negative.");
                    largest = Math.Max(largest, labels[row]);
                }
                int classCount = options.ClassCount > 0 ? options.ClassCount : largest + 1;
                for (int row = 0; row < labels.Length; row++)
                    if (labels[row] >= classCount)
                        throw LabelError(row, $"the class index {labels[row]} is out of range: ClassCount is {classCount}, so indexes run from 0 to {classCount - 1}.");
                return (labels, classCount, null);
            }

            string[] names;
            if (options.ClassNames is not null)
                names = [.. options.ClassNames];
            else
            {
                var distinct = new SortedSet<string>(_labelTexts, StringComparer.Ordinal);
                names = [.. distinct];
            }
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < names.Length; i++)
                index.TryAdd(names[i], i);
            for (int row = 0; row < labels.Length; row++)
            {
                if (!index.TryGetValue(_labelTexts[row], out labels[row]))
                {
                    string detail = options.ClassNames is not null
                        ? $"the class '{_labelTexts[row]}' is not one of the ClassNames ({string.Join(", ", names)})."
                        : $"the class '{_labelTexts[row]}' is not a class index.";
                    throw LabelError(row, detail);
                }
            }
            if (options.ClassCount > 0 && options.ClassCount != names.Length)
                throw new CsvFormatException(source, 0, 0, null,
                    $"expected {options.ClassCount} classes (ClassCount) but the label column names {names.Length}: {string.Join(", ", names)}.");
            return (labels, names.Length, names);
        }

        private static bool TryParseClassIndex(string text, out int index)
        {
            // "3" and "3.0" both name class 3: files written by numpy or pandas often carry the ".0".
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && double.IsFinite(value) && value == Math.Floor(value) && Math.Abs(value) <= int.MaxValue)
            {
                index = (int)value;
                return true;
            }
            index = 0;
            return false;
        }

        private bool IsHeader(List<string> fields)
        {
            if (options.Header != CsvHeader.Detect)
                return options.Header == CsvHeader.Present;
            if (options.LabelColumnName is not null)
                return true;
            int labelColumn = options.LabelColumn < 0 ? fields.Count + options.LabelColumn : options.LabelColumn;
            for (int column = 0; column < fields.Count; column++)
            {
                // A text class name in the label column is data, not a header.
                if (column == labelColumn && options.Labels == CsvLabels.Classes)
                    continue;
                // An empty field says nothing either way (a missing value, reported as such later).
                if (fields[column].Length > 0 && !T.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    return true;
            }
            return false;
        }

        private int ResolveLabelColumn(int lineNumber)
        {
            if (options.LabelColumnName is not null)
            {
                if (_header is null)
                    throw new CsvFormatException(source, lineNumber, 0, null, $"the label column is named '{options.LabelColumnName}' but the file has no header line.");
                int found = Array.IndexOf(_header, options.LabelColumnName);
                if (found < 0)
                    throw new CsvFormatException(source, lineNumber, 0, null,
                        $"the header has no column named '{options.LabelColumnName}'; its columns are {string.Join(", ", _header)}.");
                return found;
            }
            int column = options.LabelColumn < 0 ? _fieldCount + options.LabelColumn : options.LabelColumn;
            if (column < 0 || column >= _fieldCount)
                throw new CsvFormatException(source, lineNumber, 0, null,
                    $"the label column {options.LabelColumn} is outside the {_fieldCount} columns of this line (use 0 to {_fieldCount - 1}, or -1 for the last).");
            return column;
        }

        private T ParseNumber(string text, int lineNumber, int column)
        {
            if (text.Length == 0)
                throw Error(lineNumber, column, "the value is empty; missing values are not supported.");
            // Parsed straight into T so a float column is rounded once, not via double.
            if (!T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out T value))
                throw Error(lineNumber, column, $"'{text}' is not a number (expected invariant-culture notation such as 1.5 or -2e-3).");
            if (!T.IsFinite(value))
                throw Error(lineNumber, column, $"'{text}' is not a finite {typeof(T).Name}.");
            return value;
        }

        private CsvFormatException Error(int lineNumber, int column, string detail) =>
            new(source, lineNumber, column + 1, _header?[column], detail);

        private CsvFormatException LabelError(int row, string detail) =>
            Error(_labelLines[row], _labelColumn, detail);

        private static string[] RemoveAt(string[] items, int index)
        {
            var result = new string[items.Length - 1];
            Array.Copy(items, 0, result, 0, index);
            Array.Copy(items, index + 1, result, index, items.Length - index - 1);
            return result;
        }
    }
}
