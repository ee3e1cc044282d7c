using System;
using System.Numerics;

namespace NetGen;

/// <summary>
/// A seeded split of a data set's rows into training, validation and test rows, by row index: shuffled (every row
/// equally likely to go anywhere) or stratified (each class keeps its share in every part). Each part lists its rows
/// in ascending order, so <see cref="Gather{T}"/> keeps the file order within a part.
/// </summary>
/// <remarks>
/// The same seed and row count (and, for <see cref="Stratified"/>, labels) always give the same split, on every machine.
/// Part sizes are fractions of the rows rounded to the nearest row; a stratified split rounds each class's share
/// by the largest-remainder rule, so the part sizes are still the rounded fractions of all rows.
/// </remarks>
public sealed class DataSplit
{
    // Mixed into the seed so that a split and Fit's shuffling with the same seed do not draw the same numbers.
    private const ulong SplitSeedSalt = 0x5350_4C49_5453_4545UL;

    private DataSplit(int[] training, int[] validation, int[] test)
    {
        Training = training;
        Validation = validation;
        Test = test;
    }

    /// <summary>The training rows, ascending.</summary>
    public int[] Training { get; }

    /// <summary>The validation rows, ascending; empty when the validation fraction was 0.</summary>
    public int[] Validation { get; }

    /// <summary>The test rows, ascending; empty when the test fraction was 0.</summary>
    public int[] Test { get; }

    /// <summary>Splits <paramref name="rows"/> rows at random.</summary>
    /// <param name="rows">The number of rows, 1 or more.</param>
    /// <param name="validationFraction">Share of the rows for validation, in [0, 1).</param>
    /// <param name="testFraction">Share of the rows for testing, in [0, 1); default 0.</param>
    /// <param name="seed">Seed of the random order.</param>
    /// <exception cref="ArgumentOutOfRangeException">A fraction out of range, or fractions that leave no training row.</exception>
    public static DataSplit Shuffled(int rows, double validationFraction, double testFraction = 0, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        (int validationRows, int testRows) = PartSizes(rows, validationFraction, testFraction);
        int[] order = new int[rows];
        for (int row = 0; row < rows; row++)
            order[row] = row;
        var random = new SeededRandom(unchecked((ulong)seed) ^ SplitSeedSalt);
        Shuffle(order, ref random);
        return Sorted(order.AsSpan(0, validationRows), order.AsSpan(validationRows, testRows), order.AsSpan(validationRows + testRows));
    }

    /// <summary>Splits the rows at random so that each class keeps its share of the rows in every part.</summary>
    /// <param name="labels">The class of each row, 0 or more.</param>
    /// <param name="validationFraction">Share of the rows for validation, in [0, 1).</param>
    /// <param name="testFraction">Share of the rows for testing, in [0, 1); default 0.</param>
    /// <param name="seed">Seed of the random order within each class.</param>
    /// <exception cref="ArgumentException">No labels, or a negative label.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A fraction out of range, or fractions that leave no training row.</exception>
    public static DataSplit Stratified(ReadOnlySpan<int> labels, double validationFraction, double testFraction = 0, int seed = 0)
    {
        if (labels.IsEmpty)
            ThrowHelper.ThrowEmptyBatch(nameof(labels));
        int rows = labels.Length;
        (int validationRows, int testRows) = PartSizes(rows, validationFraction, testFraction);

        // Rows grouped by class, in row order within a class: sorting (label, row) pairs keeps the work and
        // memory proportional to the rows, however large a label is.
        long[] labelAndRow = new long[rows];
        for (int row = 0; row < rows; row++)
        {
            if (labels[row] < 0)
                throw new ArgumentException($"Label of row {row} is {labels[row]}; expected a class index of 0 or more.", nameof(labels));
            labelAndRow[row] = ((long)labels[row] << 32) | (uint)row;
        }
        Array.Sort(labelAndRow);
        int[] grouped = new int[rows];
        var starts = new System.Collections.Generic.List<int>();
        for (int i = 0; i < rows; i++)
        {
            grouped[i] = (int)(labelAndRow[i] & uint.MaxValue);
            if (i == 0 || labelAndRow[i] >> 32 != labelAndRow[i - 1] >> 32)
                starts.Add(i);
        }
        starts.Add(rows);
        int classes = starts.Count - 1;
        int[] classStart = starts.ToArray();

        var random = new SeededRandom(unchecked((ulong)seed) ^ SplitSeedSalt);
        for (int c = 0; c < classes; c++)
            Shuffle(grouped.AsSpan(classStart[c], classStart[c + 1] - classStart[c]), ref random);

        int[] classSizes = new int[classes];
        for (int c = 0; c < classes; c++)
            classSizes[c] = classStart[c + 1] - classStart[c];
        int[] validationPerClass = Apportion(classSizes, validationRows, rows);
        int[] remaining = new int[classes];
        for (int c = 0; c < classes; c++)
            remaining[c] = classSizes[c] - validationPerClass[c];
        int[] testPerClass = Apportion(remaining, testRows, rows - validationRows);

        int[] validation = new int[validationRows];
        int[] test = new int[testRows];
        int[] training = new int[rows - validationRows - testRows];
        int v = 0, t = 0, r = 0;
        for (int c = 0; c < classes; c++)
        {
            ReadOnlySpan<int> group = grouped.AsSpan(classStart[c], classSizes[c]);
            group[..validationPerClass[c]].CopyTo(validation.AsSpan(v));
            v += validationPerClass[c];
            group.Slice(validationPerClass[c], testPerClass[c]).CopyTo(test.AsSpan(t));
            t += testPerClass[c];
            ReadOnlySpan<int> rest = group[(validationPerClass[c] + testPerClass[c])..];
            rest.CopyTo(training.AsSpan(r));
            r += rest.Length;
        }
        return Sorted(validation, test, training);
    }

