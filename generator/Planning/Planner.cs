using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning;

/// <summary>
/// Turns a declaration into a <see cref="NetworkPlan"/>: every choice of code shape, kernel, buffer
/// layout and batching is made here, by one cost model, and nowhere else. The emitter only renders it.
/// </summary>
/// <remarks>
/// The cost model, each rule measured on this repository's machine (numbers in docs/benchmarks.md):
/// <list type="number">
/// <item>A layer is unrolled (straight-line code, constant indices) when it has at most as many weights as its unroll
/// limit, each sum has at most <see cref="PlanLimits.MaxUnrolledFanIn"/> terms, and the network's unroll budget
/// (<see cref="PlanLimits.MaxUnrolledWeightsPerNetwork"/>) is not spent; otherwise it calls whole-layer kernels.
/// The limit is the declaration's <c>MaxUnrolledWeights</c>, for every layer alike, when it sets one; otherwise
/// <see cref="PlanLimits.DefaultMaxUnrolledWeights"/> (64), except in a small network that can be unrolled whole into
/// locals: when the whole network has at most <see cref="PlanLimits.MaxInLocalsNetworkWeights"/> (256) weights, each of
/// its layers past 64 weights has an arithmetic activation (identity, ReLU, leaky ReLU; not
/// <see cref="ActivationInfo.IsTranscendental"/>) and fewer than <see cref="PlanLimits.MaxInLocalsFanIn"/> (16) inputs, and unrolled it would run in locals (rule 3), its arithmetic layers
/// are unrolled whatever their size. Unrolled code wins while a layer's arithmetic is smaller than the fixed cost of the
/// kernel calls it replaces; past about 64 weights a layer's scalar unrolled products (three per weight in training) cost
/// as much as the kernels' vector loops and calls, and an exp or tanh adds a scalar call per neuron or, on a wide layer,
/// a vector call that keeps the network out of locals. What still pays past 64 is running a whole network in locals:
/// no scratch buffers, no calls between layers, no copies. Measured in the shape sweep (benchmarks/sweep/RESULTS.md),
/// networks of 72-253 weights with one or two ReLU or leaky layers of 65-192 weights train (Train, Backward per row)
/// 1.1-2.6x faster unrolled whole; TrainBatch, which they then run row by row, and Predict where sums are 16 or more
/// long (one serial chain each) are up to 1.7x slower; 410-528 weights
/// in two to four such layers trained 1.3-2.7x slower; sigmoid and tanh layers of 65-160 weights are slower unrolled.
/// Past the limits code size stops growing.</item>
/// <item>An exp- or tanh-based activation on a layer at least <see cref="PlanLimits.MinVectorizedActivationWidth"/>
/// wide is one vector kernel call; below that, one scalar call per neuron, except that an unrolled layer whose
/// activation the runtime computes in packs (<see cref="ActivationInfo.Packs"/>) and whose values fit one 512-bit vector
/// (<see cref="PlanLimits.MaxPackedBytes"/>: up to 16 floats or 8 doubles) packs its sums into one vector
/// (<see cref="LayerPlan.PacksActivation"/>). A layer of <see cref="PlanLimits.MinVectorizedActivationWidth"/> units or
/// more packs only where the network runs in locals (rule 3; in span code one kernel call over the layer, or over a
/// chunk's rows, costs less than a pack per row), and such a network trains its batches in chunks (rule 10), so that the
/// layer stays one kernel call per chunk there. A sigmoid output layer of 8 units or more does not pack: the training
/// calls never pack a sigmoid output (its loss is fused with it), and packed for Predict alone it would have left them a
/// scalar sigmoid per unit (3-4-12 ReLU/sigmoid single, per-row batch32 3.0 -> 8.9 us). Packed, a small network of such a layer predicts in locals (rule 9):
/// NetGen.Sweep, medians of 3 alternated processes, infer / per-row batch32, 9-10-3 sigmoid single 59.3 -> 43.4 ns /
/// 2.79 -> 2.08 us, 12-8-1 sigmoid 47.6 -> 38.3 ns, 11-9-7 sigmoid/tanh 126 -> 104 ns, 3-8-2 Softplus double 71.4 -> 36.4
/// ns / 3.02 -> 2.42 us (its step 96 -> 79 ns), 11-8-1 SiLU double 56.8 -> 33.2 ns, 11-14-1 GELU single 97.1 -> 78.0 ns;
/// TrainBatch within 7% either way. Sigmoid for
/// Predict and Backward (one vector exp instead of several scalar ones; two doubles as two inlined scalar sigmoids side
/// by side, which measured faster than the vector exp's call), GELU, SiLU, ELU and Softplus in every in-locals kernel and,
/// behind a looped layer, in span code too (<see cref="LayerPlan.PacksInSpans"/>), their derivatives from z too, from
/// <see cref="ActivationInfo.MinPackedUnits"/> units: a pack is one vector evaluation the layer waits for (35-60 ns), scalar
/// calls overlap and each adds its cost (GELU 14.5 ns, Softplus 15, ELU 7.8, SiLU 4.5), so packing pays from 2 GELU or
/// Softplus units, 4 ELU and 6 SiLU units (<see cref="PlanLimits.PackBreakEvenNanoseconds"/>). 3-5-2 GELU doubles, a
/// step 212-226 -> 79-99 ns, Predict 83 -> 35-54 (NetGen.Sweep, alternated processes; bimodal from process to process).</item>
/// <item>A network whose layers are all unrolled and activated neuron by neuron runs Predict and its training
/// kernels in locals: no scratch buffers, no calls between layers.</item>
/// <item>In such a network, Predict computes a hidden layer that fills a Vector128 or a Vector256 (2 or 4 doubles, 4 or 8
/// floats) and whose activation is identity, ReLU or leaky ReLU as one vector (<see cref="LayerPlan.PredictsAsVector"/>):
/// its sums column by column, the activation as one compare and mask, and the layer above multiplies each weight row by
/// it and adds the lanes, every sum operation for operation the scalar one. Fewer, wider instructions wait on each sample's dependency chain, so more
/// samples overlap: W3's (3-4-1 ReLU/sigmoid) Predict took 10.7-10.9 instead of 10.9-11.5 ns in BenchmarkDotNet (10.0
/// against 12.0 in a Stopwatch loop); in a Stopwatch loop through INetwork, 2-4-1, 6-4-4-1 and 3-4-1 (leaky) double
/// networks by 0.3-1.3 ns, a 4-8-1 float one from 18.5 to 15.9 ns, 3-2-3 (softmax) by up to 1 ns. A layer with padding
/// lanes (3 doubles in a Vector256: 3-3-1, 3-3-2) measured 0.5-1.5 ns slower than scalar and stays scalar. The layer
/// above stays neuron by neuron (its inputs are a vector). The training kernels keep their scalar sums.
/// A wider hidden layer of one to four inputs (<see cref="PlanLimits.MaxGroupedInputs"/>; at least <see cref="PlanLimits.MinGroupedUnits"/> units, and with three or
/// four inputs wider than the vector above it would fill; identity, ReLU or leaky ReLU; no dropout) holds its units in
/// vectors of four in every in-locals kernel, Predict, Backward and Train (<see cref="LayerPlan.GroupsUnits"/>): with one
/// input, four units' weights and biases are one load each, so the layer's sums, activations, deltas and updates are one
/// vector per four units, and the layer above reads its rows four units at a time, its four sum chains in the lanes of one
/// vector. Every lane is its unit's scalar arithmetic, so results do not change. 1-50-1 double: Predict 30 -> 11 ns, Train
/// 80 -> 34 ns; 1-16-1 single Predict 32-35 -> 5 ns (Stopwatch). With two to four inputs, a group's 4k weights are k
/// loads whose lanes are moved into the k columns (<c>Kernels.Transpose</c>), and its
/// update is k vector read-modify-writes: 2-64-1 single Predict 53 -> 22.5 ns, Train 141-145 -> 46 ns; 3-40-2 double 60
/// -> 28 ns, 112 -> 55 ns; 4-32-1 single 39 -> 23 ns, 76 -> 43 ns (unit by unit -> grouped). Predict reads a float
/// layer of three or four inputs from an input-major copy of W instead (<see cref="LayerPlan.PredictsFromColumnCopy"/>),
/// checked against W on every call, and where the hardware has 256-bit vectors computes its groups' sums in the widest
/// ones: a group of floats is a Vector128, so a 512-bit vector does four groups' arithmetic and no lane moves are left
/// (medians of 3 processes, AVX-512 / 256-bit vectors: 4-32-1 23.4 -> 15.8 / 17.7 ns, 3-24-1 24.2 -> 18.0 / 18.0,
/// 3-48-1 29 -> 18.3, 4-20-2 16.6 -> 13.9; 4-16-3 and 3-16-16-1 unchanged). Two inputs' lane moves are two a group, which
/// the comparison of the copy does not clearly beat (2-24-1 10.3 -> 11.2 ns, 2-64-1 22.5 -> 19.5-22.6:
/// <see cref="PlanLimits.MinColumnCopyInputs"/>, as for a looped first layer). A group of doubles is already a Vector256,
/// and there the comparison cost more than the lane moves saved (2-33-3 21.3 -> 24-28 ns, 4-10-1 10.1 -> 12.5), so
/// doubles keep them, as SSE does (the copy's comparison in 128-bit vectors: 4-32-1 25.2 -> 29.4 ns). Where 512-bit
/// vectors are accelerated, Predict takes such a layer of doubles two groups at a time, eight units to a vector whose
/// columns are moved by two-source permutes (the emitter's <c>EmitPairedGroupSums</c>), and a layer above it whose sums
/// have eight chains keeps a row's chains in one vector (<c>EmitPairedRowSums</c>), the same bits: half the vector
/// operations (NetGen.Sweep, medians of 3 alternated processes, infer: 3-40-2 ReLU 24.0 -> 16.9 ns, 3-20-1 11.1 -> 9.6).
/// The training kernels' forward pass pairs such a layer's groups too when it has three or four inputs and eight groups or
/// more (the emitter's <c>PairsGroups</c>: Train of 4-34-5 leaky 81.1 -> 72.5 ns, 4-50-3 86.6 -> 74.1).
/// Predict alone also groups a hidden layer of five or more inputs, both precisions, read from a copy of W
/// (<see cref="NetworkPlan.PredictByColumns"/>; the other rule-4 conditions, inputs that are not one vector, and a layer
/// above that is neither one vector nor grouped): the training kernels would have to gather such a group's columns value
/// by value, and keep their plan, but for Predict the alternative is scalar code, one multiply and one add per weight,
/// against one per vector of units from the copy. Above a grouped layer each input is broadcast from its lane.
/// NetGen.Sweep, medians of 3-5 alternated processes, infer: 8-10-1 leaky single 22.3 -> 14.3 ns (C 14.1), 6-16-5
/// ReLU/sigmoid single 56.7 -> 33.8, 6-14-4 ReLU/softmax 48.5 -> 40.8, 9-9-7 leaky 30.1 -> 26.7, 10-10-10-10-10-1 ReLU
/// (every hidden layer) 79.8 -> 53.9, 3-16-16-1 39.4 -> 29.8; doubles 5-20-4 leaky/sigmoid 59.1 -> 39.4, 8-9-1 31.9 ->
/// 24.2, 13-10-1 51.5 -> 39.9, 7-14-1 36.9 -> 31.8, 4-12-12-3 60.4 -> 52.4. The same with 256-bit vectors. Predict runs
/// by this plan only where 256-bit vectors are accelerated: with 128-bit ones alone a group's columns are gathered from
/// W's rows value by value, which went both ways (8-10-1 22.5 -> 20.4 ns, 6-16-5 115 -> 56, but 3-16-16-1, whose second
/// layer takes 16 inputs from lanes, 47 -> 63), so there Predict runs by the training calls' plan.</item>
/// <item>A network that does not run in locals trains a batch (BackwardBatch, TrainBatch, so Fit) in chunks of rows, and
/// runs every layer's forward product, delta product and weight-gradient product for a whole chunk as one matrix-matrix
/// kernel: each weight is loaded once per chunk and each load serves several rows. The chunk's activations and deltas
/// are bounded by <see cref="PlanLimits.MaxBatchScratch"/> elements. PredictBatch runs a looped first layer for a chunk
/// of rows the same way (W1 read once per chunk) and the rest row by row, so each row's output is exactly Predict's; its
/// chunk is on the stack, bounded by <see cref="PlanLimits.MaxStackBatchBytes"/>. A network in locals trains row by row:
/// its rows are too small for kernel calls to pay (measured on networks unrolled whole by rule 1, see
/// <see cref="PlanLimits.MaxInLocalsFanIn"/>).</item>
/// <item>The in-locals kernels of a network of more than <see cref="PlanLimits.MaxUnrolledWeightsForUpdateCalls"/> weights
/// write their vector weight updates out at references into the rows; smaller ones call <c>Kernels.AddScaled</c>, the
/// least IL, so that the JIT can still inline a whole kernel into its caller.</item>
/// <item>A hidden layer whose activation's derivative needs z keeps z after the logits in the activation buffer.</item>
/// <item>A hidden layer with dropout keeps, after those, its dropped outputs and its mask: the training calls feed the
/// dropped outputs to the layer above and multiply its delta by the mask, while its derivative reads the undropped
/// outputs. The training calls of such a network run their own forward pass (<c>ForwardTraining</c>); Predict and Loss
/// keep theirs, so they compute exactly what they compute without dropout. A network without dropout gets no code for it.</item>
/// <item>A network that trains through the layer kernels but is small and narrow (at most
/// <see cref="PlanLimits.MaxPredictInLocalsWeights"/> weights, layers of fewer than 16 inputs and at most
/// <see cref="PlanLimits.MaxPredictInLocalsWidth"/> outputs) predicts in locals by the plan of the network unrolled whole
/// (<see cref="NetworkPlan.PredictInLocals"/>), where that plan runs in locals: its layers are too narrow for a kernel
/// call per layer to pay (10-10-10-10-10-1 ReLU: 252 -> 125 ns), while the training kernels unrolled whole lost from about
/// 800 weights and the batch calls, row by row in locals, on every such network. PredictBatch then runs Predict row by
/// row, so each row still gets exactly Predict's output; Loss and the training calls keep the kernels' sums, which can
/// differ from Predict's in the last bits. Such a network without dropout of at most
/// <see cref="PlanLimits.MaxSampleInLocalsWeights"/> weights, none of its layers over
/// <see cref="PlanLimits.MaxSampleInLocalsLayerWeights"/>, also runs Backward and Train in locals by that plan
/// (<see cref="NetworkPlan.TrainsSamplesInLocals"/>: 10-10-10-10-10-1's Train 605 -> 397 ns); its batch calls keep the
/// chunked kernels (row by row in locals they lost 1.1-2x), which sum in another order than Backward.
/// A network of at most <see cref="PlanLimits.MaxInLocalsNetworkWeights"/> weights may have wider layers than that: up to
/// <see cref="PlanLimits.MaxSmallPredictInLocalsWidth"/> units and, after the first layer, up to
/// <see cref="PlanLimits.MaxSmallPredictInLocalsFanIn"/> inputs, whose sums the unrolled code deals to four chains and
/// whose inputs, a hidden layer's outputs, stay in registers instead of going through a scratch buffer to a kernel
/// (5-20-4 leaky/sigmoid double: Predict 68-72 -> 46.5-47 ns, Train 141-152 -> 115-122). A first layer of 16 or more
/// inputs keeps its kernel, which reads the input row in whole vectors: 16-14-1 single 35-36.5 -> 41-41.5 ns in locals,
/// 24-10-1 single 36-37 -> 43-47.5.
/// A network of one to four inputs and at most <see cref="PlanLimits.MaxInLocalsNetworkWeights"/> weights whose first layer,
/// unrolled whole, holds its units in vectors (rule 4) predicts in locals by that plan too, though its layers are wider
/// than the above allows: the layer above then sums in vectors, not in long scalar chains (1-100-1 double 56-67 -> 20-24
/// ns, 1-80-2 single 38-39 -> 19-28 ns, 1-128-1 single 39-40 -> 34-37 ns, 2-60-2 double 59-61 -> 33-34 ns, 2-80-1 single
/// 36 -> 34 ns). Backward and Train run in locals by that plan too (<see cref="NetworkPlan.TrainsSamplesInLocals"/>), its
/// batch calls keep the layer kernels. Until 4 December they kept the kernels, because in locals Train took 2-8x as long
/// (1-100-1 133 -> 261-273 ns, 1-128-1 single 102-119 -> 788-801 ns): each group's load in the training kernels was a
/// cast, a slice and a Create, three calls for the JIT to inline, and a hundred of them spent its inlining budget, so
/// the rest stayed calls. Loaded at a reference into the span (one inlined call), the kernels are whole again; Train
/// through the kernels -> in locals (Stopwatch through INetwork, fastest of 300 runs): 1-100-1 110-112 -> 49 ns, 1-128-1
/// single 78-85 -> 51.5, 1-80-2 single 87-90 -> 45.5, 2-33-3 126-131 -> 61.5; 32 Backward calls 3.6-3.9 -> 1.6 us, 2.5 ->
/// 1.7, 2.7-2.8 -> 1.5, 4.1-4.5 -> 1.9. Past 256 weights, unrolled whole, Train went both ways (2-40-5 108-111 -> 83 ns,
/// 1-195-1 single 116 -> 167-172) and TrainBatch run row by row lost (2-40-5 1.7 -> 2.5 us), so the budget stays.
/// Past that budget a network of one to four inputs predicts that way up to
/// <see cref="PlanLimits.MaxGroupedPredictInLocalsWeights"/> weights: of one input (1-195-1 single: Predict 61.5 -> 36 ns),
/// of floats whose first layer of three or four inputs Predict reads from a copy of W1 (rule 4: 3-124-1 71.7 -> 51.4 ns,
/// 4-60-2 81.5 -> 42.4, 3-16-16-1 65.6 -> 39.0), and since 5 December of doubles of two to four inputs, whose groups Predict
/// takes two at a time where 512-bit vectors are accelerated, and of floats of two inputs. NetGen.Sweep, medians of 3
/// alternated processes, through the kernels -> in locals, Predict: 4-34-5 leaky double 63.5 -> 29.4 ns (C 19), 3-100-2
/// 73.8 -> 36.9, 2-128-2 69.2 -> 33.5, 2-100-3 66.8 -> 35.4, 3-30-6 softmax 97.0 -> 49.7; 2-100-3 leaky single 54.0 -> 36.7,
/// 2-160-1 single 44.5 -> 37.4 (before the lane moves of rule 4, 2-160-1 had lost: 42.5 -> 63). Such a network trains
/// samples in locals too (Train of the doubles above 124.8 -> 99.7, 160.7 -> 111.8, 124.2 -> 116.1, 142.7 -> 117.2 ns),
/// unless a layer of more than <see cref="PlanLimits.MaxSampleInLocalsLayerWeights"/> weights is left to scalar code or
/// its groups are floats of two inputs outside 512-bit blocks (<see cref="TrainsGroupedSamplesInLocals"/>). That Train lost past about 80 groups
/// (3-124-1 141.6 -> 234.3 ns) while each group load took a <c>GetReference</c> and each lane move a tuple, which spent
/// the JIT's inlining budget; with a reference per span and the columns as out parameters nothing is left as a call,
/// and Train through the kernels -> in locals (Stopwatch through INetwork, 0.7 s warm-up, fastest of 15 runs, two
/// processes each, 5 December): 3-124-1 single 147-148 -> 118-119 ns, 4-60-2 softmax 159-164 -> 104-107, 1-195-1 leaky
/// 141 -> 116, 1-256-1 128 -> 116, 3-40-5 135 -> 73-94, 1-40-7 147 -> 65, 1-8-24-4 200 -> 141-149, 3-64-4 123-128 ->
/// 101-103; even or close: 1-12-16-8 double 167 -> 160-166, 3-12-12-12-1 156-168 -> 161-167, 3-128-1 leaky/sigmoid 144 ->
/// 152-153. The layers left to scalar code lost without the bound: 1-10-30-1 160 -> 196 ns, 1-9-12-25-2 double 298 -> 368.
/// A network of five or more inputs and at most <see cref="PlanLimits.MaxPredictInLocalsWeights"/> weights whose every layer
/// too wide for the above (more than <see cref="PlanLimits.MaxSmallPredictInLocalsWidth"/> units or
/// <see cref="PlanLimits.MaxSmallPredictInLocalsFanIn"/> inputs) Predict, unrolled whole, takes in vectors (rule 4's groups
/// read from copies of W, or the rows of the layer above such a group) predicts in locals by that plan where 512-bit
/// vectors are accelerated, and through the kernels elsewhere (<see cref="NetworkPlan.PredictsInLocalsWith512Bits"/>);
/// PredictBatch follows Predict, and the training calls keep the kernels (Train unrolled whole took 5-33-3's 202 -> 219
/// ns). The narrow bounds above were measured before rule 4 grouped layers of five or more inputs for Predict; a drawn
/// probe, 5-33-3 leaky/softmax single, took 2.7x C's time in Predict through the kernels. Stopwatch through INetwork,
/// fastest of 2-3 alternated processes, 6 December, kernels -> in locals, AVX-512: 5-33-3 71.5-75 -> 28-31.5 ns,
/// 7-24-24-1 66-70 -> 37-40, 12-20-1 ReLU/sigmoid double 54 -> 27-28, 5-20-20-3 leaky/softmax 103-107 -> 46-50, 6-64-1
/// 46-48 -> 18-18.6, 15-20-1 40-42 -> 18, 20-40-3 softmax 93-99 -> 50-64, 16-48-2 leaky 57-58 -> 33-35, 5-100-1 43-44 ->
/// 26, 8-100-2 double 89-102 -> 62-64, 11-64-4 69 -> 30-31, 24-25-10 softmax 101-104 -> 75-79, 6-50-10 softmax 94-96 ->
/// 76-77, 10-30-10 softmax double 105-108 -> 88-94, 30-20-1 double 57-60 -> 50-51, 10-20-3-2 ReLU/GELU/Softplus 131-139
/// -> 66, 5-25-4 leaky/sigmoid double 63-64 -> 31, 5-22-10 double 55-61 -> 34, 16-14-1 double 37 -> 27-30, 24-8-1 double
/// 31-32 -> 19 (floats unless marked). With 256-bit vectors alone it went both ways (5-33-3 72 -> 31, 6-64-1 55 -> 29.5,
/// but 30-20-1 double 60 -> 222, 10-30-10 double 101 -> 150, 8-100-2 double 85 -> 131, 11-64-4 68 -> 86), and without
/// AVX, where the unrolled plan is scalar, it lost 1.5-4x (7-24-24-1 95 -> 342, 24-25-10 133 -> 437). Left to the kernels,
/// unrolled whole: a wide tanh or GELU layer, which stays scalar (8-40-2 tanh 74 -> 154, 9-33-4 GELU double 125 -> 187),
/// and past the weight bound (13-40-40-1, 3,720 weights, 96 -> 723).</item>
/// <item>A network that runs in locals (rule 3), without dropout and with at least
/// <see cref="PlanLimits.MinChunkedBatchHiddenUnits"/> hidden units in all, or with a packed layer of
/// <see cref="PlanLimits.MinVectorizedActivationWidth"/> units or more (rule 2), trains its batches (BackwardBatch, TrainBatch,
/// so Fit) in chunks: its layers are planned looped, as with <c>MaxUnrolledWeights = 0</c>, and Predict, Backward and
/// Train run in locals by its in-locals plan, exactly as before (<see cref="NetworkPlan.PredictInLocals"/>,
/// <see cref="NetworkPlan.TrainsSamplesInLocals"/>). Row by row in locals, a batch repeats every unit's scalar work per
/// row: 2-64-1's TrainBatch of 32 rows took 5.1 us that way and 1.2 us in chunks; 3-8-2 Softplus doubles, whose layer
/// of 8 packs, 2.4-2.9 us row by row in two passes (rule 11), 1.4-1.5 us in chunks. Loss and the batch calls then sum in the
/// kernels' order, which can differ from Predict and Backward in the last bits, as in rule 9.</item>
/// <item>A network that runs in locals, trains its batches row by row (no dropout, no units in vectors of four, not
/// rule 10) and has a layer of an exp- or tanh-based activation (<see cref="ActivationInfo.IsTranscendental"/>, softmax
/// included) runs BackwardBatch in two passes over each block of up to <see cref="PlanLimits.BatchChunkRows"/> rows
/// (<see cref="NetworkPlan.KeptForwardRows"/>): first every row's forward pass, which keeps its outputs (and the z that
/// the second pass reads) in a scratch of <see cref="NetworkPlan.KeptForwardLength"/> values per row, then every row's
/// loss, deltas and gradient updates from them. Both passes are Backward's own code split in two, so every bit is
/// Backward's. In one pass, each row's gradient updates wait on its activation calls (a tanh takes about 27 ns from
/// argument to result here), and they fill the processor's window of instructions before the next row's calls can start;
/// in the first pass the rows' calls overlap. TrainBatch of 32 rows (NetGen.Sweep, AMD EPYC, one pass -> two): 17-1-5
/// tanh single 1.22 -> 0.76 us, 4-3-1 sigmoid 0.92 -> 0.73 us, 5-7-3 leaky/softmax 1.74-1.84 -> 1.49-1.51 us. Networks of
/// ReLU and identity layers alone lost (3-5-2 0.45 -> 0.48 us, 1-1-1 145 -> 177 ns) and keep one pass.</item>
/// <item>A network whose per-sample kernels call the layer kernels defers, in <c>Backward</c>, the weight gradients of its
/// looped layers of at least <see cref="PlanLimits.MinDeferredGradientBytes"/> whose rows hold at least
/// <see cref="PlanLimits.MinDeferredRowBytes"/> (<see cref="NetworkPlan.DeferredGradientLayers"/>):
/// its gradients are a <c>NetGen.GradientBuffer</c>, which keeps each sample's delta and input for such a layer and adds
/// a few samples' outer products at a time, each weight loaded once, given every sample's multiply-add in sample order
/// and stored once, so every bit is what one addition per sample gives. A block that large does not stay in L1 from one
/// sample to the next; added one sample at a time, each of its vectors was loaded and stored from L2 per sample. Shorter
/// rows are added one sample at a time with the inputs in registers, which deferring did not beat.
/// Every read of the gradients adds what is pending first; the public <c>Gradients</c> also stops the deferring, as
/// its caller may keep the span. 784-128-10 floats, 32 <c>Backward</c> calls between <c>ZeroGradients</c> and
/// <c>ApplyGradients</c> (Stopwatch, AMD EPYC): 172-176 -> 148-149 us.</item>
/// <item>A concrete network that trains in chunks in one pass, without dropout, whose looped, elementwise first layer
/// holds at least <see cref="PlanLimits.MinSplitLayerBytes"/> of weights in at least <see cref="PlanLimits.MinSplitUnits"/>
/// units and at least <see cref="PlanLimits.MinSplitLayerShare"/> times the weights of the later layers is a
/// <c>NetGen.IUnitSplitNetwork</c> (<see cref="NetworkPlan.SplitsFirstLayer"/>): BackwardChunk is three steps (layer 1
/// for a range of units, the later layers and their gradients, layer 1's delta and gradients for a range of units), and Fit
/// runs the first and last by fixed blocks of units on its threads, each thread updating its own blocks' parameters,
/// instead of sharding the batch over replicas. A data-parallel step moves every parameter's gradient from one core to
/// the other and its new value back; on the 2-vCPU AMD host of 3 December, with its vCPUs 400 ns apart, that held
/// 784-128-10 at batch 64 to 30-31 ms an epoch on two threads, where the split took 25 ms; with them 110 ns apart, 23.5-24.3
/// against 21.5-22.6 ms (FitScaling, MNIST, builds
/// alternated); smaller layers were slower split (<see cref="PlanLimits.MinSplitLayerBytes"/>). BackwardBatch calls the
/// three steps for all units: the same kernels on the same spans.</item>
/// <item>An unrolled layer that keeps z and is activated neuron by neuron (an output layer, mostly) writes each unit's
/// z and a in one statement, <c>a[j] = f(z[j] = sum)</c>, so a comes from the sum in a register instead of z read back
/// (<see cref="LayerPlan.ActivatesAsItStores"/>): 445-1-13 leaky doubles, Predict 47 -> 44 ns; 12-8-1 sigmoid floats
/// 41 -> 39 ns. Not when the activation is exp- or tanh-based and the layer has several units: that scalar form is a
/// call, and all the sums before the calls let the sums overlap them (11-9-7 tanh floats, Predict 125 -> 132 ns and a
/// step 155-158 -> 163-165 ns written in one statement). NetGen.Sweep, alternated processes.</item>
/// <item>Predict and PredictBatch of a network whose looped first layer has few inputs a unit (3 or more, at most
/// <see cref="PlanLimits.MaxColumnCopyRowBytes"/> bytes of them), at least <see cref="PlanLimits.MinColumnCopyUnits"/>
/// units and at most <see cref="PlanLimits.MaxColumnCopyWeightBytes"/> of weights read layer 1 from an input-major copy
/// of W1 kept beside the parameters (<see cref="NetworkPlan.PredictsFirstLayerFromColumns"/>,
/// <c>Kernels.ColumnCopyProduct</c>): W1 stays PyTorch's out x in, which users may write through <c>Parameters</c> at
/// any time, so the kernel checks the copy against W1 bit for bit on every call and copies W1 again when they differ.
/// Each output is then its bias plus one multiply-add per input, one vector of units at a time, where a dot product per
/// row of 9 floats costs two loads, two multiply-adds and a share of a reduction tree: 9-130-1 floats, Predict 107-110
/// -> 83-87 ns (NetGen.Sweep, alternated processes). Loss and the training calls keep the dot products (the training
/// calls change W1 every step, so a copy would be rewritten every step), and their sums can differ from Predict's in the
/// last bits; PredictBatch uses the copy too, so each of its rows is exactly Predict's.</item>
/// <item>A network that runs in locals (not rule 10; no dropout, no units in vectors of four) with at most
/// <see cref="PlanLimits.MaxBatchGradientsInLocals"/> parameters runs BackwardBatch's rows, or with rule 11 its second
/// pass, in one method (<see cref="NetworkPlan.BatchGradientsInLocals"/>, <c>BackwardRows</c>): Backward's statements for
/// each row, the gradients in locals (a vector of them where Backward updates a row in vectors) that start from the
/// gradient buffer, take each row's additions in row order and are stored once after the last row, and the rows' losses
/// added to the running sum in row order: Backward's bits. A row of such a network is a few nanoseconds of arithmetic,
/// about what a call to Backward with its spans and its read-modify-writes of the gradients costs: 1-1-1's TrainBatch of 32
/// rows 113-123 -> 58 ns, 4-3-1 single 247-258 -> 200; in two passes 4-3-1 sigmoid 722-732 -> 670-674 ns, 2-2-1 sigmoid
/// 601-609 -> 535-545 (more in <see cref="PlanLimits.MaxBatchGradientsInLocals"/>). Such a network without an exp- or
/// tanh-based layer also lets the JIT inline its per-sample kernels into the public calls
/// (<see cref="NetworkPlan.InlinesSampleKernels"/>).</item>
/// </list>
/// </remarks>
internal static class Planner
{
    public static NetworkPlan Plan(NetworkModel model) => Plan(model, PlanLimits.Default);

