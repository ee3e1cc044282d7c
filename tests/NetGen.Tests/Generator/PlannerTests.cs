using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NetGen.Generator;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>The planner's decisions for representative shapes, read from the plan, not from generated text.</summary>
public class PlannerTests
{
    internal static NetworkModel Model(string name, int[] sizes, ActivationKind[] activations, LossKind loss = LossKind.HalfSquaredError,
        PrecisionKind precision = PrecisionKind.Double, int? maxUnrolledWeights = null) =>
        new(null, EquatableArray<ContainingType>.Empty, name, "Network", sizes.ToEquatableArray(), activations.ToEquatableArray(),
            loss, precision, InitializerKind.Default, maxUnrolledWeights);

    /// <summary>The plan Predict and the per-sample calls run in locals by: the network's own, or its in-locals plan (rules 9 and 10).</summary>
    private static NetworkPlan InLocals(NetworkPlan plan) => Assert.IsType<NetworkPlan>(plan.PredictPlanInLocals);

    [Fact]
    public void A_tutorial_network_is_unrolled_runs_in_locals_and_packs_its_sigmoid_layer()
    {
        NetworkPlan plan = Planner.Plan(Model("Xor", new[] { 4, 3, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid }));

        Assert.All(plan.Layers, layer => Assert.Equal(CodeShape.Unrolled, layer.Shape));
        Assert.True(plan.RunsInLocals);
        Assert.True(plan.Layers[0].PacksActivation);
        Assert.False(plan.Layers[1].PacksActivation); // a single neuron stays scalar
        Assert.Equal(0, plan.BatchChunkRows);
        Assert.Equal((3 + 1) + 1, plan.ActivationCount); // a1, a2, then the logits z2
        Assert.Equal(4, plan.LogitsOffset);
        Assert.Equal(4 * 3 + 3 + 3 + 1, plan.ParameterCount);
    }

    [Theory]
    [InlineData(nameof(ActivationKind.GELU))]
    [InlineData(nameof(ActivationKind.SiLU))]
    [InlineData(nameof(ActivationKind.ELU))]
    [InlineData(nameof(ActivationKind.Softplus))]
    public void A_narrow_unrolled_layer_of_a_smooth_activation_is_packed_in_locals_and_in_spans(string name)
    {
        var kind = Enum.Parse<ActivationKind>(name);
        // 3-7-2-1: a hidden layer of 7 units packs whatever the kind; one of 2 only where two scalar calls cost more than a
        // pack (GELU and Softplus, not SiLU or ELU, whose calls are cheaper); the output layer of 1 unit stays scalar.
        NetworkPlan plan = Planner.Plan(Model("Smooth", new[] { 3, 7, 2, 1 }, new[] { kind, kind, kind }));
        Assert.True(plan.RunsInLocals);
        Assert.True(plan.Layers[0].PacksActivation && plan.Layers[0].PacksInSpans);
        int minimum = ActivationInfo.Of(kind).MinPackedUnits;
        Assert.Equal(kind is ActivationKind.GELU or ActivationKind.Softplus ? 2 : kind == ActivationKind.ELU ? 4 : 6, minimum);
        Assert.Equal(minimum <= 2, plan.Layers[1].PacksActivation);
        Assert.False(plan.Layers[2].PacksActivation);
        NetworkPlan justBelow = Planner.Plan(Model("Below", new[] { 3, Math.Max(minimum - 1, 1), 1 }, new[] { kind, ActivationKind.Identity }));
        Assert.False(justBelow.Layers[0].PacksActivation);
        NetworkPlan atMinimum = Planner.Plan(Model("At", new[] { 3, minimum, 1 }, new[] { kind, ActivationKind.Identity }));
        Assert.True(atMinimum.Layers[0].PacksActivation);

        // Past one 512-bit vector (9 doubles), the layer kernel activates the layer: no pack. Up to it (8 doubles), Predict
        // and the per-sample calls pack it in locals.
        NetworkPlan widePlan = Planner.Plan(Model("Wide", new[] { 3, 9, 1 }, new[] { kind, ActivationKind.Identity }));
        Assert.Equal(ActivationStep.LayerKernel, widePlan.Layers[0].Step);
        Assert.False(widePlan.Layers[0].PacksActivation);
        Assert.Null(widePlan.PredictPlanInLocals);
        NetworkPlan fullPlan = Planner.Plan(Model("Full", new[] { 3, 8, 1 }, new[] { kind, ActivationKind.Identity }));
        Assert.True(InLocals(fullPlan).Layers[0].PacksActivation);

        // Behind a looped layer the network keeps its layers in spans; its narrow unrolled layer still packs there.
        NetworkPlan spans = Planner.Plan(Model("Spans", new[] { 40, 9, 7 }, new[] { ActivationKind.ReLU, kind }, precision: PrecisionKind.Single));
        Assert.False(spans.RunsInLocals);
        Assert.Equal(CodeShape.Unrolled, spans.Layers[1].Shape);
        Assert.True(spans.Layers[1].PacksInSpans);
    }

    [Fact]
    public void A_narrow_sigmoid_layer_packs_in_locals_only()
    {
        NetworkPlan plan = Planner.Plan(Model("Sigmoid", new[] { 10, 20, 3 }, new[] { ActivationKind.ReLU, ActivationKind.Sigmoid }));
        Assert.True(plan.Layers[1].PacksActivation);
        Assert.False(plan.Layers[1].PacksInSpans);
    }

    [Fact]
    public void A_digits_network_loops_both_layers_and_batches_its_first_layer()
    {
        NetworkPlan plan = Planner.Plan(Model("Digits", new[] { 64, 32, 10 }, new[] { ActivationKind.ReLU, ActivationKind.Softmax },
            LossKind.CrossEntropy, PrecisionKind.Single));

        Assert.All(plan.Layers, layer => Assert.Equal(CodeShape.Loops, layer.Shape));
        Assert.All(plan.Layers, layer => Assert.Equal(ActivationStep.LayerKernel, layer.Step));
        Assert.False(plan.RunsInLocals);
        Assert.Equal(PlanLimits.Default.BatchChunkRows, plan.BatchChunkRows);
        Assert.Equal(PlanLimits.Default.BatchChunkRows, plan.PredictBatchChunkRows);
        Assert.Equal(new[] { 0, 32 }, plan.Layers.Select(layer => layer.ActivationOffset));
        Assert.Equal(42, plan.OutputLayer.PreActivationOffset); // the logits follow every layer's output
    }

    [Theory]
    [InlineData(false, 9)]
    [InlineData(true, 17)]
    public void A_sigmoid_layer_too_wide_for_one_512_bit_vector_is_activated_by_one_kernel_call(bool single, int width)
    {
        NetworkPlan plan = Planner.Plan(Model("Wide", new[] { 2, width, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Identity },
            precision: single ? PrecisionKind.Single : PrecisionKind.Double));

        Assert.Equal(CodeShape.Unrolled, plan.Layers[0].Shape);
        Assert.Equal(ActivationStep.LayerKernel, plan.Layers[0].Step);
        Assert.False(plan.Layers[0].PacksActivation);
        Assert.False(plan.RunsInLocals);
    }

