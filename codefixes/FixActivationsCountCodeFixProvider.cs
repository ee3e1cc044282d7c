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
/// Fixes NG0004 by giving <c>Activations</c> exactly one entry per weight layer (layer sizes - 1).
/// The last entry is the output activation and is always kept. Extra hidden entries are dropped
/// from the end; missing hidden entries repeat the last hidden one, or are
/// <c>Activation.Sigmoid</c> (the default of <c>Hidden</c>) when there is no hidden entry to repeat.
/// An empty list, or one with a spread element, has no obvious fix and gets none.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixActivationsCountCodeFixProvider)), Shared]
public sealed class FixActivationsCountCodeFixProvider : CodeFixProvider
{
    private const string ActivationsArgument = "Activations";
    private const string NetworkAttributeMetadataName = "NetGen.NetworkAttribute";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ActivationCountMismatch);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? semanticModel = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || semanticModel is null)
            return;

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!root.FullSpan.Contains(diagnostic.Location.SourceSpan))
                continue;
            AttributeSyntax? attribute = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute is null)
                continue;
            ExpressionSyntax? list = FindActivationsList(attribute);
            int? weightLayers = CountWeightLayers(semanticModel, attribute, context.CancellationToken);
            if (list is null || weightLayers is not { } needed || needed < 1)
                continue;
            SyntaxNode? replacement = Resize(list, needed);
            if (replacement is null)
                continue;

            string entries = string.Join(", ", Elements(replacement)!.Select(element => element.ToString()));
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use " + needed + " activation(s): " + entries,
                    cancellationToken => ReplaceAsync(context.Document, root, list, replacement, cancellationToken),
                    equivalenceKey: nameof(FixActivationsCountCodeFixProvider)),
                diagnostic);
        }
    }

    private static Task<Document> ReplaceAsync(Document document, SyntaxNode root, SyntaxNode list, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(list, replacement)));
    }

    private static ExpressionSyntax? FindActivationsList(AttributeSyntax attribute) =>
        attribute.ArgumentList?.Arguments
            .FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == ActivationsArgument)
            ?.Expression;

    /// <summary>Layer sizes - 1, read from the bound attribute, so <c>new[] { 4, 3, 1 }</c> and constants count too.</summary>
    private static int? CountWeightLayers(SemanticModel semanticModel, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        if (attribute.Parent?.Parent is not TypeDeclarationSyntax declaration)
            return null;
        if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
            return null;
        foreach (AttributeData data in type.GetAttributes())
        {
            if (data.AttributeClass?.ToDisplayString() != NetworkAttributeMetadataName
                || data.ApplicationSyntaxReference?.Span != attribute.Span
                || data.ConstructorArguments.Length != 1)
                continue;
            TypedConstant sizes = data.ConstructorArguments[0];
            if (sizes.Kind != TypedConstantKind.Array || sizes.IsNull)
                return null;
            return sizes.Values.Length - 1;
        }
        return null;
    }

    /// <summary>The entries of an array creation, implicit array creation or collection expression; null for any other form.</summary>
    private static IReadOnlyList<ExpressionSyntax>? Elements(SyntaxNode list) => list switch
    {
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        ImplicitArrayCreationExpressionSyntax { Initializer: var initializer } => initializer.Expressions,
        CollectionExpressionSyntax collection when collection.Elements.All(element => element is ExpressionElementSyntax) =>
            collection.Elements.Cast<ExpressionElementSyntax>().Select(element => element.Expression).ToList(),
        _ => null,
    };

    private static SyntaxNode? Resize(ExpressionSyntax list, int needed)
    {
        IReadOnlyList<ExpressionSyntax>? elements = Elements(list);
        if (elements is null || elements.Count == 0 || elements.Count == needed)
            return null;

        ExpressionSyntax output = elements[elements.Count - 1];
        var hidden = elements.Take(elements.Count - 1).Take(needed - 1).Select(element => element.WithoutTrivia()).ToList();
        ExpressionSyntax filler = hidden.Count > 0 ? hidden[hidden.Count - 1] : DefaultHidden(output);
        while (hidden.Count < needed - 1)
            hidden.Add(filler);
        hidden.Add(output.WithoutTrivia());

        // The first and last entries keep the spacing the user wrote around the list.
        hidden[0] = hidden[0].WithLeadingTrivia(elements[0].GetLeadingTrivia());
        hidden[hidden.Count - 1] = hidden[hidden.Count - 1].WithTrailingTrivia(output.GetTrailingTrivia());
        IEnumerable<SyntaxToken> commas = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), hidden.Count - 1);

        return list switch
        {
            ArrayCreationExpressionSyntax array => array.WithInitializer(array.Initializer!.WithExpressions(SyntaxFactory.SeparatedList(hidden, commas))),
            ImplicitArrayCreationExpressionSyntax array => array.WithInitializer(array.Initializer.WithExpressions(SyntaxFactory.SeparatedList(hidden, commas))),
            CollectionExpressionSyntax collection => collection.WithElements(
                SyntaxFactory.SeparatedList<CollectionElementSyntax>(hidden.Select(SyntaxFactory.ExpressionElement), commas)),
            _ => null,
        };
    }

    /// <summary><c>Sigmoid</c>, qualified the way the user qualified the output entry (<c>Activation.</c>, <c>NetGen.Activation.</c>, or not at all).</summary>
    private static ExpressionSyntax DefaultHidden(ExpressionSyntax output)
    {
        SimpleNameSyntax sigmoid = SyntaxFactory.IdentifierName("Sigmoid");
        return output is MemberAccessExpressionSyntax access
            ? access.WithoutTrivia().WithName(sigmoid)
            : sigmoid;
    }
}