    public static NetworkPlan Plan(NetworkModel model, PlanLimits limits) => WithPredictColumnGroups(PlanCalls(model, limits), limits);

    /// <summary>Every call's plan but Predict's own grouped layers (<see cref="WithPredictColumnGroups"/>, applied once, to the whole plan).</summary>
    private static NetworkPlan PlanCalls(NetworkModel model, PlanLimits limits)
    {
        int layerCount = model.LayerSizes.Count - 1;
        int valueSize = Scalar.For(model.Precision).Size;

        // Outputs of every layer first, then the logits; kept hidden z go after those.
        int logitsOffset = 0;
        for (int layer = 0; layer < layerCount; layer++)
            logitsOffset += model.LayerSizes[layer + 1];
        int nextKeptZ = logitsOffset + model.OutputSize;

        bool unrollsWhole = model.MaxUnrolledWeights is null && UnrollsWhole(model, limits);
        var layers = new List<LayerPlan>(layerCount);
        int parameterOffset = 0, activationOffset = 0, unrolledWeights = 0;
        for (int layer = 0; layer < layerCount; layer++)
        {
            int inputs = model.LayerSizes[layer], outputs = model.LayerSizes[layer + 1];
            int weights = inputs * outputs;
            bool isOutput = layer == layerCount - 1;
            ActivationInfo activation = ActivationInfo.Of(model.Activations[layer]);

            int unrollLimit = UnrollLimit(model, activation, unrollsWhole, limits);
            bool unroll = weights <= unrollLimit
                && inputs <= limits.MaxUnrolledFanIn && outputs <= limits.MaxUnrolledFanIn
                && unrolledWeights + weights <= limits.MaxUnrolledWeightsPerNetwork;
            if (unroll)
                unrolledWeights += weights;
            CodeShape shape = unroll ? CodeShape.Unrolled : CodeShape.Loops;

            ActivationStep step = shape == CodeShape.Loops || !activation.IsElementwise || ActivatesAsLayer(activation, outputs, valueSize, isOutput, limits)
                ? ActivationStep.LayerKernel
                : ActivationStep.PerNeuron;
            bool packsActivation = shape == CodeShape.Unrolled && Packs(activation, outputs, valueSize, isOutput, limits);

            int preActivationOffset = -1;
            if (isOutput)
            {
                preActivationOffset = logitsOffset;
            }
            else if (activation.DerivativeInput == DerivativeInput.PreActivation)
            {
                preActivationOffset = nextKeptZ;
                nextKeptZ += outputs;
            }

            // An unrolled layer that keeps z writes its z and a in one statement a unit, unless each a is a call (rule 14).
            bool activatesAsItStores = step == ActivationStep.PerNeuron && preActivationOffset >= 0
                && (!activation.IsTranscendental || outputs == 1);

            layers.Add(new LayerPlan(layer + 1, inputs, outputs, activation.Kind, parameterOffset, parameterOffset + weights,
                activationOffset, preActivationOffset, shape, step, packsActivation, unrollLimit, ActivatesAsItStores: activatesAsItStores));
            parameterOffset += weights + outputs;
            activationOffset += outputs;
        }

        bool runsInLocals = layers.All(layer => layer.Shape == CodeShape.Unrolled
            && !ActivatesAsLayer(ActivationInfo.Of(layer.Activation), layer.OutputSize, valueSize, layer.Number == layerCount, limits));
        if (!runsInLocals)
        {
            // A layer of MinVectorizedActivationWidth units or more packs only in locals (rule 2): in code that keeps its
            // layers in spans, one kernel call over the layer, or over a chunk's rows, costs less than a pack per row.
            for (int layer = 0; layer < layerCount; layer++)
            {
                if (PacksAtKernelWidth(layers[layer], limits))
                    layers[layer] = layers[layer] with { Step = ActivationStep.LayerKernel, PacksActivation = false };
            }
        }
        if (runsInLocals)
        {
            // A wide hidden layer of one to four inputs with an inlined vector activation holds its units in vectors of four
            // (rule 4); one of three or four inputs only when it is wider than one predict vector, which it would fill.
            for (int layer = 0; layer < layerCount - 1; layer++)
            {
                LayerPlan hidden = layers[layer];
                bool fillsPredictVector = hidden.InputSize > 2 && hidden.OutputSize * valueSize <= PlanLimits.MaxPredictVectorBytes;
                if (hidden.InputSize <= limits.MaxGroupedInputs && hidden.OutputSize >= limits.MinGroupedUnits && ActivationInfo.Of(hidden.Activation).HasInlineVectorForm
                    && !fillsPredictVector && !(model.HasDropout && model.DropoutRates[layer] != 0.0))
                {
                    // Predict reads the columns of a float layer of three or four inputs from a copy, in wide vectors.
                    layers[layer] = hidden with { GroupsUnits = true, PredictsFromColumnCopy = PredictsGroupsFromColumnCopy(hidden.InputSize, valueSize) };
                }
            }

            // A narrow hidden layer with an inlined vector activation predicts as one vector (rule 4), and the layer above
            // takes it by rows; that layer's own inputs are then a vector, so it stays neuron by neuron.
            for (int layer = 0; layer < layerCount - 1; layer++)
            {
                LayerPlan hidden = layers[layer];
                int bytes = hidden.OutputSize * valueSize;
                if (ActivationInfo.Of(hidden.Activation).HasInlineVectorForm && (bytes == 16 || bytes == PlanLimits.MaxPredictVectorBytes)
                    && !hidden.GroupsUnits && (layer == 0 || !(layers[layer - 1].PredictsAsVector || layers[layer - 1].GroupsUnits))
                    && !layers[layer + 1].GroupsUnits) // a grouped layer takes its inputs as scalars
                    layers[layer] = hidden with { PredictsAsVector = true };
            }
        }
        if (model.HasDropout)
        {
            // After the kept z, each dropout layer's dropped outputs, then its mask; in-locals networks keep both in locals.
            for (int layer = 0; layer < layerCount - 1; layer++)
            {
                double rate = model.DropoutRates[layer];
                if (rate == 0.0)
                    continue;
                int outputs = layers[layer].OutputSize;
                int droppedOffset = runsInLocals ? -1 : nextKeptZ, maskOffset = runsInLocals ? -1 : nextKeptZ + outputs;
                layers[layer] = layers[layer] with { Dropout = new DropoutPlan(rate, DropThreshold(rate), 1.0 / (1.0 - rate), droppedOffset, maskOffset) };
                if (!runsInLocals)
                    nextKeptZ += 2 * outputs;
            }
        }
        int activationCount = nextKeptZ;

        // A network that keeps scratch spans trains a batch chunk by chunk, every layer's products for the whole chunk at
        // once; its chunk holds the rows' activations and deltas. PredictBatch batches only a looped first layer, on the stack.
        int batchRows = 0, predictBatchRows = 0;
        if (!runsInLocals)
            batchRows = AtLeastTwoOrNone(System.Math.Min(limits.BatchChunkRows, limits.MaxBatchScratch / (activationCount + logitsOffset)));
        if (layers[0].Shape == CodeShape.Loops)
        {
            int rows = System.Math.Min(limits.BatchChunkRows, limits.MaxBatchScratch / activationCount);
            predictBatchRows = AtLeastTwoOrNone(System.Math.Min(rows, limits.MaxStackBatchBytes / valueSize / activationCount));
        }

        // Kernels small enough for the JIT to inline whole keep the short calls; in larger ones the calls would stay calls.
        bool updatesThroughReferences = runsInLocals && unrolledWeights > limits.MaxUnrolledWeightsForUpdateCalls;
        var plan = new NetworkPlan(model, layers.ToEquatableArray(), logitsOffset, activationCount, runsInLocals, batchRows, predictBatchRows, updatesThroughReferences);

        // A network in locals with an exp- or tanh-based activation, without dropout or grouped units, runs a batch's rows in
        // two passes, every row's forward pass first (rule 11); its kept values are bounded like a chunk's scratch.
        if (runsInLocals && !model.HasDropout && !layers.Any(layer => layer.GroupsUnits)
            && layers.Any(layer => ActivationInfo.Of(layer.Activation).IsTranscendental))
            plan = plan with { KeptForwardRows = AtLeastTwoOrNone(System.Math.Min(limits.BatchChunkRows, limits.MaxBatchScratch / plan.KeptForwardLength)) };

        // A small network in locals keeps its batch gradients in locals across the rows (rule 16).
        if (runsInLocals && !model.HasDropout && !layers.Any(layer => layer.GroupsUnits)
            && plan.ParameterCount <= limits.MaxBatchGradientsInLocals)
            plan = plan with { BatchGradientsInLocals = true };

        // A small network of narrow layers that trains through the layer kernels still predicts in locals (rule 9).
        if (!runsInLocals && model.MaxUnrolledWeights is null && PredictsInLocals(layers, limits))
        {
            NetworkPlan unrolled = PlanCalls(model with { MaxUnrolledWeights = limits.MaxPredictInLocalsWeights }, limits);
            if (unrolled.RunsInLocals)
                return WithCallsInLocals(plan, unrolled, trainsSamples: !model.HasDropout && TrainsSamplesInLocals(layers, limits));
        }

        // A network of one to four inputs whose first layer holds its units in vectors once unrolled whole predicts and
        // trains samples in locals by that plan (rule 9), even where its layers are too wide for rule 9: the layer above sums
        // that layer's units in vectors, not in long scalar chains. Its batch calls keep the layer kernels.
        // Past the in-locals budget it does so up to PlanLimits.MaxGroupedPredictInLocalsWeights, and trains samples in
        // locals only when no wide layer is left to scalar code and no group is four floats of two inputs.
        int totalWeights = layers.Sum(layer => layer.WeightCount);
        int groupedBudget = totalWeights <= limits.MaxInLocalsNetworkWeights
            ? limits.MaxInLocalsNetworkWeights
            : System.Math.Max(limits.MaxInLocalsNetworkWeights, limits.MaxGroupedPredictInLocalsWeights);
        if (!runsInLocals && model.MaxUnrolledWeights is null && model.InputSize <= limits.MaxGroupedInputs && totalWeights <= groupedBudget)
        {
            NetworkPlan unrolled = PlanCalls(model with { MaxUnrolledWeights = groupedBudget }, limits);
            if (unrolled.RunsInLocals && unrolled.Layers[0].GroupsUnits)
                return WithCallsInLocals(plan, unrolled, trainsSamples: !model.HasDropout
                    && (totalWeights <= limits.MaxInLocalsNetworkWeights || TrainsGroupedSamplesInLocals(unrolled.Layers, limits, valueSize)));
        }

        // A network of five or more inputs whose Predict, unrolled whole, holds every layer too wide for the narrow rule in
        // vectors read from copies of W (rule 4's Predict groups, or the rows of the layer above such a group) predicts in
        // locals by that plan where 512-bit vectors are accelerated, and elsewhere through the kernels (rule 9); its training
        // calls and PredictBatch's chunks (without 512-bit vectors) keep the layer kernels.
        if (!runsInLocals && model.MaxUnrolledWeights is null && model.InputSize > limits.MaxGroupedInputs && totalWeights <= limits.MaxPredictInLocalsWeights)
        {
            NetworkPlan unrolled = PlanCalls(model with { MaxUnrolledWeights = limits.MaxPredictInLocalsWeights }, limits);
            if (unrolled.RunsInLocals && PredictsWideLayersInVectors(unrolled, limits))
                return plan with { PredictInLocals = unrolled, PredictsInLocalsWith512Bits = true };
        }

        // A network in locals with wide hidden layers trains its batches in chunks, its per-sample calls staying in locals (rule 10);
        // one with a layer of one input in vectors of four units (rule 4) trains them faster row by row.
        if (runsInLocals && model.MaxUnrolledWeights is null && !model.HasDropout && !layers.Any(layer => layer.GroupsUnits && layer.InputSize == 1)
            && (layers.Take(layerCount - 1).Sum(layer => layer.OutputSize) >= limits.MinChunkedBatchHiddenUnits
                || layers.Any(layer => PacksAtKernelWidth(layer, limits))))
        {
            NetworkPlan looped = PlanCalls(model with { MaxUnrolledWeights = 0 }, limits);
            if (looped.TrainsInChunks)
                return WithCallsInLocals(looped with { Model = model }, plan, trainsSamples: true);
        }
        return plan;
    }

