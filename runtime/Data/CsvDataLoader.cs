using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;

namespace NetGen;

/// <summary>
/// Reads numeric data sets from CSV: inputs, and a class label, one or more values to regress on, or
/// no label at all (rows to predict). Numbers use the invariant culture (<c>1.5</c>, <c>-2e-3</c>)
/// whatever the machine's culture is.
/// </summary>
/// <remarks>
/// <para>The loader never guesses the task: with the default <see cref="CsvLabels.Classes"/> a label
/// must be a whole number from 0 (or a class name), and a number that is not, or more classes than
/// <see cref="CsvOptions.MaxClassCount"/>, is an error that says which option to set.</para>
/// <para>A small parser of its own rather than a CSV library: the common ones bind rows to types through
/// reflection, which the runtime's AOT-compatibility rules out, and a numeric table needs little of
/// CSV. Supported: a header line or none, a chosen separator, fields in double quotes (with <c>""</c>
/// for a quote) on one line, blank lines (skipped), a UTF-8 byte order mark, missing values
/// (<see cref="CsvOptions.MissingValues"/>). Not supported: quoted fields spanning lines.</para>
/// </remarks>
public static class CsvDataLoader
{
    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="CsvFormatException">A value, line or label that does not fit; the message names the file, line and column.</exception>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
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
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
    public static LabeledDataSet<T> Parse<T>(string csv, CsvOptions? options = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(csv);
        // A byte-order mark read into a string (File.ReadAllText keeps none, other readers may) is not part of the first field.
        using var reader = new StringReader(csv.StartsWith('\uFEFF') ? csv[1..] : csv);
        return Read<T>(reader, options, "CSV text");
    }

    /// <summary>Reads CSV from <paramref name="reader"/> to its end.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="options">Where the label is and what it means; null for the defaults (last column, classes, header detected, missing values an error).</param>
    /// <param name="sourceName">How error messages name the source, e.g. a file name.</param>
    /// <exception cref="CsvFormatException">A value, line or label that does not fit; the message names the source, line and column.</exception>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
    public static LabeledDataSet<T> Read<T>(TextReader reader, CsvOptions? options = null, string sourceName = "CSV text")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= new CsvOptions();
        CheckOptions(options);

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

