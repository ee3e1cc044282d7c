using System;
using System.Diagnostics.CodeAnalysis;

namespace NetGen;

/// <summary>
/// Throws the argument exceptions generated code needs. Kept out of line so the hot kernels that
/// check their arguments stay small enough to inline.
/// </summary>
public static class ThrowHelper
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the expected and actual length of a span.</summary>
    [DoesNotReturn]
    public static void ThrowLengthMismatch(string parameterName, int expected, int actual) =>
        throw new ArgumentException($"Expected a span of length {expected}, got length {actual}.", parameterName);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the expected and actual length of a generated
    /// per-sample call's span. The generated checks pass an enum constant, not a string: in the branch
    /// that throws, the JIT loads a string literal with a helper call, and the lengths the message
    /// reports then have to survive that call, which makes the JIT keep them in callee-saved registers
    /// or on the stack for the whole kernel, and for its caller's loop where the kernel is inlined.
    /// </summary>
    [DoesNotReturn]
    public static void ThrowLengthMismatch(SampleArgument argument, int expected, int actual) =>
        throw new ArgumentException($"Expected a span of length {expected}, got length {actual}.", argument switch
        {
            SampleArgument.Input => "input",
            SampleArgument.Output => "output",
            _ => "target",
        });

    /// <summary>
    /// Throws an <see cref="ArgumentOutOfRangeException"/> for a generated training call's learning rate that is
    /// negative, NaN or infinite: NaN or infinity would make every parameter NaN, a negative rate climbs the loss.
    /// No name is passed, for the reason <see cref="ThrowLengthMismatch(SampleArgument, int, int)"/> gives.
    /// </summary>
    [DoesNotReturn]
    public static void ThrowInvalidLearningRate(double learningRate) =>
        throw new ArgumentOutOfRangeException("learningRate", learningRate, "Expected a finite learning rate of 0 or more.");

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> for vector lanes that run past the end of a span.</summary>
    [DoesNotReturn]
    public static void ThrowLanesOutOfRange(int start, int lanes, int length) =>
        throw new ArgumentOutOfRangeException(nameof(start), start, $"{lanes} values from {start} on do not fit in a span of length {length}.");

    /// <summary>Throws an <see cref="ArgumentException"/> for a row-major batch whose length is not a whole number of rows.</summary>
    [DoesNotReturn]
    public static void ThrowNotWholeRows(string parameterName, int rowLength, int actual) =>
        throw new ArgumentException($"Expected a whole number of rows of length {rowLength}, got length {actual}.", parameterName);

    /// <summary>Throws an <see cref="ArgumentException"/> when two row-major batches hold different numbers of rows.</summary>
    [DoesNotReturn]
    public static void ThrowRowCountMismatch(string parameterName, int expectedRows, int actualRows) =>
        throw new ArgumentException($"Expected {expectedRows} rows, got {actualRows}.", parameterName);

    /// <summary>Throws an <see cref="ArgumentException"/> for a batch with no rows where at least one is needed.</summary>
    [DoesNotReturn]
    public static void ThrowEmptyBatch(string parameterName) =>
        throw new ArgumentException("Expected at least 1 row, got 0.", parameterName);

    /// <summary>
    /// Checks that two row-major buffers hold whole rows of their lengths and the same number of rows
    /// (inputs and targets, or inputs and outputs), and returns that number.
    /// </summary>
    public static int MatchingRowCount(string firstName, int firstLength, int firstRowLength, string secondName, int secondLength, int secondRowLength)
    {
        int rows = RowCount(firstName, firstLength, firstRowLength);
        int secondRows = RowCount(secondName, secondLength, secondRowLength);
        if (secondRows != rows)
            ThrowRowCountMismatch(secondName, rows, secondRows);
        return rows;
    }

    /// <summary>Checks that <paramref name="length"/> values split into <paramref name="rows"/> rows of one length and returns that length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is not positive.</exception>
    public static int RowLength(string parameterName, int length, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        int rowLength = length / rows;
        if (rowLength * rows != length)
            throw new ArgumentException($"Expected {rows} rows of equal length, got length {length}, which is not a multiple of {rows}.", parameterName);
        return rowLength;
    }

    /// <summary>Checks that <paramref name="length"/> holds whole rows of <paramref name="rowLength"/> and returns how many.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowLength"/> is not positive.</exception>
    public static int RowCount(string parameterName, int length, int rowLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowLength);
        int rows = length / rowLength;
        if (rows * rowLength != length)
            ThrowNotWholeRows(parameterName, rowLength, length);
        return rows;
    }
}

/// <summary>The span arguments of a generated network's per-sample calls, named by <see cref="ThrowHelper.ThrowLengthMismatch(SampleArgument, int, int)"/>.</summary>
public enum SampleArgument
{
    /// <summary>The <c>input</c> argument.</summary>
    Input,

    /// <summary>The <c>output</c> argument.</summary>
    Output,

    /// <summary>The <c>target</c> argument.</summary>
    Target,
}
