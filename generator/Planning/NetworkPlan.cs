using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;

namespace NetGen.Generator.Planning;

/// <summary>How the emitter writes one layer's arithmetic.</summary>
internal enum CodeShape
{
    /// <summary>Straight-line code, one statement per neuron or weight: fastest for small layers.</summary>
    Unrolled,

    /// <summary>One whole-layer kernel call per operation (matrix-vector product, outer-product update): bounded code size for wide layers.</summary>
    Loops,
}

/// <summary>How a layer's activation is applied to its sums (the output layer's to its kept logits).</summary>
internal enum ActivationStep
{
    /// <summary>Each neuron's sum is wrapped in the scalar activation as it is written (unrolled layers).</summary>
    PerNeuron,

    /// <summary>One kernel call over the whole layer after its product (looped layers, softmax, and wide exp/tanh-based unrolled layers).</summary>
    LayerKernel,
}

/// <summary>
/// One weight layer as the emitter writes it: <c>z = W a + b</c>, <c>a' = f(z)</c>, with every decision
/// the planner made for it.
/// </summary>
/// <param name="Number">1-based layer number, as in the comments and names of the generated code (W1, b1, a1).</param>
/// <param name="InputSize">Inputs to the layer (columns of W).</param>
/// <param name="OutputSize">Neurons in the layer (rows of W).</param>
/// <param name="Activation">The function applied to z.</param>
/// <param name="WeightOffset">Where W starts in the flat parameter block.</param>
/// <param name="BiasOffset">Where b starts in the flat parameter block.</param>
/// <param name="ActivationOffset">Where this layer's outputs start in the activation buffer, and its d loss / d z in the delta buffer.</param>
/// <param name="PreActivationOffset">Where z is kept in the activation buffer (the logits for the output layer; hidden layers whose derivative needs z), or -1.</param>
/// <param name="Shape">Unrolled or looped code for this layer.</param>
/// <param name="Step">How the layer is activated: neuron by neuron, or by one kernel call over the layer.</param>
/// <param name="PacksActivation">
/// The in-locals kernels activate this unrolled layer of at most one 512-bit vector of values (sigmoid, GELU, SiLU, ELU,
/// Softplus) as one vector, and
/// take its derivative as one vector where that is a call (GELU, SiLU, Softplus): the smallest vector that holds the
/// layer, padded with zeros. A sigmoid layer packs in Predict and Backward, not in Train's step (which measured
/// slower) nor as a training output; the others everywhere in locals.
/// </param>
/// <param name="UnrollLimit">The most weights this layer may have and be unrolled: the declaration's <c>MaxUnrolledWeights</c>, or the default for its activation.</param>
/// <param name="Dropout">How the training calls drop this layer's outputs; null when they do not.</param>
/// <param name="PredictsAsVector">
/// The in-locals Predict computes this narrow hidden layer, which fills a Vector128 or Vector256, as one vector: its
/// sums column by column (the bias vector plus each column of W times one input), its activation by the vector form,
/// and the layer above multiplies each of its weight rows by that vector and adds the lanes in input order. Every sum
/// is the scalar one, operation for operation.
/// </param>
/// <param name="GroupsUnits">
/// The in-locals kernels (Predict, Backward, Train) hold this hidden layer's units in vectors of four, as far as whole
/// groups of four go (<see cref="PlanLimits.MinGroupedUnits"/>): a layer of one or two inputs (<see cref="PlanLimits.MaxGroupedInputs"/>), so a group's biases are four consecutive values
/// and each of its weight columns four values at most two apart; its sums and activations are one vector each, its delta
/// and bias updates too, and its weight updates with one input (with two, unit by unit from the lanes); the layer above
/// reads its weight rows four units at a time. Every lane computes what the scalar statement of its unit computes,
/// operation for operation, so results do not change.
/// </param>
/// <param name="PredictsFromColumnCopy">
/// Where the hardware has 256-bit vectors, Predict reads this grouped layer of floats and three or four inputs from an
/// input-major copy of W that the network keeps beside its parameters (<c>Kernels.CurrentColumns</c> checks it against W
/// on every call and copies W again when they differ), and computes its groups' sums in the widest vectors, each then
/// split into its groups: no lane moves, and a 512-bit vector does four groups' arithmetic at once (Planner rule 4).
/// The training kernels, which write W, keep the lane moves (<c>Kernels.Transpose</c>), as Predict does without 256-bit vectors.
/// </param>
/// <param name="ActivatesAsItStores">
/// Forward writes this unrolled layer's kept z and its activation in one statement a unit, <c>a[j] = f(z[j] = sum)</c>,
/// instead of every z and then every a (Planner rule 14). The same sums and values either way.
/// </param>
internal sealed record LayerPlan(
    int Number,
    int InputSize,
    int OutputSize,
    ActivationKind Activation,
    int WeightOffset,
    int BiasOffset,
    int ActivationOffset,
    int PreActivationOffset,
    CodeShape Shape,
    ActivationStep Step,
    bool PacksActivation,
    int UnrollLimit,
    DropoutPlan? Dropout = null,
    bool PredictsAsVector = false,
    bool GroupsUnits = false,
    bool PredictsFromColumnCopy = false,
    bool ActivatesAsItStores = false)
{
    /// <summary>
    /// A packed layer (<see cref="PacksActivation"/>) that the code keeping layers in spans (Forward and Loss, the loss rows
    /// and the chunks of BackwardBatch) packs too, row by row, through the same vector kernels, so that every call
    /// gives a unit the same value: every packed kind but sigmoid, whose scalar form there is inlined arithmetic, no call.
    /// </summary>
    public bool PacksInSpans => PacksActivation && Activation != ActivationKind.Sigmoid;

    public int WeightCount => InputSize * OutputSize;

    public bool HasDropout => Dropout is not null;

    public bool KeepsPreActivation => PreActivationOffset >= 0;

    /// <summary>Units per group of a <see cref="GroupsUnits"/> layer: four lanes, one per chain of a long unrolled sum.</summary>
    public const int GroupLanes = 4;

    /// <summary>The whole groups of four units the in-locals kernels hold in vectors (0 unless <see cref="GroupsUnits"/>); the units after them stay scalar.</summary>
    public int UnitGroups => GroupsUnits ? OutputSize / GroupLanes : 0;

    /// <summary>
    /// Whether the in-locals kernels sum this layer's rows in the lanes of group vectors: its inputs are the grouped layer
    /// <paramref name="below"/>'s units, and each sum (its inputs and the bias) has at least 16 terms, so its chains
    /// (<c>Emitter.SumChains</c>: four per 16 terms) fill whole vectors of <see cref="GroupLanes"/>. Sums of fewer terms
    /// have two or three chains and take the grouped units one lane at a time.
    /// </summary>
    public bool SumsRowsInGroups(LayerPlan below) => below.GroupsUnits && InputSize + 1 >= GroupLanes * GroupLanes;

    /// <summary>
    /// The most inputs a grouped layer may have for a group's weights, four rows of that many values, to be whole vectors
    /// (<c>Kernels.Transpose</c> moves their lanes into columns for two to four); with more, the sums gather them.
    /// </summary>
    public const int MaxLoadedGroupInputs = 4;

    /// <summary>Groups in a block, one 512-bit vector: four of floats (Vector128s), two of doubles (Vector256s).</summary>
    public static int BlockGroups(int valueSize) => 64 / (GroupLanes * valueSize);

    /// <summary>
    /// Whether the training kernels (Backward, Train) run this grouped layer in 512-bit blocks through the backward pass too,
    /// its delta and its update, where those vectors are accelerated, not only the forward pass: a layer whose group's
    /// weights are whole vectors (<see cref="MaxLoadedGroupInputs"/>; the training kernels read W itself, also where Predict
    /// reads a copy of it, <see cref="PredictsFromColumnCopy"/>), with two blocks or more for one input and three or more for
    /// two to four. A block's weights are then as many 512-bit vectors as the layer
    /// has inputs, each updated by one multiply-add: the block's factors spread over their weights' lanes by one permute,
    /// times the inputs in the order of those weights. NetGen.Sweep, medians of 3 alternated processes, Train before ->
    /// after (AVX-512): 1-195-1 leaky single 133 -> 65 ns (C 58), 1-50-1 double 39.4 -> 28.4; 2-160-1 single 85.3 -> 51.2
    /// (C 49, through the layer kernels before, <c>Planner.TrainsGroupedSamplesInLocals</c>), 2-100-3 leaky single 119 ->
    /// 68, 2-64-6 single 98.9 -> 76.2, 2-64-2 double 60.7 -> 44.5, 3-40-2 double 49.3 -> 39.2, 3-60-4 leaky double 95.0 ->
    /// 86.3. With fewer blocks the split of the blocks into groups for the layer above cost more than the blocks saved:
    /// 1-13-3 double (one block and a group) per-row batch32 642 -> 678-703 ns, 3-20-1 double (two blocks and a group)
    /// Train 29.9 -> 32.1 ns.
    /// </summary>
    public bool TrainsInBlocks(int valueSize) =>
        GroupsUnits && InputSize <= MaxLoadedGroupInputs && UnitGroups >= (InputSize == 1 ? 2 : 3) * BlockGroups(valueSize);
}

