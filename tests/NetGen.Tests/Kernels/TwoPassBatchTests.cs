using System;
using System.Numerics;
using System.Reflection;
using NetGen;

namespace NetGen.Tests.Kernels;

// Networks in locals whose batches run in two passes (Planner rule 11), one for each way a forward pass is kept: packed
// sigmoid layers, softmax with cross-entropy, a sigmoid output with binary cross-entropy, hidden layers whose derivative
// reads z (GELU, SiLU, Softplus) or a (ELU, tanh, leaky ReLU), both precisions.
[Network(4, 5, 3, Hidden = Activation.Sigmoid, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
public partial class TwoPassSoftmax { }

[Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
public partial class TwoPassBinary { }

[Network(3, 4, 4, 2, Activations = new[] { Activation.GELU, Activation.SiLU, Activation.Identity }, Loss = LossFunction.Huber, Precision = Precision.Single)]
public partial class TwoPassGeluSilu { }

[Network(2, 3, 3, 3, 1, Activations = new[] { Activation.ELU, Activation.Softplus, Activation.LeakyReLU, Activation.Tanh }, Loss = LossFunction.L1)]
public partial class TwoPassDeep { }

/// <summary>
/// BackwardBatch of a network in locals with an exp- or tanh-based layer runs each block of rows in two passes: every
/// row's forward pass, then every row's loss, deltas and gradients from what it kept. Both passes are Backward's
/// statements, so the batch calls must give exactly what the per-row contract gives, bit for bit (where the layer-kernel
/// batches may differ in summation order): the summed loss, the gradients, TrainBatch's mean loss and step.
/// </summary>
public class TwoPassBatchTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string network in new[] { nameof(TwoPassSoftmax), nameof(TwoPassBinary), nameof(TwoPassGeluSilu), nameof(TwoPassDeep), nameof(ChainedBottleneck), nameof(Networks.SeedNet431) })
        {
            foreach (int rows in new[] { 1, 2, 31, 32, 33, 70 })
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
            case nameof(TwoPassSoftmax): AssertTwoPassesEqualPerRow<float>(() => new TwoPassSoftmax(3), rows); break;
            case nameof(TwoPassBinary): AssertTwoPassesEqualPerRow<double>(() => new TwoPassBinary(3), rows); break;
            case nameof(TwoPassGeluSilu): AssertTwoPassesEqualPerRow<float>(() => new TwoPassGeluSilu(3), rows); break;
            case nameof(TwoPassDeep): AssertTwoPassesEqualPerRow<double>(() => new TwoPassDeep(3), rows); break;
            case nameof(ChainedBottleneck): AssertTwoPassesEqualPerRow<float>(() => new ChainedBottleneck(3), rows); break;
            case nameof(Networks.SeedNet431): AssertTwoPassesEqualPerRow<double>(() => new Networks.SeedNet431(3), rows); break;
            default: throw new ArgumentOutOfRangeException(nameof(network), network, null);
        }
    }

    private static void AssertTwoPassesEqualPerRow<T>(Func<INetwork<T>> create, int rows)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The network really runs its batches in two passes: its plan's block size is a constant of the generated class.
        Assert.NotNull(create().GetType().GetField("KeptForwardRows", BindingFlags.NonPublic | BindingFlags.Static));
        // Inputs over [-4, 4], wide enough to reach every branch of the activations (ReLU's zero, ELU's negative side).
        BatchTests.AssertBatchEqualsPerRow(create, rows, exact: true, inputRange: 4);
    }
}
