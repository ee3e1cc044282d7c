using System;

namespace NetGen;

/// <summary>A CSV file could not be read as a numeric data set. The message names the file, the line and, where there is one, the column.</summary>
public sealed class CsvFormatException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CsvFormatException()
        : base("The CSV data is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CsvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a place in a file; the message is prefixed with that place.</summary>
    /// <param name="source">The file name, or a description of the text read.</param>
    /// <param name="line">One-based line number, or 0 when the problem is the file as a whole.</param>
    /// <param name="column">One-based column (field) number, or 0 when the problem is the whole line.</param>
    /// <param name="columnName">The column's header name, if known.</param>
    /// <param name="detail">What is wrong.</param>
    public CsvFormatException(string source, int line, int column, string? columnName, string detail)
        : base(FormatMessage(source, line, column, columnName, detail))
    {
        FileName = source;
        Line = line;
        Column = column;
    }

    /// <summary>The file name (or description of the text) the problem is in; null when not created for a place.</summary>
    public string? FileName { get; }

    /// <summary>One-based line number of the problem, or 0 for the file as a whole.</summary>
    public int Line { get; }

    /// <summary>One-based column (field) number of the problem, or 0 for a whole line.</summary>
    public int Column { get; }

    private static string FormatMessage(string source, int line, int column, string? columnName, string detail)
    {
        string place = source;
        if (line > 0)
            place += $", line {line}";
        if (column > 0)
            place += columnName is null ? $", column {column}" : $", column {column} ('{columnName}')";
        return $"{place}: {detail}";
    }
}
