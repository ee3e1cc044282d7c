using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

/// <summary>
/// The in-locals code of hidden layers whose units are held in vectors of four (<see cref="LayerPlan.GroupsUnits"/>): a
/// layer of one input, whose unit j's weight and bias are value j of W and b, so four units are one load each, or of two to
/// four inputs, whose four units' 4k weights are k loads, their lanes moved into the k columns (<c>Kernels.Transpose</c>)
/// and updated as k vectors (each unit's factor shuffled against the inputs). Group g,
/// <c>a{n}v{g}</c>, holds units 4g to 4g + 3 (Vector128 of floats, Vector256 of doubles); the units after the last whole
/// group stay scalar locals, written as before. Where 512-bit vectors are accelerated, Predict (and for some layers of
/// doubles the training kernels' forward pass) computes k groups at once as one block, <c>a{n}z{q}</c> (two groups of
/// doubles, four of floats: <see cref="BlocksGroups"/>). Each lane computes what its unit's scalar statement computes,
/// operation for operation (no fused multiply-add, the same order of additions), so the vector and scalar branches give
/// the same bits.
/// </summary>
/// <remarks>
/// The layer above sums a row of such a layer in <see cref="SumOfTerms"/>'s chains. From 16 terms they come in sets of
/// four (<see cref="SumChains"/>: four chains up to 31 terms, eight from 32, twelve from 48, sixteen from 64); term t goes
/// to chain t % chains, the bias is term 0 and unit i's product term i + 1, so with s sets lane l of group g feeds chain
/// (4 (g % s) + l + 1) % (4 s). One vector per set and row then carries four chains: set k's vector accumulates groups
/// k, k + s, k + 2s, ... in order, lane 3 of the last set starting from the bias, and the units after the groups join
/// their chains as scalars before the chains are added in pairs. In Predict, where a row's sets fill whole blocks (k sets
/// to a 512-bit vector), a vector carries k sets and accumulates blocks instead (<see cref="EmitBlockedRowSums"/>). With
/// fewer chains (sums of 8 to 15 terms) lanes and chains do not line up, and the row takes the layer's units one lane at
/// a time.
/// </remarks>
internal static partial class Emitter
{
    /// <summary>The vector type of a group of four units: Vector128 of floats, Vector256 of doubles.</summary>
    private static string GroupVector(Scalar scalar) => $"global::System.Runtime.Intrinsics.Vector{GroupBits(scalar)}";

    /// <summary>The width in bits of <see cref="GroupVector"/>.</summary>
    private static int GroupBits(Scalar scalar) => LayerPlan.GroupLanes * scalar.Size * 8;

    /// <summary>Group g of layer n's outputs, and of its deltas.</summary>
    private static string AV(int layer, int group) => $"a{layer}v{group}";

    private static string DV(int layer, int group) => $"d{layer}v{group}";

    /// <summary>
    /// Four values of <paramref name="span"/> from <paramref name="start"/> as a group vector, read at the reference into
    /// the span that the layer's statements took once (<see cref="SpanReference"/>, <see cref="EmitGroupReferences"/>).
    /// As a slice and a <c>Create</c> (and in the training kernels, whose spans may be writable, a cast to ReadOnlySpan
    /// first, as C# before 14 does not convert in a generic call) a load was two or three calls for the JIT to inline, and
    /// in a kernel of many groups they spent its inlining budget, which then left the rest as calls: 1-100-1's Train
    /// 195-204 ns against Backward's 55, 1-195-1's Predict 260 ns against 36. <c>Unsafe.As</c> and <c>Unsafe.Add</c> are
    /// expanded by the JIT itself, so a load is no call at all; with a <c>GetReference</c> per load, one call each, 3-124-1
    /// single's in-locals Train still left 343 of them uninlined. They compile in C# 10, where
    /// <c>Vector256.LoadUnsafe</c>'s <c>ref readonly</c> parameter does not. <paramref name="start"/> + 4 is within every
    /// span this is called with (whole groups of the layer's units), as for the updates written at references.
    /// </summary>
    private static string GroupLoad(Scalar scalar, string span, int start) => VectorAt(scalar, GroupVector(scalar), SpanReference(span), $"{start}");

    /// <summary>
    /// A vector of type <paramref name="vector"/> (<c>global::System.Runtime.Intrinsics.Vector512</c>, say) read at
    /// <paramref name="offset"/> values past <paramref name="reference"/>: <see cref="GroupLoad"/>'s form (no call for
    /// the JIT to inline), at any width.
    /// </summary>
    private static string VectorAt(Scalar scalar, string vector, string reference, string offset) =>
        $"{Unsafe}.As<{scalar.Keyword}, {vector}<{scalar.Keyword}>>(ref {Unsafe}.Add(ref {reference}, {offset}))";

    /// <summary>The most inputs a grouped layer may have for a group's weights to be whole vectors (<see cref="LayerPlan.MaxLoadedGroupInputs"/>).</summary>
    private const int MaxLoadedGroupInputs = LayerPlan.MaxLoadedGroupInputs;

    /// <summary>The reference to value 0 of <paramref name="span"/> that <see cref="GroupLoad"/> reads at.</summary>
    private static string SpanReference(string span) => span + "Ref";

    /// <summary>
    /// The references <see cref="GroupLoad"/> reads layer n's spans at, taken once where the layer declares them: b of a
    /// grouped layer and its W when a group's weights are whole vectors (<see cref="MaxLoadedGroupInputs"/>), and W of the
    /// layer above a grouped one (its rows' sums, and the grouped layer's delta).
    /// </summary>
    private static void EmitGroupReferences(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar)
    {
        int n = layer.Number;
        bool grouped = layer.GroupsUnits, aboveGroups = n > 1 && plan.Layers[n - 2].GroupsUnits;
        if (grouped)
            writer.Line($"ref {scalar.Keyword} {SpanReference($"b{n}")} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(b{n});");
        if ((grouped && layer.InputSize <= MaxLoadedGroupInputs) || aboveGroups)
            writer.Line($"ref {scalar.Keyword} {SpanReference($"w{n}")} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(w{n});");
    }

    /// <summary>Whether any layer of the plan holds its units in groups.</summary>
    private static bool GroupsAnyUnits(NetworkPlan plan) => plan.Layers.Any(layer => layer.GroupsUnits);