    private static void CheckOptions(CsvOptions options)
    {
        bool byName = options.LabelColumnName is not null || options.LabelColumnNames is not null;
        if (byName && options.Header == CsvHeader.Absent)
            throw new ArgumentException("LabelColumnName and LabelColumnNames need a header line, but Header is Absent; name the label column by LabelColumn or LabelColumns instead.", nameof(options));
        if (options.LabelColumnName is not null && options.LabelColumnNames is not null)
            throw new ArgumentException("Set LabelColumnName (one label column) or LabelColumnNames (several), not both.", nameof(options));
        if (options.LabelColumns is not null && byName)
            throw new ArgumentException("Set the label columns by index (LabelColumns) or by name (LabelColumnName, LabelColumnNames), not both.", nameof(options));
        if (options.LabelColumnIsSet && (byName || options.LabelColumns is not null))
        {
            string other = options.LabelColumns is not null ? "LabelColumns is set"
                : options.LabelColumnName is not null ? $"LabelColumnName is \"{options.LabelColumnName}\""
                : "LabelColumnNames is set";
            throw new ArgumentException($"LabelColumn is {options.LabelColumn} and {other} too; name the label column one way only.", nameof(options));
        }
        if (options.LabelColumns is { Count: 0 } || options.LabelColumnNames is { Count: 0 })
            throw new ArgumentException("LabelColumns and LabelColumnNames need at least one column; for rows without labels set Labels = CsvLabels.None.", nameof(options));
        int listed = options.LabelColumns?.Count ?? options.LabelColumnNames?.Count ?? 1;
        if (listed > 1 && options.Labels != CsvLabels.Values)
            throw new ArgumentException($"{listed} label columns are set, but only Labels = CsvLabels.Values takes several (Labels is {options.Labels}).", nameof(options));
        if (options.Labels == CsvLabels.None && (byName || options.LabelColumns is not null || options.LabelColumnIsSet))
            throw new ArgumentException("Labels is CsvLabels.None (every column is an input), but label columns are set.", nameof(options));
        if (!Enum.IsDefined(options.Labels))
            throw new ArgumentOutOfRangeException(nameof(options), options.Labels, "Labels is not a CsvLabels value.");
        if (!Enum.IsDefined(options.MissingValues))
            throw new ArgumentOutOfRangeException(nameof(options), options.MissingValues, "MissingValues is not a CsvMissingValues value.");
        if (!Enum.IsDefined(options.Header))
            throw new ArgumentOutOfRangeException(nameof(options), options.Header, "Header is not a CsvHeader value.");
        // A separator that can be part of a number, a quote or a line break would split values apart.
        if (char.IsAsciiDigit(options.Separator) || options.Separator is '.' or '-' or '+' or 'e' or 'E' or '"' or '\r' or '\n')
            throw new ArgumentException($"Separator '{options.Separator}' can be part of a value (a digit, sign, decimal point or exponent), a quote or a line break; use a comma, semicolon, tab or the like.", nameof(options));
        if (options.ClassCount is < 0 or 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ClassCount, "ClassCount is 0 (counted from the labels) or 2 or more: a classifier needs two classes.");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxClassCount, 2, nameof(options));
        ArgumentNullException.ThrowIfNull(options.MissingValueMarkers, nameof(options));
        for (int i = 0; i < options.MissingValueMarkers.Count; i++)
        {
            if (options.MissingValueMarkers[i] is null)
                throw new ArgumentException($"MissingValueMarkers[{i}] is null; list marker texts only (an empty field is \"\").", nameof(options));
        }
        if (options.ClassNames is { } names)
        {
            if (names.Count < 2)
                throw new ArgumentException($"ClassNames lists {names.Count} class(es); a classifier needs two or more.", nameof(options));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++)
            {
                if (names[i] is null)
                    throw new ArgumentException($"ClassNames[{i}] is null; every class needs a name.", nameof(options));
                if (!seen.Add(names[i]))
                    throw new ArgumentException($"ClassNames lists '{names[i]}' more than once (again at {i}); each class needs its own name.", nameof(options));
            }
            if (options.ClassCount > 0 && options.ClassCount != names.Count)
                throw new ArgumentException($"ClassCount is {options.ClassCount} but ClassNames lists {names.Count} classes; set one of them, or both alike.", nameof(options));
        }
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

    /// <summary>Turns split lines into the flat arrays of a data set, checking each label as it arrives so nothing large is allocated for a file that will be rejected.</summary>
    private sealed class Parser<T>(CsvOptions options, string source)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private readonly List<T> _inputs = [];
        private readonly List<T> _values = [];
        private readonly List<int> _labels = [];
        private readonly HashSet<string> _missingMarkers = new(options.MissingValueMarkers, StringComparer.Ordinal);
        // Class names in order of first appearance (renumbered in ordinal order at the end), or the given ClassNames.
        private readonly Dictionary<string, int> _classIndexByName = GivenClassNames(options.ClassNames);
        private string[]? _header;
        private int _fieldCount = -1;
        private int _firstLine;
        private int[] _labelColumns = [];
        private bool[] _isLabelColumn = [];
        private int _rows;
        private int _largestClassIndex = -1;
        private int _firstLabelLine;
        private bool _labelsAreNames;
        // For FillWithMean: per input column, the sum and count of the values present.
        private double[] _presentSums = [];
        private int[] _presentCounts = [];
        private bool _anyMissing;

        public void AddLine(List<string> fields, int lineNumber)
        {
            if (_fieldCount < 0)
            {
                _fieldCount = fields.Count;
                _firstLine = lineNumber;
                bool isHeader = IsHeader(fields, lineNumber);
                if (isHeader)
                    _header = fields.ToArray();
                ResolveLabelColumns(lineNumber);
                if (isHeader)
                    return;
            }

            if (fields.Count != _fieldCount)
                throw new CsvFormatException(source, lineNumber, 0, null,
                    $"expected {_fieldCount} fields (as on line {_firstLine}), found {fields.Count}.");
            if (_fieldCount <= _labelColumns.Length)
                throw new CsvFormatException(source, lineNumber, 0, null,
                    $"expected at least {_labelColumns.Length + 1} fields ({(_labelColumns.Length == 0 ? "an input" : "inputs and the label")}), found {_fieldCount}.");

            if (!CheckMissing(fields, lineNumber))
                return; // DropRow

            int input = 0;
            for (int column = 0; column < fields.Count; column++)
            {
                if (_isLabelColumn[column])
                    continue;
                if (_missingMarkers.Contains(fields[column]))
                {
                    // Only FillWithMean gets here; the placeholder becomes the column mean in Finish.
                    _inputs.Add(T.NaN);
                    _anyMissing = true;
                }
                else
                {
                    T value = ParseNumber(fields[column], lineNumber, column);
                    _inputs.Add(value);
                    _presentSums[input] += double.CreateTruncating(value);
                    _presentCounts[input]++;
                }
                input++;
            }
            foreach (int column in _labelColumns)
            {
                if (options.Labels == CsvLabels.Values)
                    _values.Add(ParseNumber(fields[column], lineNumber, column));
                else
                    _labels.Add(ParseClass(fields[column], lineNumber, column));
            }
            _rows++;
        }

        /// <summary>Applies the missing-value policy to a line; false when the line is to be dropped.</summary>
        private bool CheckMissing(List<string> fields, int lineNumber)
        {
            for (int column = 0; column < fields.Count; column++)
            {
                if (!_missingMarkers.Contains(fields[column]))
                    continue;
                switch (options.MissingValues)
                {
                    case CsvMissingValues.DropRow:
                        return false;
                    case CsvMissingValues.FillWithMean when !_isLabelColumn[column]:
                        continue;
                    case CsvMissingValues.FillWithMean:
                        throw Error(lineNumber, column, $"{DescribeMissing(fields[column], "label")}; a missing label is not filled in (it would invent a target): set MissingValues = CsvMissingValues.DropRow to leave such rows out.");
                    default:
                        string what = _isLabelColumn[column] ? "label" : "value";
                        string remedy = _isLabelColumn[column] ? "DropRow" : "DropRow or CsvMissingValues.FillWithMean";
                        throw Error(lineNumber, column, $"{DescribeMissing(fields[column], what)}; missing values are an error unless MissingValues is set (CsvMissingValues.{remedy}).");
                }
            }
            return true;
        }

        private static string DescribeMissing(string text, string what) =>
            text.Length == 0 ? $"the {what} is empty" : $"the {what} is '{text}', a missing-value marker";

        public LabeledDataSet<T> Finish()
        {
            if (_rows == 0)
                throw new CsvFormatException(source, 0, 0, null, _header is null ? "there are no data lines." : "there are no data lines after the header.");
            int inputSize = _fieldCount - _labelColumns.Length;
            string[]? inputNames = _header?.Where((_, column) => !_isLabelColumn[column]).ToArray();
            T[] inputs = [.. _inputs];
            T[]? fillValues = options.MissingValues == CsvMissingValues.FillWithMean ? FillMissing(inputs, inputSize, inputNames) : null;

            switch (options.Labels)
            {
                case CsvLabels.None:
                    return new LabeledDataSet<T>(inputs, [], inputSize, 0, labels: null, inputNames, inputFillValues: fillValues);
                case CsvLabels.Values:
                    return new LabeledDataSet<T>(inputs, [.. _values], inputSize, _labelColumns.Length, labels: null, inputNames, inputFillValues: fillValues);
            }

            (int[] labels, int classCount, string[]? classNames) = ResolveClasses();
            long targetCount = (long)_rows * classCount;
            if (targetCount > Array.MaxLength)
                throw new CsvFormatException(source, 0, 0, null,
                    $"one-hot targets for {_rows} rows of {classCount} classes would need {targetCount} values, more than an array holds; lower ClassCount.");
            var targets = new T[targetCount];
            for (int row = 0; row < labels.Length; row++)
                targets[(long)row * classCount + labels[row]] = T.One;
            return new LabeledDataSet<T>(inputs, targets, inputSize, classCount, labels, inputNames, classNames, fillValues);
        }

        /// <summary>Replaces the placeholders of missing inputs by their column's mean and returns every column's mean.</summary>
        private T[] FillMissing(T[] inputs, int inputSize, string[]? inputNames)
        {
            var means = new T[inputSize];
            for (int input = 0; input < inputSize; input++)
            {
                if (_presentCounts[input] == 0)
                {
                    string name = inputNames is null ? $"input column {input + 1}" : $"input column '{inputNames[input]}'";
                    throw new CsvFormatException(source, 0, 0, null, $"{name} has no values at all, so there is no mean to fill it with; drop the column or set MissingValues = CsvMissingValues.DropRow.");
                }
                double mean = _presentSums[input] / _presentCounts[input];
                if (!double.IsFinite(mean))
                {
                    // Values near double's limit overflowed the sum: the mean again as a sum of each value's share,
                    // which stays between the column's smallest and largest value.
                    mean = 0;
                    for (int i = input; i < inputs.Length; i += inputSize)
                        if (!T.IsNaN(inputs[i]))
                            mean += double.CreateTruncating(inputs[i]) / _presentCounts[input];
                }
                means[input] = T.CreateTruncating(mean);
            }
            if (_anyMissing)
            {
                for (int i = 0; i < inputs.Length; i++)
                    if (T.IsNaN(inputs[i]))
                        inputs[i] = means[i % inputSize];
            }
            return means;
        }

        /// <summary>Reads one class label, checking its range against the class-count limit before anything is sized by it.</summary>
        private int ParseClass(string text, int lineNumber, int column)
        {
            if (options.ClassNames is not null)
            {
                if (_classIndexByName.TryGetValue(text, out int named))
                    return named;
                throw Error(lineNumber, column, $"the class '{text}' is not one of the ClassNames ({string.Join(", ", options.ClassNames)}).");
            }

            int limit = options.ClassCount > 0 ? options.ClassCount : options.MaxClassCount;
            bool isNumber = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number);
            if (_rows == 0)
            {
                _labelsAreNames = !isNumber;
                _firstLabelLine = lineNumber;
            }
            if (isNumber == _labelsAreNames)
                throw Error(lineNumber, column,
                    $"the label '{text}' is {(isNumber ? "a number" : "a name")} but the label on line {_firstLabelLine} is {(isNumber ? "a name" : "a number")}; give every class as a name (list them in ClassNames to number them) or every class as an index.");

            if (_labelsAreNames)
            {
                if (!_classIndexByName.TryGetValue(text, out int index))
                {
                    if (_classIndexByName.Count == limit)
                        throw Error(lineNumber, column, options.ClassCount > 0
                            ? $"the class '{text}' is class {limit + 1}, but ClassCount is {limit}."
                            : $"the class '{text}' is class {limit + 1}, more than MaxClassCount ({limit}); set ClassCount (or MaxClassCount) for that many classes.");
                    index = _classIndexByName.Count;
                    _classIndexByName.Add(text, index);
                }
                return index;
            }

            if (!double.IsFinite(number) || number != Math.Floor(number))
                throw Error(lineNumber, column,
                    $"the label '{text}' is not a class index (a whole number from 0); to regress on this column set Labels = CsvLabels.Values.");
            if (number < 0)
                throw Error(lineNumber, column,
                    $"the class index {text} is negative; class indexes run from 0 (to regress on this column set Labels = CsvLabels.Values).");
            if (number >= limit)
            {
                string value = number.ToString("R", CultureInfo.InvariantCulture);
                throw Error(lineNumber, column, options.ClassCount > 0
                    ? $"the class index {value} is out of range: ClassCount is {limit}, so indexes run from 0 to {limit - 1}."
                    : $"the class index {value} is beyond MaxClassCount ({limit}, so indexes run from 0 to {limit - 1}); to regress on this column set Labels = CsvLabels.Values, or for that many classes set ClassCount (or MaxClassCount).");
            }
            int classIndex = (int)number;
            _largestClassIndex = Math.Max(_largestClassIndex, classIndex);
            return classIndex;
        }

        private (int[] Labels, int ClassCount, string[]? ClassNames) ResolveClasses()
        {
            int[] labels = [.. _labels];
            if (options.ClassNames is not null)
                return (labels, options.ClassNames.Count, [.. options.ClassNames]);
            if (!_labelsAreNames)
            {
                int classCount = options.ClassCount > 0 ? options.ClassCount : _largestClassIndex + 1;
                if (classCount < 2)
                    throw new CsvFormatException(source, 0, 0, null,
                        "every label is class 0, which makes one class: set ClassCount (2 or more) if the other classes are just absent here, " +
                        "or Labels = CsvLabels.Values to read the column as numbers (such as 0/1 targets for one sigmoid output).");
                return (labels, classCount, null);
            }

            // Numbered in ordinal order of the names, as scikit-learn's LabelEncoder does.
            string[] names = [.. _classIndexByName.Keys.Order(StringComparer.Ordinal)];
            if (names.Length < 2 && options.ClassCount == 0)
                throw new CsvFormatException(source, 0, 0, null,
                    $"every label is '{names[0]}', which makes one class: list the classes in ClassNames if the others are just absent here, or drop the label column.");
            if (options.ClassCount > 0 && options.ClassCount != names.Length)
                throw new CsvFormatException(source, 0, 0, null,
                    $"expected {options.ClassCount} classes (ClassCount) but the label column names {names.Length}: {string.Join(", ", names)}.");
            var renumbered = new int[names.Length];
            for (int i = 0; i < names.Length; i++)
                renumbered[_classIndexByName[names[i]]] = i;
            for (int row = 0; row < labels.Length; row++)
                labels[row] = renumbered[labels[row]];
            return (labels, names.Length, names);
        }

        private static Dictionary<string, int> GivenClassNames(IReadOnlyList<string>? names)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < (names?.Count ?? 0); i++)
                index.TryAdd(names![i], i);
            return index;
        }

        /// <summary>
        /// Whether the first line is a header: as <see cref="CsvOptions.Header"/> says, or detected: text in every column
        /// that holds a number on a data line. A line that mixes numbers and text is an error (a header with a numeric
        /// name, or a data line with a typo): taking it either way would lose a row or invent a column name.
        /// </summary>
        private bool IsHeader(List<string> fields, int lineNumber)
        {
            if (options.Header != CsvHeader.Detect)
                return options.Header == CsvHeader.Present;
            if (options.LabelColumnName is not null || options.LabelColumnNames is not null)
                return true;
            // A text class name in the label column is data, not a header.
            int[] textColumns = options.Labels == CsvLabels.Classes ? LabelColumnIndexes(fields.Count) : [];
            int firstText = -1, firstNumber = -1;
            for (int column = 0; column < fields.Count; column++)
            {
                // A missing value says nothing either way (it is reported as such later).
                if (Array.IndexOf(textColumns, column) >= 0 || _missingMarkers.Contains(fields[column]))
                    continue;
                if (T.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    firstNumber = firstNumber < 0 ? column : firstNumber;
                else
                    firstText = firstText < 0 ? column : firstText;
            }
            if (firstText >= 0 && firstNumber >= 0)
                throw new CsvFormatException(source, lineNumber, firstText + 1, null,
                    $"the first line mixes text ('{fields[firstText]}') and numbers ('{fields[firstNumber]}' in column {firstNumber + 1}), so it is neither clearly a header nor data: " +
                    "set Header = CsvHeader.Present if it is a header, or correct the value if it is data.");
            return firstText >= 0;
        }

        /// <summary>The label columns given by index, resolved against <paramref name="fieldCount"/> (columns outside the line are dropped here and reported by <see cref="ResolveLabelColumns"/>).</summary>
        private int[] LabelColumnIndexes(int fieldCount)
        {
            if (options.Labels == CsvLabels.None)
                return [];
            IReadOnlyList<int> given = options.LabelColumns ?? [options.LabelColumn];
            return [.. given.Select(column => column < 0 ? fieldCount + column : column).Where(column => column >= 0 && column < fieldCount)];
        }

        private void ResolveLabelColumns(int lineNumber)
        {
            IReadOnlyList<string>? names = options.LabelColumnNames ?? (options.LabelColumnName is null ? null : [options.LabelColumnName]);
            var columns = new List<int>();
            if (names is not null)
            {
                foreach (string name in names)
                {
                    int found = Array.IndexOf(_header!, name);
                    if (found < 0)
                        throw new CsvFormatException(source, lineNumber, 0, null,
                            $"the header has no column named '{name}'; its columns are {string.Join(", ", _header!)}.");
                    columns.Add(found);
                }
            }
            else if (options.Labels != CsvLabels.None)
            {
                foreach (int given in options.LabelColumns ?? [options.LabelColumn])
                {
                    int column = given < 0 ? _fieldCount + given : given;
                    if (column < 0 || column >= _fieldCount)
                        throw new CsvFormatException(source, lineNumber, 0, null,
                            $"the label column {given} is outside the {_fieldCount} columns of this line (use 0 to {_fieldCount - 1}, or -1 for the last).");
                    columns.Add(column);
                }
            }
            if (columns.Distinct().Count() != columns.Count)
                throw new CsvFormatException(source, lineNumber, 0, null, $"a label column is named twice (columns {string.Join(", ", columns.Select(column => column + 1))}).");

            _labelColumns = [.. columns];
            _isLabelColumn = new bool[_fieldCount];
            foreach (int column in columns)
                _isLabelColumn[column] = true;
            int inputSize = Math.Max(0, _fieldCount - columns.Count);
            _presentSums = new double[inputSize];
            _presentCounts = new int[inputSize];
        }

        private T ParseNumber(string text, int lineNumber, int column)
        {
            // Parsed straight into T so a float column is rounded once, not via double.
            if (!T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out T value))
                throw Error(lineNumber, column, $"'{text}' is not a number (expected invariant-culture notation such as 1.5 or -2e-3).");
            if (!T.IsFinite(value))
                throw Error(lineNumber, column, $"'{text}' is not a finite {typeof(T).Name}.");
            return value;
        }

        private CsvFormatException Error(int lineNumber, int column, string detail) =>
            new(source, lineNumber, column + 1, _header?[column], detail);
    }
}