    [Theory]
    [InlineData(false, 8)]
    [InlineData(true, 12)]
    public void A_sigmoid_output_layer_as_wide_as_the_layer_kernels_take_is_not_packed(bool single, int width)
    {
        // The training calls never pack a sigmoid output (its loss is fused with it): packed for Predict alone, it would
        // leave Backward a scalar sigmoid per unit, so it stays one kernel call and the network out of locals.
        NetworkPlan plan = Planner.Plan(Model("MultiLabel", new[] { 3, 4, width }, new[] { ActivationKind.ReLU, ActivationKind.Sigmoid },
            LossKind.BinaryCrossEntropy, precision: single ? PrecisionKind.Single : PrecisionKind.Double));

        Assert.False(plan.Layers[1].PacksActivation);
        Assert.Equal(ActivationStep.LayerKernel, plan.Layers[1].Step);
        Assert.False(plan.RunsInLocals);
        Assert.Null(plan.PredictPlanInLocals);
    }

    [Theory]
    [InlineData(false, 2, 8)]
    [InlineData(true, 2, 8)]
    [InlineData(true, 6, 12)]
    [InlineData(true, 9, 10)]
    [InlineData(true, 12, 16)]
    public void A_sigmoid_layer_that_fits_one_512_bit_vector_packs_in_locals_and_its_batches_run_in_chunks(bool single, int inputs, int width)
    {
        // Rule 2: one vector sigmoid of the layer's sums in Predict's (and the per-sample calls') locals; rule 10: the batch
        // calls keep one kernel call per layer for a chunk of rows, where row by row each row would wait for its own pack.
        NetworkPlan plan = Planner.Plan(Model("Packed", new[] { inputs, width, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Identity },
            precision: single ? PrecisionKind.Single : PrecisionKind.Double));
        NetworkPlan inLocals = InLocals(plan);

        Assert.True(inLocals.RunsInLocals);
        Assert.True(inLocals.Layers[0].PacksActivation);
        Assert.Equal(ActivationStep.PerNeuron, inLocals.Layers[0].Step);
        Assert.False(plan.RunsInLocals);
        Assert.True(plan.TrainsInChunks);
        Assert.Equal(ActivationStep.LayerKernel, plan.Layers[0].Step);
    }

    [Fact]
    public void ReLU_layers_stay_neuron_by_neuron_however_wide_when_unrolled()
    {
        // 20 hidden units: the batch calls run in chunks (rule 10), Predict and the per-sample calls in locals.
        NetworkPlan plan = InLocals(Planner.Plan(Model("Relu", new[] { 2, 20, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Identity })));

        Assert.Equal(ActivationStep.PerNeuron, plan.Layers[0].Step);
        Assert.True(plan.RunsInLocals);
    }

