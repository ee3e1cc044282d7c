using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;
using NetGen.Generator.Planning;
using NetGen.Generator.Weights;

namespace NetGen.Generator;

/// <summary>
/// The NetGen source generator: every class marked <c>[Network(...)]</c> gets unrolled,
/// allocation-free Forward, Backward, Train and Predict code for its fixed shape.
/// Pipeline of small pure steps: attribute -> <see cref="Parser"/> (model or diagnostics) ->
/// <see cref="CompiledWeights"/> (the Weights file, if any) ->
/// <see cref="Planner"/> (plan) -> <see cref="Emitter"/> (source); beside them, <see cref="WarmUpAtLoad"/> over all
/// the networks (the module initializer of an assembly with one network).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    private const string NetworkAttributeName = "NetGen.NetworkAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ParseResult> declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Weights compiled in come from AdditionalFiles. A change to any of them re-runs this cheap
        // step for every network, but only the network whose file changed gets a different model,
        // so only it is planned and emitted again.
        IncrementalValuesProvider<ParseResult> parsed = declarations
            .Combine(context.AdditionalTextsProvider.Collect())
            .Select(static (pair, cancellationToken) => CompiledWeights.Resolve(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Weights);

        // Diagnostics travel on their own, so a change that only moves one does not re-emit source.
        IncrementalValuesProvider<DiagnosticInfo> diagnostics = parsed
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        IncrementalValuesProvider<NetworkModel> models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<Step<NetworkPlan>> plans = models
            .Select(static (model, cancellationToken) => Step<NetworkPlan>.Run(model.HintName, () => Planner.Plan(model)))
            .WithTrackingName(TrackingNames.Plan);

        // What the user's language version allows the emitted code (one value per compilation, so a plan re-emits only
        // when it changes).
        IncrementalValueProvider<EmitOptions> emitOptions = context.ParseOptionsProvider
            .Select(static (options, _) => EmitOptions.For(options));

        IncrementalValuesProvider<Step<string>> files = plans
            .Combine(emitOptions)
            .Select(static (pair, cancellationToken) => pair.Left.Then(value => Emitter.Emit(value, cancellationToken, pair.Right)))
            .WithTrackingName(TrackingNames.Emit);

        // An assembly whose only network starts that network's warm-up when it loads: a module initializer in a file
        // of its own, from every network's candidate entry (so a second network, or a network renamed, re-runs only this).
        IncrementalValueProvider<ImmutableArray<WarmUpAtLoad.Entry?>> warmUpCandidates = models
            .Select(static (model, _) => WarmUpAtLoad.Candidate(model))
            .WithTrackingName(TrackingNames.WarmUpAtLoad)
            .Collect();
        context.RegisterSourceOutput(warmUpCandidates, static (output, candidates) =>
        {
            if (WarmUpAtLoad.Emit(candidates) is string source)
                output.AddSource(WarmUpAtLoad.HintName, source);
        });

        // Where each declaration is, for an internal error in planning or emitting; apart from the
        // models, so that moving a declaration re-runs neither step.
        IncrementalValueProvider<ImmutableArray<(string HintName, LocationInfo? Location)>> locations = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => (result.Model!.HintName, result.Location))
            .Collect();

        // Collected so that a class declared twice with the attribute (already a compiler error)
        // cannot add the same hint name twice, which would make the generator throw.
        context.RegisterSourceOutput(files.Collect().Combine(locations), static (output, generated) =>
        {
            var seen = new HashSet<string>();
            foreach (Step<string> file in generated.Left)
            {
                if (!seen.Add(file.HintName))
                    continue;
                if (file.Value is not null)
                    output.AddSource(file.HintName, file.Value);
                else
                    output.ReportDiagnostic(InternalError(file, generated.Right));
            }
        });
    }

    /// <summary>NG0099 on the declaration whose plan or code failed; the other networks still get their code.</summary>
    internal static Diagnostic InternalError(Step<string> failed, ImmutableArray<(string HintName, LocationInfo? Location)> locations)
    {
        LocationInfo? location = locations.FirstOrDefault(entry => entry.HintName == failed.HintName).Location;
        string name = failed.HintName.EndsWith(".g.cs", StringComparison.Ordinal) ? failed.HintName.Substring(0, failed.HintName.Length - 5) : failed.HintName;
        return Diagnostic.Create(Diagnostics.InternalError, location?.ToLocation(), name, failed.Error);
    }
}

/// <summary>
/// The outcome of one pipeline step for one network: a value, or the message of the exception that
/// step threw. A generator that throws takes every network of the project down with it (CS8785);
/// a failed step becomes NG0099 on its own declaration instead.
/// </summary>
internal sealed record Step<T>(string HintName, T? Value, string? Error)
    where T : class
{
    public static Step<T> Run(string hintName, Func<T> step)
    {
        try
        {
            return new Step<T>(hintName, step(), null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception exception)
        {
            return new Step<T>(hintName, null, exception.GetType().Name + ": " + exception.Message);
        }
    }

    /// <summary>The next step on this one's value, or this one's error carried on.</summary>
    public Step<TNext> Then<TNext>(Func<T, TNext> next)
        where TNext : class =>
        Value is null ? new Step<TNext>(HintName, null, Error) : Step<TNext>.Run(HintName, () => next(Value));
}
