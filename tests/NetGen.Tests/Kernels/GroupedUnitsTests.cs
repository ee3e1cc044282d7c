using System;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.Intrinsics;
using NetGen.Generator;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Tests.Generator;
using NetGen.Tests.Support;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Wide hidden layers of one or two inputs with their units in vectors of four (<see cref="LayerPlan.GroupsUnits"/>): which layers
/// the planner groups, and that Predict, Backward and Train give exactly the bits of the same network written unit by unit.
/// In the kernel-test namespace, so CI runs it again with each vector width switched off (the grouped code's scalar branch).
/// </summary>
public class GroupedUnitsTests
{
    private static readonly ActivationKind ReLU = ActivationKind.ReLU, Leaky = ActivationKind.LeakyReLU, Identity = ActivationKind.Identity;

    private static NetworkModel Model(string name, int[] sizes, ActivationKind[] activations, PrecisionKind precision = PrecisionKind.Double,
        LossKind loss = LossKind.HalfSquaredError) =>
        PlannerTests.Model(name, sizes, activations, loss, precision);

    /// <summary>The plan the in-locals kernels run by (rule 10 moves a network's own layers to the batch kernels), or the network's plan when nothing runs in locals.</summary>
    private static NetworkPlan InLocals(NetworkModel model, PlanLimits? limits = null)
    {
        NetworkPlan plan = Planner.Plan(model, limits ?? PlanLimits.Default);
        return plan.PredictPlanInLocals ?? plan;
    }

