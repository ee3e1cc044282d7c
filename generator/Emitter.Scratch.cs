using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator.Planning;

namespace NetGen.Generator;

/// <summary>What the emitted code may use of the user's C#: the one choice the language version makes.</summary>
/// <param name="StackPasses">
/// Whether the calls that need scratch get it through <c>Kernels.OnStack</c> (C# 13 and later, where a ref struct may
/// implement an interface and be a type argument), else from a stackalloc of their own.
/// </param>
internal sealed record EmitOptions(bool StackPasses)
{
    /// <summary>The options of the newest language version, which tests and tools use unless they say otherwise.</summary>
    public static readonly EmitOptions Latest = new(StackPasses: true);

    /// <summary>The options for a compilation's parse options (its effective language version).</summary>
    public static EmitOptions For(ParseOptions options) =>
        new(StackPasses: options is not CSharpParseOptions csharp || csharp.LanguageVersion >= LanguageVersion.CSharp13);
}

/// <summary>
/// The public calls whose bodies need scratch for one call: Predict's and Loss's activations and PredictBatch's rows. These
/// calls are thread-safe, so the scratch cannot live in the network; it lives on the stack. C# zeroes a stackalloc unless
/// its method skips locals initialisation, which only a project that allows unsafe code may ask for, and in a forward pass
/// of cheap layers the zeroing is a large part (8-141-2 doubles, Predict 136-151 ns zeroed, 117-126 ns not; PredictBatch
/// zeroed up to 32 KB a call). So each body is a private method that takes its scratch last (<c>PredictWith</c>), and the
/// public call puts its arguments in a ref struct (<c>PredictPass</c>) that <c>Kernels.OnStack</c> runs with the scratch
/// on the stack, not zeroed. Before C# 13 the public call stackallocs the scratch itself (<see cref="EmitOptions"/>).
/// </summary>
internal static partial class Emitter
{
    /// <summary>One such call: its name (one of <see cref="GeneratedNames.ScratchCalls"/>, which reserves its body's and pass's names), result, parameters, and its scratch's name and length (an expression in the generated class).</summary>
    private sealed record ScratchCall(string Name, string Result, (string Type, string Name)[] Parameters, string Scratch, string Length)
    {
        public string Body => GeneratedNames.ScratchBody(Name);

        public string Pass => GeneratedNames.ScratchPass(Name);

        public string Arguments => string.Join(", ", Parameters.Select(parameter => parameter.Name));

        public string Declarations => string.Join(", ", Parameters.Select(parameter => parameter.Type + " " + parameter.Name));
    }

    /// <summary>The public call's last lines: the body run with its scratch, its result returned.</summary>
    private static void EmitScratchCall(CodeWriter writer, ScratchCall call, Scalar scalar, EmitOptions options)
    {
        string t = scalar.Keyword;
        string result = call.Result == "void" ? "" : "return ";
        if (options.StackPasses)
        {
            writer.Line($"// {call.Body} runs on {call.Length} values of scratch on the stack, not zeroed: it writes each before it reads it.");
            writer.Line($"var pass = new {call.Pass}(this, {call.Arguments});");
            writer.Line($"{result}{RuntimeApi.Call(RuntimeApi.OnStack)}<{t}, {call.Pass}>({call.Length}, ref pass);");
        }
        else
        {
            writer.Line($"global::System.Span<{t}> {call.Scratch} = stackalloc {t}[{call.Length}];");
            writer.Line($"{result}{call.Body}({call.Arguments}, {call.Scratch});");
        }
    }

    /// <summary>The call's body, <paramref name="emitBody"/>, as a method of its own; and, with stack passes, the pass that carries its arguments.</summary>
    private static void EmitScratchBody(CodeWriter writer, NetworkPlan plan, ScratchCall call, Scalar scalar, EmitOptions options, Action emitBody)
    {
        string t = scalar.Keyword;
        writer.Line($"/// <summary>{call.Name}'s body on <paramref name=\"{call.Scratch}\"/> ({call.Length} values, each written before it is read).</summary>");
        using (writer.Block($"private {call.Result} {call.Body}({call.Declarations}, global::System.Span<{t}> {call.Scratch})"))
            emitBody();
        writer.Line();
        if (!options.StackPasses)
            return;

        writer.Line($"/// <summary>{call.Name}'s arguments, for <c>Kernels.OnStack</c>, which runs <see cref=\"{call.Body}\"/> with its scratch on the stack.</summary>");
        using (writer.Block($"private readonly ref struct {call.Pass} : {Runtime}.{RuntimeApi.StackPass}<{t}>"))
        {
            string className = plan.Model.ClassName;
            writer.Line($"private readonly {className} _network;");
            foreach (var (type, name) in call.Parameters)
                writer.Line($"private readonly {type} _{name};");
            writer.Line();
            using (writer.Block($"public {call.Pass}({className} network, {call.Declarations})"))
            {
                writer.Line("_network = network;");
                foreach (var (_, name) in call.Parameters)
                    writer.Line($"_{name} = {name};");
            }
            writer.Line();
            string arguments = string.Join(", ", call.Parameters.Select(parameter => "_" + parameter.Name));
            if (call.Result == "void")
            {
                using (writer.Block($"public {t} Run(scoped global::System.Span<{t}> {call.Scratch})"))
                {
                    writer.Line($"_network.{call.Body}({arguments}, {call.Scratch});");
                    writer.Line("return 0;");
                }
            }
            else
            {
                writer.Line($"public {t} Run(scoped global::System.Span<{t}> {call.Scratch}) => _network.{call.Body}({arguments}, {call.Scratch});");
            }
        }
        writer.Line();
    }
}
