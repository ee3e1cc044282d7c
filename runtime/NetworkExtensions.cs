using System;
using System.Numerics;
using System.Threading.Tasks;

namespace NetGen;

/// <summary>Conveniences over the generated per-sample contract.</summary>
public static class NetworkExtensions
{
    /// <summary>Rows per parallel work item: large enough that scheduling costs vanish next to the arithmetic.</summary>
    private const int MinimumRowsPerChunk = 64;

    /// <summary>
    /// Writes the outputs of many input rows (row-major) using every core: the rows are split into
    /// chunks that run <see cref="INetwork{T}.PredictBatch"/> in parallel. Worth it from a few
    /// thousand rows up; below that, call <see cref="INetwork{T}.PredictBatch"/> directly.
    /// </summary>
    /// <param name="network">The network; nothing may train it meanwhile.</param>
    /// <param name="inputs">Rows of <see cref="INetwork{T}.InputSize"/> values.</param>
    /// <param name="outputs">Receives rows of <see cref="INetwork{T}.OutputSize"/> values.</param>
    /// <param name="maxDegreeOfParallelism">At most this many threads; -1 for as many as the runtime likes.</param>
    /// <exception cref="ArgumentException">The buffers do not hold the same whole number of rows.</exception>
    public static void PredictParallel<T>(this INetwork<T> network, ReadOnlyMemory<T> inputs, Memory<T> outputs, int maxDegreeOfParallelism = -1)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        int inputSize = network.InputSize, outputSize = network.OutputSize;
        int rows = ThrowHelper.MatchingRowCount(nameof(inputs), inputs.Length, inputSize, nameof(outputs), outputs.Length, outputSize);

        int chunk = Math.Max(MinimumRowsPerChunk, rows / (4 * Environment.ProcessorCount));
        int chunks = (rows + chunk - 1) / chunk;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, chunks, options, index =>
        {
            int start = index * chunk, count = Math.Min(chunk, rows - start);
            network.PredictBatch(inputs.Span.Slice(start * inputSize, count * inputSize), outputs.Span.Slice(start * outputSize, count * outputSize));
        });
    }
}