    /// <summary>
    /// Input i of <paramref name="layer"/> in the in-locals kernels, where <paramref name="groups"/> says the layer below
    /// holds its units in vectors: a lane of a group for the grouped units, else <see cref="LayerInputInLocals"/>.
    /// </summary>
    private static string InputInLocals(NetworkPlan plan, LayerPlan layer, int i, bool training, bool groups, Scalar scalar)
    {
        int n = layer.Number;
        if (groups && n > 1 && i < plan.Layers[n - 2].UnitGroups * LayerPlan.GroupLanes)
            return $"{GroupVector(scalar)}.GetElement({AV(n - 1, i / LayerPlan.GroupLanes)}, {i % LayerPlan.GroupLanes})";
        return LayerInputInLocals(plan, layer, i, training);
    }

    /// <summary>
    /// A grouped layer's forward pass: <c>x{n}v{i}</c>, input i in every lane, then per group
    /// <c>a{n}v{g} = f(b[4g..] + W[4g.., 0] x0 + W[4g.., 1] x1 ...)</c>, its terms in <see cref="SumOfTerms"/>'s order and
    /// chains as each unit's scalar sum (<see cref="UnrolledSum"/>); a column of one input is four consecutive weights, of
    /// two to four a column of the group's weights transposed, of more inputs four values a row apart; in Predict, from a
    /// copy of W where the plan says (<see cref="EmitWideGroupedSums"/>). The units after the groups as scalar statements
    /// (<paramref name="scalarUnit"/>).
    /// </summary>
    private static void EmitGroupedLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool training, System.Action<int> scalarUnit,
        int acceleratedBits = 0)
    {
        int groups = layer.UnitGroups, lanes = LayerPlan.GroupLanes;
        if (!training && layer.PredictsFromColumnCopy)
            EmitWideGroupedSums(writer, plan, layer, scalar, acceleratedBits);
        else if (BlocksGroups(layer, scalar, training))
            EmitBlockedGroupSums(writer, plan, layer, scalar, training);
        else
            EmitGroupSums(writer, plan, layer, scalar, training, declare: true);
        for (int j = groups * lanes; j < layer.OutputSize; j++)
            scalarUnit(j);
    }

    /// <summary>
    /// The groups of <see cref="EmitGroupedLayer"/> four units at a time, each group's columns of W loaded (one input),
    /// moved from its rows (two to four) or gathered; <paramref name="declare"/> says whether the statements declare the
    /// group vectors or assign them.
    /// </summary>
    private static void EmitGroupSums(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool training, bool declare, int firstGroup = 0)
    {
        int n = layer.Number, inputs = layer.InputSize, groups = layer.UnitGroups, lanes = LayerPlan.GroupLanes;
        string vector = GroupVector(scalar), declared = declare ? "var " : "";
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        writer.Line(inputs == 1
            ? $"// units {firstGroup * lanes}-{groups * lanes - 1} in vectors of four (lane l of a{n}v{{g}} is unit 4g + l): b[j] + W[j, 0] x0 in every lane, as unit by unit"
            : $"// units {firstGroup * lanes}-{groups * lanes - 1} in vectors of four (lane l of a{n}v{{g}} is unit 4g + l): b[j] + W[j, 0] x0 + W[j, 1] x1 ... in every lane, as unit by unit");
        for (int i = 0; i < inputs; i++)
            writer.Line($"var x{n}v{i} = {vector}.Create({InputInLocals(plan, layer, i, training, groups: true, scalar)});");
        if (inputs >= 2 && inputs <= MaxLoadedGroupInputs)
            writer.Line($"// (a group's {inputs * lanes} weights, its four rows of {inputs}, are {inputs} loads; input i's column is column i of those rows)");
        for (int g = firstGroup; g < groups; g++)
        {
            var terms = new List<string>(inputs + 1) { GroupLoad(scalar, $"b{n}", g * lanes) };
            if (inputs >= 2 && inputs <= MaxLoadedGroupInputs)
            {
                // The group's weights as `inputs` vectors of four (its rows when there are four inputs), and their columns.
                terms.AddRange(MovedColumnTerms(writer, $"w{n}g{g}", inputs, v => GroupLoad(scalar, $"w{n}", (g * inputs + v) * lanes), $"x{n}v"));
            }
            else
            {
                for (int i = 0; i < inputs; i++)
                {
                    string column = inputs == 1
                        ? GroupLoad(scalar, $"w{n}", g * lanes)
                        : $"{vector}.Create({string.Join(", ", Enumerable.Range(g * lanes, lanes).Select(j => $"w{n}[{j * inputs + i}]"))})";
                    terms.Add($"{column} * x{n}v{i}");
                }
            }
            writer.Line($"{declared}{AV(n, g)} = {Activated(activation, SumOfTerms(terms))};");
        }
    }

    /// <summary>
    /// A group's (or a pair's) columns of W moved from its <paramref name="inputs"/> loads, <c>{name}r{v}</c> read by
    /// <paramref name="load"/>, into <c>{name}c{i}</c> (<c>Kernels.Transpose</c>), and the sum's terms they make, column i
    /// times <c>{inputVector}{i}</c>.
    /// </summary>
    private static IEnumerable<string> MovedColumnTerms(CodeWriter writer, string name, int inputs, System.Func<int, string> load, string inputVector)
    {
        for (int v = 0; v < inputs; v++)
            writer.Line($"var {name}r{v} = {load(v)};");
        string parts = string.Join(", ", Enumerable.Range(0, inputs).Select(v => $"{name}r{v}"));
        string columns = string.Join(", ", Enumerable.Range(0, inputs).Select(c => $"out var {name}c{c}"));
        writer.Line($"{RuntimeApi.Call(RuntimeApi.Transpose)}({parts}, {columns});");
        return Enumerable.Range(0, inputs).Select(i => $"{name}c{i} * {inputVector}{i}").ToList();
    }

    /// <summary>The width in bits of a block of groups (<see cref="BlocksGroups"/>): a 512-bit vector.</summary>
    private const int BlockBits = 512;

    /// <summary>The vector type of a block of groups.</summary>
    private const string BlockVector = "global::System.Runtime.Intrinsics.Vector512";

    /// <summary>Groups per block: two groups of doubles (Vector256s), four of floats (Vector128s).</summary>
    private static int BlockGroups(Scalar scalar) => LayerPlan.BlockGroups(scalar.Size);

    /// <summary>Block q of layer n's outputs, groups kq to kq + k - 1 (k = <see cref="BlockGroups"/>).</summary>
    private static string BV(int layer, int block) => $"a{layer}z{block}";

    /// <summary>-0, the exact identity of addition, as a literal of the scalar type.</summary>
    private static string NegativeZero(Scalar scalar) => scalar.Size == 8 ? "-0.0" : "-0.0f";

    /// <summary>
    /// Whether a grouped layer's groups are computed in blocks, one 512-bit vector of 4k units (k groups:
    /// <see cref="BlockGroups"/>), where those are accelerated (<see cref="EmitBlockedGroupSums"/>): a layer whose groups'
    /// columns come from loads (one input) or lane moves (two to four inputs, not from a copy of W) with a block or more of
    /// groups, in Predict; of doubles, or of floats of one or two inputs (with three or four, Predict reads floats from a
    /// copy of W, <see cref="EmitWideGroupedSums"/>). In the training kernels (Backward, Train), which have no copy of W, a
    /// layer that runs its delta and update in blocks too (<see cref="LayerPlan.TrainsInBlocks"/>). With the forward pass alone in blocks and the
    /// backward pass in groups, each block split once more there, the blocks gained for doubles of three or four inputs and
    /// eight groups or more (NetGen.Sweep, medians of 3 alternated processes, Train in groups of four -> in pairs: 4-34-5
    /// leaky 81.1 -> 72.5 ns, 3-60-4 104.8 -> 94.5, 3-32-2 43.6 -> 41.6) and lost with fewer groups or two inputs (3-20-1
    /// 27.8 -> 31.5, 2-33-3 41.0 -> 46.1); with the backward pass in blocks 2-33-3 took 45.9 -> 39.0. Outputs of the layer
    /// above summed in 512-bit vectors (as Predict does) lost in training (2-33-3 41.5 -> 66 ns), so there the rows keep
    /// their vectors of four chains.
    /// </summary>
    private static bool BlocksGroups(LayerPlan layer, Scalar scalar, bool training) =>
        training
            ? TrainsInBlocks(layer, scalar)
            : layer.InputSize <= MaxLoadedGroupInputs && !layer.PredictsFromColumnCopy && layer.UnitGroups >= BlockGroups(scalar)
                && (scalar.Size == 8 || layer.InputSize <= 2);

    /// <summary>Whether the training kernels run a grouped layer in blocks through its delta and update too (<see cref="LayerPlan.TrainsInBlocks"/>).</summary>
    private static bool TrainsInBlocks(LayerPlan layer, Scalar scalar) => layer.TrainsInBlocks(scalar.Size);

    /// <summary>
    /// Group <paramref name="piece"/> of the vector <paramref name="wide"/> of <paramref name="bits"/> bits: halved down
    /// to <see cref="GroupBits"/> (GetLower and GetUpper).
    /// </summary>
    private static string GroupOf(string wide, int bits, Scalar scalar, int piece)
    {
        int groupBits = GroupBits(scalar);
        string part = wide;
        for (int size = bits; size > groupBits; size /= 2)
            part = $"global::System.Runtime.Intrinsics.Vector{size}.{(piece * groupBits % size >= size / 2 ? "GetUpper" : "GetLower")}({part})";
        return part;
    }

    /// <summary>A block made of <see cref="BlockGroups"/> group vectors, lowest units first (nested <c>Create</c> calls).</summary>
    private static string BlockOfGroups(Scalar scalar, IReadOnlyList<string> groups)
    {
        var parts = groups.ToList();
        for (int bits = GroupBits(scalar) * 2; bits <= BlockBits; bits *= 2)
            parts = Enumerable.Range(0, parts.Count / 2).Select(i => $"global::System.Runtime.Intrinsics.Vector{bits}.Create({parts[2 * i]}, {parts[2 * i + 1]})").ToList();
        return parts[0];
    }

    /// <summary>
    /// A grouped layer that <see cref="BlocksGroups"/> (Predict's and, where it says so, the training kernels'): where
    /// 512-bit vectors are accelerated, each block of k groups (<see cref="BlockGroups"/>) is one vector of 4k units,
    /// <c>a{n}z{q}</c>. With one input its weights and biases are 4k consecutive values, one load each; with k inputs its
    /// 4k rows of k weights are k loads moved into the k columns by two-source permutes (<c>Kernels.Transpose</c> of
    /// 512-bit vectors). The sums are <c>b[j] + W[j, 0] x0 + W[j, 1] x1 ...</c> in every lane as unit by unit, activated
    /// whole (lane by lane) and split into the block's groups; the layer above may read the blocks themselves
    /// (<see cref="EmitBlockedRowSums"/>). The groups after the last whole block, and the hardware without 512-bit vectors,
    /// take the groups of four (<see cref="EmitGroupSums"/>). Each lane's operations are its unit's, so the bits are those
    /// of the groups of four. Half (doubles) or a quarter (floats) of the vector operations of the groups of four, and
    /// fewer lane moves: 3-40-2 ReLU double, Predict 23.6 -> 17.8 ns (Stopwatch, AMD EPYC, Zen 4). Blocks of floats and of
    /// one input, with the rows above in blocks too (NetGen.Sweep, medians of 3 alternated processes, Predict, 6 December):
    /// 2-160-1 single 36.3 -> 16.9 ns (C 15.6), 2-64-6 single 36.6 -> 17.5, 2-100-3 leaky single 36.3 -> 21.1, 1-195-1 leaky
    /// single 36.8 -> 21.7; no Train, TrainBatch or Predict of the 36 sweep networks whose code changed got slower.
    /// </summary>
    private static void EmitBlockedGroupSums(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool training)
    {
        int n = layer.Number, inputs = layer.InputSize, groups = layer.UnitGroups, lanes = LayerPlan.GroupLanes, k = BlockGroups(scalar);
        int blocks = groups / k, blockLanes = k * lanes;
        string t = scalar.Keyword;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        string Load(string span, int start) => VectorAt(scalar, BlockVector, SpanReference(span), $"{start}");
        var blockNames = Enumerable.Range(0, blocks).Select(q => BV(n, q)).ToList();
        writer.Line($"{GroupVector(scalar)}<{t}> {string.Join(", ", Enumerable.Range(0, groups).Select(g => AV(n, g)))};");
        writer.Line($"{BlockVector}<{t}> {string.Join(", ", blockNames)};");
        using (writer.Block($"if ({BlockVector}.IsHardwareAccelerated)"))
        {
            writer.Line($"// units 0-{blocks * blockLanes - 1} in 512-bit vectors of {blockLanes}, {k} groups each (lane l of a{n}z{{q}} is unit {blockLanes}q + l): b[j] + W[j, 0] x0{(inputs > 1 ? " + W[j, 1] x1 ..." : "")} in every lane, as unit by unit");
            writer.Line(inputs > 1
                ? $"// (a block's {inputs * blockLanes} weights, its {blockLanes} rows of {inputs}, are {inputs} loads; input i's column is column i of those rows)"
                : $"// (a block's {blockLanes} weights and biases are {blockLanes} consecutive values of W and b)");
            for (int i = 0; i < inputs; i++)
                writer.Line($"var x{n}z{i} = {BlockVector}.Create({InputInLocals(plan, layer, i, training, groups: true, scalar)});");
            for (int q = 0; q < blocks; q++)
            {
                var terms = new List<string>(inputs + 1) { Load($"b{n}", q * blockLanes) };
                if (inputs == 1)
                    terms.Add($"{Load($"w{n}", q * blockLanes)} * x{n}z0");
                else
                    terms.AddRange(MovedColumnTerms(writer, $"w{n}p{q}", inputs, v => Load($"w{n}", (q * inputs + v) * blockLanes), $"x{n}z"));
                writer.Line($"{BV(n, q)} = {Activated(activation, SumOfTerms(terms))};");
                for (int piece = 0; piece < k; piece++)
                    writer.Line($"{AV(n, q * k + piece)} = {GroupOf(BV(n, q), BlockBits, scalar, piece)};");
            }
            if (groups % k != 0)
                EmitGroupSums(writer, plan, layer, scalar, training, declare: false, firstGroup: blocks * k);
        }
        using (writer.Block("else"))
        {
            EmitGroupSums(writer, plan, layer, scalar, training, declare: false);
            writer.Line($"{string.Join(" = ", blockNames)} = default; // read only where 512-bit vectors are accelerated");
        }
    }

    /// <summary>A group's activation of <paramref name="sum"/>: the sum itself for the identity, else the activation's vector call.</summary>
    private static string Activated(ActivationInfo activation, string sum) =>
        activation.Kind == ActivationKind.Identity ? sum : $"{RuntimeApi.Call(activation.RuntimeName)}({sum})";

    /// <summary>
    /// Predict's form of a grouped layer (<see cref="EmitGroupedLayer"/>) of floats where the hardware has 256-bit vectors:
    /// the columns of W from its input-major copy (<see cref="LayerPlan.PredictsFromColumnCopy"/>,
    /// <c>Kernels.CurrentColumns</c>, which checks the copy against W first), the groups' sums in the widest vectors (a
    /// branch per width, which the JIT folds to one), each activated whole (lane by lane, the groups' own bits) and split
    /// into its groups. A sum is <c>b[j] + W[j, 0] x0 + W[j, 1] x1 ...</c> in every lane, as unit by unit. With 128-bit
    /// vectors only, the groups keep their lane moves: there the copy's comparison cost more than they do (4-32-1 single
    /// under SSE: 25.2 -> 29.4 ns).
    /// </summary>
    /// <remarks>Where the caller has already checked that vectors of <paramref name="acceleratedBits"/> are accelerated (Predict's
    /// own plan, inside its 256-bit check), the branch of the widest such width is the last: no test, and no branch after it.</remarks>
    private static void EmitWideGroupedSums(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, int acceleratedBits = 0)
    {
        int n = layer.Number, inputs = layer.InputSize, groups = layer.UnitGroups, lanes = LayerPlan.GroupLanes, groupBits = GroupBits(scalar);
        string t = scalar.Keyword, vector = GroupVector(scalar);
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        string columns = $"c{n}", biases = SpanReference($"b{n}"), stride = $"s{n}";
        writer.Line($"// units 0-{groups * lanes - 1} in vectors of four (lane l of a{n}v{{g}} is unit 4g + l): b[j] + W[j, 0] x0 + W[j, 1] x1 ... in every lane, as unit by unit,");
        writer.Line($"// in the widest vectors the hardware has, each split into its groups");
        writer.Line($"{vector}<{t}> {string.Join(", ", Enumerable.Range(0, groups).Select(g => AV(n, g)))};");
        // The whole 512-bit vectors of units are the layer's blocks too, which the layer above may read (EmitBlockedRowSums).
        int blocks = groups / BlockGroups(scalar);
        string noBlocks = $"{string.Join(" = ", Enumerable.Range(0, blocks).Select(q => BV(n, q)))} = default; // read only where 512-bit vectors are accelerated";
        if (blocks > 0)
            writer.Line($"{BlockVector}<{t}> {string.Join(", ", Enumerable.Range(0, blocks).Select(q => BV(n, q)))};");
        var widths = new[] { 512, 256 }.Where(bits => bits > groupBits).ToList();
        for (int w = 0; w < widths.Count; w++)
        {
            if (widths[w] <= acceleratedBits)
            {
                if (w == 0)
                    EmitWidths(widths.Append(groupBits).ToList());
                else
                    using (writer.Block("else"))
                        EmitWidths(widths.Skip(w).Append(groupBits).ToList());
                return;
            }
            using (writer.Block($"{(w == 0 ? "if" : "else if")} (global::System.Runtime.Intrinsics.Vector{widths[w]}.IsHardwareAccelerated)"))
                EmitWidths(widths.Skip(w).Append(groupBits).ToList());
        }
        using (writer.Block("else"))
        {
            EmitGroupSums(writer, plan, layer, scalar, training: false, declare: false);
            if (blocks > 0)
                writer.Line(noBlocks);
        }

        // One branch: vectors of the first width as long as whole ones fit the groups, then of each narrower one.
        void EmitWidths(List<int> available)
        {
            if (blocks > 0 && available[0] != BlockBits)
                writer.Line(noBlocks);
            writer.Line($"// input i's column of W from W's input-major copy (checked against W first, so never stale), column i at i {stride}");
            writer.Line($"ref {t} {columns} = ref {RuntimeApi.Call(RuntimeApi.CurrentColumns)}<{t}>(w{n}, {layer.OutputSize}, {inputs}, {GeneratedNames.ColumnCopyField(n)}.Span);");
            writer.Line($"int {stride} = {RuntimeApi.Call(RuntimeApi.ColumnStride)}<{t}>({layer.OutputSize});");
            var broadcast = new HashSet<int>();
            int unit = 0, end = groups * lanes;
            foreach (int bits in available)
            {
                int width = bits / (scalar.Size * 8);
                string wide = $"global::System.Runtime.Intrinsics.Vector{bits}";
                for (; unit + width <= end; unit += width)
                {
                    if (broadcast.Add(bits))
                    {
                        for (int i = 0; i < inputs; i++)
                            writer.Line($"var x{n}w{bits}_{i} = {wide}.Create({InputInLocals(plan, layer, i, training: false, groups: true, scalar)});");
                    }
                    string Load(string reference, string offset) => VectorAt(scalar, wide, reference, offset);
                    var terms = new List<string> { Load(biases, $"{unit}") };
                    for (int i = 0; i < inputs; i++)
                        terms.Add($"{Load(columns, i == 0 ? $"{unit}" : $"{(i == 1 ? "" : $"{i} * ")}{stride} + {unit}")} * x{n}w{bits}_{i}");
                    // Activated whole (lane by lane, so each group gets the bits it would get alone), then split.
                    bool block = bits == BlockBits;
                    string a = block ? BV(n, unit / width) : $"a{n}w{unit}";
                    writer.Line($"{(block ? "" : "var ")}{a} = {Activated(activation, SumOfTerms(terms))}; // units {unit}-{unit + width - 1}");
                    for (int piece = 0; piece < width / lanes; piece++)
                        writer.Line($"{AV(n, unit / lanes + piece)} = {GroupOf(a, bits, scalar, piece)};");
                }
            }
        }
    }

    /// <summary>
    /// The sums of a layer whose inputs are a grouped layer's outputs, when each has a whole number of sets of four chains
    /// (see the remarks): per row j, one vector per set k, <c>s{m}_{j}</c> (one set) or <c>s{m}_{j}v{k}</c>, whose lane l
    /// carries chain (4k + l + 1) % chains and adds the products of groups k, k + sets, k + 2 sets, ... in order; returns
    /// row j's sum (the lanes as chains, the scalar units joined to theirs, the chains added in pairs), or null when the
    /// sums have fewer chains (<see cref="LayerPlan.SumsRowsInGroups"/>). Predict's rows of eight chains over doubles take
    /// <see cref="EmitBlockedRowSums"/> where its chains fill 512-bit vectors, the training kernels' and the others <see cref="EmitRowSumsInGroups"/>.
    /// </summary>
    private static System.Func<int, string>? EmitGroupedRowSums(CodeWriter writer, NetworkPlan plan, LayerPlan layer, LayerPlan below, Scalar scalar, bool training)
    {
        if (!layer.SumsRowsInGroups(below))
            return null;
        if (!training && SumsRowsInBlocks(layer, below, scalar))
            return EmitBlockedRowSums(writer, plan, layer, below, scalar);
        return EmitRowSumsInGroups(writer, plan, layer, below, scalar, training);
    }

    /// <summary><see cref="EmitGroupedRowSums"/> in group vectors: one vector per set of four chains.</summary>
    private static System.Func<int, string> EmitRowSumsInGroups(CodeWriter writer, NetworkPlan plan, LayerPlan layer, LayerPlan below, Scalar scalar, bool training)
    {
        int m = layer.Number, n = below.Number, inputs = layer.InputSize, groups = below.UnitGroups, lanes = LayerPlan.GroupLanes;
        int chains = SumChains(inputs + 1), sets = chains / lanes;
        string vector = GroupVector(scalar);
        string Sum(int j, int set) => sets == 1 ? $"s{m}_{j}" : $"s{m}_{j}v{set}";
        writer.Line(sets == 1
            ? $"// each row's four chains in one vector: lane l adds W{m}[j, 4g + l] a{n}[4g + l] over the groups in order (chain (l + 1) % 4;"
            : $"// each row's {chains} chains in {sets} vectors: lane l of vector k adds W{m}[j, 4g + l] a{n}[4g + l] over groups k, k + {sets}, ... in order (chain (4k + l + 1) % {chains};");
        writer.Line($"// lane 3{(sets == 1 ? "" : $" of vector {sets - 1}")} starts from the bias, chain 0's first term), as the scalar sum's chains");
        for (int j = 0; j < layer.OutputSize; j++)
        {
            for (int set = 0; set < sets; set++)
                writer.Line($"var {Sum(j, set)} = {GroupLoad(scalar, $"w{m}", j * inputs + set * lanes)} * {AV(n, set)};");
            string biased = Sum(j, sets - 1);
            writer.Line($"{biased} = {vector}.WithElement({biased}, {lanes - 1}, b{m}[{j}] + {vector}.GetElement({biased}, {lanes - 1}));");
            for (int g = sets; g < groups; g++)
                writer.Line($"{Sum(j, g % sets)} += {GroupLoad(scalar, $"w{m}", j * inputs + g * lanes)} * {AV(n, g)};");
        }
        return j =>
        {
            var sums = new string[chains];
            for (int set = 0; set < sets; set++)
                for (int lane = 0; lane < lanes; lane++)
                    sums[(set * lanes + lane + 1) % chains] = $"{vector}.GetElement({Sum(j, set)}, {lane})";
            for (int i = groups * lanes; i < inputs; i++)
                sums[(i + 1) % chains] += $" + w{m}[{j * inputs + i}] * {InputInLocals(plan, layer, i, training, groups: true, scalar)}";
            return CombineChains(sums.Select(chain => "(" + chain + ")").ToList());
        };
    }

    /// <summary>
    /// Whether Predict sums the rows of <paramref name="layer"/> over the grouped layer <paramref name="below"/> in
    /// 512-bit vectors (<see cref="EmitBlockedRowSums"/>): each row's sets of four chains fill whole blocks (eight or
    /// sixteen chains of doubles, sixteen of floats).
    /// </summary>
    private static bool SumsRowsInBlocks(LayerPlan layer, LayerPlan below, Scalar scalar)
    {
        int sets = SumChains(layer.InputSize + 1) / LayerPlan.GroupLanes, k = BlockGroups(scalar);
        return layer.SumsRowsInGroups(below) && sets % k == 0 && below.UnitGroups / k >= sets / k;
    }

    /// <summary>Whether the code of grouped layer <paramref name="below"/> in Predict leaves its blocks in <c>a{n}z{q}</c>.</summary>
    private static bool LeavesBlocks(LayerPlan below, Scalar scalar) =>
        below.PredictsFromColumnCopy ? below.UnitGroups >= BlockGroups(scalar) : BlocksGroups(below, scalar, training: false);

    /// <summary>
    /// Predict's sums of a layer over a grouped layer when each row's chains fill whole 512-bit vectors
    /// (<see cref="SumsRowsInBlocks"/>): where those are accelerated, row j's s sets of four chains are s / k vectors
    /// (k = <see cref="BlockGroups"/>), <c>s{m}_{j}</c> or <c>s{m}_{j}v{v}</c>, whose lane l carries chain
    /// (4kv + l + 1) % chains; vector v adds the products of blocks v, v + s / k, ... in order (the blocks the layer below
    /// left, or its groups put together), lane 4k - 1 of the last starting from the bias (added as a vector whose other lanes
    /// are -0, <c>Kernels.BiasInLastLane</c>). The groups after the last whole block join their vector as one block whose
    /// other lanes are -0 (the exact identity of addition), and so do the units after the groups, each in its chain's lane;
    /// <c>Kernels.AddChainsInPairs</c> adds the chains in pairs. Each chain gets the scalar sum's terms in its order and
    /// the chains are added as it adds them, so the bits are those of the groups of four (<see cref="EmitRowSumsInGroups"/>,
    /// the other branch). 3-40-2 ReLU double, Predict 18.0 -> 14.5 ns (Stopwatch, AMD EPYC, Zen 4); reading the blocks the
    /// layer below left (not its groups put together again), the bias as a vector, and sixteen chains of doubles in two
    /// vectors: 3-32-2 double 16.0 -> 12.1 ns, 2-64-2 double 20.4 -> 15.1 (NetGen.Sweep, medians of 3 alternated
    /// processes). Returns row j's sum, a local.
    /// </summary>
    private static System.Func<int, string> EmitBlockedRowSums(CodeWriter writer, NetworkPlan plan, LayerPlan layer, LayerPlan below, Scalar scalar)
    {
        int m = layer.Number, n = below.Number, inputs = layer.InputSize, groups = below.UnitGroups, lanes = LayerPlan.GroupLanes;
        int k = BlockGroups(scalar), blockLanes = k * lanes, blocks = groups / k, chains = SumChains(inputs + 1), vectors = chains / blockLanes;
        string t = scalar.Keyword;
        string Row(int j) => $"r{m}_{j}";
        string Sum(int j, int v) => vectors == 1 ? $"s{m}_{j}" : $"s{m}_{j}v{v}";
        string Load(int start) => VectorAt(scalar, BlockVector, SpanReference($"w{m}"), $"{start}");
        writer.Line($"{t} {string.Join(", ", Enumerable.Range(0, layer.OutputSize).Select(Row))};");
        using (writer.Block($"if ({BlockVector}.IsHardwareAccelerated)"))
        {
            writer.Line(vectors == 1
                ? $"// each row's {chains} chains in one 512-bit vector: lane l adds W{m}[j, {blockLanes}q + l] a{n}[{blockLanes}q + l] over the blocks of {k} groups in order"
                : $"// each row's {chains} chains in {vectors} 512-bit vectors: lane l of vector v adds W{m}[j, {blockLanes}q + l] a{n}[{blockLanes}q + l] over blocks v, v + {vectors}, ... in order");
            writer.Line(vectors == 1
                ? $"// (chain (l + 1) % {chains}; the last lane starts from the bias, chain 0's first term), as the scalar sum's chains, then added in pairs"
                : $"// (chain ({blockLanes}v + l + 1) % {chains}; the last lane of the last vector starts from the bias, chain 0's first term), as the scalar sum's chains, then added in pairs");
            if (!LeavesBlocks(below, scalar))
            {
                for (int q = 0; q < blocks; q++)
                    writer.Line($"var {BV(n, q)} = {BlockOfGroups(scalar, Enumerable.Range(q * k, k).Select(g => AV(n, g)).ToList())};");
            }
            string negativeZero = $"{GroupVector(scalar)}.Create({NegativeZero(scalar)})";
            for (int j = 0; j < layer.OutputSize; j++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    string bias = v == vectors - 1 ? $"{RuntimeApi.Call(RuntimeApi.BiasInLastLane)}(b{m}[{j}]) + " : "";
                    writer.Line($"var {Sum(j, v)} = {bias}{Load(j * inputs + v * blockLanes)} * {BV(n, v)};");
                }
                for (int q = vectors; q < blocks; q++)
                    writer.Line($"{Sum(j, q % vectors)} += {Load(j * inputs + q * blockLanes)} * {BV(n, q)};");
                if (groups % k != 0)
                {
                    // The groups after the last whole block, the last terms of their chains, with -0 in the lanes of the missing groups.
                    var pieces = Enumerable.Range(blocks * k, k)
                        .Select(g => g < groups ? $"{GroupLoad(scalar, $"w{m}", j * inputs + g * lanes)} * {AV(n, g)}" : negativeZero).ToList();
                    writer.Line($"{Sum(j, blocks % vectors)} += {BlockOfGroups(scalar, pieces)};");
                }
                for (int v = 0; v < vectors; v++)
                {
                    // Unit i after the groups is term i + 1 of the scalar sum: chain (i + 1) % chains, vector (i % chains) / 4k, lane i % 4k.
                    var extra = Enumerable.Repeat(NegativeZero(scalar), blockLanes).ToArray();
                    bool any = false;
                    for (int i = groups * lanes; i < inputs; i++)
                    {
                        if (i % chains / blockLanes != v)
                            continue;
                        extra[i % blockLanes] = $"w{m}[{j * inputs + i}] * {InputInLocals(plan, layer, i, training: false, groups: true, scalar)}";
                        any = true;
                    }
                    if (any)
                        writer.Line($"{Sum(j, v)} += {BlockVector}.Create({string.Join(", ", extra)});");
                }
                writer.Line($"{Row(j)} = {RuntimeApi.Call(RuntimeApi.AddChainsInPairs)}({string.Join(", ", Enumerable.Range(0, vectors).Select(v => Sum(j, v)))});");
            }
        }
        using (writer.Block("else"))
        {
            System.Func<int, string> inGroups = EmitRowSumsInGroups(writer, plan, layer, below, scalar, training: false);
            for (int j = 0; j < layer.OutputSize; j++)
                writer.Line($"{Row(j)} = {inGroups(j)};");
        }
        return Row;
    }

    /// <summary>
    /// A grouped layer's delta: per group <c>d{n}v{g} = (sum_k W{m}[k, 4g..] d{m}_k) * f'(a{n}v{g})</c>, the sum over the
    /// rows of the layer above in <see cref="SumOfTerms"/>'s chains as each unit's scalar sum; the units after the groups as
    /// scalar statements.
    /// </summary>
    private static void EmitGroupedHiddenDelta(CodeWriter writer, LayerPlan layer, LayerPlan above, Scalar scalar)
    {
        int n = layer.Number, m = above.Number, width = layer.OutputSize, groups = layer.UnitGroups, lanes = LayerPlan.GroupLanes;
        string vector = GroupVector(scalar), t = scalar.Keyword;
        ActivationInfo activation = ActivationInfo.Of(layer.Activation);
        // The delta of the units from `unit` on, in a vector of type `type` (a group's or a block's) holding their outputs `outputs`.
        string DeltaOf(string type, string outputs, int unit)
        {
            var terms = Enumerable.Range(0, above.OutputSize)
                .Select(k => $"{VectorAt(scalar, type, SpanReference($"w{m}"), $"{k * width + unit}")} * {type}.Create({D(m, k)})").ToList();
            return activation.TimesDerivativeVector(outputs, "(" + SumOfTerms(terms) + ")", scalar, type);
        }
        string GroupDelta(int g) => DeltaOf(vector, AV(n, g), g * lanes);
        writer.Line($"// Layer {n} delta: d{n} = (W{m}^T d{m}) * {activation.Name}'(z{n}), units 0-{groups * lanes - 1} in vectors of four, lane for lane the scalar sums");
        if (TrainsInBlocks(layer, scalar))
        {
            // The forward pass left the blocks of this layer's outputs: its deltas in blocks too, then split into groups.
            int k = BlockGroups(scalar), blocks = groups / k, blockLanes = k * lanes;
            var blockNames = Enumerable.Range(0, blocks).Select(q => $"d{n}z{q}").ToList();
            writer.Line($"{vector}<{t}> {string.Join(", ", Enumerable.Range(0, groups).Select(g => DV(n, g)))};");
            writer.Line($"{BlockVector}<{t}> {string.Join(", ", blockNames)};");
            using (writer.Block($"if ({BlockVector}.IsHardwareAccelerated)"))
            {
                writer.Line($"// units 0-{blocks * blockLanes - 1} in the 512-bit blocks of the forward pass (lane l of d{n}z{{q}} is unit {blockLanes}q + l)");
                for (int q = 0; q < blocks; q++)
                {
                    writer.Line($"d{n}z{q} = {DeltaOf(BlockVector, BV(n, q), q * blockLanes)};");
                    for (int piece = 0; piece < k; piece++)
                        writer.Line($"{DV(n, q * k + piece)} = {GroupOf($"d{n}z{q}", BlockBits, scalar, piece)};");
                }
                for (int g = blocks * k; g < groups; g++)
                    writer.Line($"{DV(n, g)} = {GroupDelta(g)};");
            }
            using (writer.Block("else"))
            {
                for (int g = 0; g < groups; g++)
                    writer.Line($"{DV(n, g)} = {GroupDelta(g)};");
                writer.Line($"{string.Join(" = ", blockNames)} = default; // read only where 512-bit vectors are accelerated");
            }
        }
        else
        {
            for (int g = 0; g < groups; g++)
                writer.Line($"var {DV(n, g)} = {GroupDelta(g)};");
        }
        EmitUnrolledHiddenDelta(writer, layer, above, scalar, scalar.Keyword + " ", DerivativeInputName(layer) == "z" ? Z : A, D, i => $"{Mask(n)}_{i}", firstUnit: groups * lanes);
    }

    /// <summary>
    /// A grouped layer's <c>dW += d x^T, db += d</c> (Backward) or SGD step (Train), lane by lane as the scalar statements
    /// (<c>w - (learningRate d) x</c>): per group, one vector read-modify-write of b at a reference into it, and of W too
    /// for a layer of one input, whose group is four consecutive weights, or k for a layer of k inputs (the group's 4k
    /// weights, each lane's unit factor shuffled into place against the inputs in the same order). A layer that trains in
    /// blocks (<see cref="TrainsInBlocks"/>) takes a block of k groups the same way where 512-bit vectors are accelerated,
    /// its 4k units' weights as one vector per input. The units after the groups as scalar statements.
    /// </summary>
    private static void EmitGroupedUpdate(CodeWriter writer, NetworkPlan plan, LayerPlan layer, Scalar scalar, bool step)
    {
        int n = layer.Number, inputs = layer.InputSize, groups = layer.UnitGroups, lanes = LayerPlan.GroupLanes;
        string t = scalar.Keyword, vector = GroupVector(scalar);
        string weights = step ? $"w{n}" : $"gw{n}", biases = step ? $"b{n}" : $"gb{n}", op = step ? "-=" : "+=";
        // The reference into W has its own name with more inputs: the update of the units after the groups, in rows of
        // several values, declares {weights}Lanes too.
        string weightLanes = inputs == 1 ? $"{weights}Lanes" : $"{weights}Groups";
        writer.Line($"// units 0-{groups * lanes - 1} in vectors of four, at references into {weights} and {biases}");
        writer.Line($"ref {t} {weightLanes} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({weights});");
        writer.Line($"ref {t} {biases}Lanes = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({biases});");
        // With more inputs a group's weights, rows 4g to 4g + 3 of `inputs` values each, are `inputs` vectors; lane l of
        // vector v is value 4v + l of the group: unit (4v + l) / inputs's weight of input (4v + l) % inputs. So its update
        // is the unit's factor (a constant shuffle of the group's factors) times that input (a pattern of the inputs,
        // the same for every group).
        string InputPattern(int v) => $"x{n}pattern{v * lanes % inputs}";
        if (inputs > 1)
        {
            writer.Line($"// the inputs in the order of a group's weights, for its update: x{n}pattern{{k}} starts at input k");
            DeclareInputPatterns(vector, lanes, $"x{n}pattern");
        }
        string indexSuffix = scalar.Size == 8 ? "L" : "";
        if (TrainsInBlocks(layer, scalar))
        {
            // Blocks from the forward pass: a block's biases are 4k consecutive values and its weights as many 512-bit vectors
            // as the layer has inputs (one input: 4k consecutive weights), each updated as one vector, the groups after the
            // last block as groups. The input is broadcast (or laid out in the weights' order) here, as the forward pass did
            // inside its own branches.
            int k = BlockGroups(scalar), blocks = groups / k, blockLanes = k * lanes;
            string input = InputInLocals(plan, layer, 0, training: true, groups: true, scalar);
            using (writer.Block($"if ({BlockVector}.IsHardwareAccelerated)"))
            {
                if (inputs == 1)
                {
                    writer.Line($"var x{n}z0 = {BlockVector}.Create({input});");
                    for (int q = 0; q < blocks; q++)
                        OneInputUpdate(BlockVector, $"d{n}z{q}", $"step{n}z{q}", q * blockLanes, $"x{n}z0");
                }
                else
                {
                    writer.Line($"// the inputs in the order of a block's weights: x{n}zpattern{{k}} starts at input k");
                    DeclareInputPatterns(BlockVector, blockLanes, $"x{n}zpattern");
                    for (int q = 0; q < blocks; q++)
                        ShuffledUpdate(BlockVector, $"d{n}z{q}", $"step{n}z{q}", q * blockLanes, blockLanes, v => $"x{n}zpattern{v * blockLanes % inputs}");
                }
                if (inputs == 1 && blocks * k < groups)
                    writer.Line($"var x{n}v0 = {vector}.Create({input});");
                for (int g = blocks * k; g < groups; g++)
                    GroupUpdate(g);
            }
            using (writer.Block("else"))
            {
                if (inputs == 1)
                    writer.Line($"var x{n}v0 = {vector}.Create({input});");
                for (int g = 0; g < groups; g++)
                    GroupUpdate(g);
            }
            return;
        }
        for (int g = 0; g < groups; g++)
            GroupUpdate(g);

        // One input: the weights and biases of the units from `unit` on, in a vector of type `type`, are consecutive values.
        void OneInputUpdate(string type, string delta, string stepName, int unit, string input)
        {
            string scale = delta;
            if (step)
            {
                scale = stepName;
                writer.Line($"var {scale} = {type}.Create(learningRate) * {delta};");
            }
            writer.Line($"{Unsafe}.As<{t}, {type}<{t}>>(ref {Unsafe}.Add(ref {weightLanes}, {unit})) {op} {scale} * {input};");
            writer.Line($"{Unsafe}.As<{t}, {type}<{t}>>(ref {Unsafe}.Add(ref {biases}Lanes, {unit})) {op} {scale};");
        }

        void GroupUpdate(int g)
        {
            if (inputs == 1)
            {
                OneInputUpdate(vector, DV(n, g), $"step{n}v{g}", g * lanes, $"x{n}v0");
                return;
            }
            ShuffledUpdate(vector, DV(n, g), $"step{n}v{g}", g * lanes, lanes, InputPattern);
        }

        // The inputs in the order of the weights of `count` units in vectors of type `type`, `{name}{k}` starting at input k:
        // the patterns of the vectors whose first lane is a unit's input k.
        void DeclareInputPatterns(string type, int count, string name)
        {
            foreach (int start in Enumerable.Range(0, inputs).Select(v => v * count % inputs).Distinct())
            {
                var pattern = Enumerable.Range(start, count).Select(l => InputInLocals(plan, layer, l % inputs, training: true, groups: true, scalar));
                writer.Line($"var {name}{start} = {type}.Create({string.Join(", ", pattern)});");
            }
        }

        // More inputs: the units from `unit` on, `count` of them in a vector of type `type`: their weights are `inputs`
        // vectors, lane l of vector v unit (count v + l) / inputs's weight of input (count v + l) % inputs.
        void ShuffledUpdate(string type, string delta, string stepName, int unit, int count, System.Func<int, string> pattern)
        {
            string scale = delta;
            if (step)
            {
                scale = stepName;
                writer.Line($"var {scale} = {type}.Create(learningRate) * {delta};");
            }
            for (int v = 0; v < inputs; v++)
            {
                string units = string.Join(", ", Enumerable.Range(v * count, count).Select(value => $"{value / inputs}{indexSuffix}"));
                writer.Line($"{Unsafe}.As<{t}, {type}<{t}>>(ref {Unsafe}.Add(ref {weightLanes}, {unit * inputs + v * count})) {op} {type}.Shuffle({scale}, {type}.Create({units})) * {pattern(v)};");
            }
            writer.Line($"{Unsafe}.As<{t}, {type}<{t}>>(ref {Unsafe}.Add(ref {biases}Lanes, {unit})) {op} {scale};");
        }
    }

    /// <summary>
    /// The vector of a weight-row update chunk (<see cref="UpdateChunks"/>) read straight from the groups of the layer below
    /// <paramref name="layer"/>, or null where the chunk reaches past them: a group itself, two groups of floats as one
    /// Vector256, or half a group of doubles as a Vector128.
    /// </summary>
    private static string? ChunkFromGroups(NetworkPlan plan, LayerPlan layer, int start, int lanes)
    {
        int n = layer.Number, groupLanes = LayerPlan.GroupLanes;
        if (n == 1 || start % (groupLanes / 2) != 0 || start + lanes > plan.Layers[n - 2].UnitGroups * groupLanes)
            return null;
        int g = start / groupLanes;
        return lanes == groupLanes ? AV(n - 1, g)
            : lanes == 2 * groupLanes ? $"global::System.Runtime.Intrinsics.Vector256.Create({AV(n - 1, g)}, {AV(n - 1, g + 1)})"
            : lanes == groupLanes / 2 ? $"global::System.Runtime.Intrinsics.Vector256.{(start % groupLanes == 0 ? "GetLower" : "GetUpper")}({AV(n - 1, g)})"
            : null;
    }
}
