using System.Collections.Generic;

namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>Every format the runtime fuzzer exercises. A new format is one line here and one <see cref="FuzzTarget"/> subclass.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new BinaryModelTarget<double>(),
        new BinaryModelTarget<float>(),
        new StateDictTarget<double>(),
        new StateDictTarget<float>(),
        new SafetensorsTarget<double>(),
        new SafetensorsTarget<float>(),
        new CsvTarget(),
    ];
}