    [Fact]
    public void The_planner_groups_wide_arithmetic_hidden_layers_of_one_or_two_inputs_in_networks_in_locals()
    {
        bool[] Grouped(NetworkModel model) => InLocals(model).Layers.Select(layer => layer.GroupsUnits).ToArray();

        Assert.Equal(new[] { true, false }, Grouped(Model("X11", new[] { 1, 50, 1 }, new[] { ReLU, Identity })));
        Assert.Equal(12, InLocals(Model("X11", new[] { 1, 50, 1 }, new[] { ReLU, Identity })).Layers[0].UnitGroups);
        Assert.Equal(new[] { true, false }, Grouped(Model("Eight", new[] { 1, 8, 1 }, new[] { Leaky, Identity })));
        Assert.Equal(new[] { true, false }, Grouped(Model("EightSingle", new[] { 1, 8, 1 }, new[] { Identity, Identity }, PrecisionKind.Single)));
        // A layer below a grouped one stays scalar, though it would fill a vector (rule 4's narrow layers): a grouped layer takes scalar inputs.
        NetworkPlan aboveVector = InLocals(Model("AboveVector", new[] { 1, 2, 16, 1 }, new[] { ReLU, ReLU, Identity }));
        Assert.Equal(new[] { false, true, false }, aboveVector.Layers.Select(layer => layer.GroupsUnits).ToArray());
        Assert.All(aboveVector.Layers, layer => Assert.False(layer.PredictsAsVector));

        // The layer after a one-unit bottleneck has one input too.
        Assert.Equal(new[] { false, true, false }, Grouped(Model("Bottleneck", new[] { 3, 1, 16, 1 }, new[] { ReLU, ReLU, Identity })));

        // Two inputs: each group's eight weights are two loads, transposed into its two columns.
        Assert.Equal(new[] { true, false }, Grouped(Model("TwoInputs", new[] { 2, 32, 1 }, new[] { ReLU, Identity })));

        // Three and four inputs: a group's weights loaded whole and transposed.
        Assert.Equal(new[] { true, false }, Grouped(Model("ThreeInputs", new[] { 3, 32, 1 }, new[] { ReLU, Identity })));
        Assert.Equal(new[] { true, false }, Grouped(Model("FourInputs", new[] { 4, 16, 3 }, new[] { ReLU, ActivationKind.Softmax }, PrecisionKind.Single, LossKind.CrossEntropy)));

        // Predict reads floats of three or four inputs from a copy of W (wide vectors, no lane moves); doubles and two inputs keep the lane moves.
        bool[] FromCopy(NetworkModel model) => InLocals(model).Layers.Select(layer => layer.PredictsFromColumnCopy).ToArray();
        Assert.Equal(new[] { true, false }, FromCopy(Model("FourInputs", new[] { 4, 16, 3 }, new[] { ReLU, ActivationKind.Softmax }, PrecisionKind.Single, LossKind.CrossEntropy)));
        Assert.Equal(new[] { true, false }, FromCopy(Model("ThreeSingle", new[] { 3, 24, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)));
        Assert.Equal(new[] { false, true, false }, FromCopy(Model("ThreeDeepSingle", new[] { 6, 3, 24, 1 }, new[] { Leaky, ReLU, Identity }, PrecisionKind.Single)));
        Assert.Equal(new[] { false, false }, FromCopy(Model("ThreeInputs", new[] { 3, 32, 1 }, new[] { ReLU, Identity })));
        Assert.Equal(new[] { false, false }, FromCopy(Model("TwoSingle", new[] { 2, 64, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)));
        Assert.Equal(new[] { false, false }, FromCopy(Model("OneSingle", new[] { 1, 64, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)));

        // Too narrow, five inputs (in the training kernels; Predict's own plan below), an activation without an inlined vector form, an output layer: unit by unit.
        Assert.Equal(new[] { false, false }, Grouped(Model("Seven", new[] { 1, 7, 1 }, new[] { ReLU, Identity })));
        Assert.Equal(new[] { false, false }, Planner.Plan(Model("FiveInputs", new[] { 5, 32, 1 }, new[] { ReLU, Identity })).SamplePlanInLocals!.Layers.Select(layer => layer.GroupsUnits).ToArray());
        // (Transcendental layers of 8 or more units take a vector kernel call and never run in locals; below, with the limit at 4.)
        NetworkPlan tanh = InLocals(Model("Tanh", new[] { 1, 6, 1 }, new[] { ActivationKind.Tanh, Identity }), PlanLimits.Default with { MinGroupedUnits = 4 });
        Assert.True(tanh.RunsInLocals);
        Assert.All(tanh.Layers, layer => Assert.False(layer.GroupsUnits));
        Assert.True(InLocals(Model("Relu6", new[] { 1, 6, 1 }, new[] { ReLU, Identity }), PlanLimits.Default with { MinGroupedUnits = 4 }).Layers[0].GroupsUnits);
        Assert.Equal(new[] { false, false }, Grouped(Model("WideOutput", new[] { 4, 1, 16 }, new[] { ReLU, Identity })));

        // A layer with dropout keeps its masks unit by unit.
        NetworkModel dropout = Model("Dropout", new[] { 1, 32, 1 }, new[] { ReLU, Identity }) with { DropoutRates = new[] { 0.2, 0.0 }.ToEquatableArray() };
        Assert.All(Planner.Plan(dropout).Layers, layer => Assert.False(layer.GroupsUnits));

        // Five or more inputs: Predict alone groups the layer, read from a copy of W, both precisions; the training kernels keep their plan.
        NetworkPlan eight = Planner.Plan(Model("EightInputs", new[] { 8, 10, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single));
        Assert.Equal(new[] { true, false }, eight.PredictByColumns!.Layers.Select(layer => layer.GroupsUnits && layer.PredictsFromColumnCopy).ToArray());
        Assert.Same(eight.PredictByColumns, eight.PredictPlanInLocals);
        Assert.All(eight.SamplePlanInLocals!.Layers, layer => Assert.False(layer.GroupsUnits));
        Assert.Equal(new[] { true, false }, FromCopy(Model("FiveDouble", new[] { 5, 20, 4 }, new[] { Leaky, ActivationKind.Sigmoid }, loss: LossKind.BinaryCrossEntropy)));
        Assert.Equal(new[] { true, true, true, false }, FromCopy(Model("TenDeep", new[] { 10, 10, 10, 10, 1 }, new[] { ReLU, ReLU, ReLU, Identity }, PrecisionKind.Single)));
        NetworkPlan aboveThree = Planner.Plan(Model("AboveThree", new[] { 3, 15, 10, 2 }, new[] { Leaky, ReLU, Identity }, PrecisionKind.Single));
        Assert.Equal(new[] { true, true, false }, aboveThree.PredictByColumns!.Layers.Select(layer => layer.PredictsFromColumnCopy).ToArray());
        Assert.Equal(new[] { true, false, false }, aboveThree.SamplePlanInLocals!.Layers.Select(layer => layer.GroupsUnits).ToArray());
        Assert.Null(Planner.Plan(Model("EightNarrow", new[] { 8, 7, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single)).PredictByColumns); // fewer units than MinGroupedUnits
        Assert.Null(Planner.Plan(Model("EightTanh", new[] { 8, 6, 1 }, new[] { ActivationKind.Tanh, Identity }, PrecisionKind.Single)).PredictByColumns); // no inlined vector form
        Assert.Null(Planner.Plan(Model("EightNoGroups", new[] { 8, 10, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single), PlanLimits.Default with { MinGroupedUnits = 11 }).PredictByColumns);
        NetworkModel eightDropout = Model("EightDropout", new[] { 8, 10, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single) with { DropoutRates = new[] { 0.2, 0.0 }.ToEquatableArray() };
        Assert.Null(Planner.Plan(eightDropout).PredictByColumns);

        // The limit is a cost-model threshold: raised, the layer goes back to units.
        NetworkPlan raised = InLocals(Model("X11", new[] { 1, 50, 1 }, new[] { ReLU, Identity }), PlanLimits.Default with { MinGroupedUnits = 51 });
        Assert.All(raised.Layers, layer => Assert.False(layer.GroupsUnits));
    }

    /// <summary>Networks with grouped layers: one input and two, sums of one to three vectors of four chains and of fewer chains, units after the last group, both precisions, every inlined activation.</summary>
    private static readonly NetworkModel[] Shapes =
    {
        Model("Wide", new[] { 1, 50, 1 }, new[] { ReLU, Identity }),                                        // 51-term sums: twelve chains in three vectors, two units after the groups
        Model("Eights", new[] { 1, 40, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single),              // 41-term sums: eight chains in two vectors, no units after the groups
        Model("Fours", new[] { 1, 30, 1 }, new[] { ReLU, Identity }),                                       // 31-term sums: four chains, two units after the groups
        Model("WideSingle", new[] { 1, 23, 2 }, new[] { Leaky, Identity }, PrecisionKind.Single),           // three units after the groups
        Model("Short", new[] { 1, 9, 1 }, new[] { Identity, Identity }),                                    // 10-term sums: two chains, lane by lane
        Model("Exact", new[] { 1, 16, 3 }, new[] { ReLU, ActivationKind.Softmax }, loss: LossKind.CrossEntropy), // 17 terms, no units after the groups
        Model("Bottleneck", new[] { 3, 1, 20, 2 }, new[] { Leaky, ReLU, Identity }, PrecisionKind.Single),
        Model("Deep", new[] { 1, 12, 5, 1 }, new[] { ReLU, Leaky, ActivationKind.Sigmoid }, loss: LossKind.BinaryCrossEntropy),
        Model("Widest", new[] { 1, 64, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single),               // layers of 64 weights, the default unroll limit
        Model("Pair", new[] { 2, 20, 1 }, new[] { ReLU, ActivationKind.Sigmoid }, loss: LossKind.BinaryCrossEntropy), // two inputs
        Model("PairSingle", new[] { 2, 23, 2 }, new[] { Leaky, Identity }, PrecisionKind.Single),
        Model("PairShort", new[] { 2, 9, 1 }, new[] { Identity, Identity }),
        Model("Three", new[] { 3, 20, 1 }, new[] { ReLU, Identity }, loss: LossKind.MeanSquaredError),        // three inputs: a group's twelve weights transposed
        Model("ThreeSingle", new[] { 3, 25, 2 }, new[] { Leaky, Identity }, PrecisionKind.Single),          // a unit after the groups
        Model("Four", new[] { 4, 16, 3 }, new[] { ReLU, ActivationKind.Softmax }, PrecisionKind.Single, LossKind.CrossEntropy), // four inputs: a group's rows transposed
        Model("FourDouble", new[] { 4, 10, 1 }, new[] { Identity, Identity }),                              // two units after the groups
        // Doubles of two to four inputs: Predict takes two groups at a time as one 512-bit vector where those are accelerated.
        Model("ThreePairs", new[] { 3, 16, 3 }, new[] { ReLU, Identity }, loss: LossKind.MeanSquaredError),   // two pairs; 17-term sums, four chains in one vector
        Model("FourOdd", new[] { 4, 13, 1 }, new[] { Leaky, Identity }),                                    // a pair, an unpaired group and a unit after them
        Model("PairPairs", new[] { 2, 16, 2 }, new[] { ReLU, Identity }),                                   // two pairs, nothing after them
        // Three or four inputs and eight groups or more: the training kernels' forward pass pairs them too.
        Model("ThreeTrainPairs", new[] { 3, 33, 1 }, new[] { ReLU, Identity }, loss: LossKind.MeanSquaredError), // four pairs and a unit after them
        Model("FourTrainPairs", new[] { 4, 36, 1 }, new[] { Leaky, Identity }),                             // four pairs and an unpaired group
        // Doubles whose layer above sums 32-47 terms (eight chains): Predict keeps a row's chains in one 512-bit vector where those are accelerated.
        Model("PairedRows", new[] { 2, 32, 1 }, new[] { ReLU, Identity }),                                  // four pairs; 33-term sums
        Model("PairedRowsOdd", new[] { 2, 31, 2 }, new[] { Leaky, Identity }),                              // seven groups (the last unpaired) and three units after them
        Model("OneInputRows", new[] { 1, 40, 1 }, new[] { ReLU, Identity }),                                // one input below (its groups of four paired for the sums); 41-term sums
        Model("FourDeep", new[] { 4, 12, 12, 3 }, new[] { ReLU, ReLU, ActivationKind.Softmax }, loss: LossKind.CrossEntropy),
        Model("ThreeDeepSingle", new[] { 6, 3, 37, 1 }, new[] { Leaky, ReLU, Identity }, PrecisionKind.Single), // layer 2 from a copy, its inputs layer 1's locals; 36 units in 16 + 16 + 4 lanes, one after
        Model("FourIdentitySingle", new[] { 4, 12, 2 }, new[] { Identity, Identity }, PrecisionKind.Single), // from a copy in 8 + 4 lanes
        Model("AboveVector", new[] { 1, 2, 16, 1 }, new[] { ReLU, ReLU, Identity }),                        // below it, a layer that would fill a Vector128
        // Five or more inputs: Predict alone groups the layer, from a copy of W (NetworkPlan.PredictByColumns); the training kernels stay unit by unit.
        Model("EightInputs", new[] { 8, 10, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single),         // two groups and two units after them; 11-term sums above, lane by lane
        Model("SixInputs", new[] { 6, 16, 5 }, new[] { ReLU, ActivationKind.Sigmoid }, PrecisionKind.Single, LossKind.BinaryCrossEntropy), // 17-term sums above, in one vector of chains
        Model("FiveInputsDouble", new[] { 5, 20, 4 }, new[] { Leaky, ActivationKind.Sigmoid }, loss: LossKind.BinaryCrossEntropy),
        Model("FiveWide", new[] { 5, 37, 1 }, new[] { Identity, Identity }, PrecisionKind.Single),          // 16 + 16 + 4 lanes and a unit after; 38-term sums, eight chains
        Model("TenDeep", new[] { 10, 10, 10, 10, 1 }, new[] { ReLU, ReLU, ReLU, Identity }, PrecisionKind.Single), // every hidden layer, each broadcasting the lanes of the one below
        Model("AboveThree", new[] { 3, 15, 10, 2 }, new[] { Leaky, ReLU, Identity }, PrecisionKind.Single), // layer 1 grouped in every kernel, layer 2 in Predict alone (12 of its 15 inputs from lanes)
        // Blocks of 512 bits in Predict: four groups of floats of one or two inputs, and sums above of sixteen chains (64 terms
        // or more) in one 512-bit vector of floats or two of doubles. Unrolled whole up to 512 weights (past 256, unit by unit
        // would call the layer kernels).
        Wide512(Model("BlocksSingle", new[] { 2, 68, 3 }, new[] { Leaky, Identity }, PrecisionKind.Single)), // four blocks and a group after them; 69-term sums
        Wide512(Model("BlocksSingleOdd", new[] { 2, 79, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)), // four blocks, three groups and three units after them
        Wide512(Model("OneInputBlocksSingle", new[] { 1, 70, 2 }, new[] { ReLU, Identity }, PrecisionKind.Single)), // one input: a block is sixteen consecutive weights; two units after
        Wide512(Model("SixteenChains", new[] { 2, 64, 2 }, new[] { ReLU, Identity })), // eight pairs; 65-term sums, two vectors of eight chains
        Wide512(Model("SixteenChainsOdd", new[] { 2, 78, 1 }, new[] { Leaky, Identity })), // nine pairs, a group, and two units in the second vector's lanes
        Wide512(Model("FourCopyRows", new[] { 4, 66, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)), // from a copy in blocks of sixteen; 67-term sums, one vector
    };

    /// <summary><paramref name="model"/> unrolled whole up to 512 weights.</summary>
    private static NetworkModel Wide512(NetworkModel model) => model with { MaxUnrolledWeights = 512 };

    /// <summary>
    /// <paramref name="transpose"/> (the <c>Kernels.Transpose</c> overloads of two, three and four 512-bit vectors of T) on
    /// the first two, three and four vectors of <paramref name="values"/>, read as <c>Count</c> rows of that many values:
    /// column c, lane l must hold row l's value c, bit for bit.
    /// </summary>
    private static void AssertTransposesOfTwoToFourRows<T>(T[] values, Func<Vector512<T>[], Vector512<T>[]> transpose)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = Vector512<T>.Count;
        for (int width = 2; width <= 4; width++)
        {
            Vector512<T>[] columns = transpose(Enumerable.Range(0, width).Select(v => Vector512.Create(values.AsSpan(lanes * v, lanes))).ToArray());
            for (int c = 0; c < width; c++)
            {
                for (int lane = 0; lane < lanes; lane++)
                    Assert.True(Bits(values[lane * width + c]) == Bits(columns[c].GetElement(lane)), $"{typeof(T).Name}, {width} rows a lane: column {c}, lane {lane}");
            }
        }

        static long Bits(T value) => typeof(T) == typeof(double) ? BitConverter.DoubleToInt64Bits(double.CreateTruncating(value)) : BitConverter.SingleToInt32Bits(float.CreateTruncating(value));
    }

    [Fact]
    public void The_lane_moves_of_grouped_layers_move_bits_only()
    {
        // Payloads a computation would not keep: a NaN with payload bits, negative zero, a subnormal.
        float[] f = { 1.5f, BitConverter.Int32BitsToSingle(0x7FC0_1234), -0.0f, float.Epsilon, -3f, float.PositiveInfinity, 7e30f, -2.25f };
        var first = Vector128.Create(f[0], f[1], f[2], f[3]);
        var second = Vector128.Create(f[4], f[5], f[6], f[7]);
        global::NetGen.Kernels.Transpose(first, second, out var even, out var odd);
        AssertLanes(new[] { f[0], f[2], f[4], f[6] }, even);
        AssertLanes(new[] { f[1], f[3], f[5], f[7] }, odd);
        global::NetGen.Kernels.Transpose(first, second, Vector128.Create(f[2], f[4], f[6], f[0]), Vector128.Create(f[7], f[5], f[3], f[1]), out var c0, out var c1, out var c2, out var c3);
        AssertLanes(new[] { f[0], f[4], f[2], f[7] }, c0);
        AssertLanes(new[] { f[1], f[5], f[4], f[5] }, c1);
        AssertLanes(new[] { f[2], f[6], f[6], f[3] }, c2);
        AssertLanes(new[] { f[3], f[7], f[0], f[1] }, c3);

        // Three inputs: four rows of three values in three vectors, f[0..2] the first row, f[3..5] the second, ...
        float[] rows = { f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], -f[0], -f[1], -f[2], -f[3] };
        global::NetGen.Kernels.Transpose(Vector128.Create(rows, 0), Vector128.Create(rows, 4), Vector128.Create(rows, 8), out var t0, out var t1, out var t2);
        AssertLanes(new[] { rows[0], rows[3], rows[6], rows[9] }, t0);
        AssertLanes(new[] { rows[1], rows[4], rows[7], rows[10] }, t1);
        AssertLanes(new[] { rows[2], rows[5], rows[8], rows[11] }, t2);

        double[] d = { 1.5, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234), -0.0, double.Epsilon, -3, double.NegativeInfinity, 7e300, -2.25 };
        var firstDoubles = Vector256.Create(d[0], d[1], d[2], d[3]);
        var secondDoubles = Vector256.Create(d[4], d[5], d[6], d[7]);
        global::NetGen.Kernels.Transpose(firstDoubles, secondDoubles, out var evenDoubles, out var oddDoubles);
        AssertDoubleLanes(new[] { d[0], d[2], d[4], d[6] }, evenDoubles);
        AssertDoubleLanes(new[] { d[1], d[3], d[5], d[7] }, oddDoubles);
        global::NetGen.Kernels.Transpose(firstDoubles, secondDoubles, Vector256.Create(d[2], d[4], d[6], d[0]), Vector256.Create(d[7], d[5], d[3], d[1]), out var e0, out var e1, out var e2, out var e3);
        AssertDoubleLanes(new[] { d[0], d[4], d[2], d[7] }, e0);
        AssertDoubleLanes(new[] { d[1], d[5], d[4], d[5] }, e1);
        AssertDoubleLanes(new[] { d[2], d[6], d[6], d[3] }, e2);
        AssertDoubleLanes(new[] { d[3], d[7], d[0], d[1] }, e3);

        double[] rowsDoubles = { d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], -d[0], -d[1], -d[2], -d[3] };
        global::NetGen.Kernels.Transpose(Vector256.Create(rowsDoubles, 0), Vector256.Create(rowsDoubles, 4), Vector256.Create(rowsDoubles, 8), out var u0, out var u1, out var u2);
        AssertDoubleLanes(new[] { rowsDoubles[0], rowsDoubles[3], rowsDoubles[6], rowsDoubles[9] }, u0);
        AssertDoubleLanes(new[] { rowsDoubles[1], rowsDoubles[4], rowsDoubles[7], rowsDoubles[10] }, u1);
        AssertDoubleLanes(new[] { rowsDoubles[2], rowsDoubles[5], rowsDoubles[8], rowsDoubles[11] }, u2);

        // Two groups of doubles as one 512-bit vector (Predict where those are accelerated): eight rows of two, three or four values.
        double[] eight = Enumerable.Range(0, 32).Select(i => i % 8 == 1 ? d[i / 8 + 1] : i % 8 == 6 ? -d[7 - i / 8] : i * 1.25 - 7).ToArray();
        AssertTransposesOfTwoToFourRows(eight, rows =>
        {
            var columns = new Vector512<double>[rows.Length];
            switch (rows.Length)
            {
                case 2: global::NetGen.Kernels.Transpose(rows[0], rows[1], out columns[0], out columns[1]); break;
                case 3: global::NetGen.Kernels.Transpose(rows[0], rows[1], rows[2], out columns[0], out columns[1], out columns[2]); break;
                default: global::NetGen.Kernels.Transpose(rows[0], rows[1], rows[2], rows[3], out columns[0], out columns[1], out columns[2], out columns[3]); break;
            }
            return columns;
        });

        // A row's eight chains in one 512-bit vector, lane l chain (l + 1) % 8, added as the scalar sum adds them.
        double[] lanes = { 1e16, 3.5, -1e16, 0.1, -0.0, 2.5e-300, -7.25, 1.0 / 3 };
        double Chain(int chain) => lanes[(chain + 7) % 8];
        double scalarSum = ((Chain(0) + Chain(1)) + (Chain(2) + Chain(3))) + ((Chain(4) + Chain(5)) + (Chain(6) + Chain(7)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(scalarSum), BitConverter.DoubleToInt64Bits(global::NetGen.Kernels.AddChainsInPairs(Vector512.Create(lanes))));
        double[] negativeZeros = Enumerable.Repeat(-0.0, 8).ToArray();
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(global::NetGen.Kernels.AddChainsInPairs(Vector512.Create(negativeZeros))));

        // Four groups of floats as one 512-bit vector: sixteen rows of two, three or four values.
        float[] sixteen = Enumerable.Range(0, 64).Select(i => i % 8 == 3 ? f[i / 8] : i % 8 == 6 ? -f[7 - i / 8] : i * 1.25f - 7).ToArray();
        AssertTransposesOfTwoToFourRows(sixteen, rows =>
        {
            var columns = new Vector512<float>[rows.Length];
            switch (rows.Length)
            {
                case 2: global::NetGen.Kernels.Transpose(rows[0], rows[1], out columns[0], out columns[1]); break;
                case 3: global::NetGen.Kernels.Transpose(rows[0], rows[1], rows[2], out columns[0], out columns[1], out columns[2]); break;
                default: global::NetGen.Kernels.Transpose(rows[0], rows[1], rows[2], rows[3], out columns[0], out columns[1], out columns[2], out columns[3]); break;
            }
            return columns;
        });

        // Sixteen chains: one 512-bit vector of floats (lane l chain (l + 1) % 16), two of doubles (lane l of the second chain (l + 9) % 16).
        float[] floatLanes = { 1e8f, 3.5f, -1e8f, 0.1f, -0.0f, 2.5e-38f, -7.25f, 1f / 3, 5e7f, -0.3f, 9f, -5e7f, 1e-3f, 7f, -2f, 0.7f };
        float FloatChain(int chain) => floatLanes[(chain + 15) % 16];
        float floatSum = (((FloatChain(0) + FloatChain(1)) + (FloatChain(2) + FloatChain(3))) + ((FloatChain(4) + FloatChain(5)) + (FloatChain(6) + FloatChain(7))))
            + (((FloatChain(8) + FloatChain(9)) + (FloatChain(10) + FloatChain(11))) + ((FloatChain(12) + FloatChain(13)) + (FloatChain(14) + FloatChain(15))));
        Assert.Equal(BitConverter.SingleToInt32Bits(floatSum), BitConverter.SingleToInt32Bits(global::NetGen.Kernels.AddChainsInPairs(Vector512.Create(floatLanes))));
        double[] doubleLanes = floatLanes.Select((value, lane) => value * 1e8 + lane * 1e-9).ToArray();
        double DoubleChain(int chain) => doubleLanes[(chain + 15) % 16];
        double doubleSum = (((DoubleChain(0) + DoubleChain(1)) + (DoubleChain(2) + DoubleChain(3))) + ((DoubleChain(4) + DoubleChain(5)) + (DoubleChain(6) + DoubleChain(7))))
            + (((DoubleChain(8) + DoubleChain(9)) + (DoubleChain(10) + DoubleChain(11))) + ((DoubleChain(12) + DoubleChain(13)) + (DoubleChain(14) + DoubleChain(15))));
        Assert.Equal(BitConverter.DoubleToInt64Bits(doubleSum),
            BitConverter.DoubleToInt64Bits(global::NetGen.Kernels.AddChainsInPairs(Vector512.Create(doubleLanes, 0), Vector512.Create(doubleLanes, 8))));

        // A bias in the last lane, -0 in the others: adding it changes no other lane, not even +0 or -0.
        var biased = global::NetGen.Kernels.BiasInLastLane(2.5) + Vector512.Create(0.0, -0.0, 1, -1, d[1], d[3], 7, 4);
        Assert.Equal(new[] { 0.0, -0.0, 1, -1, d[1], d[3], 7, 6.5 }.Select(BitConverter.DoubleToInt64Bits), Enumerable.Range(0, 8).Select(lane => BitConverter.DoubleToInt64Bits(biased.GetElement(lane))));
        var biasedFloats = global::NetGen.Kernels.BiasInLastLane(-1.5f) + Vector512.Create(f.Concat(f.Select(value => -value)).ToArray());
        for (int lane = 0; lane < 16; lane++)
        {
            float expected = lane < 8 ? f[lane] : lane < 15 ? -f[lane - 8] : -1.5f + -f[7];
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(biasedFloats.GetElement(lane)));
        }

        static void AssertLanes(float[] expected, Vector128<float> actual)
        {
            for (int lane = 0; lane < expected.Length; lane++)
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[lane]), BitConverter.SingleToInt32Bits(actual.GetElement(lane)));
        }

        static void AssertDoubleLanes(double[] expected, Vector256<double> actual)
        {
            for (int lane = 0; lane < expected.Length; lane++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected[lane]), BitConverter.DoubleToInt64Bits(actual.GetElement(lane)));
        }
    }

    /// <summary>The same network unit by unit: the grouping threshold above every layer's width.</summary>
    private static readonly PlanLimits Ungrouped = PlanLimits.Default with { MinGroupedUnits = 1 << 20 };

    private static readonly Lazy<Assembly> Compiled = new(() =>
    {
        foreach (NetworkModel model in Shapes)
        {
            Assert.Contains(InLocals(model).Layers, layer => layer.GroupsUnits);
            Assert.DoesNotContain(InLocals(model, Ungrouped).Layers, layer => layer.GroupsUnits);
            // Unit by unit the same layers are unrolled, so both sum each row in the same chains (not a kernel's dot product).
            Assert.Equal(InLocals(model).Layers.Select(layer => layer.Shape), InLocals(model, Ungrouped).Layers.Select(layer => layer.Shape));
        }
        string[] sources = Shapes.Select(model => Emitter.Emit(Planner.Plan(model), default))
            .Concat(Shapes.Select(model => Emitter.Emit(Planner.Plan(model with { ClassName = model.ClassName + "Units" }, Ungrouped), default)))
            .ToArray();
        return GeneratorHarness.LoadCompilation(GeneratorHarness.Compile(sources));
    });

    [Fact]
    public void Predict_Backward_and_Train_give_the_bits_of_the_network_unit_by_unit()
    {
        foreach (NetworkModel model in Shapes)
        {
            if (model.Precision == PrecisionKind.Single)
                AssertSameBits<float>(Compiled.Value, model, model.ClassName + "Units", "unit by unit");
            else
                AssertSameBits<double>(Compiled.Value, model, model.ClassName + "Units", "unit by unit");
        }
    }

    /// <summary>
    /// Predict, Backward and Train of <paramref name="model"/>'s class against the class <paramref name="referenceClass"/>
    /// (<paramref name="referenceName"/> in messages) in <paramref name="assembly"/>, from the same parameters, bit for bit.
    /// </summary>
    private static void AssertSameBits<T>(Assembly assembly, NetworkModel model, string referenceClass, string referenceName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        INetwork<T> grouped = GeneratorHarness.Create<T>(assembly, model.ClassName, seed: 5);
        INetwork<T> units = GeneratorHarness.Create<T>(assembly, referenceClass, seed: 5);
        Assert.True(grouped.Parameters.SequenceEqual(units.Parameters));
        var random = new Random(17);
        T[] specials = { T.Zero, T.NegativeZero, T.CreateChecked(-1e30), T.CreateChecked(1e-30), T.CreateChecked(3) };
        var input = new T[model.InputSize];
        var target = new T[model.OutputSize];
        var output = new T[model.OutputSize];
        var expected = new T[model.OutputSize];
        T learningRate = T.CreateChecked(0.05);
        for (int row = 0; row < 300; row++)
        {
            for (int i = 0; i < input.Length; i++)
                input[i] = row % 5 == 4 ? specials[random.Next(specials.Length)] : T.CreateChecked(random.NextDouble() * 6 - 3);
            FillTarget(model, random, target);
            string where = $"{model.ClassName} row {row} (input {string.Join(", ", input)})";

            grouped.Predict(input, output);
            units.Predict(input, expected);
            AssertBits<T>(expected, output, where + ", Predict", referenceName, model.ClassName);

            grouped.ZeroGradients();
            units.ZeroGradients();
            AssertBits<T>(new[] { units.Backward(input, target) }, new[] { grouped.Backward(input, target) }, where + ", Backward's loss", referenceName, model.ClassName);
            AssertBits<T>(units.Gradients, grouped.Gradients, where + ", Backward's gradients", referenceName, model.ClassName);

            AssertBits<T>(new[] { units.Train(input, target, learningRate) }, new[] { grouped.Train(input, target, learningRate) }, where + ", Train's loss", referenceName, model.ClassName);
            AssertBits<T>(units.Parameters, grouped.Parameters, where + ", the parameters after Train", referenceName, model.ClassName);
        }
    }

    /// <summary>
    /// A weight written through <c>Parameters</c> reaches Predict's next call at once, also where Predict reads a layer from
    /// its copy of W (<see cref="LayerPlan.PredictsFromColumnCopy"/>): each weight of that layer in turn, its lowest bit
    /// flipped and the value scaled by 1000, compared with the network unit by unit after the same write.
    /// </summary>
    [Fact]
    public void Predict_sees_a_weight_written_through_Parameters_at_once()
    {
        foreach (NetworkModel model in Shapes.Where(model => model.Precision == PrecisionKind.Single && InLocals(model).Layers.Any(layer => layer.PredictsFromColumnCopy)))
        {
            INetwork<float> grouped = GeneratorHarness.Create<float>(Compiled.Value, model.ClassName, seed: 9);
            INetwork<float> units = GeneratorHarness.Create<float>(Compiled.Value, model.ClassName + "Units", seed: 9);
            LayerPlan layer = InLocals(model).Layers.First(layer => layer.PredictsFromColumnCopy);
            var input = Enumerable.Range(0, model.InputSize).Select(i => 0.25f * i - 0.4f).ToArray();
            var output = new float[model.OutputSize];
            var expected = new float[model.OutputSize];
            grouped.Predict(input, output); // the copy is made here
            for (int w = layer.WeightOffset; w < layer.WeightOffset + layer.WeightCount; w++)
            {
                foreach (INetwork<float> network in new[] { grouped, units })
                    network.Parameters[w] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(network.Parameters[w]) ^ 1) * 1e3f;
                grouped.Predict(input, output);
                units.Predict(input, expected);
                AssertBits<float>(expected, output, $"{model.ClassName}, weight {w} written", "unit by unit", model.ClassName);
            }
        }
    }

    /// <summary>Networks of one or two inputs too wide to run in locals, which predict in locals by their grouped plan (rule 9).</summary>
    private static readonly NetworkModel[] PredictOnly =
    {
        Model("Beyond", new[] { 1, 100, 1 }, new[] { ReLU, Identity }),
        Model("BeyondSingle", new[] { 1, 80, 2 }, new[] { Leaky, Identity }, PrecisionKind.Single),
        Model("Limit", new[] { 1, 128, 1 }, new[] { Identity, Identity }, PrecisionKind.Single), // 256 weights
        Model("BeyondPair", new[] { 2, 60, 2 }, new[] { Leaky, Identity }),                      // two inputs
    };

    /// <summary>
    /// Networks past the in-locals budget of 256 weights that predict and train samples in locals by their grouped plan: of
    /// one input, of floats whose first layer of three or four inputs Predict reads from a copy of W1, or of doubles and two
    /// to four inputs (whose groups Predict takes two at a time where 512-bit vectors are accelerated).
    /// </summary>
    private static readonly NetworkModel[] PredictOnlyPastBudget =
    {
        Model("PastBudget", new[] { 1, 129, 1 }, new[] { ReLU, Identity }),                                       // 258 weights
        Model("PastBudgetSingle", new[] { 1, 195, 1 }, new[] { Leaky, Identity }, PrecisionKind.Single),         // 390
        Model("PastBudgetWide", new[] { 1, 170, 2 }, new[] { ReLU, Identity }, PrecisionKind.Single),            // 510, two outputs
        Model("PastBudgetThree", new[] { 3, 124, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single),           // 496, W1 from its copy
        Model("PastBudgetFour", new[] { 4, 60, 2 }, new[] { Leaky, Identity }, PrecisionKind.Single),             // 360
        Model("PastBudgetDeep", new[] { 3, 16, 16, 1 }, new[] { Leaky, ReLU, Identity }, PrecisionKind.Single),  // 320
        Model("PastBudgetSmallScalar", new[] { 1, 8, 24, 4 }, new[] { ReLU, ReLU, Identity }, PrecisionKind.Single), // 296, 192 of them unit by unit
        Model("PastBudgetPairDouble", new[] { 2, 100, 1 }, new[] { ReLU, Identity }),                            // 300, 12 pairs and a group
        Model("PastBudgetThreeDouble", new[] { 3, 100, 2 }, new[] { Leaky, Identity }),                          // 500
        Model("PastBudgetFourDouble", new[] { 4, 34, 5 }, new[] { Leaky, Identity }),                            // 306, two units after the groups
        // Floats of two inputs in twelve groups or more: Backward and Train in 512-bit blocks (LayerPlan.TrainsInBlocks).
        Model("PastBudgetPairSingle", new[] { 2, 100, 3 }, new[] { Leaky, Identity }, PrecisionKind.Single),     // 500, six blocks and a group
        Model("PastBudgetPairSingleOne", new[] { 2, 97, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single),    // 291, six blocks and a unit
    };

    /// <summary>
    /// Networks past the budget that predict in locals by their grouped plan but train samples through the layer kernels:
    /// a layer of more than 200 weights (PlanLimits.MaxSampleInLocalsLayerWeights) left to scalar code, its inputs a layer
    /// not grouped or a grouped one of fewer than 15 units (sums of fewer than four chains).
    /// </summary>
    private static readonly NetworkModel[] PredictOnlyScalarLayer =
    {
        Model("ScalarLayer", new[] { 1, 10, 30, 1 }, new[] { ReLU, Leaky, Identity }, PrecisionKind.Single),      // 10 x 30 after the groups
        Model("ScalarLayerDeep", new[] { 1, 9, 12, 25, 2 }, new[] { Leaky, ReLU, ReLU, Identity }),              // 12 x 25 after a scalar layer
    };

    /// <summary>
    /// Networks of floats and two inputs past the budget with fewer than twelve groups (too few to train in blocks), which
    /// predict in locals by their grouped plan and train samples through the layer kernels: each group of four floats is a
    /// Vector128 whose columns the training kernels would move lane by lane.
    /// </summary>
    private static readonly NetworkModel[] PredictOnlyPairSingle =
    {
        Model("PastBudgetPairSingleFew", new[] { 2, 44, 5 }, new[] { Leaky, Identity }, PrecisionKind.Single),   // 308, eleven groups
        Model("PastBudgetPairSingleFewOne", new[] { 2, 47, 4 }, new[] { ReLU, Identity }, PrecisionKind.Single), // 282, eleven groups and three units
    };

    [Fact]
    public void A_wider_network_of_one_or_two_inputs_predicts_and_trains_samples_in_locals_in_vectors_and_batches_through_the_layer_kernels()
    {
        foreach (NetworkModel model in PredictOnly)
        {
            NetworkPlan plan = Planner.Plan(model);
            Assert.False(plan.RunsInLocals);
            Assert.True(plan.TrainsSamplesInLocals);
            Assert.True(plan.TrainsInChunks);
            Assert.True(Assert.IsType<NetworkPlan>(plan.PredictInLocals).Layers[0].GroupsUnits);
        }
        // With dropout the samples train through the layer kernels (their masks are drawn there).
        NetworkModel dropout = PredictOnly[0] with { ClassName = "BeyondDropout", DropoutRates = new[] { 0.2, 0.0 }.ToEquatableArray() };
        Assert.False(Planner.Plan(dropout).TrainsSamplesInLocals);
        // Past the in-locals budget of 256 weights a network of one input, of floats and three or four inputs, or of doubles
        // and two to four inputs still predicts and trains samples in locals, up to 512 weights, unless a layer of more than
        // 200 weights is left to scalar code (then it trains through the layer kernels); floats of two inputs past 256 train
        // samples in locals only in twelve groups or more (in 512-bit blocks); past 512, or with five inputs, everything calls them.
        foreach (NetworkModel model in PredictOnlyPastBudget)
        {
            NetworkPlan plan = Planner.Plan(model);
            Assert.True(Assert.IsType<NetworkPlan>(plan.PredictInLocals).Layers[0].GroupsUnits);
            Assert.True(plan.TrainsSamplesInLocals, model.ClassName);
        }
        foreach (NetworkModel model in PredictOnlyScalarLayer)
        {
            NetworkPlan plan = Planner.Plan(model);
            Assert.True(Assert.IsType<NetworkPlan>(plan.PredictInLocals).Layers[0].GroupsUnits);
            Assert.False(plan.TrainsSamplesInLocals, model.ClassName);
        }
        foreach (NetworkModel model in PredictOnlyPairSingle)
        {
            NetworkPlan plan = Planner.Plan(model);
            Assert.True(Assert.IsType<NetworkPlan>(plan.PredictInLocals).Layers[0].GroupsUnits);
            Assert.False(plan.TrainsSamplesInLocals, model.ClassName);
        }
        // The scalar layer's bound is the one rule 9 gives a layer of a network without groups: raised past it, they train in locals too.
        Assert.All(PredictOnlyScalarLayer, model =>
            Assert.True(Planner.Plan(model, PlanLimits.Default with { MaxSampleInLocalsLayerWeights = 320 }).TrainsSamplesInLocals));
        Assert.Null(Planner.Plan(Model("Over", new[] { 1, 257, 1 }, new[] { ReLU, Identity })).PredictInLocals);
        Assert.Null(Planner.Plan(Model("OverPair", new[] { 2, 171, 1 }, new[] { ReLU, Identity })).PredictInLocals); // 513
        Assert.Null(Planner.Plan(Model("OverPairSingle", new[] { 2, 171, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).PredictInLocals); // 513
        Assert.Null(Planner.Plan(Model("OverFourDouble", new[] { 4, 103, 1 }, new[] { ReLU, Identity })).PredictInLocals); // 515
        Assert.Null(Planner.Plan(Model("OverThreeSingle", new[] { 3, 129, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).PredictInLocals); // 516
        Assert.All(PredictOnlyPastBudget.Where(model => model.InputSize > 1), model =>
            Assert.Equal(model.Precision == PrecisionKind.Single && model.InputSize >= 3, Assert.IsType<NetworkPlan>(Planner.Plan(model).PredictInLocals).Layers[0].PredictsFromColumnCopy));
        // The bound is a cost-model threshold: at 256 the one-input network goes back to the kernels.
        Assert.Null(Planner.Plan(PredictOnlyPastBudget[0], PlanLimits.Default with { MaxGroupedPredictInLocalsWeights = 256 }).PredictInLocals);
        Assert.True(Assert.IsType<NetworkPlan>(Planner.Plan(Model("ThreeInputs", new[] { 3, 50, 2 }, new[] { ReLU, Identity })).PredictInLocals).Layers[0].GroupsUnits);
        // Five inputs: not this rule; its wide layer is one Predict takes from a copy of W, in locals with 512-bit vectors only.
        Assert.True(Planner.Plan(Model("FiveInputs", new[] { 5, 40, 2 }, new[] { ReLU, Identity })).PredictsInLocalsWith512Bits);

        // Predict's sums are the unrolled ones, operation for operation, written out here neuron by neuron.
        NetworkModel[] predicting = PredictOnly.Concat(PredictOnlyPastBudget).Concat(PredictOnlyScalarLayer).Concat(PredictOnlyPairSingle).ToArray();
        Assembly assembly = GeneratorHarness.LoadCompilation(GeneratorHarness.Compile(predicting.Select(model => Emitter.Emit(Planner.Plan(model), default)).ToArray()));
        foreach (NetworkModel model in predicting)
        {
            if (model.Precision == PrecisionKind.Single)
                VectorPredictTests.AssertScalarForward<float>(assembly, model);
            else
                VectorPredictTests.AssertScalarForward<double>(assembly, model);
        }
    }

    [Fact]
    public void A_grouped_layer_trains_in_blocks_from_two_blocks_of_one_input_and_three_of_two_to_four()
    {
        LayerPlan First(NetworkModel model) => Assert.IsType<NetworkPlan>(Planner.Plan(model).SamplePlanInLocals).Layers[0];
        // One input: two blocks (eight groups of floats, four of doubles) or more.
        Assert.True(First(Model("OneTwoBlocks", new[] { 1, 16, 1 }, new[] { ReLU, Identity })).TrainsInBlocks(8));
        Assert.False(First(Model("OneBlockAndGroup", new[] { 1, 13, 3 }, new[] { ReLU, Identity })).TrainsInBlocks(8));
        Assert.True(First(Model("OneTwoBlocksSingle", new[] { 1, 32, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).TrainsInBlocks(4));
        Assert.False(First(Model("OneFewSingle", new[] { 1, 31, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).TrainsInBlocks(4));
        // Two to four inputs: three blocks or more.
        Assert.True(First(Model("ThreeBlocks", new[] { 3, 24, 1 }, new[] { ReLU, Identity })).TrainsInBlocks(8));
        Assert.False(First(Model("TwoBlocksAndGroup", new[] { 3, 20, 1 }, new[] { ReLU, Identity })).TrainsInBlocks(8));
        Assert.True(First(Model("PairThreeBlocksSingle", new[] { 2, 48, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).TrainsInBlocks(4));
        Assert.False(First(Model("PairFewSingle", new[] { 2, 47, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).TrainsInBlocks(4));
        // Floats of three inputs, which Predict reads from a copy of W: the training kernels read W itself, in blocks too.
        LayerPlan fromCopy = Assert.IsType<NetworkPlan>(Planner.Plan(Model("ThreeCopy", new[] { 3, 124, 1 }, new[] { ReLU, Identity }, PrecisionKind.Single)).PredictInLocals).Layers[0];
        Assert.True(fromCopy.PredictsFromColumnCopy);
        Assert.True(fromCopy.TrainsInBlocks(4));
        // Five inputs: a group's weights are no whole vectors.
        Assert.False((fromCopy with { InputSize = 5 }).TrainsInBlocks(4));
    }

    [Fact]
    public void A_wider_network_of_one_or_two_inputs_trains_samples_with_the_bits_of_the_network_unrolled_whole()
    {
        // Backward and Train run by the plan of the network unrolled whole (rule 9), which with MaxUnrolledWeights = 256
        // is the whole network's plan: both must give the same losses, gradients and parameters bit for bit, and the
        // unrolled network's kernels are the grouped ones that the tests above hold to the network unit by unit.
        NetworkModel Whole(NetworkModel model) => model with { ClassName = model.ClassName + "Whole", MaxUnrolledWeights = 256 };
        Assert.All(PredictOnly, model => Assert.True(Planner.Plan(Whole(model)).RunsInLocals));
        Assembly assembly = GeneratorHarness.LoadCompilation(GeneratorHarness.Compile(PredictOnly.Concat(PredictOnly.Select(Whole))
            .Select(model => Emitter.Emit(Planner.Plan(model), default)).ToArray()));
        foreach (NetworkModel model in PredictOnly)
        {
            if (model.Precision == PrecisionKind.Single)
                AssertSameBits<float>(assembly, model, Whole(model).ClassName, "unrolled whole");
            else
                AssertSameBits<double>(assembly, model, Whole(model).ClassName, "unrolled whole");
        }
    }

    [Fact]
    public void Past_the_budget_a_grouped_network_trains_samples_in_locals_with_the_bits_of_the_network_unit_by_unit()
    {
        // Past 256 weights Backward and Train run by the grouped plan the network predicts by (rule 9): against the network
        // unrolled whole and unit by unit, whose sums have the same chains, they give the same losses, gradients and
        // parameters bit for bit.
        NetworkModel Units(NetworkModel model) => model with { ClassName = model.ClassName + "Units", MaxUnrolledWeights = 512 };
        foreach (NetworkModel model in PredictOnlyPastBudget)
        {
            NetworkPlan units = Planner.Plan(Units(model), Ungrouped);
            Assert.True(units.RunsInLocals, model.ClassName);
            Assert.Equal(Assert.IsType<NetworkPlan>(Planner.Plan(model).PredictInLocals).Layers.Select(layer => layer.Shape), units.Layers.Select(layer => layer.Shape));
        }
        Assembly assembly = GeneratorHarness.LoadCompilation(GeneratorHarness.Compile(PredictOnlyPastBudget.Select(model => Emitter.Emit(Planner.Plan(model), default))
            .Concat(PredictOnlyPastBudget.Select(model => Emitter.Emit(Planner.Plan(Units(model), Ungrouped), default))).ToArray()));
        foreach (NetworkModel model in PredictOnlyPastBudget)
        {
            if (model.Precision == PrecisionKind.Single)
                AssertSameBits<float>(assembly, model, Units(model).ClassName, "unit by unit");
            else
                AssertSameBits<double>(assembly, model, Units(model).ClassName, "unit by unit");
        }
    }

    /// <summary>A target the loss accepts: a one-hot row for cross-entropy, 0 or 1 for binary cross-entropy, else any value.</summary>
    private static void FillTarget<T>(NetworkModel model, Random random, T[] target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Array.Clear(target);
        if (model.Loss == LossKind.CrossEntropy)
            target[random.Next(target.Length)] = T.One;
        else
        {
            for (int k = 0; k < target.Length; k++)
                target[k] = model.Loss == LossKind.BinaryCrossEntropy ? T.CreateChecked(random.Next(2)) : T.CreateChecked(random.NextDouble() * 2 - 1);
        }
    }

    private static void AssertBits<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what, string expectedName, string actualName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            bool same = T.IsNaN(expected[k]) ? T.IsNaN(actual[k])
                : BitConverter.DoubleToInt64Bits(double.CreateChecked(expected[k])) == BitConverter.DoubleToInt64Bits(double.CreateChecked(actual[k]));
            Assert.True(same, $"{what}, value {k}: {expectedName} {expected[k]}, {actualName} {actual[k]}");
        }
    }
}
