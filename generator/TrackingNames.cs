namespace NetGen.Generator;

/// <summary>Names of the incremental pipeline's steps, so tests can check each one is cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Weights = nameof(Weights);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Models = nameof(Models);
    public const string Plan = nameof(Plan);
    public const string Emit = nameof(Emit);
    public const string WarmUpAtLoad = nameof(WarmUpAtLoad);
}
