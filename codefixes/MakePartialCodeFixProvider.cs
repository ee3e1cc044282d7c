using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NetGen.CodeFixes;

/// <summary>
/// Adds the missing <c>partial</c>: on the network class for NG0001, on every containing type that
/// lacks it for NG0014. The modifier goes last, right before the <c>class</c> keyword, as C# requires.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.NotPartial, DiagnosticIds.ContainingTypeNotPartial);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
            return;

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TypeDeclarationSyntax? network = FindDeclaration(root, diagnostic);
            if (network is null)
                continue;

            bool containing = diagnostic.Id == DiagnosticIds.ContainingTypeNotPartial;
            List<TypeDeclarationSyntax> targets = containing
                ? network.Ancestors().OfType<TypeDeclarationSyntax>().Where(IsNotPartial).ToList()
                : IsNotPartial(network) ? new List<TypeDeclarationSyntax> { network } : new List<TypeDeclarationSyntax>();
            if (targets.Count == 0)
                continue;

            string title = containing
                ? "Make " + string.Join(", ", targets.Select(target => "'" + target.Identifier.ValueText + "'")) + " partial"
                : "Make '" + network.Identifier.ValueText + "' partial";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    cancellationToken => AddPartialAsync(context.Document, root, targets, cancellationToken),
                    equivalenceKey: nameof(MakePartialCodeFixProvider) + diagnostic.Id),
                diagnostic);
        }
    }

    private static TypeDeclarationSyntax? FindDeclaration(SyntaxNode root, Diagnostic diagnostic)
    {
        // The generator reports on the class name; its location may be a plain file location
        // (not tied to a syntax tree), so only the span is used.
        if (!root.FullSpan.Contains(diagnostic.Location.SourceSpan))
            return null;
        return root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>();
    }

    private static bool IsNotPartial(TypeDeclarationSyntax declaration) => !declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    private static Task<Document> AddPartialAsync(Document document, SyntaxNode root, IReadOnlyList<TypeDeclarationSyntax> targets, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SyntaxNode fixedRoot = root.ReplaceNodes(targets, static (_, rewritten) => AddPartial(rewritten));
        return Task.FromResult(document.WithSyntaxRoot(fixedRoot));
    }

    /// <summary>Appends <c>partial</c> to the modifiers, keeping the declaration's layout.</summary>
    internal static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count > 0)
            return declaration.WithModifiers(declaration.Modifiers.Add(partial));

        // No modifiers: the indentation (or the comment) in front of 'class' moves to 'partial'.
        SyntaxToken keyword = declaration.Keyword;
        return declaration
            .WithKeyword(keyword.WithLeadingTrivia())
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}
