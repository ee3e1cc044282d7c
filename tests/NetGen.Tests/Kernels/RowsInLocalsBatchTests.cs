using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using NetGen;

namespace NetGen.Tests.Kernels;

// Networks in locals of at most 24 parameters whose batches run in one method with the gradients in locals (Planner rule
// 16), one for each way BackwardRows holds a gradient: scalars only, a 128-bit vector of a row (4 floats, 2 doubles), a
// 256-bit one (8 floats, 4 doubles) with scalars after it; ReLU, leaky ReLU and identity layers; every loss without an
// exp; both precisions.
[Network(1, 1, 1, Activations = new[] { Activation.Identity, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
public partial class RowsLinear { }

[Network(4, 3, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
public partial class RowsFourFloats { }

[Network(9, 2, 1, Hidden = Activation.LeakyReLU, Output = Activation.Identity, Loss = LossFunction.L1, Precision = Precision.Single)]
public partial class RowsNineFloats { }

[Network(2, 4, 2, Hidden = Activation.LeakyReLU, Output = Activation.Identity, Loss = LossFunction.Huber)]
public partial class RowsDoubleVectors { }

[Network(2, 2, 2, 2, Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
public partial class RowsDeep { }

// Two networks whose rows take two passes (rule 11), whose second pass holds the gradients in locals: softmax with
// cross-entropy under tanh, a sigmoid output with binary cross-entropy.
[Network(2, 3, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class RowsTwoPassSoftmax { }

[Network(4, 3, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class RowsTwoPassBinary { }

/// <summary>
/// BackwardBatch of such a network is Backward's code for each row in one loop, the gradients in locals from the first
/// row to the last: the same additions in the same order as a call to Backward per row, so the batch calls must give
/// exactly what the per-row contract gives, bit for bit, and add into what the gradients already hold.
/// </summary>
public class RowsInLocalsBatchTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in new[] { nameof(RowsLinear), nameof(RowsFourFloats), nameof(RowsNineFloats), nameof(RowsDoubleVectors), nameof(RowsDeep), nameof(RowsTwoPassSoftmax), nameof(RowsTwoPassBinary) })
        {
            // 33 and 70 rows are two and three blocks of the two-pass networks (their losses summed across the blocks in row order).
            foreach (int rows in new[] { 1, 2, 7, 32, 33, 70 })
                data.Add(network, rows);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batch_calls_equal_the_per_row_contract_bit_for_bit(string network, int rows)
    {
        switch (network)
        {
            case nameof(RowsLinear): AssertRowsEqualPerRow<double>(() => new RowsLinear(3), rows); break;
            case nameof(RowsFourFloats): AssertRowsEqualPerRow<float>(() => new RowsFourFloats(3), rows); break;
            case nameof(RowsNineFloats): AssertRowsEqualPerRow<float>(() => new RowsNineFloats(3), rows); break;
            case nameof(RowsDoubleVectors): AssertRowsEqualPerRow<double>(() => new RowsDoubleVectors(3), rows); break;
            case nameof(RowsDeep): AssertRowsEqualPerRow<double>(() => new RowsDeep(3), rows); break;
            case nameof(RowsTwoPassSoftmax): AssertRowsEqualPerRow<float>(() => new RowsTwoPassSoftmax(3), rows); break;
            case nameof(RowsTwoPassBinary): AssertRowsEqualPerRow<double>(() => new RowsTwoPassBinary(3), rows); break;
            default: throw new ArgumentOutOfRangeException(nameof(network), network, null);
        }
    }

    [Fact]
    public void BackwardBatch_adds_to_the_gradients_it_finds()
    {
        // Two batches without ZeroGradients between them against the same rows through Backward: the second batch's
        // running sums start from the first batch's gradients, as Backward's additions would.
        var batched = new RowsDoubleVectors(5);
        var perRow = new RowsDoubleVectors(5);
        var random = new Random(7);
        double[] inputs = Enumerable.Range(0, 2 * 20).Select(_ => random.NextDouble() * 6 - 3).ToArray();
        double[] targets = Enumerable.Range(0, 2 * 20).Select(_ => random.NextDouble() - 0.5).ToArray();
        batched.BackwardBatch(inputs.AsSpan(0, 2 * 12), targets.AsSpan(0, 2 * 12));
        batched.BackwardBatch(inputs.AsSpan(2 * 12), targets.AsSpan(2 * 12));
        for (int row = 0; row < 20; row++)
            perRow.Backward(inputs.AsSpan(2 * row, 2), targets.AsSpan(2 * row, 2));
        Assert.Equal(perRow.Gradients.ToArray(), batched.Gradients.ToArray());

        // No rows: nothing added, nothing lost.
        double[] before = batched.Gradients.ToArray();
        Assert.Equal(0.0, batched.BackwardBatch(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty));
        Assert.Equal(before, batched.Gradients.ToArray());
    }

    private static void AssertRowsEqualPerRow<T>(Func<INetwork<T>> create, int rows)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The network really runs its batches through BackwardRows: the generated class has the method.
        Assert.NotNull(create().GetType().GetMethod("BackwardRows", BindingFlags.NonPublic | BindingFlags.Static));
        // Inputs over [-4, 4], wide enough to reach both sides of ReLU, leaky ReLU, L1 and Huber.
        BatchTests.AssertBatchEqualsPerRow(create, rows, exact: true, inputRange: 4);
    }
}
