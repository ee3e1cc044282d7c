using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator;

/// <summary>How numbers of one precision are written in generated code.</summary>
internal sealed class Scalar
{
    public static readonly Scalar Double = new("double", "global::System.Math", "", 8);
    public static readonly Scalar Single = new("float", "global::System.MathF", "f", 4);

    private readonly string _suffix;

    private Scalar(string keyword, string math, string suffix, int size)
    {
        Keyword = keyword;
        Math = math;
        _suffix = suffix;
        Size = size;
    }

    /// <summary>Bytes per value.</summary>
    public int Size { get; }

    /// <summary><c>double</c> or <c>float</c>.</summary>
    public string Keyword { get; }

    /// <summary>The class with Exp, Log, Max for this type.</summary>
    public string Math { get; }

    public static Scalar For(PrecisionKind precision) => precision == PrecisionKind.Single ? Single : Double;

    /// <summary>A literal that round-trips exactly and does not depend on the current culture, e.g. <c>0.5</c> or <c>0.5f</c>.</summary>
    public string Literal(double value)
    {
        string text = _suffix.Length == 0
            ? value.ToString("R", CultureInfo.InvariantCulture)
            : ((float)value).ToString("R", CultureInfo.InvariantCulture);
        if (_suffix.Length == 0 && text.IndexOfAny(new[] { '.', 'E', 'e' }) < 0)
            text += ".0";
        return text + _suffix;
    }
}
