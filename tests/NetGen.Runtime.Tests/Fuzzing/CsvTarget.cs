using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>
/// CSV data through <see cref="CsvDataLoader.Read{T}(TextReader, CsvOptions?, string)"/>: a mutated file
/// either loads a data set whose every invariant holds (and, unmutated, exactly the table written), or
/// throws <see cref="CsvFormatException"/>.
/// </summary>
internal class CsvTarget : FuzzTarget
{
    private static readonly string[] ClassNamePool = ["cat", "dog", "emu", "yak"];

    public override string Name => "csv<Double>";

    public override bool IsText => true;

    /// <summary>What was written, to compare an unmutated load with.</summary>
    private sealed record Table(CsvOptions Options, double[] Inputs, double[] Targets, int[]? Labels, int InputSize, int TargetSize, string[]? ClassNames);

    public override FuzzCase MakeValid(Random random)
    {
        int inputSize = 1 + random.Next(4);
        int rows = 1 + random.Next(12);
        var labels = (CsvLabels)random.Next(3);
        int targetColumns = labels == CsvLabels.Values ? 1 + random.Next(2) : labels == CsvLabels.Classes ? 1 : 0;
        bool names = labels == CsvLabels.Classes && random.Next(3) == 0;
        int classes = 1 + random.Next(names ? ClassNamePool.Length : 6);
        var options = new CsvOptions
        {
            Labels = labels,
            LabelColumns = targetColumns > 1 ? [.. Enumerable.Range(inputSize, targetColumns)] : null,
            MaxClassCount = random.Next(2) == 0 ? CsvOptions.DefaultMaxClassCount : 8,
            MissingValues = (CsvMissingValues)random.Next(3),
            Header = random.Next(2) == 0 ? CsvHeader.Detect : CsvHeader.Absent,
        };
        bool header = options.Header == CsvHeader.Detect && random.Next(2) == 0;

        var text = new StringBuilder();
        if (header)
            text.AppendLine(string.Join(",", Enumerable.Range(0, inputSize + targetColumns).Select(c => $"c{c}")));
        var inputs = new double[rows * inputSize];
        var targets = new List<double>();
        var rowLabels = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            var fields = new List<string>();
            for (int c = 0; c < inputSize; c++)
            {
                inputs[row * inputSize + c] = Math.Round(random.NextDouble() * 200 - 100, random.Next(6));
                fields.Add(inputs[row * inputSize + c].ToString("R", CultureInfo.InvariantCulture));
            }
            if (labels == CsvLabels.Values)
            {
                for (int t = 0; t < targetColumns; t++)
                {
                    double value = Math.Round(random.NextDouble() * 10, 3);
                    targets.Add(value);
                    fields.Add(value.ToString("R", CultureInfo.InvariantCulture));
                }
            }
            else if (labels == CsvLabels.Classes)
            {
                rowLabels[row] = random.Next(classes);
                fields.Add(names ? ClassNamePool[rowLabels[row]] : rowLabels[row].ToString(CultureInfo.InvariantCulture));
            }
            text.Append(string.Join(",", fields)).Append(random.Next(5) == 0 ? "\r\n" : "\n");
        }

