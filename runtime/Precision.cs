namespace NetGen;

/// <summary>The floating-point type a generated network computes in.</summary>
public enum Precision
{
    /// <summary>64-bit <see cref="double"/>.</summary>
    Double = 0,

    /// <summary>32-bit <see cref="float"/>.</summary>
    Single = 1,
}