    [Theory]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.LeakyReLU)]
    [InlineData(Activation.Identity)]
    public void A_small_network_whose_wide_layers_are_arithmetic_is_unrolled_whole_and_runs_in_locals(Activation hiddenActivation)
    {
        var hidden = (ActivationKind)hiddenActivation;
        // 10-7-1 and 8-10-1 of the sweep, 12-12-1 and 11-11-11-1 outside it: 70 to 253 weights, layers of 70 to 144.
        foreach (int[] sizes in new[] { new[] { 10, 7, 1 }, new[] { 8, 10, 1 }, new[] { 12, 12, 1 }, new[] { 11, 11, 11, 1 } })
        {
            ActivationKind[] activations = Enumerable.Repeat(hidden, sizes.Length - 2).Append(ActivationKind.Identity).ToArray();
            NetworkPlan whole = Planner.Plan(Model("Small", sizes, activations));
            NetworkPlan plan = InLocals(whole);

            Assert.All(plan.Layers, layer => Assert.Equal(CodeShape.Unrolled, layer.Shape));
            Assert.True(plan.RunsInLocals, string.Join("-", sizes));
            Assert.Equal(PlanLimits.Default.MaxInLocalsNetworkWeights, plan.Layers[0].UnrollLimit);
            // 11-11-11-1 has 22 hidden units: its batch calls run in chunks (rule 10); the others' row by row in locals.
            Assert.Equal(sizes.Skip(1).Take(sizes.Length - 2).Sum() >= PlanLimits.Default.MinChunkedBatchHiddenUnits, whole.TrainsInChunks);
        }
    }

    [Fact]
    public void A_network_in_locals_with_16_or_more_hidden_units_trains_its_batches_in_chunks()
    {
        var relu = new[] { ActivationKind.ReLU, ActivationKind.Identity };
        NetworkModel wide = Model("Wide", new[] { 2, 64, 1 }, relu, precision: PrecisionKind.Single);
        NetworkPlan plan = Planner.Plan(wide);

        // The layers as with MaxUnrolledWeights = 0, for the batch calls (and Loss); the declaration as it was.
        Assert.Equal(wide, plan.Model);
        Assert.All(plan.Layers, layer => Assert.Equal(CodeShape.Loops, layer.Shape));
        Assert.False(plan.RunsInLocals);
        Assert.Equal(PlanLimits.Default.BatchChunkRows, plan.BatchChunkRows);
        // Predict, Backward and Train exactly as the network in locals had them.
        Assert.True(plan.TrainsSamplesInLocals);
        NetworkPlan inLocals = Assert.IsType<NetworkPlan>(plan.PredictInLocals);
        Assert.True(inLocals.RunsInLocals);
        Assert.All(inLocals.Layers, layer => Assert.Equal(CodeShape.Unrolled, layer.Shape));
        Assert.Equal(0, plan.PredictBatchChunkRows); // PredictBatch runs Predict row by row

        // The bound, counted over every hidden layer: 15 units row by row, 16 in chunks (one layer or two).
        Assert.False(Planner.Plan(Model("Fifteen", new[] { 2, 15, 1 }, relu)).TrainsInChunks);
        Assert.True(Planner.Plan(Model("Sixteen", new[] { 2, 16, 1 }, relu)).TrainsInChunks);
        Assert.True(Planner.Plan(Model("Two", new[] { 2, 8, 8, 1 }, new[] { ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Identity })).TrainsInChunks);
        Assert.False(Planner.Plan(Model("Sixteen", new[] { 2, 16, 1 }, relu), PlanLimits.Default with { MinChunkedBatchHiddenUnits = 17 }).TrainsInChunks);

        // A declared unroll limit, or dropout, keeps the network in locals, its batches row by row.
        NetworkPlan declared = Planner.Plan(Model("Declared", new[] { 2, 64, 1 }, relu, maxUnrolledWeights: 256));
        Assert.True(declared.RunsInLocals);
        Assert.False(declared.TrainsInChunks);
        NetworkPlan dropout = Planner.Plan(wide with { DropoutRates = new[] { 0.25, 0.0 }.ToEquatableArray() });
        Assert.True(dropout.RunsInLocals);
        Assert.False(dropout.TrainsInChunks);

        // So does a layer whose units are in vectors of four (one input): its rows train faster one by one in locals.
        NetworkPlan grouped = Planner.Plan(Model("Grouped", new[] { 1, 64, 1 }, relu, precision: PrecisionKind.Single));
        Assert.True(grouped.RunsInLocals);
        Assert.True(grouped.Layers[0].GroupsUnits);
        Assert.False(grouped.TrainsInChunks);
    }

    [Fact]
    public void A_network_in_locals_that_trains_its_batches_row_by_row_runs_them_in_two_passes()
    {
        // Rule 11: 17-1-5 tanh keeps a1, then z2 and a2 of every output (the losses read the logits).
        NetworkPlan plan = Planner.Plan(Model("Bottleneck", new[] { 17, 1, 5 }, new[] { ActivationKind.Tanh, ActivationKind.Identity }, precision: PrecisionKind.Single));
        Assert.True(plan.RunsInLocals);
        Assert.False(plan.TrainsInChunks);
        Assert.Equal(PlanLimits.Default.BatchChunkRows, plan.KeptForwardRows);
        Assert.Equal(new[] { (1, 0, false), (2, 0, true), (2, 0, false), (2, 1, true), (2, 1, false) }, plan.KeptForwardValues().Take(5));
        Assert.Equal(1 + 2 * 5, plan.KeptForwardLength);

        // A hidden layer whose derivative reads z keeps z before a.
        NetworkPlan gelu = Planner.Plan(Model("Gelu", new[] { 3, 4, 2 }, new[] { ActivationKind.GELU, ActivationKind.Identity }));
        Assert.True(gelu.TrainsBatchesInTwoPasses);
        Assert.Equal(2 * 4 + 2 * 2, gelu.KeptForwardLength);
        Assert.Equal((1, 0, true), gelu.KeptForwardValues().First());

        // The kept values are bounded like a chunk's scratch: fewer rows per block, or none below two.
        Assert.Equal(5, Planner.Plan(plan.Model, PlanLimits.Default with { MaxBatchScratch = 5 * 11 + 10 }).KeptForwardRows);
        Assert.False(Planner.Plan(plan.Model, PlanLimits.Default with { MaxBatchScratch = 21 }).TrainsBatchesInTwoPasses);

        // Not without an exp- or tanh-based layer (ReLU and identity rows do not wait long enough to pay for the kept values),
        // nor with dropout (its masks are drawn in the training pass), units in vectors of four, or batches in chunks.
        var reluSigmoid = new[] { ActivationKind.ReLU, ActivationKind.Sigmoid };
        Assert.True(Planner.Plan(Model("Logistic", new[] { 3, 4, 1 }, reluSigmoid)).TrainsBatchesInTwoPasses);
        Assert.False(Planner.Plan(Model("Linear", new[] { 3, 4, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Identity })).TrainsBatchesInTwoPasses);
        Assert.False(Planner.Plan(Model("Dropout", new[] { 3, 4, 1 }, reluSigmoid) with { DropoutRates = new[] { 0.25, 0.0 }.ToEquatableArray() }).TrainsBatchesInTwoPasses);
        NetworkPlan grouped = Planner.Plan(Model("Grouped", new[] { 1, 64, 1 }, reluSigmoid, precision: PrecisionKind.Single));
        Assert.True(grouped.RunsInLocals && grouped.Layers[0].GroupsUnits);
        Assert.False(grouped.TrainsBatchesInTwoPasses);
        NetworkPlan chunked = Planner.Plan(Model("Sixteen", new[] { 2, 16, 1 }, reluSigmoid));
        Assert.True(chunked.TrainsInChunks);
        Assert.False(chunked.TrainsBatchesInTwoPasses);
        // Nor a network that does not run in locals.
        Assert.False(Planner.Plan(Model("Digits", new[] { 64, 32, 10 }, new[] { ActivationKind.ReLU, ActivationKind.Softmax }, LossKind.CrossEntropy)).TrainsBatchesInTwoPasses);
    }

    [Fact]
    public void A_small_network_in_locals_holds_its_batch_gradients_in_locals()
    {
        // Rule 16: at most 24 parameters, in locals.
        var reluIdentity = new[] { ActivationKind.ReLU, ActivationKind.Identity };
        NetworkPlan tiny = Planner.Plan(Model("Tiny", new[] { 1, 1, 1 }, new[] { ActivationKind.Identity, ActivationKind.Identity }));
        Assert.True(tiny.RunsInLocals && tiny.BatchGradientsInLocals);
        // Its arithmetic layers have no calls of their own, and BackwardBatch no longer calls Backward: the JIT may inline it.
        Assert.True(tiny.InlinesSampleKernels);
        NetworkPlan edge = Planner.Plan(Model("Edge", new[] { 5, 3, 1 }, reluIdentity, precision: PrecisionKind.Single));
        Assert.Equal(22, edge.ParameterCount);
        Assert.True(edge.BatchGradientsInLocals);
        Assert.False(Planner.Plan(edge.Model, PlanLimits.Default with { MaxBatchGradientsInLocals = 21 }).BatchGradientsInLocals);
        // 3-5-2 has 32: a row is then mostly arithmetic, and the loop with every gradient live measured no faster.
        Assert.False(Planner.Plan(Model("Over", new[] { 3, 5, 2 }, reluIdentity)).BatchGradientsInLocals);

        // Rows in two passes (rule 11) hold them in their second pass; their kernels, which call the sigmoid, stay apart.
        NetworkPlan logistic = Planner.Plan(Model("Logistic", new[] { 3, 4, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Sigmoid }));
        Assert.True(logistic.TrainsBatchesInTwoPasses && logistic.BatchGradientsInLocals);
        Assert.False(logistic.InlinesSampleKernels);

        // Not where the rows draw dropout masks, hold units in vectors of four, or run in chunks, nor in a network that does
        // not run in locals.
        Assert.False(Planner.Plan(edge.Model with { DropoutRates = new[] { 0.25, 0.0 }.ToEquatableArray() }).BatchGradientsInLocals);
        NetworkPlan grouped = Planner.Plan(Model("Grouped", new[] { 1, 8, 1 }, reluIdentity, precision: PrecisionKind.Single));
        Assert.True(grouped.RunsInLocals && grouped.Layers[0].GroupsUnits);
        Assert.False(Planner.Plan(grouped.Model, PlanLimits.Default with { MaxBatchGradientsInLocals = 1000 }).BatchGradientsInLocals);
        NetworkPlan looped = Planner.Plan(edge.Model with { MaxUnrolledWeights = 0 });
        Assert.False(looped.RunsInLocals || looped.BatchGradientsInLocals);
    }

    [Fact]
    public void Backward_defers_the_weight_gradients_of_looped_layers_too_large_for_L1()
    {
        // Rule 12: 784-128-10 floats, W1 of 401 KB deferred, W2 of 5 KB added at once.
        var reluSoftmax = new[] { ActivationKind.ReLU, ActivationKind.Softmax };
        NetworkPlan mnist = Planner.Plan(Model("Mnist", new[] { 784, 128, 10 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single));
        Assert.Equal(new[] { 1 }, mnist.DeferredGradientLayers.Select(layer => layer.Number));
        Assert.True(mnist.DefersGradients);

        // The bound is in bytes: 8,192 floats (32 KB) defer, 8,191 do not; 4,096 doubles defer.
        Assert.True(Planner.Plan(Model("AtBound", new[] { 128, 64, 2 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).DefersGradients);
        Assert.False(Planner.Plan(Model("UnderBound", new[] { 8191, 1, 2 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).DefersGradients);
        Assert.Equal(new[] { 1, 2 }, Planner.Plan(Model("Doubles", new[] { 64, 64, 80, 2 }, new[] { ActivationKind.Tanh, ActivationKind.ReLU, ActivationKind.Softmax }, LossKind.CrossEntropy))
            .DeferredGradientLayers.Select(layer => layer.Number));

        // Nor rows under 512 bytes: 64-512-10 floats (rows of 256 bytes) adds each sample at once; 128 floats defer.
        Assert.False(Planner.Plan(Model("ShortRows", new[] { 64, 512, 10 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).DefersGradients);
        Assert.True(Planner.Plan(Model("LongRows", new[] { 128, 512, 10 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).DefersGradients);

        // Not where the per-sample kernels run in locals (no layer kernels to defer), nor for unrolled layers.
        NetworkPlan small = Planner.Plan(Model("Digits", new[] { 64, 32, 10 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single));
        Assert.False(small.DefersGradients);
        NetworkPlan inLocals = Planner.Plan(Model("Tiny", new[] { 3, 4, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Sigmoid }));
        Assert.True(inLocals.SampleKernelsInLocals);
        Assert.False(inLocals.DefersGradients);
    }

    [Fact]
    public void An_unrolled_layer_that_keeps_z_activates_it_as_it_stores_it_unless_each_activation_is_a_call()
    {
        // Rule 14. A looped first layer keeps Forward in spans; the unrolled output layer keeps its logits z.
        NetworkPlan leaky = Planner.Plan(Model("Bottleneck", new[] { 445, 1, 13 }, new[] { ActivationKind.Identity, ActivationKind.LeakyReLU }));
        Assert.True(leaky.OutputLayer.ActivatesAsItStores);
        Assert.False(leaky.Layers[0].ActivatesAsItStores); // looped

        // Several units of tanh: each a is a call, so the sums come first.
        NetworkPlan tanh = Planner.Plan(Model("Tanh", new[] { 11, 9, 7 }, new[] { ActivationKind.Sigmoid, ActivationKind.Tanh }, precision: PrecisionKind.Single));
        Assert.False(tanh.OutputLayer.ActivatesAsItStores);
        // One unit of sigmoid: nothing to overlap.
        NetworkPlan sigmoid = Planner.Plan(Model("Sigmoid", new[] { 12, 8, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid }, precision: PrecisionKind.Single));
        Assert.True(sigmoid.OutputLayer.ActivatesAsItStores);
        // A hidden layer that keeps no z writes a = f(sum) already.
        Assert.False(sigmoid.Layers[0].ActivatesAsItStores);
    }

    [Fact]
    public void Predict_reads_a_first_layer_of_short_rows_from_its_input_major_copy()
    {
        var reluIdentity = new[] { ActivationKind.ReLU, ActivationKind.Identity };
        // 9 floats a row (36 bytes), 130 units, 4,680 bytes of weights.
        Assert.True(Planner.Plan(Model("Nine", new[] { 9, 130, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        // The bounds: 10 floats a row, not 11; 5 doubles, not 6; 3 inputs, not 2; 16 units, not 15; 12 KB of weights, not more.
        Assert.True(Planner.Plan(Model("Ten", new[] { 10, 100, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        Assert.False(Planner.Plan(Model("Eleven", new[] { 11, 100, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        Assert.True(Planner.Plan(Model("FiveDoubles", new[] { 5, 100, 1 }, reluIdentity)).PredictsFirstLayerFromColumns);
        Assert.False(Planner.Plan(Model("SixDoubles", new[] { 6, 100, 1 }, reluIdentity)).PredictsFirstLayerFromColumns);
        Assert.False(Planner.Plan(Model("TwoInputs", new[] { 2, 1024, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        Assert.True(Planner.Plan(Model("ThreeInputs", new[] { 3, 512, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        Assert.True(Planner.Plan(Model("AtTheBound", new[] { 3, 1024, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        Assert.False(Planner.Plan(Model("TooLarge", new[] { 3, 1025, 1 }, reluIdentity, precision: PrecisionKind.Single)).PredictsFirstLayerFromColumns);
        Assert.False(Planner.Plan(Model("TooLargeDoubles", new[] { 4, 385, 1 }, reluIdentity)).PredictsFirstLayerFromColumns);
        NetworkPlan narrow = Planner.Plan(Model("Narrow", new[] { 9, 15, 1 }, reluIdentity, precision: PrecisionKind.Single, maxUnrolledWeights: 0));
        Assert.Equal(CodeShape.Loops, narrow.Layers[0].Shape);
        Assert.False(narrow.PredictsFirstLayerFromColumns);
        // A network Predict runs in locals keeps its unrolled sums.
        Assert.False(Planner.Plan(Model("Small", new[] { 3, 5, 2 }, reluIdentity)).PredictsFirstLayerFromColumns);
    }

    [Fact]
    public void Fit_splits_the_units_of_a_large_first_layer_that_holds_most_of_the_weights()
    {
        // Rule 13: 784-128-10 floats, W1 of 401 KB and 78 times the later layers' weights.
        var reluSoftmax = new[] { ActivationKind.ReLU, ActivationKind.Softmax };
        NetworkModel mnist = Model("Mnist", new[] { 784, 128, 10 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single);
        Assert.True(Planner.Plan(mnist).SplitsFirstLayer);

        // The bound is in bytes: 65,536 floats (256 KB) split, 65,408 do not; 32,768 doubles split.
        Assert.True(Planner.Plan(Model("AtBound", new[] { 512, 128, 3 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).SplitsFirstLayer);
        Assert.False(Planner.Plan(Model("UnderBound", new[] { 511, 128, 3 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).SplitsFirstLayer);
        Assert.True(Planner.Plan(Model("Doubles", new[] { 256, 128, 3 }, reluSoftmax, LossKind.CrossEntropy)).SplitsFirstLayer);

        // And in at least 128 units: a layer of 127 is too little work per thread for the split's serial part.
        Assert.False(Planner.Plan(Model("FewUnits", new[] { 2048, 127, 3 }, reluSoftmax, LossKind.CrossEntropy, PrecisionKind.Single)).SplitsFirstLayer);

        // The later layers run on one thread between the blocks, so they must be small: W1 at least 3 times their weights.
        var relus = new[] { ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Identity };
        Assert.True(Planner.Plan(Model("SmallRest", new[] { 512, 128, 80, 1 }, relus, LossKind.MeanSquaredError, PrecisionKind.Single)).SplitsFirstLayer);
        Assert.False(Planner.Plan(Model("LargeRest", new[] { 512, 128, 300, 1 }, relus, LossKind.MeanSquaredError, PrecisionKind.Single)).SplitsFirstLayer);

        // No dropout (its masks follow the rows of replicas); no abstract class (no Fit threads); not an output layer (a
        // network of one layer has no rest to run).
        Assert.False(Planner.Plan(mnist with { DropoutRates = new[] { 0.25, 0.0 }.ToEquatableArray() }).SplitsFirstLayer);
        Assert.False(Planner.Plan(mnist with { IsAbstract = true }).SplitsFirstLayer);
        Assert.False(Planner.Plan(Model("OneLayer", new[] { 2048, 128 }, new[] { ActivationKind.Identity }, LossKind.MeanSquaredError, PrecisionKind.Single)).SplitsFirstLayer);
    }

    [Fact]
    public void A_sigmoid_or_tanh_layer_past_the_default_limit_stays_looped_and_keeps_its_network_out_of_locals()
    {
        foreach (ActivationKind hidden in new[] { ActivationKind.Sigmoid, ActivationKind.Tanh })
        {
            NetworkPlan plan = Planner.Plan(Model("Transcendental", new[] { 12, 6, 1 }, new[] { hidden, ActivationKind.Identity }));

            Assert.Equal(new[] { CodeShape.Loops, CodeShape.Unrolled }, plan.Layers.Select(layer => layer.Shape));
            Assert.Equal(PlanLimits.Default.DefaultMaxUnrolledWeights, plan.Layers[0].UnrollLimit);
            Assert.False(plan.RunsInLocals);
        }

        // One 65-weight tanh layer keeps the whole network at the default limit: its 65-weight identity layer loops too.
        NetworkPlan mixed = Planner.Plan(Model("Mixed", new[] { 5, 13, 5 }, new[] { ActivationKind.Tanh, ActivationKind.Identity }));
        Assert.All(mixed.Layers, layer => Assert.Equal(CodeShape.Loops, layer.Shape));
    }

    [Fact]
    public void An_arithmetic_layer_past_the_default_limit_loops_where_unrolling_would_not_bring_its_network_into_locals()
    {
        // A tanh layer of 8 neurons is activated by one vector call, so this network cannot run in locals.
        NetworkPlan vectorTanh = Planner.Plan(Model("VectorTanh", new[] { 12, 8, 8, 1 },
            new[] { ActivationKind.ReLU, ActivationKind.Tanh, ActivationKind.Identity }));
        Assert.Equal(new[] { CodeShape.Loops, CodeShape.Unrolled, CodeShape.Unrolled }, vectorTanh.Layers.Select(layer => layer.Shape));

        // Four 10x10 ReLU layers are 410 weights in all: past the in-locals budget, each layer keeps the default limit.
        NetworkPlan deep = Planner.Plan(Model("Deep", new[] { 10, 10, 10, 10, 10, 1 },
            new[] { ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Identity }));
        Assert.Equal(new[] { CodeShape.Loops, CodeShape.Loops, CodeShape.Loops, CodeShape.Loops, CodeShape.Unrolled }, deep.Layers.Select(layer => layer.Shape));
        Assert.All(deep.Layers, layer => Assert.Equal(PlanLimits.Default.DefaultMaxUnrolledWeights, layer.UnrollLimit));

        // A single layer of 16 x 16 ReLUs and its output: 272 weights.
        NetworkPlan wide = Planner.Plan(Model("Wide", new[] { 16, 16, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Identity }));
        Assert.Equal(CodeShape.Loops, wide.Layers[0].Shape);
    }

    private static void AssertPredictsInLocalsWith512BitsOnly(NetworkPlan plan)
    {
        Assert.True(plan.PredictsInLocalsWith512Bits, plan.Model.ClassName);
        Assert.False(plan.TrainsSamplesInLocals, plan.Model.ClassName);
    }

    [Fact]
    public void A_network_whose_wide_layers_Predict_takes_in_vectors_from_copies_of_W_predicts_in_locals_with_512_bit_vectors()
    {
        ActivationKind relu = ActivationKind.ReLU, leaky = ActivationKind.LeakyReLU, identity = ActivationKind.Identity;
        // 5-33-3 leaky/softmax: too wide for the narrow rule (33 units, sums of 33 terms), but layer 1 is grouped in Predict and
        // layer 2 sums its units in vectors.
        NetworkPlan plan = Planner.Plan(Model("WideFive", new[] { 5, 33, 3 }, new[] { leaky, ActivationKind.Softmax }, loss: LossKind.CrossEntropy,
            precision: PrecisionKind.Single));
        Assert.True(plan.PredictsInLocalsWith512Bits);
        Assert.False(plan.RunsInLocals);
        Assert.False(plan.TrainsSamplesInLocals); // the training calls keep the kernels
        NetworkPlan predict = Assert.IsType<NetworkPlan>(plan.PredictByColumns);
        Assert.True(predict.Layers[0].GroupsUnits && predict.Layers[0].PredictsFromColumnCopy);
        // Without 512-bit vectors Predict and PredictBatch run the kernels' path: layer 1 from its column copy, PredictBatch in chunks.
        Assert.True(plan.PredictsFirstLayerFromColumns);
        Assert.True(plan.PredictBatchChunkRows >= 2);

        // Two wide layers, both grouped (7-24-24-1, 768 weights), and a first layer of 16 inputs (16-48-2).
        Assert.True(Planner.Plan(Model("TwoWide", new[] { 7, 24, 24, 1 }, new[] { relu, relu, identity })).PredictsInLocalsWith512Bits);
        Assert.True(Planner.Plan(Model("SixteenInputs", new[] { 16, 48, 2 }, new[] { leaky, identity })).PredictsInLocalsWith512Bits);

        // Not: a wide layer left to scalar code (tanh and GELU have no inlined vector form), an output layer activated by a vector
        // call (sigmoid of 8 units), more than MaxPredictInLocalsWeights weights, one to four inputs (their own rule), or an
        // explicit MaxUnrolledWeights.
        Assert.False(Planner.Plan(Model("WideTanh", new[] { 8, 40, 2 }, new[] { ActivationKind.Tanh, identity })).PredictsInLocalsWith512Bits);
        Assert.False(Planner.Plan(Model("WideGelu", new[] { 9, 33, 4 }, new[] { ActivationKind.GELU, identity })).PredictsInLocalsWith512Bits);
        Assert.False(Planner.Plan(Model("VectorSigmoid", new[] { 5, 40, 8 }, new[] { relu, ActivationKind.Sigmoid }, loss: LossKind.BinaryCrossEntropy))
            .PredictsInLocalsWith512Bits);
        Assert.Null(Planner.Plan(Model("PastBudget", new[] { 6, 30, 30, 2 }, new[] { relu, relu, identity })).PredictInLocals); // 1,140 weights
        Assert.False(Planner.Plan(Model("FourInputs", new[] { 4, 90, 3 }, new[] { relu, identity })).PredictsInLocalsWith512Bits);
        Assert.Null(Planner.Plan(Model("Explicit", new[] { 5, 33, 3 }, new[] { leaky, identity }, maxUnrolledWeights: 64)).PredictInLocals);
    }

    [Fact]
    public void A_small_network_of_narrow_layers_that_trains_through_the_kernels_predicts_in_locals()
    {
        ActivationKind relu = ActivationKind.ReLU, identity = ActivationKind.Identity;
        NetworkPlan deep = Planner.Plan(Model("Deep", new[] { 10, 10, 10, 10, 10, 1 }, new[] { relu, relu, relu, relu, identity }));
        Assert.False(deep.RunsInLocals);
        Assert.True(deep.TrainsInChunks);
        Assert.Equal(CodeShape.Loops, deep.Layers[0].Shape);
        NetworkPlan predict = Assert.IsType<NetworkPlan>(deep.PredictInLocals);
        Assert.True(predict.RunsInLocals);
        Assert.All(predict.Layers, layer => Assert.Equal(CodeShape.Unrolled, layer.Shape));
        Assert.Equal(deep.ParameterCount, predict.ParameterCount);
        Assert.Equal(0, deep.PredictBatchChunkRows); // PredictBatch runs Predict row by row, so each row gets Predict's output
        Assert.True(deep.TrainsSamplesInLocals); // and Backward and Train run in locals too, while the batches keep the chunks
        Assert.True(deep.SampleKernelsInLocals);

        // The per-sample kernels only up to 640 weights, layers of at most 200: 15-15-15-1 predicts in locals, trains through the kernels.
        NetworkPlan fifteens = Planner.Plan(Model("Fifteens", new[] { 15, 15, 15, 1 }, new[] { relu, relu, identity }));
        Assert.NotNull(fifteens.PredictInLocals);
        Assert.False(fifteens.TrainsSamplesInLocals);
        NetworkPlan deeper = Planner.Plan(Model("Deeper", new[] { 12, 12, 12, 12, 12, 12, 1 }, new[] { relu, relu, relu, relu, relu, identity }));
        Assert.NotNull(deeper.PredictInLocals); // 732 weights
        Assert.False(deeper.TrainsSamplesInLocals);
        var dropout = Model("Dropout", new[] { 10, 10, 10, 10, 10, 1 }, new[] { relu, relu, relu, relu, identity }) with
        {
            DropoutRates = new[] { 0.5, 0.5, 0.5, 0.5, 0.0 }.ToEquatableArray(),
        };
        Assert.False(Planner.Plan(dropout).TrainsSamplesInLocals);

        // Up to the weight bound (1,020 weights: 12 x 7 layers of 12, then 1); one more layer of 12 is past it.
        int[] twelves = Enumerable.Repeat(12, 8).Append(1).ToArray();
        Assert.NotNull(Planner.Plan(Model("Twelves", twelves, Enumerable.Repeat(relu, 7).Append(identity).ToArray())).PredictInLocals);
        int[] moreTwelves = Enumerable.Repeat(12, 9).Append(1).ToArray();
        Assert.Null(Planner.Plan(Model("MoreTwelves", moreTwelves, Enumerable.Repeat(relu, 8).Append(identity).ToArray())).PredictInLocals);

        // Past 256 weights, not by this rule: a layer of more than 16 outputs, sums of 16 terms or more, a tanh layer activated by one
        // vector call, an explicit MaxUnrolledWeights, or a network that runs in locals anyway. The first two are wide layers that
        // Predict takes in vectors from a copy of W, which it does in locals where 512-bit vectors are accelerated (the next test).
        Assert.True(Planner.Plan(Model("Wide", new[] { 5, 60, 1 }, new[] { relu, identity })).PredictsInLocalsWith512Bits);
        Assert.True(Planner.Plan(Model("LongSums", new[] { 16, 16, 1 }, new[] { relu, identity })).PredictsInLocalsWith512Bits);
        Assert.Null(Planner.Plan(Model("VectorTanh", new[] { 12, 12, 12, 1 }, new[] { relu, ActivationKind.Tanh, identity })).PredictInLocals);
        Assert.Null(Planner.Plan(Model("Explicit", new[] { 10, 10, 10, 10, 10, 1 }, new[] { relu, relu, relu, relu, identity }, maxUnrolledWeights: 64)).PredictInLocals);
        NetworkPlan small = Planner.Plan(Model("Small", new[] { 12, 12, 1 }, new[] { relu, identity }));
        Assert.True(small.RunsInLocals);
        Assert.Null(small.PredictInLocals);

        // A network of at most 256 weights may have layers of up to 24 units and, after the first layer, up to 24 inputs:
        // 5-20-4 (180 weights; its sigmoid layer of 80 weights keeps it from running in locals whole) predicts and trains
        // samples in locals, 5-22-10 (330 weights) does not; a first layer of 16 inputs or a layer of 25 outputs neither. Those
        // four have wide layers that Predict takes in vectors from copies of W, so they predict in locals with 512-bit vectors
        // only (the test above), and train through the kernels.
        var leakySigmoid = new[] { ActivationKind.LeakyReLU, ActivationKind.Sigmoid };
        NetworkPlan smallWide = Planner.Plan(Model("SmallWide", new[] { 5, 20, 4 }, leakySigmoid));
        Assert.False(smallWide.RunsInLocals);
        Assert.NotNull(smallWide.PredictInLocals);
        Assert.True(smallWide.TrainsSamplesInLocals);
        Assert.NotNull(Planner.Plan(Model("Width24", new[] { 5, 24, 4 }, leakySigmoid)).PredictInLocals); // 24 inputs to layer 2
        AssertPredictsInLocalsWith512BitsOnly(Planner.Plan(Model("Width25", new[] { 5, 25, 4 }, leakySigmoid)));
        AssertPredictsInLocalsWith512BitsOnly(Planner.Plan(Model("PastTheBudget", new[] { 5, 22, 10 }, new[] { ActivationKind.LeakyReLU, identity })));
        AssertPredictsInLocalsWith512BitsOnly(Planner.Plan(Model("WideFirstLayer", new[] { 16, 14, 1 }, new[] { relu, identity })));
        AssertPredictsInLocalsWith512BitsOnly(Planner.Plan(Model("Fanin24", new[] { 24, 8, 1 }, new[] { relu, identity })));

        // Without the rule (weight bound 0) the same network predicts through the kernels and batches its first layer.
        NetworkPlan without = Planner.Plan(deep.Model, PlanLimits.Default with { MaxPredictInLocalsWeights = 0 });
        Assert.Null(without.PredictInLocals);
        Assert.True(without.BatchesFirstLayer);
        Assert.Null(Planner.Plan(smallWide.Model, PlanLimits.Default with { MaxPredictInLocalsWeights = 0 }).PredictInLocals); // small networks too
    }

    [Fact]
    public void An_explicit_MaxUnrolledWeights_holds_for_every_layer_whatever_its_activation()
    {
        NetworkPlan relu = Planner.Plan(Model("Relu", new[] { 10, 7, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Identity }, maxUnrolledWeights: 64));
        Assert.Equal(new[] { CodeShape.Loops, CodeShape.Unrolled }, relu.Layers.Select(layer => layer.Shape));
        Assert.All(relu.Layers, layer => Assert.Equal(64, layer.UnrollLimit));

        NetworkPlan sigmoid = Planner.Plan(Model("Sigmoid", new[] { 12, 8, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid }, maxUnrolledWeights: 96));
        Assert.All(sigmoid.Layers, layer => Assert.Equal(CodeShape.Unrolled, layer.Shape));

        NetworkPlan deep = Planner.Plan(Model("Deep", new[] { 10, 10, 10, 10, 10, 1 },
            new[] { ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.ReLU, ActivationKind.Identity }, maxUnrolledWeights: 100));
        Assert.True(deep.RunsInLocals);

        NetworkPlan none = Planner.Plan(Model("None", new[] { 2, 3, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Identity }, maxUnrolledWeights: 0));
        Assert.All(none.Layers, layer => Assert.Equal(CodeShape.Loops, layer.Shape));
    }

    [Fact]
    public void The_parser_tells_an_unset_MaxUnrolledWeights_from_one_set_to_the_default()
    {
        // Unset, the 70-weight ReLU layer is unrolled; MaxUnrolledWeights = 64 loops it, and the generated comment says why.
        const string Unset = "[Network(10, 7, 1, Hidden = Activation.ReLU, Output = Activation.Identity)] public partial class Unset { }";
        const string Set = "[Network(10, 7, 1, Hidden = Activation.ReLU, Output = Activation.Identity, MaxUnrolledWeights = 64)] public partial class Set { }";
        GeneratorRun run = GeneratorHarness.Run("using NetGen; " + Unset, "using NetGen; " + Set);

        string unset = run.Sources.Single(source => source.HintName == "Unset.g.cs").SourceText.ToString();
        string set = run.Sources.Single(source => source.HintName == "Set.g.cs").SourceText.ToString();
        Assert.DoesNotContain("looped", unset, StringComparison.Ordinal);
        Assert.Contains("(looped: 70 weights is above the unroll limit of 64)", set, StringComparison.Ordinal);
    }

    [Fact]
    public void The_unroll_budget_of_a_network_loops_its_later_layers()
    {
        var limits = PlanLimits.Default with { MaxUnrolledWeightsPerNetwork = 20 };
        NetworkPlan plan = Planner.Plan(Model("Budget", new[] { 4, 4, 4, 4 }, new[] { ActivationKind.Tanh, ActivationKind.Tanh, ActivationKind.Identity }), limits);

        Assert.Equal(new[] { CodeShape.Unrolled, CodeShape.Loops, CodeShape.Loops }, plan.Layers.Select(layer => layer.Shape));
    }

    [Fact]
    public void A_network_too_wide_for_the_batch_scratch_runs_its_batches_row_by_row()
    {
        var limits = PlanLimits.Default with { MaxBatchScratch = 100 };
        NetworkPlan plan = Planner.Plan(Model("Scratch", new[] { 100, 60, 10 }, new[] { ActivationKind.ReLU, ActivationKind.Identity }), limits);

        Assert.Equal(CodeShape.Loops, plan.Layers[0].Shape);
        Assert.Equal(0, plan.BatchChunkRows); // 100 / 80 activations per row is a chunk of one row
        Assert.Equal(0, plan.PredictBatchChunkRows);
    }

    [Fact]
    public void A_span_network_trains_every_layer_in_chunks_while_PredictBatch_batches_only_a_looped_first_layer()
    {
        NetworkPlan plan = Planner.Plan(Model("Funnel", new[] { 4, 8, 100, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Tanh, ActivationKind.Identity }));

        Assert.Equal(CodeShape.Unrolled, plan.Layers[0].Shape);
        Assert.Equal(CodeShape.Loops, plan.Layers[1].Shape);
        Assert.False(plan.RunsInLocals);
        Assert.True(plan.TrainsInChunks);
        Assert.Equal(PlanLimits.Default.BatchChunkRows, plan.BatchChunkRows);
        Assert.False(plan.BatchesFirstLayer); // layer 1 is unrolled: PredictBatch runs row by row
        Assert.Equal(0, plan.PredictBatchChunkRows);

        // The chunk holds each row's activations and deltas: a limit of three rows of them gives chunks of three.
        var limits = PlanLimits.Default with { MaxBatchScratch = 3 * (plan.ActivationCount + plan.DeltaCount) + 1 };
        Assert.Equal(3, Planner.Plan(plan.Model, limits).BatchChunkRows);
    }

    [Fact]
    public void A_network_is_unrolled_whole_only_while_its_wide_layers_sums_are_shorter_than_the_fan_in_bound()
    {
        NetworkPlan narrow = Planner.Plan(Model("Narrow", new[] { 12, 12, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Identity }));
        Assert.True(narrow.RunsInLocals);
        Assert.False(narrow.TrainsInChunks); // in locals, batches run row by row

        int fanIn = PlanLimits.Default.MaxInLocalsFanIn;
        NetworkPlan wide = Planner.Plan(Model("LongSums", new[] { fanIn, 8, 1 }, new[] { ActivationKind.LeakyReLU, ActivationKind.Identity }));
        Assert.Equal(CodeShape.Loops, wide.Layers[0].Shape); // 8 x fan-in weights, past 64: looped, as without the exception
        Assert.False(wide.RunsInLocals);
        Assert.True(wide.TrainsInChunks);
    }

    [Fact]
    public void Only_in_locals_networks_past_the_update_call_limit_write_their_updates_through_references()
    {
        NetworkPlan small = Planner.Plan(Model("Small", new[] { 3, 4, 1 }, new[] { ActivationKind.ReLU, ActivationKind.Sigmoid }));
        Assert.True(small.RunsInLocals);
        Assert.False(small.UpdatesThroughReferences); // 16 weights: the short calls keep the kernel inlinable

        // 24 hidden units: its batch calls run in chunks (rule 10), its per-sample kernels in locals by this plan.
        NetworkPlan deep = InLocals(Planner.Plan(Model("Deep", new[] { 6, 6, 6, 6, 6, 1 },
            new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Identity }, LossKind.MeanSquaredError)));
        Assert.True(deep.RunsInLocals);
        Assert.True(deep.UpdatesThroughReferences); // 150 weights
        Assert.False(InLocals(Planner.Plan(Model("Deep", new[] { 6, 6, 6, 6, 6, 1 },
            new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Identity }, LossKind.MeanSquaredError),
            PlanLimits.Default with { MaxUnrolledWeightsForUpdateCalls = 150 })).UpdatesThroughReferences);

        NetworkPlan looped = Planner.Plan(Model("Looped", new[] { 40, 30, 2 }, new[] { ActivationKind.Tanh, ActivationKind.Identity }, LossKind.MeanSquaredError));
        Assert.False(looped.RunsInLocals);
        Assert.False(looped.UpdatesThroughReferences);
    }

    [Fact]
    public void Only_the_output_layer_keeps_z_while_no_derivative_needs_it()
    {
        NetworkPlan plan = Planner.Plan(Model("Deep", new[] { 4, 8, 6, 2 },
            new[] { ActivationKind.Tanh, ActivationKind.ReLU, ActivationKind.Identity }, LossKind.MeanSquaredError));

        Assert.Equal(new[] { false, false, true }, plan.Layers.Select(layer => layer.KeepsPreActivation));
        Assert.Equal(8 + 6 + 2 + 2, plan.ActivationCount);
    }

    [Fact]
    public void Narrow_sigmoid_layers_pack_at_most_one_512_bit_vector_whatever_the_vectorization_width()
    {
        // Raising the width at which whole layers go to a kernel must not ask for a sigmoid of a vector the runtime lacks.
        var limits = PlanLimits.Default with { MinVectorizedActivationWidth = 20 };
        NetworkPlan plan = Planner.Plan(Model("Packs", new[] { 2, 12, 8, 1 },
            new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid, ActivationKind.Identity }, maxUnrolledWeights: 200), limits);

        Assert.False(plan.Layers[0].PacksActivation);
        Assert.True(plan.Layers[1].PacksActivation);
        Assert.True(plan.RunsInLocals);
    }

    [Fact]
    public void An_unknown_activation_is_an_internal_error_from_the_planning_step_not_another_kinds_math()
    {
        NetworkModel model = Model("Unknown", new[] { 2, 2, 1 }, new[] { (ActivationKind)99, ActivationKind.Identity });

        Step<NetworkPlan> planned = Step<NetworkPlan>.Run(model.HintName, () => Planner.Plan(model));
        Step<string> emitted = planned.Then(plan => Emitter.Emit(plan, default));

        Assert.Null(emitted.Value);
        Assert.Contains("ActivationKind value 99", emitted.Error, StringComparison.Ordinal);
        Assert.Throws<UnknownKindException>(() => LossInfo.Of((LossKind)99));
    }

    [Fact]
    public void A_step_that_throws_becomes_NG0099_on_its_declaration()
    {
        Step<string> failed = Step<string>.Run("Samples.Broken.g.cs", () => throw new InvalidOperationException("the emitter tripped"));
        var location = new LocationInfo("Broken.cs", new Microsoft.CodeAnalysis.Text.TextSpan(10, 6),
            new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(1, 4), new(1, 10)));

        Diagnostic diagnostic = NetworkGenerator.InternalError(failed,
            System.Collections.Immutable.ImmutableArray.Create<(string, LocationInfo?)>(("Other.g.cs", null), ("Samples.Broken.g.cs", location)));

        Assert.Equal("NG0099", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Broken.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Contains("Samples.Broken", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: the emitter tripped", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_activation_and_loss_of_the_runtime_has_a_descriptor_row()
    {
        foreach (Activation activation in Enum.GetValues<Activation>())
            Assert.Equal((ActivationKind)activation, ActivationInfo.Of((ActivationKind)activation).Kind);
        foreach (LossFunction loss in Enum.GetValues<LossFunction>())
            Assert.Equal((LossKind)loss, LossInfo.Of((LossKind)loss).Kind);
    }

    [Fact]
    public void Every_elementwise_activations_scalar_form_names_its_argument_once()
    {
        // Forward writes a[j] = f(z[j] = sum) for a layer that keeps z: an argument named twice would assign it twice.
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            ActivationInfo info = ActivationInfo.Of((ActivationKind)activation);
            if (!info.IsElementwise)
                continue;
            foreach (Scalar scalar in new[] { Scalar.Double, Scalar.Single })
            {
                string form = info.Forward("ARGUMENT", scalar);
                Assert.Equal(1, (form.Length - form.Replace("ARGUMENT", "", StringComparison.Ordinal).Length) / "ARGUMENT".Length);
            }
        }
    }

    [Fact]
    public void The_runtime_resolves_the_default_initializer_as_each_activations_row_says()
    {
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            var description = new NetworkDescription(new[] { 2, 3, 1 }, new[] { activation, Activation.Identity },
                LossFunction.HalfSquaredError, Precision.Double, Initializer.Default);
            Assert.Equal((Initializer)ActivationInfo.Of((ActivationKind)activation).DefaultInitializer,
                ParameterInitializer.Resolve(Initializer.Default, description));
        }
    }

    [Fact]
    public void Every_kernel_the_generated_code_calls_exists_on_the_runtimes_hidden_Kernels_class()
    {
        Type kernels = typeof(NetGen.Kernels);
        var hidden = kernels.GetCustomAttribute<System.ComponentModel.EditorBrowsableAttribute>();
        Assert.Equal(System.ComponentModel.EditorBrowsableState.Never, hidden?.State);
        Assert.Equal(RuntimeApi.Kernels, "global::" + kernels.FullName);
        foreach (string member in RuntimeApi.KernelMembers())
            Assert.True(kernels.GetMember(member, BindingFlags.Public | BindingFlags.Static).Length > 0, $"NetGen.Kernels has no public static member {member}");

        // The interface of OnStack's passes, which generated ref structs implement.
        Type pass = typeof(NetGen.IStackPass<>);
        Assert.Equal(RuntimeApi.Namespace + "." + RuntimeApi.StackPass, "global::" + pass.FullName!.Split('`')[0]);
        Assert.Equal(System.ComponentModel.EditorBrowsableState.Never, pass.GetCustomAttribute<System.ComponentModel.EditorBrowsableAttribute>()?.State);
    }
}

/// <summary>
/// Every limit of the cost model swept across its range: the generator's output must compile, and
/// compute what the default plan computes (only the speed may change with a limit).
/// </summary>
public class PlanLimitsSweepTests
{
    /// <summary>Declarations that between them reach every decision a limit steers.</summary>
    private static readonly NetworkModel[] Models =
    {
        PlannerTests.Model("Tutorial", new[] { 4, 3, 1 }, new[] { ActivationKind.Sigmoid, ActivationKind.Sigmoid }),
        PlannerTests.Model("NarrowSingle", new[] { 3, 7, 12, 2 }, new[] { ActivationKind.Sigmoid, ActivationKind.Tanh, ActivationKind.Sigmoid },
            LossKind.BinaryCrossEntropy, PrecisionKind.Single, maxUnrolledWeights: 100),
        PlannerTests.Model("WideDouble", new[] { 5, 10, 9, 3 }, new[] { ActivationKind.Sigmoid, ActivationKind.LeakyReLU, ActivationKind.Softmax },
            LossKind.CrossEntropy, PrecisionKind.Double, maxUnrolledWeights: 100),
        PlannerTests.Model("Looped", new[] { 40, 30, 4 }, new[] { ActivationKind.ReLU, ActivationKind.Identity }, LossKind.MeanSquaredError, PrecisionKind.Single),
        PlannerTests.Model("FirstLooped", new[] { 20, 5, 5, 2 }, new[] { ActivationKind.Tanh, ActivationKind.Sigmoid, ActivationKind.Sigmoid }),
        PlannerTests.Model("ArithmeticPastDefault", new[] { 9, 11, 5, 2 }, new[] { ActivationKind.LeakyReLU, ActivationKind.Tanh, ActivationKind.Identity },
            LossKind.MeanSquaredError, PrecisionKind.Single),
        PlannerTests.Model("TanhPastDefault", new[] { 8, 9, 8, 1 }, new[] { ActivationKind.Tanh, ActivationKind.ReLU, ActivationKind.Identity }),
    };

    [Fact]
    public void Every_limit_has_a_range_and_every_range_names_a_limit()
    {
        IEnumerable<string> limits = typeof(PlanLimits).GetProperties().Where(property => property.PropertyType == typeof(int)).Select(property => property.Name);
        Assert.Equal(limits.Order(), PlanLimits.Ranges.Select(range => range.Name).Order());
    }

    public static TheoryData<string> LimitNames() => new(PlanLimits.Ranges.Select(range => range.Name));

    [Theory]
    [MemberData(nameof(LimitNames))]
    public void Any_value_of_a_limit_in_its_range_generates_code_that_compiles_and_predicts_as_the_default(string name)
    {
        (string _, int minimum, int maximum) = PlanLimits.Ranges.Single(range => range.Name == name);
        PropertyInfo property = typeof(PlanLimits).GetProperty(name)!;
        int standard = (int)property.GetValue(PlanLimits.Default)!;
        int[] values = new[] { minimum, minimum + 1, standard - 1, standard + 1, (minimum + maximum) / 2, maximum }
            .Where(value => value >= minimum && value <= maximum).Distinct().ToArray();

        var sources = new List<string>();
        foreach (NetworkModel model in Models)
        {
            sources.Add(Emitter.Emit(Planner.Plan(model with { ClassName = model.ClassName + "Default" }), default));
            foreach (int value in values)
            {
                PlanLimits limits = PlanLimits.Default with { };
                property.SetValue(limits, value);
                NetworkPlan plan = Planner.Plan(model with { ClassName = model.ClassName + "At" + value }, limits);
                sources.Add(Emitter.Emit(plan, default));
            }
        }
        Assembly assembly = GeneratorHarness.LoadCompilation(GeneratorHarness.Compile(sources.ToArray()));

        foreach (NetworkModel model in Models)
        {
            foreach (int value in values)
                AssertSameOutputs(assembly, model, model.ClassName + "At" + value, $"{name} = {value}");
        }
    }

    private static void AssertSameOutputs(Assembly assembly, NetworkModel model, string className, string because)
    {
        var random = new Random(5);
        double[] inputs = Enumerable.Range(0, 3 * model.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] targets = Enumerable.Range(0, 3 * model.OutputSize).Select(_ => random.NextDouble()).ToArray();
        if (model.Precision == PrecisionKind.Single)
        {
            float[] expected = Train<float>(assembly, model.ClassName + "Default", inputs, targets);
            float[] actual = Train<float>(assembly, className, inputs, targets);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1, Math.Abs(expected[i])), $"{className} ({because}) value {i}: {actual[i]} against {expected[i]}");
        }
        else
        {
            double[] expected = Train<double>(assembly, model.ClassName + "Default", inputs, targets);
            double[] actual = Train<double>(assembly, className, inputs, targets);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{className} ({because}) value {i}: {actual[i]} against {expected[i]}");
        }
    }

    /// <summary>Predictions, a batch step and a single step through every public kernel, concatenated with the parameters they leave.</summary>
    private static T[] Train<T>(Assembly assembly, string className, double[] inputs, double[] targets)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        INetwork<T> network = GeneratorHarness.Create<T>(assembly, className, seed: 3);
        T[] x = inputs.Select(T.CreateChecked).ToArray();
        T[] t = targets.Select(T.CreateChecked).ToArray();
        var outputs = new T[t.Length];
        network.PredictBatch(x, outputs);
        network.TrainBatch(x, t, T.CreateChecked(0.1));
        network.Train(x.AsSpan(0, network.InputSize), t.AsSpan(0, network.OutputSize), T.CreateChecked(0.1));
        return outputs.Concat(network.Parameters.ToArray()).ToArray();
    }
}