    /// <summary>
    /// <paramref name="plan"/> with Predict's own plan (<see cref="NetworkPlan.PredictByColumns"/>) where Predict runs in
    /// locals and holds more of its hidden layers in vectors than the per-sample training kernels do (rule 4, five or more
    /// inputs): a hidden layer of more than <see cref="PlanLimits.MaxGroupedInputs"/> inputs, at least
    /// <see cref="PlanLimits.MinGroupedUnits"/> units, an activation with an inlined vector form and at most
    /// <see cref="PlanLimits.MaxColumnCopyWeightBytes"/> of weights, whose inputs are not one vector (each input is
    /// broadcast, from a scalar or from a lane of the grouped layer below), below a layer that is neither one vector nor
    /// grouped (it sums this layer's units lane by lane, or four chains to a vector: <see cref="LayerPlan.SumsRowsInGroups"/>).
    /// Predict reads its columns from a copy of W and sums each vector of units as each unit's scalar sum, operation for
    /// operation, so Predict's bits do not change. The training kernels write W, and for them a group of such a layer
    /// would be gathered value by value from its rows; they keep their plan.
    /// </summary>
    private static NetworkPlan WithPredictColumnGroups(NetworkPlan plan, PlanLimits limits)
    {
        if (plan.PredictPlanInLocals is not NetworkPlan predict)
            return plan;
        int valueSize = Scalar.For(plan.Model.Precision).Size;
        var layers = predict.Layers.ToList();
        bool grouped = false;
        for (int layer = 0; layer < layers.Count - 1; layer++)
        {
            LayerPlan hidden = layers[layer], above = layers[layer + 1];
            bool belowIsVector = layer > 0 && layers[layer - 1].PredictsAsVector;
            if (!belowIsVector && !hidden.GroupsUnits && !hidden.PredictsAsVector && !above.PredictsAsVector && !above.GroupsUnits
                && hidden.InputSize > limits.MaxGroupedInputs && hidden.OutputSize >= limits.MinGroupedUnits
                && (long)hidden.WeightCount * valueSize <= PlanLimits.MaxColumnCopyWeightBytes
                && ActivationInfo.Of(hidden.Activation).HasInlineVectorForm && !hidden.HasDropout)
            {
                layers[layer] = hidden with { GroupsUnits = true, PredictsFromColumnCopy = true };
                grouped = true;
            }
        }
        return grouped ? plan with { PredictByColumns = predict with { Layers = layers.ToEquatableArray() } } : plan;
    }