/// <summary>
/// Inverted dropout after a hidden layer's activation, in the training calls only: unit i's output a[i] becomes
/// <c>dropped[i] = a[i] * mask[i]</c>, mask[i] 0 with probability p and 1 / (1 - p) otherwise. The layer above reads
/// <c>dropped</c>; the layer's own derivative still reads the undropped a (or z), and its delta is multiplied by the mask.
/// </summary>
/// <param name="Rate">The drop probability p, in (0, 1).</param>
/// <param name="DropThreshold">p * 2^32, rounded (at most 2^32 - 1): a unit whose 32 hash bits are below it is dropped.</param>
/// <param name="KeptScale">1 / (1 - p), the factor of a kept unit.</param>
/// <param name="DroppedOffset">Where the dropped outputs start in the activation buffer (span kernels), or -1 in a network that runs in locals.</param>
/// <param name="MaskOffset">Where the mask starts in the activation buffer (span kernels), or -1 in a network that runs in locals.</param>
/// <remarks>Unit i's mask is hashed from the row's key and the unit's place in the activation buffer (the layer's
/// <see cref="LayerPlan.ActivationOffset"/> + i), so no two layers share masks and every code shape draws the same ones.</remarks>
internal sealed record DropoutPlan(double Rate, uint DropThreshold, double KeptScale, int DroppedOffset, int MaskOffset);