        Table table;
        if (labels == CsvLabels.Classes)
        {
            // Class indexes are as written; names are numbered in ordinal order of those present.
            string[]? present = names ? [.. rowLabels.Distinct().Select(i => ClassNamePool[i]).Order(StringComparer.Ordinal)] : null;
            int[] expected = names ? [.. rowLabels.Select(i => Array.IndexOf(present!, ClassNamePool[i]))] : rowLabels;
            int count = names ? present!.Length : rowLabels.Max() + 1;
            var oneHot = new double[rows * count];
            for (int row = 0; row < rows; row++)
                oneHot[row * count + expected[row]] = 1;
            table = new Table(options, inputs, oneHot, expected, inputSize, count, present);
        }
        else
            table = new Table(options, inputs, [.. targets], null, inputSize, targetColumns, null);
        return new FuzzCase(Encoding.UTF8.GetBytes(text.ToString()), table);
    }

    public override FuzzResult Load(FuzzCase valid, byte[] input)
    {
        var table = (Table)valid.State;
        LabeledDataSet<double> data;
        try
        {
            using var reader = new StreamReader(new MemoryStream(input, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            data = Read(reader, table.Options);
        }
        catch (CsvFormatException)
        {
            return FuzzResult.Rejected;
        }
#pragma warning disable CA1031 // Any other exception is exactly what the fuzzer reports.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return FuzzResult.Broke($"threw {exception.GetType().Name} instead of CsvFormatException: {exception.Message}");
        }

        string? broken = BrokenInvariant(data, table.Options, input);
        if (broken is null && input.AsSpan().SequenceEqual(valid.Bytes))
            broken = DifferenceFrom(table, data);
        return broken is null ? FuzzResult.Accepted : FuzzResult.Broke(broken, loaded: true);
    }

    /// <summary>The loader under test.</summary>
    protected virtual LabeledDataSet<double> Read(TextReader reader, CsvOptions options) => CsvDataLoader.Read<double>(reader, options, "fuzz.csv");

    public override long AllocationLimit(FuzzCase valid, int inputLength)
    {
        // Text, fields and lists cost a bounded amount per byte; one-hot targets at most the class
        // limit per row, and a row of a class label takes at least 4 bytes ("0,0\n").
        CsvOptions options = ((Table)valid.State).Options;
        long oneHotPerByte = (long)options.MaxClassCount * sizeof(double) / 4;
        return 256 * 1024 + inputLength * (400 + 3 * oneHotPerByte);
    }

    private static string? BrokenInvariant(LabeledDataSet<double> data, CsvOptions options, byte[] input)
    {
        // TextReader.ReadLine ends a line at \n, \r or \r\n: at most one line per such byte, plus the last.
        int lines = input.Count(b => b is (byte)'\n' or (byte)'\r') + 1;
        if (data.Rows < 1 || data.Rows > lines)
            return $"{data.Rows} rows from at most {lines} lines";
        if (data.Inputs.Length != (long)data.Rows * data.InputSize || data.Targets.Length != (long)data.Rows * data.TargetSize)
            return "array lengths do not match rows x sizes";
        if (!data.Inputs.All(double.IsFinite) || !data.Targets.All(double.IsFinite))
            return "a value that is not finite";
        switch (options.Labels)
        {
            case CsvLabels.None when data.TargetSize != 0:
                return "targets without labels";
            case CsvLabels.Values when data.TargetSize != (options.LabelColumns?.Count ?? 1):
                return $"{data.TargetSize} targets per row";
            case CsvLabels.Classes:
                if (data.Labels is null || data.TargetSize > options.MaxClassCount)
                    return $"{data.TargetSize} classes, limit {options.MaxClassCount}";
                for (int row = 0; row < data.Rows; row++)
                    for (int c = 0; c < data.TargetSize; c++)
                        if (data.Targets[row * data.TargetSize + c] != (c == data.Labels[row] ? 1 : 0))
                            return $"row {row} is not the one-hot row of its label";
                break;
        }
        if ((options.MissingValues == CsvMissingValues.FillWithMean) != (data.InputFillValues is not null))
            return "fill values present exactly when FillWithMean is set";
        return null;
    }

    private static string? DifferenceFrom(Table table, LabeledDataSet<double> data)
    {
        if (data.InputSize != table.InputSize || data.TargetSize != table.TargetSize)
            return $"sizes {data.InputSize}/{data.TargetSize}, written {table.InputSize}/{table.TargetSize}";
        if (!data.Inputs.SequenceEqual(table.Inputs) || !data.Targets.SequenceEqual(table.Targets))
            return "values differ from those written";
        if (table.Labels is not null && !data.Labels!.SequenceEqual(table.Labels))
            return "labels differ from those written";
        if (table.ClassNames is not null && !data.ClassNames!.SequenceEqual(table.ClassNames))
            return "class names differ from those written";
        return null;
    }
}