    /// <summary>
    /// Whether Predict reads a grouped layer of <paramref name="inputs"/> inputs from a copy of W (rule 4,
    /// <see cref="LayerPlan.PredictsFromColumnCopy"/>): three or four inputs (<see cref="PlanLimits.MinColumnCopyInputs"/>)
    /// of floats, whose groups are Vector128s.
    /// </summary>
    private static bool PredictsGroupsFromColumnCopy(int inputs, int valueSize) => inputs >= PlanLimits.MinColumnCopyInputs && valueSize == 4;

    /// <summary>
    /// <paramref name="plan"/>, whose layers the batch calls and Loss run, with Predict (and, when <paramref name="trainsSamples"/>,
    /// Backward and Train) in locals by <paramref name="inLocals"/> (rules 9 and 10). PredictBatch then runs Predict row by
    /// row, so every row gets exactly Predict's output.
    /// </summary>
    private static NetworkPlan WithCallsInLocals(NetworkPlan plan, NetworkPlan inLocals, bool trainsSamples) =>
        plan with { PredictInLocals = inLocals, TrainsSamplesInLocals = trainsSamples, PredictBatchChunkRows = 0 };

    /// <summary>
    /// Whether Predict, by <paramref name="unrolled"/> (a plan that runs in locals) with its own groups
    /// (<see cref="WithPredictColumnGroups"/>), takes every layer wider than
    /// <see cref="PlanLimits.MaxSmallPredictInLocalsWidth"/> units or <see cref="PlanLimits.MaxSmallPredictInLocalsFanIn"/>
    /// inputs in vectors: the layer's units grouped, or its inputs the units of a grouped layer below it. A wide layer left
    /// to scalar code (an activation without an inlined vector form, such as tanh or GELU) keeps the kernels.
    /// </summary>
    private static bool PredictsWideLayersInVectors(NetworkPlan unrolled, PlanLimits limits)
    {
        if (WithPredictColumnGroups(unrolled, limits).PredictByColumns is not NetworkPlan predict)
            return false;
        var layers = predict.Layers;
        return Enumerable.Range(0, layers.Count).All(n =>
            layers[n].GroupsUnits || (n > 0 && layers[n - 1].GroupsUnits)
            || (layers[n].OutputSize <= limits.MaxSmallPredictInLocalsWidth && layers[n].InputSize <= limits.MaxSmallPredictInLocalsFanIn));
    }

