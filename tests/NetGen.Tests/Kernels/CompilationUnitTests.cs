using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The methods that hold a kernel's bulk loop are compiled on their own: marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/> and <see cref="MethodImplOptions.NoInlining"/>.
/// </summary>
/// <remarks>
/// Inlined into a generated method (through the small dispatch steps, which are marked AggressiveInlining), such a
/// loop shared that method's inlining budget with every other kernel call in it, and the JIT ran out: in the shape
/// sweep at 0c7ac79, 131 optimised methods (Forward, Train, Predict, TrainBatch of most shapes; 8 runtime kernels) called
/// <c>Width512.MultiplyAdd</c>, <c>FourRows</c> or <c>ReduceEightPlusBias</c> as real calls, passing vectors
/// through memory. Kept apart, each loop gets its own budget and its vector helpers are always inlined.
/// </remarks>
public class CompilationUnitTests
{
    [Fact]
    public void Every_aggressively_optimized_runtime_method_is_also_never_inlined()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        MethodInfo[] optimized = typeof(NetGen.Kernels).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(all))
            .Where(method => (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0)
            .ToArray();

        // The kernels' loops: products, activations, softmax, AddScaled, Adam and Fit's whole-parameter passes.
        Assert.True(optimized.Length >= 15, $"expected the kernels' bulk loops to be marked AggressiveOptimization, found {optimized.Length}");
        string[] inlinable = optimized
            .Where(method => (method.MethodImplementationFlags & MethodImplAttributes.NoInlining) == 0)
            .Select(method => $"{method.DeclaringType!.Name}.{method.Name}")
            .ToArray();
        Assert.True(inlinable.Length == 0, "AggressiveOptimization without NoInlining: " + string.Join(", ", inlinable));
    }

    /// <summary>
    /// A method that picks among kernels at two or more vector widths (a dispatch step) is compiled optimised at its
    /// first call, or is always inlined into methods that are. At tier 0 the JIT resolves every call a method holds,
    /// so a dispatch step loaded and prepared all four widths' instantiations, about 1.5-3.5 ms each in a fresh
    /// process: 11 ms of the caller's first Fit step of 784-128-10 (NetGen.ColdStart). Optimised, the JIT drops the
    /// branches that <c>IsHardwareAccelerated</c> rules out before it resolves their calls.
    /// </summary>
    [Fact]
    public void Every_method_that_dispatches_over_vector_widths_is_compiled_optimized()
    {
        MethodBase[] methods = RuntimeMethods().ToArray();
        Assert.True(methods.Length > 200, $"expected the runtime's methods, found {methods.Length}");
        var callers = new Dictionary<MethodBase, List<MethodBase>>();
        var dispatchers = new List<MethodBase>();
        foreach (MethodBase method in methods)
        {
            MethodBase[] callees = Callees(method).ToArray();
            foreach (MethodBase callee in callees)
            {
                MethodBase definition = Definition(callee);
                if (!callers.TryGetValue(definition, out List<MethodBase>? list))
                    callers[definition] = list = [];
                list.Add(method);
            }
            if (callees.Select(WidthOf).Where(width => width is not null).Distinct().Count() >= 2)
                dispatchers.Add(method);
        }

        // The dispatch steps this rule was written for must be among those found, or the scan has gone blind.
        string[] names = dispatchers.Select(Describe).ToArray();
        foreach (string expected in new[] { "Kernels.ChunkProduct", "Kernels.Apply", "Kernels.MatrixMatrixAtWidest", "KernelsAt`5.RowMatrixMatrix" })
            Assert.True(names.Any(name => name.StartsWith(expected, StringComparison.Ordinal)), $"{expected} not among the dispatch steps found: {string.Join(", ", names)}");

        string[] unoptimized = dispatchers
            .Where(method => !CompiledOptimized(method, callers, depth: 0))
            .Select(Describe)
            .ToArray();
        Assert.True(unoptimized.Length == 0, "Dispatch over vector widths compiled at tier 0: " + string.Join(", ", unoptimized));
    }

    private static IEnumerable<MethodBase> RuntimeMethods()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (Type type in typeof(NetGen.Kernels).Assembly.GetTypes())
        {
            foreach (MethodInfo method in type.GetMethods(all))
                yield return method;
            foreach (ConstructorInfo constructor in type.GetConstructors(all))
                yield return constructor;
        }
    }

    /// <summary>Optimised at its first call: marked AggressiveOptimization, or AggressiveInlining with every caller so (and callers at all).</summary>
    private static bool CompiledOptimized(MethodBase method, Dictionary<MethodBase, List<MethodBase>> callers, int depth)
    {
        MethodImplAttributes flags = method.MethodImplementationFlags;
        if ((flags & MethodImplAttributes.AggressiveOptimization) != 0)
            return true;
        if ((flags & MethodImplAttributes.AggressiveInlining) == 0 || depth > 4)
            return false;
        return callers.TryGetValue(method, out List<MethodBase>? list)
            && list.All(caller => CompiledOptimized(caller, callers, depth + 1));
    }

    /// <summary>
    /// The vector width a call runs at: the first of the callee's type arguments, then its type's, that is a width (a Width
    /// struct, or a type parameter constrained to one, such as KernelsAt's TWide and TNarrow), if any.
    /// </summary>
    private static Type? WidthOf(MethodBase callee)
    {
        IEnumerable<Type> arguments = (callee.IsGenericMethod ? callee.GetGenericArguments() : Type.EmptyTypes)
            .Concat(callee.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : Type.EmptyTypes);
        return arguments.FirstOrDefault(IsWidth) switch
        {
            { IsGenericParameter: true } parameter => parameter,
            { } width => width.GetGenericTypeDefinition(),
            null => null,
        };
    }

    private static bool IsWidth(Type type) =>
        type.IsGenericParameter
            ? type.GetGenericParameterConstraints().Any(IsWidthInterface)
            : type.IsGenericType && type.GetInterfaces().Any(IsWidthInterface);

    private static bool IsWidthInterface(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(NetGen.IVectorWidth<,>);

    private static MethodBase Definition(MethodBase method)
    {
        if (method is MethodInfo { IsGenericMethod: true } generic)
            method = generic.GetGenericMethodDefinition();
        if (method.DeclaringType is { IsGenericType: true, IsGenericTypeDefinition: false } type)
            method = MethodBase.GetMethodFromHandle(method.MethodHandle, type.GetGenericTypeDefinition().TypeHandle)!;
        return method;
    }

    private static string Describe(MethodBase method) => $"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    /// <summary>The methods <paramref name="method"/>'s IL calls, resolved in its own generic context.</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        Type[] typeArguments = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : Type.EmptyTypes;
        Type[] methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : Type.EmptyTypes;
        for (int at = 0; at < il.Length;)
        {
            OpCode code = il[at] == 0xFE ? TwoByte[il[at + 1]] : OneByte[il[at]];
            at += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                }
                if (callee is not null)
                    yield return callee;
            }
            at += OperandSize(code, il, at);
        }
    }

    private static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

    static CompilationUnitTests()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            if (code.Size == 1)
                OneByte[(ushort)code.Value] = code;
            else
                TwoByte[(ushort)code.Value & 0xFF] = code;
        }
    }
}
