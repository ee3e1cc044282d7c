namespace NetGen.Generator;

/// <summary>
/// The named limits of what a declaration may ask for (NG0010, NG0011). The thresholds of the code-shape
/// cost model are in <see cref="Planning.PlanLimits"/>.
/// </summary>
internal static class Limits
{
    /// <summary>
    /// The most a user may ask to unroll per layer (<c>MaxUnrolledWeights</c>), so generated source stays in the megabyte
    /// range at worst. Without one, the planner's defaults apply (<see cref="Planning.PlanLimits.DefaultMaxUnrolledWeights"/>).
    /// </summary>
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
