using System;
using System.Collections.Generic;
using NetGen;

namespace NetGen.Runtime.Tests.Optimizers;

/// <summary>
/// The built-in optimizers' steps split by parameter ranges, as Fit runs them on several threads, give exactly what
/// one whole-block <see cref="IOptimizer{T}.Step"/> gives.
/// </summary>
public class RangedStepTests
{
    // Three full ranges and a short one whose length is no multiple of any vector width.
    private const int Length = 3 * ShardedBackward<float>.RangeLength + 37;

    public static IEnumerable<object[]> Optimizers()
    {
        yield return Case("Adam", () => new Adam<float>(learningRate: 0.01f));
        yield return Case("Adam with weight decay", () => new Adam<float>(learningRate: 0.01f, weightDecay: 0.1f));
        yield return Case("AdamW", () => new AdamW<float>(learningRate: 0.01f));
        yield return Case("RmsProp", () => new RmsProp<float>());
        yield return Case("RmsProp centred with momentum and weight decay", () => new RmsProp<float>(weightDecay: 0.1f, momentum: 0.9f, centered: true));
        yield return Case("Sgd", () => new Sgd<float>(0.1f));
        yield return Case("Sgd with momentum and weight decay", () => new Sgd<float>(0.1f, momentum: 0.9f, weightDecay: 0.1f));
        yield return Case("Sgd Nesterov", () => new Sgd<float>(0.1f, momentum: 0.9f, nesterov: true));
    }

    private static object[] Case(string name, Func<IOptimizer<float>> create) => [name, create];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Steps_by_ranges_in_any_order_equal_whole_steps_bit_for_bit(string name, Func<IOptimizer<float>> create)
    {
        Assert.NotNull(name);
        var whole = create();
        var ranged = (IRangedOptimizer<float>)create();
        float[] wholeParameters = Values(seed: 1), rangedParameters = Values(seed: 1);
        int ranges = ShardedBackward<float>.RangeCount(Length);
        Assert.Equal(4, ranges);

        for (int step = 0; step < 4; step++)
        {
            float[] gradients = Values(seed: 10 + (ulong)step);
            whole.Step(wholeParameters, gradients);

            ranged.BeginStep(Length);
            for (int i = ranges - 1; i >= 0; i--) // backwards: no range may depend on an earlier one
            {
                int start = i * ShardedBackward<float>.RangeLength;
                int length = Math.Min(ShardedBackward<float>.RangeLength, Length - start);
                ranged.StepRange(rangedParameters.AsSpan(start, length), gradients.AsSpan(start, length), start);
            }
            Assert.Equal(wholeParameters, rangedParameters);
        }
        Assert.NotEqual(Values(seed: 1), rangedParameters);
    }

    [Fact]
    public void BeginStep_refuses_a_block_of_another_length_while_the_state_is_kept()
    {
        IRangedOptimizer<float> adam = new Adam<float>();
        adam.BeginStep(Length);

        var error = Assert.Throws<ArgumentException>(() => adam.BeginStep(Length + 1));
        Assert.Contains($"{Length}", error.Message, StringComparison.Ordinal);
    }

    private static float[] Values(ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)random.NextNormal();
        return values;
    }
}