    /// <summary>
    /// Whether a network that predicts in locals runs its per-sample training kernels in locals too (rule 9): at most
    /// <see cref="PlanLimits.MaxSampleInLocalsWeights"/> weights, none of its layers more than
    /// <see cref="PlanLimits.MaxSampleInLocalsLayerWeights"/>.
    /// </summary>
    private static bool TrainsSamplesInLocals(List<LayerPlan> layers, PlanLimits limits) =>
        layers.All(layer => layer.WeightCount <= limits.MaxSampleInLocalsLayerWeights)
        && layers.Sum(layer => layer.WeightCount) <= limits.MaxSampleInLocalsWeights;

    /// <summary>
    /// Whether a grouped network past <see cref="PlanLimits.MaxInLocalsNetworkWeights"/> that predicts in locals runs its
    /// per-sample training kernels in locals too (rule 9): when no layer of more than
    /// <see cref="PlanLimits.MaxSampleInLocalsLayerWeights"/> weights is left to scalar code, as
    /// <see cref="TrainsSamplesInLocals"/> bounds a network without groups. A grouped layer's sums, deltas and updates are
    /// vectors, and so are the rows of the layer above one when they have four chains or more
    /// (<see cref="LayerPlan.SumsRowsInGroups"/>). Not when a group is four floats of two inputs and the layer does not train
    /// in 512-bit blocks (<see cref="LayerPlan.TrainsInBlocks"/>): each group is then a Vector128 whose two columns Backward
    /// and the update move lane by lane, where the layer kernels run rows in the widest vectors (NetGen.Sweep, medians of 3
    /// alternated processes, Train through the kernels -> in locals in groups: 2-160-1 single 84.7 -> 110.3 ns). In blocks,
    /// through the kernels -> in locals (AVX-512): 2-160-1 85.3 -> 51.2 ns (C 49), 2-100-3 leaky 119 -> 68, 2-64-6 98.9 ->
    /// 76.2, per-row batch32 2.85 -> 1.57 us, 3.92 -> 2.22, 3.23 -> 2.18. The cost: with AVX-512 off and AVX2 on, where the
    /// blocks fall back to groups, 2-160-1's Train took 108 -> 136 ns and 2-64-6's 103 -> 128 (2-100-3 115 -> 119); with
    /// SSE only (Native AOT's default) 748 -> 396, 626 -> 476 and 464 -> 273.
    /// </summary>
    private static bool TrainsGroupedSamplesInLocals(EquatableArray<LayerPlan> layers, PlanLimits limits, int valueSize) =>
        Enumerable.Range(0, layers.Count).All(n => layers[n].GroupsUnits || (n > 0 && layers[n].SumsRowsInGroups(layers[n - 1]))
            || layers[n].WeightCount <= limits.MaxSampleInLocalsLayerWeights)
        && !layers.Any(layer => layer.GroupsUnits && layer.InputSize == 2 && valueSize == 4 && !layer.TrainsInBlocks(valueSize));

