using System;
using System.Linq;

namespace NetGen.Tests.Kernels;

/// <summary>PredictParallel gives exactly what PredictBatch gives, on every core.</summary>
public class PredictParallelTests
{
    [Fact]
    public void PredictParallel_matches_PredictBatch_row_for_row()
    {
        var network = new WideTanhSoftmax(seed: 3);
        const int Rows = 5003; // not a multiple of any chunk size
        var random = new Random(2);
        double[] inputs = Enumerable.Range(0, Rows * WideTanhSoftmax.InputSize).Select(_ => random.NextDouble()).ToArray();
        var sequential = new double[Rows * WideTanhSoftmax.OutputSize];
        var parallel = new double[Rows * WideTanhSoftmax.OutputSize];

        network.PredictBatch(inputs, sequential);
        network.PredictParallel(inputs, parallel);

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void PredictParallel_rejects_outputs_for_another_row_count()
    {
        var network = new WideTanhSoftmax(seed: 3);
        var error = Assert.Throws<ArgumentException>(() => network.PredictParallel(new double[40], new double[9]));
        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("Expected 2 rows, got 3", error.Message);
    }
}
