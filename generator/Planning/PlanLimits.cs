namespace NetGen.Generator.Planning;

/// <summary>
/// The thresholds of the planner's cost model (<see cref="Planner"/>), each measured on this
/// repository's machine and documented where it is used. They are data rather than constants so that
/// a test can sweep each across <see cref="Ranges"/> and compile what the generator writes: every
/// value in range must give correct code, only the speed may change. The generator itself always
/// plans with <see cref="Default"/>.
/// </summary>
/// <param name="DefaultMaxUnrolledWeights">
/// When the declaration leaves <c>MaxUnrolledWeights</c> unset, layers with at most this many weights are unrolled (and
/// wider arithmetic ones only in the small networks of <see cref="MaxInLocalsNetworkWeights"/>). Measured (Stopwatch, this
/// repository's machine): the tutorial nets' layers of 4-12 weights are twice as fast unrolled; at 8x8 = 64 weights both
/// shapes take the same time; a 16x16 tanh layer (W5) trains about 2x faster looped (step 466 -> 246 ns for 8-16-16-1), as
/// the unrolled backward pass is scalar. In the shape sweep, sigmoid and tanh layers of 65-160 weights were slower
/// unrolled (12-8-1 sigmoid Predict 1.19x -> 1.83x C, 5-13-5 tanh 1.07x -> 1.74x).
/// </param>
/// <param name="MaxInLocalsNetworkWeights">
/// When the declaration leaves <c>MaxUnrolledWeights</c> unset, a network of at most this many weights in all whose layers
/// past <see cref="DefaultMaxUnrolledWeights"/> are all arithmetic (identity, ReLU, leaky ReLU) is unrolled whole, if it
/// then runs in locals. Running in locals saves the scratch buffers and the calls between layers, which outweighs the
/// scalar arithmetic of unrolled layers up to about 256 weights in all. Measured in the shape sweep on 12 networks of
/// 72-253 weights outside its table, against the same networks looped (2 rounds each, numbers in
/// benchmarks/sweep/RESULTS.md): Train took 0.39-0.89x the looped time, 32 Backward calls 0.43-0.91x, Predict 0.55-1.7x
/// (an unrolled sum is one serial chain: slower where sums are 16 or more long), TrainBatch 0.54-1.7x (an in-locals
/// network trains a batch row by row). With every such layer unrolled,
/// networks of 410-528 weights (four 10x10 ReLU layers, two of 15x15 or 16x16) trained 1.3-2.7x slower. Unrolled code
/// is about 150 bytes of source per weight, so such a network stays under 40 KB.
/// </param>
/// <param name="MaxInLocalsFanIn">
/// A network is unrolled whole (<see cref="MaxInLocalsNetworkWeights"/>) only if each of its layers past
/// <see cref="DefaultMaxUnrolledWeights"/> has fewer inputs than this: an unrolled sum is one serial chain of
/// multiply-adds, and with 16 or more terms the looped network was faster. Measured in the shape sweep, one round each
/// side, three times: 16-8-1 leaky and 20-10-1 ReLU/sigmoid unrolled whole ran Predict at 1.3-1.7x their looped time,
/// and TrainBatch (row by row in locals) at 1.2x their looped chunks; 10-7-1, 8-10-1 and 12-12-1 (sums of 8-12 terms)
/// trained their batches faster row by row in locals than in chunks (1.63 against 2.58-2.73, 1.09 against 1.85, 1.75
/// against 2.02-2.07 us for 32 rows).
/// </param>
/// <param name="MaxUnrolledWeightsForUpdateCalls">
/// An in-locals network of at most this many weights writes each vector update of a weight row as a call to
/// <c>Kernels.AddScaled</c>, a larger one writes it out as a vector at a reference into the row. The call is the least IL,
/// and the JIT inlines a whole kernel into its caller only up to about 1 KB of IL: W3's (3-4-1) BackwardAndStep, 932
/// bytes with the calls, is inlined into Train, and 1,097 bytes written out is not (step 26.2 -> 30.0 ns, thread CPU
/// time). In a large kernel the JIT stops inlining once its inlining budget is spent, and the calls stay calls: 89 of
/// 90 in 6-6-6-6-6-1's Backward (150 weights; DOTNET_JitDisasm), a third of its time; written out, its TrainBatch of 32
/// rows went from 10.6 to 8.5 us and Train from 353 to 306 ns. Between those, written out measured no faster: 10-7-1 (77
/// weights, never inlined whole) trained in 56 against 52-54 ns, 8-10-1 (90) in 36-37 ns either way (sweep, 2 rounds).
/// </param>
/// <param name="MaxPredictInLocalsWeights">
/// When the declaration leaves <c>MaxUnrolledWeights</c> unset, a network that does not run in locals still predicts in
/// locals (<see cref="NetworkPlan.PredictInLocals"/>) if it has at most this many weights in all, every layer has fewer
/// than <see cref="MaxInLocalsFanIn"/> inputs and at most <see cref="MaxPredictInLocalsWidth"/> outputs, and unrolled whole it
/// would run in locals. Measured 2026-12-02 (Intel Xeon, AVX-512; Stopwatch, fastest of 7 alternated rounds, the same
/// weights, looped -> unrolled whole): Predict of 10-10-10-10-10-1 ReLU single 252 -> 125 ns, 12-12-12-12-1 double 203 ->
/// 143, 13-13-13-1 double 178 -> 107, 14-14-14-1 single 151 -> 125, 9-16-12-3 single 148 -> 117, 11x6 layers of 11 double
/// 402 -> 204, 14-14-14-14-14-1 leaky double (798 weights) 316 -> 270, 5-15-15-15-15-1 leaky single (765) 271 -> 248,
/// 12 x 8 layers of 12 leaky double (1,020) 464 -> 345; but 15 x 6 layers of 15 (1,140) 357 -> 351. The training
/// kernels unrolled whole were not kept: Train lost at 765-1,140 weights (2.2-5.9x the looped time) and TrainBatch,
/// which a network in locals runs row by row, lost 1.1-2x on every such network. Wider layers lost in Predict too: 3-100-1
/// 1.5x, 2-128-1 3.3x, 6-50-10 2.1x, 10-30-10 1.46x, 7-24-24-1 1.33x.
/// </param>
/// <param name="MaxPredictInLocalsWidth">The most outputs a layer of a network that predicts in locals may have (<see cref="MaxPredictInLocalsWeights"/>).</param>
/// <param name="MaxSampleInLocalsWeights">
/// A network that predicts in locals (<see cref="MaxPredictInLocalsWeights"/>) and has no dropout also runs its per-sample
/// training kernels (<c>Backward</c>, <c>Train</c>) in locals if it has at most this many weights in all and none of its
/// layers more than <see cref="MaxSampleInLocalsLayerWeights"/>; its batch calls keep the chunked layer kernels. Measured
/// with the networks of <see cref="MaxPredictInLocalsWeights"/> (looped -> unrolled whole): Train of 10-10-10-10-10-1
/// single 605 -> 397 ns, 12-12-12-12-1 double 541 -> 335, 13-13-13-1 double 400 -> 276, 14-14-14-1 single 367 -> 281,
/// 9-16-12-3 single 352 -> 304, 12-12-12-12-12-1 double (588 weights) 583 -> 459, 12-14-14-14-1 double (574) 629 -> 578,
/// 7 layers of 10 single (610) 964 -> 861, 6 layers of 11 double (616) 758 -> 726; 32 Backward calls 0.58-0.99x. Lost:
/// 15-15-15-1 identity single (layers of 225 weights) 360 -> 446 ns, 5-15-15-15-15-1 leaky single (765) 786 -> 1,702,
/// 14-14-14-14-14-1 leaky double (798) 926 -> 1,600.
/// </param>
/// <param name="MinChunkedBatchHiddenUnits">
/// A network that runs in locals and has no dropout trains its batches in chunks when its hidden layers have at least this
/// many units in all (<see cref="Planner"/>, rule 10): its layers are then planned looped, as with <c>MaxUnrolledWeights =
/// 0</c>, and Predict, Backward and Train keep the in-locals code (<see cref="NetworkPlan.PredictInLocals"/>,
/// <see cref="NetworkPlan.TrainsSamplesInLocals"/>). Row by row in locals, TrainBatch repeats every unit's scalar work per
/// row, while the chunked kernels do it in vectors for 32 rows at a time. Measured 2026-12-02 (AMD EPYC, AVX-512;
/// Stopwatch through INetwork, fastest of 40 rounds; TrainBatch of 32 rows in locals -> chunked, the same weights):
/// 16 or more hidden units, every network faster: 1-64-1 ReLU single 4.10 -> 1.11 us, 2-64-1 5.12 -> 1.19, 3-48-1 5.04 ->
/// 1.32, 5-40-1 3.20 -> 1.32, 1-50-1 double 3.40 -> 1.80, 1-32-1 single 1.86 -> 0.80, 3-20-1 1.54 -> 1.01, 6-16-1 double
/// 1.30 -> 1.04, 4-16-4 single 1.42 -> 0.97, 2-16-1 sigmoid 1.21 -> 1.12, 1-24-1 double 1.26 -> 0.98, 8-24-1 double 2.13 ->
/// 1.42, 2-8-8-8-1 single 2.41 -> 1.87, 11-11-11-1 single 3.45 -> 2.65, 3-4-5-6-7-2 (softmax) double 5.92 -> 5.29, 6-6-6-6-6-1
/// sigmoid double 7.91 -> 5.54. Under 16 it goes both ways: faster chunked 10-14-1 leaky double (1.68 -> 1.28), 12-12-1
/// (1.45 -> 1.30), 2-8-1 tanh (1.69 -> 1.35); slower 5-3-3-3-3-1 tanh single (12 units: 6.90 -> 8.12), 3-3-3-3-1 tanh
/// (3.88 -> 4.06), 8-10-1 (0.97 -> 1.18), 10-7-1 (1.20 -> 1.81), 4-3-1 (1.01 -> 1.82), 1-1-1 (0.12 -> 0.54).
/// </param>
/// <param name="MaxSampleInLocalsLayerWeights">The most weights a layer of a network whose per-sample kernels run in locals may have (<see cref="MaxSampleInLocalsWeights"/>); in a grouped network past <see cref="MaxInLocalsNetworkWeights"/>, a layer left to scalar code (<see cref="MaxGroupedPredictInLocalsWeights"/>).</param>
/// <param name="MinGroupedUnits">
/// A hidden layer of at most <see cref="MaxGroupedInputs"/> inputs, at least this many units, an activation with an inlined vector form and no dropout, in a
/// network whose kernels run in locals, keeps its units in vectors of four in those kernels (<see cref="LayerPlan.GroupsUnits"/>):
/// its weights are one value per unit, so each group's weights, biases and weight updates are whole vectors, and the
/// layer above reads its rows four units at a time. Measured 2026-12-02 (AMD EPYC, AVX-512; Stopwatch through INetwork,
/// fastest of 30 rounds, one process per network, unit by unit -> grouped; Predict, Train, TrainBatch of 32 rows):
/// 1-50-1 ReLU double 30 -> 11 ns, 78-81 -> 32-35 ns, 1.67-1.74 -> 1.01-1.05 us; 1-24-1 double 13-15 -> 6-7 ns, 34-36 ->
/// 21-22 ns, 0.93-0.96 -> 0.47-0.49 us; 1-16-1 single 11-16 -> 5 ns, 23-25 -> 19 ns, 0.70-0.73 -> 0.29-0.31 us; 1-64-1
/// single 38-39 -> 12 ns, 103-105 -> 45-49 ns, 1.12-1.16 -> 1.09-1.10 us; 1-12-1 leaky single 26-28 -> 6 ns, 22-23 -> 20 ns,
/// 0.57-0.61 -> 0.33-0.36 us; 1-10-2 double 25-26 -> 8-9 ns, 19-21 -> 22-23 ns, 0.53-0.57 -> 0.45-0.50 us. At 8 units it
/// goes both ways: 1-8-1 double 21-22 -> 23-24 ns, 15-16 -> 17-18 ns, 0.37-0.41 -> 0.27-0.28 us. Below 16 units the layer
/// above sums in two or three chains, which do not line up with the lanes, and takes the units one lane at a time.
/// </param>
/// <param name="MaxGroupedInputs">
/// The most inputs a layer may have and keep its units in vectors of four (<see cref="MinGroupedUnits"/>). With k of two
/// to four, a group's 4k weights are k loads whose lanes are moved into the k columns (<c>Kernels.Transpose</c>), and their update k vector read-modify-writes; a layer of three or four
/// inputs groups only when wider than the vector it would fill as a narrow layer (rule 4). With five or more, a column
/// would be built from values a row apart (a limit raised past four still compiles that way). Measured with two, when columns were still built value by value
/// (same loop, unit by unit -> grouped; Predict, Train): 2-64-1 ReLU single 52.5-53 -> 33-34 ns, 141-145 -> 99-100 ns;
/// 2-32-1 double 24-25 -> 17-17.6 ns, 58-59 -> 56 ns; 2-16-2 leaky single 17 -> 11.5 ns, 41 -> 33.5 ns; 2-20-1
/// sigmoid-output double 20 -> 17 ns, 59-60 -> 60 ns. TrainBatch stayed within the noise (these networks keep the chunked
/// batches of rule 10, which a layer of one input gives up). With the lane moves (5 December; value by value -> moves,
/// Train / Predict / Backward, best of 1 s of 6,400-call loops, alternated processes): 2-64-1 single 83 -> 46, 31 -> 22.5,
/// 81 -> 41 ns; 2-60-2 leaky double 107 -> 70, 37 -> 28, 104 -> 64; 2-33-3 double 74-77 -> 58, 25-26 -> 21, 65-68 -> 46;
/// 2-20-1 double 55 -> 38-41, 13.3 -> 11.5, 58 -> 37-39. Three and four inputs (5 December, NetGen.Sweep, alternated
/// processes, unit by unit -> grouped, Train / Predict / per-row batch32): 3-20-1 double 44 -> 29, 20 -> 14 ns, 1.31 ->
/// 0.86 us; 3-40-2 double 112-132 -> 55, 60-64 -> 28 ns, 3.6-3.9 -> 1.7 us; 3-24-1 single 83 -> 52, 37 -> 24 ns, 2.5 ->
/// 1.43 us; 4-32-1 single 76 -> 43, 39 -> 23 ns, 2.3 -> 1.3 us; 4-16-3 single 76 -> 60, 43 -> 30 ns; 4-10-1 double 24 ->
/// 22, 13 -> 10 ns. (With columns built value by value, three inputs already gained: 3-40-2 Predict 60 -> 33 ns; the
/// transposes took it to 28.)
/// </param>
/// <param name="MinVectorizedActivationWidth">
/// Layers of an exp- or tanh-based activation at least this wide are activated by one vector kernel
/// call over the layer instead of one scalar call per neuron, unless they pack: unrolled layers of an activation the
/// runtime computes in packs pack their sums into one vector (at most <see cref="MaxPackedBytes"/>), those this wide or
/// wider only in a network that runs in locals.
/// </param>
/// <param name="MaxUnrolledWeightsPerNetwork">
/// Unrolled weights in one network, summed over its layers: once a network has used this budget, its
/// remaining layers are looped, so no declaration can make megabytes of straight-line code.
/// </param>
/// <param name="MaxUnrolledFanIn">
/// A layer is unrolled only if each of its sums has at most this many terms: very long expressions
/// compile slowly and can exceed the compiler's nesting limits.
/// </param>
/// <param name="BatchChunkRows">
/// Rows the batch calls run through a layer at once: enough that each weight is read from memory once per chunk
/// instead of once per row, few enough that the chunk's activations and deltas stay in L2.
/// </param>
/// <param name="MaxBatchScratch">Elements of the batch scratch (chunk rows x the activations and deltas of a row) a network may own.</param>
/// <param name="MaxStackBatchBytes">Bytes of PredictBatch's chunk, which is on the stack (thread-pool threads have 1.5 MB).</param>
/// <param name="MaxBatchGradientsInLocals">
/// The most parameters a network in locals may have and run BackwardBatch's rows in one method with its gradients in
/// locals (<see cref="NetworkPlan.BatchGradientsInLocals"/>, rule 16). A row of such a network is a few nanoseconds of
/// arithmetic, about what Backward's call, its spans and its read-modify-writes of the gradients cost; past a few dozen
/// parameters the row's arithmetic is most of it, and a long loop body with every gradient live across it is no faster.
/// Measured 2026-12-03 (AMD EPYC, AVX-512; TrainBatch of 32 rows through INetwork, fastest of 300 runs after 0.4 s of
/// warm-up, three processes each way alternated, a call to Backward per row -> BackwardRows): 1-1-1 identity double
/// 113-123 -> 58 ns, 2-2-1 leaky double 187-194 -> 130-139, 1-5-1 double 255-265 -> 194-198, 2-4-1 single 284-313 -> 190-191,
/// 2-2-2-2 double 260-267 -> 192-205, 4-3-1 single 247-258 -> 200, 5-3-1 leaky single 309-319 -> 271-282; from 25 it goes
/// both ways: 4-4-1 double 285-300 -> 248-261, 2-3-3-1 single 389-401 -> 396-408, 3-4-2 double 331-376 -> 331-347, 2-5-2
/// single 386-390 -> 352-374, 3-5-2 single 475-488 -> 473-542, 3-5-2 double 403-419 -> 439-504, 3-3-3-3-1 single 576-586 ->
/// 529-536, 6-5-4-3 double 804-811 -> 962-972, 8-10-1 double 825-846 -> 872-911, 12-12-1 single 1183-1195 -> 1249-1262,
/// 15-15-1 single 2101-2139 -> 1987-2041. Rows in two passes (rule 11), their second pass in one method, the same way
/// (two processes each way): 4-3-1 sigmoid double 722-732 -> 670-674 ns, 2-2-1 sigmoid double 601-609 -> 535-545, 3-3-2
/// tanh single 1122 -> 1023-1026, 2-3-3 softmax double 1010-1026 -> 965-1003, 4-3-1 sigmoid/BCE single 654-674 ->
/// 586-601, 5-3-1 tanh double 961-966 -> 864-874; past 24 both ways there too (three processes each way): 17-1-5 tanh
/// single 773-783 -> 682-737 ns, 3-5-2 tanh single 1627-1708 -> 1567-1625, but 3-3-3-3-1 tanh double 3449-3521 ->
/// 3475-3670, 5-7-3 softmax double 1408-1435 -> 1445-1540, 4-4-2 sigmoid double 1012-1068 -> 1010-1064.
/// </param>
/// <param name="MaxGroupedPredictInLocalsWeights">
/// The most weights a network of one to four inputs whose first layer groups its units may have and still predict in
/// locals by its grouped plan (rule 9) where <see cref="MaxInLocalsNetworkWeights"/> is passed; its Backward and Train
/// follow unless a layer of more than <see cref="MaxSampleInLocalsLayerWeights"/> weights is left to scalar code or its
/// groups are floats of two inputs (Planner rule 9 gives the times). With
/// one input a group's weights and biases are whole-vector loads, and Predict
/// (one forward pass, no gradients held) stays ahead of the kernels past 256 weights. Measured 2026-12-04 (AMD EPYC,
/// AVX-512; Stopwatch through INetwork, fastest of 300 runs, kernels -> in locals), Predict: 1-195-1 leaky single 61.5
/// -> 36 ns, 1-256-1 single 49.5 -> 38.5, 1-170-3 single 75.5 -> 48.5, 1-250-2 leaky double 103.5 -> 65, 1-300-1 single
/// 75 -> 73; Train then went both ways in locals (1-195-1 116 -> 167 ns, 1-256-1 101.5 -> 105: the JIT's inlining budget,
/// since mended, see Planner rule 9). Two inputs then built each group's
/// two weight columns from values two apart, and past 256 weights that went both ways too: 2-40-5 double 48 -> 29.5,
/// 2-60-4 double 63.5 -> 40.5, 2-128-2 double 75 -> 63, but 2-160-1 single 42.5 -> 63, so they kept
/// <see cref="MaxInLocalsNetworkWeights"/>. From a copy, three or four inputs of floats are whole-vector loads too
/// (medians of 3 processes against the kernels, 5 December, `NetGen.Sweep`): 3-124-1 71.7 -> 51.4 ns, 4-60-2 softmax
/// 81.5 -> 42.4, 3-16-16-1 65.6 -> 39.0. With the lane moves (<c>Kernels.Transpose</c>), and doubles two groups to a
/// 512-bit vector, every other network of two to four inputs gained too (5 December, the same way): 4-34-5 leaky double
/// 63.5 -> 29.4 ns, 3-100-2 double 73.8 -> 36.9, 2-128-2 double 69.2 -> 33.5, 2-160-1 single 44.5 -> 37.4, 2-100-3 leaky
/// single 54.0 -> 36.7; a sigmoid output of 8 units (4-40-8) is activated by a vector call and keeps the kernels.
/// </param>
/// <param name="MaxSmallPredictInLocalsFanIn">
/// In a network of at most <see cref="MaxInLocalsNetworkWeights"/> weights that predicts in locals
/// (<see cref="MaxPredictInLocalsWeights"/>), the most inputs a layer after the first may have (the first keeps fewer than
/// <see cref="MaxInLocalsFanIn"/>). Measured 2026-12-04 (AMD EPYC, AVX-512; Stopwatch through INetwork, fastest of 300 runs,
/// three alternated pairs of processes, kernels -> in locals), Predict / Train: 5-20-4 leaky/sigmoid double 68-72 ->
/// 46.5-47 / 141-152 -> 115-122 ns, 3-22-6 leaky single 60 -> 35.5-36 / 128-131 -> 106-110, 5-24-4 leaky/sigmoid single
/// 67 -> 50.5-61 / 147-207 -> 137-183 (noisy), 4-18-18-2 ReLU double (432 weights, past the bound) 80-83 -> 69-71 / same.
/// Lost in Predict, and kept out: first layers of 16 or more inputs (16-14-1 single 35-36.5 -> 41-41.5, 24-10-1 single
/// 36-37 -> 43-47.5, 24-8-1 double 34 -> 35-38; 17-12-2, 21-10-1 and 22-6-3 double gained 10-17 ns, 20-10-1 single 8), and
/// networks past 256 weights (18-18-1 single 57-58 -> 60-66, 10-20-20-5 single 128 -> 167-188, 16-16-16-1 double 61.5 ->
/// 82-164, 24-16-2 single 43.5-60 -> 67.5-68).
/// </param>
/// <param name="MaxSmallPredictInLocalsWidth">The most outputs a layer may have in such a network (<see cref="MaxSmallPredictInLocalsFanIn"/>).</param>
internal sealed record PlanLimits(
    int DefaultMaxUnrolledWeights = 64,
    int MaxInLocalsNetworkWeights = 256,
    int MaxInLocalsFanIn = 16,
    int MaxUnrolledWeightsForUpdateCalls = 128,
    int MaxPredictInLocalsWeights = 1024,
    int MaxPredictInLocalsWidth = 16,
    int MaxSampleInLocalsWeights = 640,
    int MaxSampleInLocalsLayerWeights = 200,
    int MinChunkedBatchHiddenUnits = 16,
    int MinGroupedUnits = 8,
    int MaxGroupedInputs = 4,
    int MinVectorizedActivationWidth = 8,
    int MaxUnrolledWeightsPerNetwork = 8192,
    int MaxUnrolledFanIn = 256,
    int BatchChunkRows = 32,
    int MaxBatchScratch = 65_536,
    int MaxStackBatchBytes = 32 * 1024,
    int MaxBatchGradientsInLocals = 24,
    int MaxGroupedPredictInLocalsWeights = 512,
    int MaxSmallPredictInLocalsFanIn = 24,
    int MaxSmallPredictInLocalsWidth = 24)
{
    /// <summary>The limits the generator plans with.</summary>
    public static readonly PlanLimits Default = new();

    /// <summary>
    /// The most bytes of values a packed layer holds (<see cref="LayerPlan.PacksActivation"/>): one 512-bit vector, the
    /// widest the runtime's packed activations take (<c>Kernels.Sigmoid(Vector512&lt;float&gt;)</c>, <c>Kernels.GELU(Vector512&lt;T&gt;)</c>),
    /// 16 floats or 8 doubles. Without AVX-512 such a vector is two 256-bit ones. A layer wider than this is not packed,
    /// whatever <see cref="MinVectorizedActivationWidth"/> says.
    /// </summary>
    public const int MaxPackedBytes = 64;

    /// <summary>
    /// What a layer's scalar calls must cost together before packing them pays (<see cref="Kinds.ActivationInfo.MinPackedUnits"/>):
    /// about what one pack adds to the layer's wait beyond a single call. Measured on this host (docs/benchmarks.md, the
    /// packs of 5 December), on whole networks, a step and Predict, alternated processes: 2 SiLU doubles 37 -> 49 ns a
    /// step packed and 3 SiLU floats 57 -> 58-66, 6 SiLU floats 128 -> 109; 3 ELU floats 47 -> 48, Predict 32 -> 24, 4 ELU doubles 69 -> 50; 2 GELU floats 85 -> 64,
    /// 2 Softplus doubles 65 -> 68, Predict 38 -> 33-37.
    /// </summary>
    public const double PackBreakEvenNanoseconds = 25;

    /// <summary>
    /// The widest vector (bytes) a narrow hidden layer of the in-locals Predict is computed in
    /// (<see cref="LayerPlan.PredictsAsVector"/>): Vector256, 4 doubles or 8 floats; a layer of 16 bytes fills a Vector128.
    /// </summary>
    public const int MaxPredictVectorBytes = 32;

    /// <summary>
    /// The smallest weight block, in bytes, whose gradients <c>Backward</c> defers (<see cref="NetworkPlan.DeferredGradientLayers"/>):
    /// a block this large no longer stays in L1 (32-48 KB) from one sample to the next, so adding each sample's outer
    /// product on its own reads and writes it from L2 every time.
    /// </summary>
    public const int MinDeferredGradientBytes = 32 * 1024;

    /// <summary>
    /// The shortest weight row, in bytes, whose gradients <c>Backward</c> defers: eight 512-bit vectors. A shorter row is
    /// added one sample at a time with the sample's inputs held in registers across all rows, a load and a store per
    /// vector, which the deferred kernel does not beat: 64-512-10 floats (rows of 256 bytes) trained 32 rows by
    /// <c>Backward</c> 1.22-1.26x slower deferred, while rows of 512 bytes and more gained or stayed even (Stopwatch, AMD
    /// EPYC, the same network read through <c>Gradients</c> first as the reference: 784-192-10 floats 0.75-0.81x,
    /// 100-300-2 doubles 0.71-0.77x, 400-100-10 floats 0.82-0.85x, 256-64-10 floats 0.90-1.00x).
    /// </summary>
    public const int MinDeferredRowBytes = 512;

    /// <summary>
    /// The smallest first-layer weight block, in bytes, whose units Fit splits between its threads
    /// (<see cref="NetworkPlan.SplitsFirstLayer"/>), with at least <see cref="MinSplitUnits"/> units. Data-parallel
    /// shards each read the whole block and write a gradient of its size, and every step moves each parameter's gradient
    /// from one core to the other and its new value back. Measured on the 2-vCPU AMD host of 3 December (Fit, batch 64,
    /// two threads, builds alternated): where its vCPUs were 400 ns apart, 784-128-10 (400 KB) took 25 ms an epoch split
    /// against 30-31 sharded; where they were 110 ns apart (one cache shared), 21.5-22.6 against 23.5-24.3 on MNIST
    /// digits, while dense inputs made the split the slower one there, and networks of 64 units (256-64-10 to
    /// 784-64-10) were slower split in both placements: the split adds a serial part (the later layers) and more
    /// hand-offs, which a small layer's work does not cover.
    /// </summary>
    public const int MinSplitLayerBytes = 256 * 1024;

    /// <summary>The fewest first-layer units Fit splits (<see cref="MinSplitLayerBytes"/>): four blocks of 32.</summary>
    public const int MinSplitUnits = 128;

    /// <summary>
    /// The longest first-layer row, in bytes, that Predict and PredictBatch read from an input-major copy
    /// (<see cref="NetworkPlan.PredictsFirstLayerFromColumns"/>): 10 floats or 5 doubles. A dot product per row of W costs
    /// about two vector loads, two multiply-adds and a share of a reduction tree, however few values the row has; from
    /// the copy, one output vector costs one multiply-add per input, plus the check that the copy is current (two loads
    /// and an xor per vector of weights). Measured on the AMD EPYC host (one input, AVX-512, `Kernels.MatrixVector`
    /// against `Kernels.ColumnCopyProduct`, fastest of 40 runs of a few thousand calls), floats: 130 x 3 96 -> 33 ns,
    /// 130 x 5 75 -> 37, 130 x 9 81 -> 59, 130 x 10 80 -> 60, 130 x 12 79 -> 69; doubles: 130 x 3 82 -> 65, 130 x 5 96 -> 60.
    /// </summary>
    public const int MaxColumnCopyRowBytes = 40;

    /// <summary>
    /// The fewest inputs a first layer read from the input-major copy has (<see cref="MaxColumnCopyRowBytes"/>), and a grouped
    /// layer (<see cref="LayerPlan.PredictsFromColumnCopy"/>). Rows of two values are packed into vectors by a few permutes,
    /// which the copy and its check do not clearly beat: 1024 x 2 floats 88 -> 111 ns, 130 x 2 doubles 59 -> 57; grouped,
    /// 2-24-1 floats 10.3 -> 11.2 ns, 2-64-1 22.5 -> 19.5-22.6.
    /// </summary>
    public const int MinColumnCopyInputs = 3;

    /// <summary>
    /// The largest first-layer W, in bytes, read from the input-major copy (<see cref="MaxColumnCopyRowBytes"/>): the check
    /// reads W and its copy, and the product the transpose, so three times W must stay in L1 (48 KB on the AMD EPYC) beside
    /// the bias and the outputs: 12 KB leaves a quarter of it. Measured (4 December, `Kernels.MatrixVector` against
    /// `Kernels.ColumnCopyProduct`, one input, fastest of 200 runs of 500 calls): from 9 to 13.6 KB the copy wins everywhere
    /// (floats 700 x 4 215 -> 111 ns, 768 x 4 228 -> 117, 1000 x 3 174 -> 120, 500 x 6 324 -> 128, 350 x 9 176 -> 116,
    /// 870 x 4 261 -> 154; doubles 395 x 3 147 -> 101, 384 x 4 172 -> 117, 500 x 3 197 -> 143, 250 x 5 124 -> 110); at 16 KB
    /// it is even (1024 x 4 floats 213 -> 233, 512 x 8 233 -> 193), and past it the copy leaves L1: 244 x 10 doubles (19 KB)
    /// 160 -> 411, 512 x 6 doubles (24 KB) 247 -> 553, 1024 x 8 floats (32 KB) 485 -> 776. On a core with a 32 KB L1 the
    /// three copies of a W near the bound spill a little, which at 16 KB here cost 10%.
    /// </summary>
    public const int MaxColumnCopyWeightBytes = 12 * 1024;

    /// <summary>The fewest first-layer units read from the input-major copy (<see cref="MaxColumnCopyRowBytes"/>): below a 512-bit vector of floats the dot products stay.</summary>
    public const int MinColumnCopyUnits = 16;

    /// <summary>
    /// How many times the weights of all later layers the first layer must hold for Fit to split it: the later layers run
    /// on one thread between the split parts, so they must be a small part of the step (784-128-10: 78 times).
    /// </summary>
    public const int MinSplitLayerShare = 3;

    /// <summary>The range in which each limit is valid (inclusive); the sweep test compiles networks at points across each.</summary>
    public static readonly (string Name, int Minimum, int Maximum)[] Ranges =
    {
        (nameof(DefaultMaxUnrolledWeights), 0, Limits.MaxUnrolledWeightsCeiling),
        (nameof(MaxInLocalsNetworkWeights), 0, 1 << 20),
        (nameof(MaxInLocalsFanIn), 0, 4096),
        (nameof(MaxUnrolledWeightsForUpdateCalls), 0, 1 << 20),
        (nameof(MaxPredictInLocalsWeights), 0, 1 << 20),
        (nameof(MaxPredictInLocalsWidth), 0, 4096),
        (nameof(MaxSampleInLocalsWeights), 0, 1 << 20),
        (nameof(MaxSampleInLocalsLayerWeights), 0, 1 << 20),
        (nameof(MinChunkedBatchHiddenUnits), 0, 1 << 20),
        (nameof(MinGroupedUnits), 4, 1 << 20),
        (nameof(MaxGroupedInputs), 0, 4096),
        (nameof(MinVectorizedActivationWidth), 1, 1 << 20),
        (nameof(MaxUnrolledWeightsPerNetwork), 0, 1 << 20),
        (nameof(MaxUnrolledFanIn), 0, 4096),
        (nameof(BatchChunkRows), 1, 1024),
        (nameof(MaxBatchScratch), 1, 1 << 24),
        (nameof(MaxStackBatchBytes), 0, 1 << 20),
        (nameof(MaxBatchGradientsInLocals), 0, 1 << 20),
        (nameof(MaxGroupedPredictInLocalsWeights), 0, 1 << 20),
        (nameof(MaxSmallPredictInLocalsFanIn), 0, 4096),
        (nameof(MaxSmallPredictInLocalsWidth), 0, 4096),
    };
}