    /// <summary>
    /// Whether a network may predict in locals though it trains through the layer kernels (the remarks' rule 9): at most
    /// <see cref="PlanLimits.MaxPredictInLocalsWeights"/> weights, every layer with fewer than
    /// <see cref="PlanLimits.MaxInLocalsFanIn"/> inputs and at most <see cref="PlanLimits.MaxPredictInLocalsWidth"/> outputs;
    /// in a network of at most <see cref="PlanLimits.MaxInLocalsNetworkWeights"/> weights, the layers after the first may
    /// have up to <see cref="PlanLimits.MaxSmallPredictInLocalsFanIn"/> inputs and every layer up to
    /// <see cref="PlanLimits.MaxSmallPredictInLocalsWidth"/> outputs.
    /// The caller then checks that the network unrolled whole runs in locals (no layer activated by a vector call, the
    /// network's unroll budget not spent).
    /// </summary>
    private static bool PredictsInLocals(List<LayerPlan> layers, PlanLimits limits)
    {
        int weights = layers.Sum(layer => layer.WeightCount);
        if (weights > limits.MaxPredictInLocalsWeights)
            return false;
        if (weights <= limits.MaxInLocalsNetworkWeights)
            return layers[0].InputSize < limits.MaxInLocalsFanIn
                && layers.All(layer => layer.InputSize <= limits.MaxSmallPredictInLocalsFanIn && layer.OutputSize <= limits.MaxSmallPredictInLocalsWidth);
        return layers.All(layer => layer.InputSize < limits.MaxInLocalsFanIn && layer.OutputSize <= limits.MaxPredictInLocalsWidth);
    }

