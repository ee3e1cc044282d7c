using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Tests.Kernels;

/// <summary>Predict keeps no instance scratch (but the column copy of ColumnCopyTests): many threads may call it at once while nothing trains.</summary>
public class ConcurrencyTests
{
    [Fact]
    public void Predict_from_8_threads_at_once_matches_sequential_results()
    {
        var network = new WideTanhSoftmax(seed: 5);
        const int Rows = 2000;
        var random = new Random(1);
        double[] inputs = Enumerable.Range(0, Rows * WideTanhSoftmax.InputSize).Select(_ => random.NextDouble()).ToArray();
        var expected = new double[Rows * WideTanhSoftmax.OutputSize];
        network.PredictBatch(inputs, expected);

        var results = new double[8][];
        using var start = new Barrier(8);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            var mine = new double[Rows * WideTanhSoftmax.OutputSize];
            start.SignalAndWait();
            for (int row = 0; row < Rows; row++)
                network.Predict(inputs.AsSpan(row * WideTanhSoftmax.InputSize, WideTanhSoftmax.InputSize), mine.AsSpan(row * WideTanhSoftmax.OutputSize, WideTanhSoftmax.OutputSize));
            results[thread] = mine;
        });

        foreach (double[] result in results)
            Assert.Equal(expected, result);
    }
}
