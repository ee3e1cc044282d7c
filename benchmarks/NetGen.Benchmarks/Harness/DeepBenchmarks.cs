#if NETGEN
using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using NetGen.Benchmarks.Networks;

namespace NetGen.Benchmarks.Harness;

/// <summary>
/// <c>Train</c> of two deeper all-unrolled networks (not C workloads, so no ratio): whether their large
/// in-locals training kernels stay inlined (docs/benchmarks.md notes, "Large unrolled kernels").
/// Run with <c>dotnet benchmarks/NetGen.Benchmarks/bin/Release/net10.0/NetGen.Benchmarks.dll --deep</c>.
/// One sample = 2000 steps over 100 fixed random rows, from the same starting parameters each time.
/// </summary>
[IterationCount(501)]
public class Deep
{
    private const int Rows = 100, Steps = 2000;
    private readonly Deep7Net deep7 = new(seed: 1);
    private readonly Deep6Net deep6 = new(seed: 1);
    private readonly double[] start7 = new double[Deep7Net.ParameterCount], start6 = new double[Deep6Net.ParameterCount];
    private readonly double[] target = [1.0];
    private double[] inputs7 = [], inputs6 = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        inputs7 = Values(random, Rows * Deep7Net.InputSize);
        inputs6 = Values(random, Rows * Deep6Net.InputSize);
        deep7.Parameters.CopyTo(start7);
        deep6.Parameters.CopyTo(start6);
        var watch = Stopwatch.StartNew(); // tiered JIT and dynamic PGO reach their final code first
        while (watch.Elapsed < WorkloadBenchmarks.WarmUpPerOp)
        {
            Train7();
            Train6();
        }
    }

    [IterationSetup]
    public void RestoreParameters()
    {
        start7.CopyTo(deep7.Parameters);
        start6.CopyTo(deep6.Parameters);
    }

    [Benchmark(OperationsPerInvoke = Steps), MethodImpl(MethodImplOptions.NoInlining)] // as the runners' loops (Runners.cs)
    public double Train7()
    {
        double loss = 0;
        for (int k = 0, s = 0; k < Steps; k++, s = s + 1 == Rows ? 0 : s + 1)
            loss += deep7.Train(inputs7.AsSpan(s * Deep7Net.InputSize, Deep7Net.InputSize), target, 0.01);
        return loss;
    }

    [Benchmark(OperationsPerInvoke = Steps), MethodImpl(MethodImplOptions.NoInlining)] // as the runners' loops (Runners.cs)
    public double Train6()
    {
        double loss = 0;
        for (int k = 0, s = 0; k < Steps; k++, s = s + 1 == Rows ? 0 : s + 1)
            loss += deep6.Train(inputs6.AsSpan(s * Deep6Net.InputSize, Deep6Net.InputSize), target, 0.01);
        return loss;
    }

    private static double[] Values(Random random, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
            values[i] = random.NextDouble() * 4 - 2;
        return values;
    }
}
#endif