    /// <summary>
    /// The most weights a layer may have and be unrolled (the remarks' rule 1): what the declaration says, for every layer
    /// alike; without it <see cref="PlanLimits.DefaultMaxUnrolledWeights"/>, except that the arithmetic layers of a small
    /// network that <paramref name="unrollsWhole"/> may have up to <see cref="PlanLimits.MaxInLocalsNetworkWeights"/>.
    /// </summary>
    private static int UnrollLimit(NetworkModel model, ActivationInfo activation, bool unrollsWhole, PlanLimits limits) =>
        model.MaxUnrolledWeights
        ?? (unrollsWhole && !activation.IsTranscendental ? limits.MaxInLocalsNetworkWeights : limits.DefaultMaxUnrolledWeights);

    /// <summary>
    /// True when the network has at most <see cref="PlanLimits.MaxInLocalsNetworkWeights"/> weights, every layer past
    /// <see cref="PlanLimits.DefaultMaxUnrolledWeights"/> has an arithmetic activation (identity, ReLU, leaky ReLU) and fewer
    /// than <see cref="PlanLimits.MaxInLocalsFanIn"/> inputs, and
    /// unrolled whole it would run in locals: no layer's sums too long to unroll and no layer activated by a vector call.
    /// </summary>
    private static bool UnrollsWhole(NetworkModel model, PlanLimits limits)
    {
        int totalWeights = 0;
        for (int layer = 0; layer < model.LayerSizes.Count - 1; layer++)
        {
            int inputs = model.LayerSizes[layer], outputs = model.LayerSizes[layer + 1];
            ActivationInfo activation = ActivationInfo.Of(model.Activations[layer]);
            totalWeights += inputs * outputs;
            bool pastDefault = inputs * outputs > limits.DefaultMaxUnrolledWeights;
            if ((pastDefault && (activation.IsTranscendental || inputs >= limits.MaxInLocalsFanIn))
                || inputs > limits.MaxUnrolledFanIn || outputs > limits.MaxUnrolledFanIn || ActivatesAsLayer(activation, outputs, Scalar.For(model.Precision).Size, layer == model.LayerSizes.Count - 2, limits))
                return false;
        }
        return totalWeights <= limits.MaxInLocalsNetworkWeights && totalWeights <= limits.MaxUnrolledWeightsPerNetwork;
    }