/// <summary>
/// A network as the emitter writes it: the declaration (<see cref="Model"/>) and every decision about
/// code shape, kernels, buffer layout and batching, made in one place by <see cref="Planner"/>. Plain
/// equatable data, so an unchanged plan is a cache hit and tests can assert plans without reading code.
/// </summary>
/// <param name="Model">The declaration this plan is for.</param>
/// <param name="Layers">One plan per weight layer.</param>
/// <param name="LogitsOffset">Where the output layer's z starts in the activation buffer (after every layer's output).</param>
/// <param name="ActivationCount">Length of the activation buffer: every layer's output, the logits, then any kept hidden z.</param>
/// <param name="RunsInLocals">Every layer unrolled and activated neuron by neuron: Predict and the training kernels keep everything in locals.</param>
/// <param name="BatchChunkRows">Rows BackwardBatch (and so TrainBatch) runs through every layer at once, one matrix-matrix product per layer and operation, or 0 (then row by row).</param>
/// <param name="PredictBatchChunkRows">Rows PredictBatch runs through a looped first layer at once (its chunk is on the stack), or 0 (then row by row).</param>
/// <param name="UpdatesThroughReferences">The in-locals kernels write their vector weight updates out at references into the rows instead of calling <c>Kernels.AddScaled</c> (<see cref="PlanLimits.MaxUnrolledWeightsForUpdateCalls"/>).</param>
/// <param name="PredictInLocals">
/// For a network that does not run in locals, the plan of the same network unrolled whole when Predict (and so PredictBatch,
/// row by row) runs in locals by it (<see cref="PlanLimits.MaxPredictInLocalsWeights"/>, or a network in locals whose
/// batch calls run in chunks: <see cref="PlanLimits.MinChunkedBatchHiddenUnits"/>); null when Predict calls the
/// layer kernels like the training calls. Its sums are unrolled ones, so Predict's output can differ from the training
/// calls' forward pass in the last bits.
/// </param>
/// <param name="TrainsSamplesInLocals">
/// The per-sample training kernels (<c>Backward</c>, <c>Train</c>) run in locals by <see cref="PredictInLocals"/>, while
/// the batch calls keep the chunked layer kernels (<see cref="PlanLimits.MaxSampleInLocalsWeights"/>,
/// <see cref="PlanLimits.MinChunkedBatchHiddenUnits"/>).
/// </param>
/// <param name="KeptForwardRows">
/// Rows BackwardBatch of a network in locals runs in two passes at once (first every row's forward pass, keeping
/// <see cref="KeptForwardLength"/> values per row, then every row's loss, deltas and gradients from them), or 0 (then
/// each row in one pass through Backward).
/// </param>
/// <param name="BatchGradientsInLocals">
/// BackwardBatch of a small network in locals runs its rows (in two passes: its second pass) in one method
/// (<c>BackwardRows</c>), Backward's code for each row with the gradients held in locals: each starts from what
/// <c>Gradients</c> holds, takes every row's addition in row order, and is stored once after the last row, so the
/// gradients are those of Backward row by row, bit for bit (<see cref="PlanLimits.MaxBatchGradientsInLocals"/>).
/// </param>
/// <param name="PredictByColumns">
/// Predict's own plan, or null: the plan it would run in locals by (this one, or <see cref="PredictInLocals"/>) with more
/// hidden layers in vectors of units read from copies of W (<see cref="LayerPlan.PredictsFromColumnCopy"/>, Planner rule
/// 4): layers of five or more inputs, whose groups the training kernels would gather value by value. Every sum is the
/// same operations in the same order as in the plan it comes from, so Predict's bits are that plan's. Predict runs by it
/// where the hardware has 256-bit vectors, else by the plan it comes from (<see cref="BasePredictPlan"/>): with 128-bit
/// vectors alone, such a group's columns are gathered value by value.
/// </param>
/// <param name="PredictsInLocalsWith512Bits">
/// Predict runs in locals by <see cref="PredictPlanInLocals"/> only where 512-bit vectors are accelerated, and elsewhere
/// through the layer kernels, as a plan without <see cref="PredictInLocals"/> would; PredictBatch likewise (Planner rule
/// 9, networks of five or more inputs whose wide layers Predict takes in vectors from copies of W). With 256-bit vectors
/// alone the unrolled pass went both ways, and without them (SSE, Native AOT's default) it is scalar code.
/// </param>
internal sealed record NetworkPlan(
    NetworkModel Model,
    EquatableArray<LayerPlan> Layers,
    int LogitsOffset,
    int ActivationCount,
    bool RunsInLocals,
    int BatchChunkRows,
    int PredictBatchChunkRows,
    bool UpdatesThroughReferences,
    NetworkPlan? PredictInLocals = null,
    bool TrainsSamplesInLocals = false,
    int KeptForwardRows = 0,
    bool BatchGradientsInLocals = false,
    NetworkPlan? PredictByColumns = null,
    bool PredictsInLocalsWith512Bits = false)
{
    public LayerPlan OutputLayer => Layers[Layers.Count - 1];

    public int InputSize => Model.InputSize;

    public int OutputSize => Model.OutputSize;

    public int ParameterCount => OutputLayer.BiasOffset + OutputSize;

    /// <summary>d loss / d z for every layer, laid out like the layer outputs.</summary>
    public int DeltaCount => LogitsOffset;

    /// <summary>
    /// The plan Predict runs in locals by: <see cref="PredictByColumns"/> where there is one, else this one for a network that
    /// runs in locals, else <see cref="PredictInLocals"/> (null: Predict calls the layer kernels).
    /// </summary>
    public NetworkPlan? PredictPlanInLocals => PredictByColumns ?? BasePredictPlan;

    /// <summary>
    /// Predict (and PredictBatch) have a path through the layer kernels: the only one without <see cref="PredictPlanInLocals"/>,
    /// the one taken without 512-bit vectors with <see cref="PredictsInLocalsWith512Bits"/>.
    /// </summary>
    public bool PredictsThroughKernels => PredictPlanInLocals is null || PredictsInLocalsWith512Bits;

    /// <summary>The plan Predict would run in locals by without <see cref="PredictByColumns"/>, which Predict falls back on without 256-bit vectors.</summary>
    public NetworkPlan? BasePredictPlan => RunsInLocals ? this : PredictInLocals;

    /// <summary>The plan the per-sample kernels (Backward, BackwardAndStep) run in locals by, or null when they are span kernels.</summary>
    public NetworkPlan? SamplePlanInLocals => RunsInLocals ? this : TrainsSamplesInLocals ? PredictInLocals : null;

    /// <summary>The per-sample kernels run in locals: the whole network's, or those of <see cref="PredictInLocals"/>.</summary>
    public bool SampleKernelsInLocals => SamplePlanInLocals is not null;

    /// <summary>True when BackwardBatch runs chunks of rows through every layer as matrix-matrix products.</summary>
    public bool TrainsInChunks => BatchChunkRows >= 2;

    /// <summary>True when BackwardBatch runs its rows in two passes (<see cref="KeptForwardRows"/>).</summary>
    public bool TrainsBatchesInTwoPasses => KeptForwardRows >= 2;

    /// <summary>
    /// What the first of BackwardBatch's two passes keeps of a row's forward pass in locals, in order: every unit's output
    /// a, with its z before it where the second pass reads z too (a hidden layer whose derivative needs z, and the output
    /// layer, whose losses read the logits).
    /// </summary>
    public IEnumerable<(int Layer, int Unit, bool PreActivation)> KeptForwardValues()
    {
        foreach (LayerPlan layer in Layers)
        {
            bool keepsZ = IsOutput(layer) || layer.KeepsPreActivation;
            for (int unit = 0; unit < layer.OutputSize; unit++)
            {
                if (keepsZ)
                    yield return (layer.Number, unit, true);
                yield return (layer.Number, unit, false);
            }
        }
    }

    /// <summary>The number of <see cref="KeptForwardValues"/>: values kept per row.</summary>
    public int KeptForwardLength => KeptForwardValues().Count();

    /// <summary>
    /// The layers whose weight gradients <c>Backward</c> defers (rule 12): looped layers of a network whose per-sample
    /// kernels call the layer kernels, with a weight block of at least <see cref="PlanLimits.MinDeferredGradientBytes"/> and
    /// rows of at least <see cref="PlanLimits.MinDeferredRowBytes"/>.
    /// Each sample's <c>dW += delta x^T</c> goes to the network's <c>NetGen.GradientBuffer</c>, which adds a few samples'
    /// at a time in sample order (the same bits), so the block moves from L2 once per few samples, not once per sample.
    /// </summary>
    public IEnumerable<LayerPlan> DeferredGradientLayers =>
        SampleKernelsInLocals
            ? Enumerable.Empty<LayerPlan>()
            : Layers.Where(layer => layer.Shape == CodeShape.Loops
                && (long)layer.WeightCount * Scalar.For(Model.Precision).Size >= PlanLimits.MinDeferredGradientBytes
                && layer.InputSize * Scalar.For(Model.Precision).Size >= PlanLimits.MinDeferredRowBytes);

    /// <summary>True when some layer's weight gradients are deferred (<see cref="DeferredGradientLayers"/>).</summary>
    public bool DefersGradients => DeferredGradientLayers.Any();

    /// <summary>
    /// Rule 13: Fit splits the first layer's units between its threads (the generated class is a
    /// <c>NetGen.IUnitSplitNetwork</c>): a concrete network that trains in chunks, in one pass, without dropout, whose first
    /// layer is looped, elementwise, at least <see cref="PlanLimits.MinSplitLayerBytes"/> and
    /// <see cref="PlanLimits.MinSplitLayerShare"/> times the weights of the later layers, with at least
    /// <see cref="PlanLimits.MinSplitUnits"/> units. BackwardChunk is then three steps (layer 1 for a range of units, the rest of
    /// the network, layer 1's gradients for a range of units), which BackwardBatch runs for all units at once and Fit runs
    /// for blocks of units on its threads, with the rest on the calling thread between them.
    /// </summary>
    public bool SplitsFirstLayer
    {
        get
        {
            if (!TrainsInChunks || TrainsBatchesInTwoPasses || HasDropout || Model.IsAbstract || Layers.Count < 2)
                return false;
            LayerPlan first = Layers[0];
            long laterWeights = Layers.Skip(1).Sum(layer => (long)layer.WeightCount);
            return first.Shape == CodeShape.Loops
                && ActivationInfo.Of(first.Activation).IsElementwise
                && first.OutputSize >= PlanLimits.MinSplitUnits
                && (long)first.WeightCount * Scalar.For(Model.Precision).Size >= PlanLimits.MinSplitLayerBytes
                && first.WeightCount >= PlanLimits.MinSplitLayerShare * laterWeights;
        }
    }

    /// <summary>True when PredictBatch computes layer 1 for a chunk of rows with one matrix-matrix product, so Forward is split after it.</summary>
    public bool BatchesFirstLayer => PredictBatchChunkRows >= 2;

    /// <summary>
    /// True when Predict and PredictBatch compute layer 1 from an input-major copy of W1 that the network keeps beside
    /// its parameters and checks against them on every call (<c>Kernels.ColumnCopyProduct</c>): a looped first layer of
    /// <see cref="PlanLimits.MinColumnCopyInputs"/> inputs or more, at most <see cref="PlanLimits.MaxColumnCopyRowBytes"/>
    /// bytes of them a unit, at least <see cref="PlanLimits.MinColumnCopyUnits"/> units and at most
    /// <see cref="PlanLimits.MaxColumnCopyWeightBytes"/> of weights, whose rows are too short for a dot product each. Each output is
    /// then its bias plus one multiply-add per input in input order; Loss and the training calls keep the dot products,
    /// whose sums can differ from these in the last bits. Later layers of few inputs keep the dot products too.
    /// </summary>
    public bool PredictsFirstLayerFromColumns
    {
        get
        {
            if (!BatchesFirstLayer || !PredictsThroughKernels)
                return false;
            LayerPlan first = Layers[0];
            int valueBytes = Scalar.For(Model.Precision).Size;
            return first.Shape == CodeShape.Loops
                && first.InputSize >= PlanLimits.MinColumnCopyInputs
                && first.InputSize * valueBytes <= PlanLimits.MaxColumnCopyRowBytes
                && first.OutputSize >= PlanLimits.MinColumnCopyUnits
                && (long)first.WeightCount * valueBytes <= PlanLimits.MaxColumnCopyWeightBytes;
        }
    }

    /// <summary>
    /// Predict and PredictBatch apply layer 1's activation in the column-copy product itself (<c>Kernels.ColumnCopyProduct</c>
    /// with the activation, <see cref="Kinds.ActivationInfo.FusesIntoColumnProduct"/>), where layer 1 is read from the copy and
    /// keeps no z: no pass of its own over the layer's outputs (9-130-1 ReLU single, Predict 83 -> 75 ns).
    /// </summary>
    public bool PredictFusesFirstActivation =>
        PredictsFirstLayerFromColumns && !Layers[0].KeepsPreActivation && Kinds.ActivationInfo.Of(Layers[0].Activation).FusesIntoColumnProduct;

    /// <summary>
    /// The per-sample kernels (<c>Backward</c>, <c>BackwardAndStep</c>) may be inlined into the public calls: a network that
    /// holds its batch gradients in locals (<see cref="BatchGradientsInLocals"/>, so BackwardBatch does not call them) and
    /// has no exp- or tanh-based layer, so an inlined kernel has no call of its own that the JIT could leave as a call when
    /// the caller's inlining budget runs out. Every other in-locals kernel stays a method of its own.
    /// </summary>
    public bool InlinesSampleKernels => BatchGradientsInLocals && Layers.All(layer => !ActivationInfo.Of(layer.Activation).IsTranscendental);

    public bool IsOutput(LayerPlan layer) => layer.Number == Layers.Count;

    /// <summary>Some hidden layer drops units in the training calls.</summary>
    public bool HasDropout => Model.HasDropout;
}
