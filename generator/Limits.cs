namespace NetGen.Generator;

/// <summary>The named limits that shape the generated code.</summary>
internal static class Limits
{
    /// <summary>
    /// Layers with at most this many weights are unrolled into straight-line code; wider ones call the
    /// whole-layer SIMD kernels. Measured (Stopwatch, this repository's machine): the tutorial nets'
    /// layers of 4-12 weights are twice as fast unrolled; at 8x8 = 64 weights both shapes take the same
    /// time; a 16x16 layer (W5) trains about 2x faster looped (step 466 -> 246 ns for 8-16-16-1), as
    /// the unrolled backward pass is scalar. Unrolling also costs about 150 bytes of source per weight.
    /// </summary>
    public const int DefaultMaxUnrolledWeights = 64;

    /// <summary>
    /// Sigmoid and tanh layers at least this wide are activated by one SIMD call over the layer
    /// (System.Numerics.Tensors) instead of one scalar exp or tanh per neuron.
    /// </summary>
    public const int MinVectorizedActivationWidth = 8;

    /// <summary>
    /// Unrolled weights in one network, summed over its layers: once a network has used this budget,
    /// its remaining layers are looped, so no declaration can make megabytes of straight-line code.
    /// </summary>
    public const int MaxUnrolledWeightsPerNetwork = 8192;

    /// <summary>
    /// A layer is unrolled only if each of its sums has at most this many terms: very long expressions
    /// compile slowly and can exceed the compiler's nesting limits.
    /// </summary>
    public const int MaxUnrolledFanIn = 256;

    /// <summary>
    /// Rows BackwardBatch runs through a looped first layer at once: enough that W1 is read from memory
    /// once per chunk instead of once per row, few enough that the chunk's activations stay in L2.
    /// </summary>
    public const int BatchChunkRows = 32;

    /// <summary>Elements of the batch scratch (chunk rows x activations per row) a network may own.</summary>
    public const int MaxBatchScratch = 65_536;

    /// <summary>Bytes of PredictBatch's chunk, which is on the stack (thread-pool threads have 1.5 MB).</summary>
    public const int MaxStackBatchBytes = 32 * 1024;

    /// <summary>The most a user may ask to unroll per layer, so generated source stays in the megabyte range at worst.</summary>
    public const int MaxUnrolledWeightsCeiling = 4096;

    /// <summary>Activations and deltas live on the stack (no per-call allocation); this bounds the neurons after the input layer.</summary>
    public const int MaxNeurons = 32_768;

    /// <summary>Input layers are read, not stored, so they may be wider than hidden layers.</summary>
    public const int MaxInputSize = 1_048_576;

    /// <summary>Parameters live in one array per network.</summary>
    public const int MaxParameterCount = 100_000_000;

    /// <summary>Weight layers; each adds a fixed amount of code.</summary>
    public const int MaxWeightLayers = 64;
}