    /// <summary>A chunk of fewer than two rows is no chunk: the call then runs row by row.</summary>
    private static int AtLeastTwoOrNone(int rows) => rows >= 2 ? rows : 0;

    /// <summary>p * 2^32 rounded, at most 2^32 - 1: a unit is dropped when its 32 uniform hash bits are below it.</summary>
    private static uint DropThreshold(double rate) =>
        (uint)System.Math.Min(System.Math.Round(rate * 4294967296.0), 4294967295.0);

    /// <summary>An exp- or tanh-based activation of a wide layer: one vector kernel call beats a scalar call per neuron.</summary>
    private static bool ActivatesAsLayer(ActivationInfo activation, int width, int valueSize, bool isOutput, PlanLimits limits) =>
        activation.IsElementwise && activation.IsTranscendental && width >= limits.MinVectorizedActivationWidth
        && !Packs(activation, width, valueSize, isOutput, limits);

    /// <summary>
    /// A packed layer as wide as the layer kernels take (rule 2): it packs only where the network runs in locals, and such
    /// a network trains its batches in chunks (rule 10).
    /// </summary>
    private static bool PacksAtKernelWidth(LayerPlan layer, PlanLimits limits) =>
        layer.PacksActivation && layer.OutputSize >= limits.MinVectorizedActivationWidth;

    /// <summary>Whether an unrolled layer of <paramref name="width"/> units packs its activation into one vector (rule 2).</summary>
    /// <remarks>
    /// A sigmoid output layer as wide as the layer kernels take does not: the training calls never pack it (its loss is
    /// fused with it), so packed it would leave them a scalar sigmoid per unit in place of one kernel call (3-4-12
    /// ReLU/sigmoid single, per-row batch32 3.0 -> 8.9 us).
    /// </remarks>
    private static bool Packs(ActivationInfo activation, int width, int valueSize, bool isOutput, PlanLimits limits) =>
        activation.Packs && width >= activation.MinPackedUnits && (long)width * valueSize <= PlanLimits.MaxPackedBytes
        && !(isOutput && activation.Kind == ActivationKind.Sigmoid && width >= limits.MinVectorizedActivationWidth);
}
