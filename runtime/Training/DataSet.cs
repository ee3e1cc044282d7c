using System;

namespace NetGen;

/// <summary>A checked row-major data set: <see cref="Rows"/> rows of inputs and targets.</summary>
internal readonly record struct DataSet<T>(ReadOnlyMemory<T> Inputs, ReadOnlyMemory<T> Targets, int Rows, int InputSize, int OutputSize)
{
    /// <summary>Input row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> InputRow(int row) => Inputs.Span.Slice(row * InputSize, InputSize);

    /// <summary>Target row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> TargetRow(int row) => Targets.Span.Slice(row * OutputSize, OutputSize);
}
