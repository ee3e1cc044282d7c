using System;
using System.Runtime.Intrinsics;

namespace NetGen.Ci;

/// <summary>
/// Prints one line, <c>Vector128=True Vector256=True Vector512=False</c>: what the runtime reports as
/// hardware accelerated under this process's DOTNET_Enable* settings. .ci/run compares it with what
/// each switch must turn off; .NET 10 ignores some older switch names (DOTNET_EnableAVX512F), and a
/// switch that changes nothing would run the same paths again and prove nothing.
/// </summary>
internal static class Program
{
    private static void Main() =>
        Console.WriteLine($"Vector128={Vector128.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector512={Vector512.IsHardwareAccelerated}");
}
