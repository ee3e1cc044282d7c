using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Model;

/// <summary>A source location as plain data (a <see cref="Location"/> holds a syntax tree).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>
/// A diagnostic as equatable data, carried through the pipeline and reported from its own output,
/// so a change that only moves a diagnostic does not re-emit source.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object[] messageArguments) =>
        new(descriptor, LocationInfo.From(location), System.Linq.Enumerable.Select(messageArguments, a => a.ToString() ?? "").ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), System.Linq.Enumerable.ToArray(MessageArguments));
}

/// <summary>
/// What the parser found: a model to emit, or the diagnostics that explain why not (or both empty, when
/// the compiler already reports the problem), and where the declaration's name is, for an internal error
/// found later (kept apart from the model so that moving a declaration does not re-plan or re-emit it).
/// </summary>
internal sealed record ParseResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, LocationInfo? Location = null, LocationInfo? AttributeLocation = null);