    /// <summary>Copies the rows <paramref name="rows"/> of a row-major block into a new block, in the order given.</summary>
    /// <param name="values">Row-major values, a whole number of rows.</param>
    /// <param name="rowLength">Values per row, 1 or more.</param>
    /// <param name="rows">Row indices (for example <see cref="Training"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="values"/> is not whole rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row index outside the block.</exception>
    public static T[] Gather<T>(ReadOnlySpan<T> values, int rowLength, ReadOnlySpan<int> rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        int rowCount = ThrowHelper.RowCount(nameof(values), values.Length, rowLength);
        if ((long)rows.Length * rowLength > Array.MaxLength)
            throw new ArgumentException($"{rows.Length} rows of {rowLength} values are more than one array can hold.", nameof(rows));
        T[] gathered = new T[rows.Length * rowLength];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)rowCount)
                throw new ArgumentOutOfRangeException(nameof(rows), rows[i], $"Row index {rows[i]} at position {i} is outside the {rowCount} rows.");
            values.Slice(rows[i] * rowLength, rowLength).CopyTo(gathered.AsSpan(i * rowLength, rowLength));
        }
        return gathered;
    }

    /// <summary>The class index of each row of one-hot (or single 0/1) target rows, as <see cref="NetworkMetrics.ClassOf{T}"/> reads them.</summary>
    /// <exception cref="ArgumentException"><paramref name="targets"/> is not whole rows of <paramref name="targetSize"/>.</exception>
    public static int[] ClassesOf<T>(ReadOnlySpan<T> targets, int targetSize)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetSize, 1);
        int rows = ThrowHelper.RowCount(nameof(targets), targets.Length, targetSize);
        int[] classes = new int[rows];
        for (int row = 0; row < rows; row++)
            classes[row] = NetworkMetrics.ClassOf(targets.Slice(row * targetSize, targetSize));
        return classes;
    }

    private static (int ValidationRows, int TestRows) PartSizes(int rows, double validationFraction, double testFraction)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be in [0, 1).");
        if (!(testFraction >= 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in [0, 1).");
        int validationRows = (int)Math.Round(rows * validationFraction, MidpointRounding.AwayFromZero);
        int testRows = (int)Math.Round(rows * testFraction, MidpointRounding.AwayFromZero);
        if (validationRows + testRows >= rows)
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                $"Validation fraction {validationFraction} and test fraction {testFraction} of {rows} rows take {validationRows} + {testRows} rows and leave no training row.");
        return (validationRows, testRows);
    }

    /// <summary>
    /// Shares <paramref name="total"/> rows among classes in proportion to their sizes (which sum to <paramref name="of"/>):
    /// each class gets the whole part of its quota, and the rows left over go one each to the classes with the largest
    /// remainders (ties to the lower class). The quotas sum to <paramref name="total"/>, so one pass is enough.
    /// </summary>
    private static int[] Apportion(int[] sizes, int total, int of)
    {
        int[] shares = new int[sizes.Length];
        if (of == 0 || total == 0)
            return shares;
        int given = 0;
        long[] remainders = new long[sizes.Length];
        int[] byRemainder = new int[sizes.Length];
        for (int c = 0; c < sizes.Length; c++)
        {
            shares[c] = (int)((long)sizes[c] * total / of);
            remainders[c] = (long)sizes[c] * total % of;
            byRemainder[c] = c;
            given += shares[c];
        }
        Array.Sort(byRemainder, (x, y) => remainders[x] != remainders[y] ? remainders[y].CompareTo(remainders[x]) : x.CompareTo(y));
        for (int i = 0; given < total; i++, given++)
            shares[byRemainder[i]]++;
        return shares;
    }

    private static void Shuffle(Span<int> order, ref SeededRandom random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static DataSplit Sorted(ReadOnlySpan<int> validation, ReadOnlySpan<int> test, ReadOnlySpan<int> training)
    {
        int[] validationRows = validation.ToArray();
        int[] testRows = test.ToArray();
        int[] trainingRows = training.ToArray();
        Array.Sort(validationRows);
        Array.Sort(testRows);
        Array.Sort(trainingRows);
        return new DataSplit(trainingRows, validationRows, testRows);
    }
}
