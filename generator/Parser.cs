using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Kinds;
using NetGen.Generator.Model;

namespace NetGen.Generator;

/// <summary>
/// Turns one <c>[Network]</c> declaration into a <see cref="NetworkModel"/> or into diagnostics that
/// say how to fix it. This is the only step that sees Roslyn symbols; nothing it returns holds one.
/// </summary>
internal static class Parser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ParseDeclaration(context, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // A generator that throws leaves the user with CS8785 and a pile of missing members;
            // an error on the declaration itself is the better failure.
            return Failure(DiagnosticInfo.Create(
                Diagnostics.InternalError, context.TargetNode.GetLocation(), context.TargetSymbol.Name, exception.Message));
        }
    }

    private static ParseResult ParseDeclaration(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
            return Failure();

        AttributeData attribute = context.Attributes[0];
        // When the arguments do not bind (not constant, wrong type, missing type), the compiler
        // already reports why; a second, vaguer error from us would only add noise.
        if (attribute.AttributeConstructor is null || HasBindingErrors(attribute))
            return Failure();

        var diagnostics = new List<DiagnosticInfo>();
        Location classLocation = declaration.Identifier.GetLocation();
        Location attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? classLocation;

        CheckTypeDeclaration(type, declaration, classLocation, diagnostics);
        // A primary constructor would have to be chained from the generated constructors, which
        // then could not initialise the parameters first.
        if (declaration.ParameterList is not null && type.TypeKind == TypeKind.Class && !type.IsRecord)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MemberNameClash, classLocation, type.Name, "declares a primary constructor; NetGen generates the constructors", type.Name + "(...)"));

        AttributeValues values = ReadAttribute(attribute, type.Name, attributeLocation, diagnostics);
        EquatableArray<ActivationKind> activations = CheckShape(values, type.Name, attributeLocation, diagnostics);
        EquatableArray<double> dropoutRates = CheckDropout(values, type.Name, attributeLocation, diagnostics);
        if (diagnostics.Count == 0)
            CheckNameClashes(type, values.LayerSizes.Length - 1, dropoutRates.Count > 0, classLocation, diagnostics, cancellationToken);

        if (diagnostics.Count > 0)
            return Failure(diagnostics.ToArray());

        NetworkModel model = BuildModel(type, attribute, values, activations, cancellationToken) with { DropoutRates = dropoutRates };
        return new ParseResult(model, EquatableArray<DiagnosticInfo>.Empty, LocationInfo.From(classLocation), LocationInfo.From(attributeLocation));
    }

    private static ParseResult Failure(params DiagnosticInfo[] diagnostics) => new(null, diagnostics.ToEquatableArray());

    private static bool HasBindingErrors(AttributeData attribute) =>
        attribute.ConstructorArguments.Any(IsError) || attribute.NamedArguments.Any(argument => IsError(argument.Value));

    private static bool IsError(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Error || (constant.Kind == TypedConstantKind.Array && !constant.IsNull && constant.Values.Any(IsError));

    private static void CheckTypeDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Location location, List<DiagnosticInfo> diagnostics)
    {
        if (type.TypeKind != TypeKind.Class)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedTypeKind, location, type.Name, "a " + Keyword(type)));
        if (type.IsStatic)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedTypeKind, location, type.Name, "static"));
        if (type.IsRecord && type.TypeKind == TypeKind.Class)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedTypeKind, location, type.Name, "a record"));
        if (type.IsFileLocal)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedTypeKind, location, type.Name, "file-local, so a generated file cannot extend it"));
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, location, type.Name));

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.GenericNotSupported, location, type.Name));
                break;
            }
        }

        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && !baseType.InstanceConstructors.Any(constructor => constructor.Parameters.All(parameter => parameter.IsOptional || parameter.IsParams)
                && constructor.DeclaredAccessibility is not (Accessibility.Private or Accessibility.NotApplicable)))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.BaseWithoutParameterlessConstructor, location, type.Name, baseType.Name));

        for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax containing; parent = parent.Parent)
        {
            if (!containing.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ContainingTypeNotPartial, location, type.Name, containing.Identifier.ValueText));
        }
    }

    /// <summary>The attribute's arguments as plain values; <c>null</c> where the user left one unset.</summary>
    private sealed class AttributeValues
    {
        public int[] LayerSizes = Array.Empty<int>();
        public ActivationKind? Hidden;
        public ActivationKind? Output;
        public ActivationKind[]? Activations;
        public LossKind Loss = LossKind.HalfSquaredError;
        public PrecisionKind Precision = PrecisionKind.Double;
        public InitializerKind Initializer = InitializerKind.Default;
        public int? MaxUnrolledWeights;
        public string? Weights;
        public double? Dropout;
        public double[]? DropoutRates;
    }

    private static AttributeValues ReadAttribute(AttributeData attribute, string className, Location location, List<DiagnosticInfo> diagnostics)
    {
        var values = new AttributeValues();
        if (attribute.ConstructorArguments.Length == 1)
        {
            TypedConstant sizes = attribute.ConstructorArguments[0];
            if (sizes.Kind == TypedConstantKind.Array && !sizes.IsNull)
                values.LayerSizes = sizes.Values.Select(value => value.Value is int size ? size : 0).ToArray();
        }

        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            TypedConstant value = argument.Value;
            switch (argument.Key)
            {
                case "Hidden":
                    values.Hidden = ReadEnum<ActivationKind>(argument.Key, value, className, location, diagnostics);
                    break;
                case "Output":
                    values.Output = ReadEnum<ActivationKind>(argument.Key, value, className, location, diagnostics);
                    break;
                case "Activations":
                    if (!value.IsNull)
                    {
                        values.Activations = value.Values
                            .Select(element => ReadEnum<ActivationKind>(argument.Key, element, className, location, diagnostics) ?? ActivationKind.Identity)
                            .ToArray();
                    }
                    break;
                case "Loss":
                    values.Loss = ReadEnum<LossKind>(argument.Key, value, className, location, diagnostics) ?? LossKind.HalfSquaredError;
                    break;
                case "Precision":
                    values.Precision = ReadEnum<PrecisionKind>(argument.Key, value, className, location, diagnostics) ?? PrecisionKind.Double;
                    break;
                case "Initializer":
                    values.Initializer = ReadEnum<InitializerKind>(argument.Key, value, className, location, diagnostics) ?? InitializerKind.Default;
                    break;
                case "Weights":
                    values.Weights = value.Value as string;
                    break;
                case "Dropout":
                    values.Dropout = ReadDropoutRate(argument.Key, value.Value, className, location, diagnostics);
                    break;
                case "DropoutRates":
                    if (!value.IsNull)
                        values.DropoutRates = value.Values.Select((element, index) => ReadDropoutRate(argument.Key + "[" + index + "]", element.Value, className, location, diagnostics)).ToArray();
                    break;
                case "MaxUnrolledWeights":
                    int limit = value.Value is int number ? number : -1;
                    if (limit < 0)
                        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ValueOutOfRange, location, argument.Key, limit, className, "0 (never unroll) up to " + Limits.MaxUnrolledWeightsCeiling));
                    else if (limit > Limits.MaxUnrolledWeightsCeiling)
                        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NetworkTooLarge, location, className, "asks to unroll layers of up to " + limit + " weights", Limits.MaxUnrolledWeightsCeiling + " unrolled weights per layer"));
                    else
                        values.MaxUnrolledWeights = limit;
                    break;
            }
        }
        return values;
    }

    /// <summary>A rate in [0, 1), or NG0021 and 0.</summary>
    private static double ReadDropoutRate(string name, object? value, string className, Location location, List<DiagnosticInfo> diagnostics)
    {
        double rate = value is double number ? number : double.NaN;
        if (rate >= 0.0 && rate < 1.0)
            return rate;
        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DropoutRateOutOfRange, location, name, rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture), className));
        return 0.0;
    }

    /// <summary>
    /// One dropout rate per weight layer (the output layer's 0), from Dropout or DropoutRates; empty when no
    /// layer drops anything, so a network without dropout has exactly the model (and code) it had before dropout existed.
    /// </summary>
    private static EquatableArray<double> CheckDropout(AttributeValues values, string className, Location location, List<DiagnosticInfo> diagnostics)
    {
        int hiddenLayers = values.LayerSizes.Length - 2;
        if (hiddenLayers < 0)
            return EquatableArray<double>.Empty;
        double[] rates;
        if (values.DropoutRates is not null)
        {
            if (values.Dropout is not null)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DropoutLayerMismatch, location, className, "sets both Dropout and DropoutRates", hiddenLayers));
            else if (values.DropoutRates.Length != hiddenLayers)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DropoutLayerMismatch, location, className, "gives DropoutRates " + values.DropoutRates.Length + " rate(s)", hiddenLayers));
            rates = values.DropoutRates;
        }
        else
        {
            double rate = values.Dropout ?? 0.0;
            if (hiddenLayers == 0 && rate > 0.0)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DropoutLayerMismatch, location, className, "sets Dropout but has no hidden layer to apply it to", hiddenLayers));
            rates = Enumerable.Repeat(rate, hiddenLayers).ToArray();
        }
        if (rates.Length != hiddenLayers || rates.All(rate => rate == 0.0))
            return EquatableArray<double>.Empty;
        return rates.Concat(new[] { 0.0 }).ToEquatableArray();
    }

    private static TEnum? ReadEnum<TEnum>(string name, TypedConstant value, string className, Location location, List<DiagnosticInfo> diagnostics)
        where TEnum : struct, Enum
    {
        int number = value.Value is int raw ? raw : -1;
        if (Enum.IsDefined(typeof(TEnum), number))
            return (TEnum)Enum.ToObject(typeof(TEnum), number);
        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ValueOutOfRange, location, name, number, className, PublicEnumNames<TEnum>()));
        return null;
    }

    private static string PublicEnumNames<TEnum>() where TEnum : struct, Enum
    {
        string typeName = typeof(TEnum).Name switch
        {
            nameof(ActivationKind) => "Activation",
            nameof(LossKind) => "LossFunction",
            nameof(PrecisionKind) => "Precision",
            nameof(InitializerKind) => "Initializer",
            _ => throw new InvalidOperationException("No public name for " + typeof(TEnum).Name),
        };
        return string.Join(", ", Enum.GetNames(typeof(TEnum)).Select(name => typeName + "." + name));
    }

    /// <summary>Checks sizes, activation count and pairings; returns one activation per weight layer.</summary>
    private static EquatableArray<ActivationKind> CheckShape(AttributeValues values, string className, Location location, List<DiagnosticInfo> diagnostics)
    {
        int[] sizes = values.LayerSizes;
        if (sizes.Length < 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TooFewLayers, location, className, sizes.Length));
            return EquatableArray<ActivationKind>.Empty;
        }
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.LayerSizeTooSmall, location, sizes[i], i, className));
        }

        int weightLayers = sizes.Length - 1;
        ActivationKind[] activations;
        if (values.Activations is not null)
        {
            if (values.Hidden is not null || values.Output is not null)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ConflictingActivations, location, className, values.Hidden is not null ? "Hidden" : "Output"));
            activations = values.Activations;
            if (activations.Length != weightLayers)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ActivationCountMismatch, location, className, activations.Length, sizes.Length, weightLayers));
                return EquatableArray<ActivationKind>.Empty;
            }
        }
        else
        {
            activations = Enumerable.Repeat(values.Hidden ?? ActivationKind.Sigmoid, weightLayers).ToArray();
            activations[weightLayers - 1] = values.Output ?? ActivationKind.Sigmoid;
        }

        CheckPairings(activations, values.Loss, className, location, diagnostics);
        CheckSizeLimits(sizes, className, location, diagnostics);
        return activations.ToEquatableArray();
    }

    /// <summary>The rules of each activation's and loss's row: where an activation may stand, and which output a loss needs.</summary>
    private static void CheckPairings(ActivationKind[] activations, LossKind loss, string className, Location location, List<DiagnosticInfo> diagnostics)
    {
        int outputLayer = activations.Length - 1;
        for (int layer = 0; layer < outputLayer; layer++)
        {
            if (ActivationInfo.Of(activations[layer]).Placement == ActivationPlacement.OutputWithRequiredLoss)
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.SoftmaxNotOutputWithCrossEntropy, location, className, "on hidden layer " + (layer + 1)));
        }
        ActivationInfo output = ActivationInfo.Of(activations[outputLayer]);
        if (output.RequiredLoss is LossKind required && required != loss)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.SoftmaxNotOutputWithCrossEntropy, location, className, "with LossFunction." + loss));
        LossInfo lossInfo = LossInfo.Of(loss);
        if (lossInfo.RequiredOutput is ActivationKind requiredOutput && requiredOutput != output.Kind)
            diagnostics.Add(DiagnosticInfo.Create(lossInfo.OutputMismatch!, location, className, output.Kind));
    }

    private static void CheckSizeLimits(int[] sizes, string className, Location location, List<DiagnosticInfo> diagnostics)
    {
        if (sizes.Any(size => size < 1))
            return;
        if (sizes.Length - 1 > Limits.MaxWeightLayers)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NetworkTooLarge, location, className, "has " + (sizes.Length - 1) + " weight layers", Limits.MaxWeightLayers + " weight layers"));
        if (sizes[0] > Limits.MaxInputSize)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NetworkTooLarge, location, className, "has an input of size " + sizes[0], Limits.MaxInputSize + " inputs"));
        long neurons = sizes.Skip(1).Sum(size => (long)size);
        if (neurons > Limits.MaxNeurons)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NetworkTooLarge, location, className, "has " + neurons + " neurons after the input layer", Limits.MaxNeurons + " neurons"));
        long parameters = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
            parameters += (long)sizes[i] * sizes[i + 1] + sizes[i + 1];
        if (parameters > Limits.MaxParameterCount)
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NetworkTooLarge, location, className, "has " + parameters + " parameters", Limits.MaxParameterCount + " parameters"));
    }

    private static void CheckNameClashes(INamedTypeSymbol type, int weightLayers, bool hasDropout, Location location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        HashSet<string> generated = GeneratedNames.All(weightLayers, hasDropout);
        if (generated.Contains(type.Name))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MemberNameClash, location, type.Name, "is named like the generated member", type.Name));

        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared)
                continue;
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                bool clashes = constructor.Parameters.Length == 0
                    || (constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32);
                if (clashes)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MemberNameClash, location, type.Name, "declares the constructor", constructor.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
            }
            else if (generated.Contains(member.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MemberNameClash, location, type.Name, "declares", member.Name));
            }
        }

        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers())
            {
                if (member.DeclaredAccessibility != Accessibility.Private && !member.IsImplicitlyDeclared
                    && member is not IMethodSymbol { MethodKind: MethodKind.Constructor } && generated.Contains(member.Name))
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MemberNameClash, location, type.Name, "inherits from " + baseType.Name + " the member", member.Name));
            }
        }
    }

    private static NetworkModel BuildModel(INamedTypeSymbol type, AttributeData attribute, AttributeValues values, EquatableArray<ActivationKind> activations, CancellationToken cancellationToken)
    {
        int[] sizes = values.LayerSizes;
        var containing = new List<ContainingType>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            containing.Insert(0, new ContainingType((outer.IsStatic ? "static " : "") + "partial " + Keyword(outer) + " " + Identifier(outer.Name), Identifier(outer.Name)));

        string attributeText = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).ToString() ?? "Network";
        attributeText = Regex.Replace(attributeText, @"\s+", " ");

        return new NetworkModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : string.Join(".", type.ContainingNamespace.ToDisplayParts().Where(part => part.Kind == SymbolDisplayPartKind.NamespaceName).Select(part => Identifier(part.ToString().TrimStart('@')))),
            containing.ToEquatableArray(),
            Identifier(type.Name),
            attributeText,
            sizes.ToEquatableArray(),
            activations,
            values.Loss,
            values.Precision,
            values.Initializer,
            values.MaxUnrolledWeights,
            values.Weights,
            type.IsAbstract,
            IsVisibleInAssembly: IsVisibleInAssembly(type));
    }

    /// <summary>Whether code anywhere in the assembly can name the type: it and every type around it are public or internal.</summary>
    private static bool IsVisibleInAssembly(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                return false;
        }
        return true;
    }

    /// <summary>A name as C# source: keywords used as identifiers need their <c>@</c> back.</summary>
    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string Keyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Interface => "interface",
        _ => type.IsRecord ? "record" : "class",
    };
}
