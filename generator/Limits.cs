namespace NetGen.Generator;

/// <summary>
/// The named limits of what a declaration may ask for (NG0010, NG0011). The thresholds of the code-shape
/// cost model are in <see cref="Planning.PlanLimits"/>.
/// </summary>
internal static class Limits
{
    /// <summary>
    /// Layers with at most this many weights are unrolled into straight-line code; wider ones call the
    /// whole-layer SIMD kernels (the rule is <see cref="Planning.Planner"/>'s). Measured (Stopwatch, this repository's machine): the tutorial nets'
    /// layers of 4-12 weights are twice as fast unrolled; at 8x8 = 64 weights both shapes take the same
    /// time; a 16x16 layer (W5) trains about 2x faster looped (step 466 -> 246 ns for 8-16-16-1), as
    /// the unrolled backward pass is scalar. Unrolling also costs about 150 bytes of source per weight.
    /// </summary>
    public const int DefaultMaxUnrolledWeights = 64;

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

    /// <summary>
    /// Characters of a <c>Weights</c> file the generator compiles into code (about 400,000 parameters):
    /// the generated source grows with it, and so do build times. Larger models load at run time.
    /// </summary>
    public const int MaxCompiledWeightsCharacters = 8 * 1024 * 1024;
}
