using System;
using System.Linq;
using System.Reflection;
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
}
