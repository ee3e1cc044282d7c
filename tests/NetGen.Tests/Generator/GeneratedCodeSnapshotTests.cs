using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>
/// Pins the generated source of the seed networks and a few other shapes. A change to the emitter
/// shows up here as a readable diff; accept it with tests/accept-snapshots.sh.
/// </summary>
public class GeneratedCodeSnapshotTests
{
    [Fact]
    public void Seed_4_3_1_sigmoid_network() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(4, 3, 1)]
        public partial class XorNet { }
        """);

    [Fact]
    public void Seed_2_2_2_step_by_step_network() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(2, 2, 2)]
        public partial class StepByStepNet { }
        """);

    [Fact]
    public void Seed_3_4_1_relu_binary_cross_entropy_network() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(3, 4, 1, Hidden = Activation.ReLU, Output = Activation.Sigmoid, Loss = LossFunction.BinaryCrossEntropy)]
        public partial class ReluNet { }
        """);

    [Fact]
    public void Digits_network_with_looped_layers_in_single_precision() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(64, 32, 10, Hidden = Activation.ReLU, Output = Activation.Softmax,
                 Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
        public partial class DigitsNet { }
        """);

    // Rule 12: layer 1 (64 x 200 floats, 51 KB, rows of 800 bytes) goes through the GradientBuffer in Backward.
    [Fact]
    public void Network_whose_Backward_defers_its_first_layers_weight_gradients() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(200, 64, 10, Hidden = Activation.ReLU, Output = Activation.Softmax,
                 Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
        public partial class WideInputNet { }
        """);

    // Rule 13: layer 1 (128 x 512 floats, 256 KB, 170 times layer 2) is split by units in Fit; GELU keeps Z1, so its
    // blocks carry Z1 as well as A1.
    [Fact]
    public void Network_whose_first_layer_Fit_splits_by_units() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(512, 128, 3, Hidden = Activation.GELU, Output = Activation.Softmax,
                 Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
        public partial class SplitNet { }
        """);

    // Predict and PredictBatch read the first layer, 9 inputs a unit, from an input-major copy of W1 that the kernel
    // checks against W1 on every call (NetworkPlan.PredictsFirstLayerFromColumns).
    [Fact]
    public void Network_whose_Predict_reads_a_first_layer_of_few_inputs_from_its_column_copy() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(9, 130, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Single)]
        public partial class TabularNet { }
        """);

    // Layer 1's 40 SiLU units take the layer kernels forward and back: below the unrolled output layer its delta is the
    // error sent back unit by unit, then one SiLUDerivativeFromInput call over the layer (not a scalar call per unit),
    // and the chunked batch code calls the same kernel row by row.
    [Fact]
    public void Network_whose_SiLU_layer_below_an_unrolled_layer_takes_its_derivative_kernel() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(5, 40, 1, Hidden = Activation.SiLU, Output = Activation.Identity, Precision = Precision.Single)]
        public partial class SwishNet { }
        """);

    // Layer 1 is looped, so the network keeps its layers in spans: its narrow GELU and Softplus layers are still activated as
    // one vector each (Kernels.GELU(Vector128<float>), Softplus(...)), their deltas multiplied by one packed derivative each, in Forward, in
    // Backward and row by row in the chunked batch code, so that every call gives a unit the in-locals pack's value.
    [Fact]
    public void Network_whose_narrow_smooth_layers_are_packed_in_spans() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(10, 20, 3, 2, Activations = new[] { Activation.ReLU, Activation.GELU, Activation.Softplus },
                 Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
        public partial class PackedSpansNet { }
        """);

    [Fact]
    public void Deep_network_with_one_activation_per_layer() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(4, 8, 6, 2, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.Identity },
                 Loss = LossFunction.MeanSquaredError)]
        public partial class DeepNet { }
        """);

    [Fact]
    public void Network_nested_in_a_static_class_in_the_global_namespace() => VerifyGenerated("""
        using NetGen;
        public static partial class Models
        {
            [Network(2, 3, 1, Hidden = Activation.LeakyReLU, Output = Activation.Identity)]
            internal partial class Tiny { }
        }
        """);

    [Fact]
    public void Dropout_network_in_locals() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(3, 4, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.GELU, Activation.Identity },
                 Loss = LossFunction.MeanSquaredError, DropoutRates = new[] { 0.5, 0.2 })]
        public partial class DropoutNet { }
        """);

    [Fact]
    public void Dropout_network_with_looped_layers() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        [Network(16, 12, 8, 3, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Softmax },
                 Loss = LossFunction.CrossEntropy, Dropout = 0.25, MaxUnrolledWeights = 96)]
        public partial class LoopedDropoutNet { }
        """);

    [Fact]
    public void Network_in_locals_whose_predict_reads_a_layer_of_three_inputs_from_a_column_copy() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        // Layer 1's 21 units: five groups of four and one unit; Predict reads W1's columns from a copy, in 16 + 4 lanes (8 + 8 + 4 with AVX2).
        [Network(3, 21, 1, Hidden = Activation.LeakyReLU, Output = Activation.Identity, Precision = Precision.Single)]
        public partial class TerrainNet { }
        """);

    [Fact]
    public void Network_in_locals_whose_predict_alone_reads_a_layer_of_eight_inputs_from_a_column_copy() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        // Layer 1's 10 units of 8 inputs: Predict holds units 0-7 in a vector read from a copy of W1 and units 8-9 as scalars;
        // the training calls keep every unit scalar (their groups would be gathered value by value).
        [Network(8, 10, 1, Hidden = Activation.LeakyReLU, Output = Activation.Identity, Precision = Precision.Single)]
        public partial class SensorNet { }
        """);

    [Fact]
    public void Sigmoid_layer_packed_into_one_512_bit_vector() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        // Layer 1's 10 sigmoid units: Predict, Backward and Train sum them in locals and take one Vector512 sigmoid of the
        // sums (the planner's rule 2); the batch calls keep one layer kernel call per chunk of rows (rule 10).
        [Network(9, 10, 3, Hidden = Activation.Sigmoid, Output = Activation.Identity, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
        public partial class GaugeNet { }
        """);

    [Fact]
    public void Network_whose_predict_takes_two_groups_of_doubles_as_one_512_bit_vector() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        // Layer 1's 36 units of three inputs in groups of four (rule 4): where 512-bit vectors are accelerated, Predict takes
        // groups 0-7 two at a time as vectors of eight units, their 24 weights moved into columns by permutes, and group 8
        // alone, and keeps the output row's eight chains in one 512-bit vector. The training kernels' forward pass pairs the
        // groups too (three inputs, nine groups); their backward pass, their output row and other hardware keep groups of four.
        [Network(3, 36, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Double)]
        public partial class ClimateNet { }
        """);

    [Fact]
    public void Network_in_locals_whose_batches_run_through_the_layer_kernels() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        // 16 hidden units: Predict, Backward and Train unrolled in locals, the batch calls in chunks (the planner's rule 10).
        [Network(2, 16, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Single)]
        public partial class SurfaceNet { }
        """);

    [Fact]
    public void Network_in_locals_with_a_wide_layer_of_one_input_in_vectors_of_four_units() => VerifyGenerated("""
        using NetGen;
        namespace Samples;
        // One input, 16 hidden units: every in-locals kernel computes four units per vector (the planner's rule 4), with a
        // unit-by-unit fallback; the batch calls run row by row in locals.
        [Network(1, 16, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Single)]
        public partial class SineNet { }
        """);

    private static void VerifyGenerated(string source, [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        GeneratedSourceResult generated = Assert.Single(run.Sources);
        SnapshotVerifier.Verify(generated.SourceText.ToString(), generated.HintName, nameof(GeneratedCodeSnapshotTests), testName);
    }
}
