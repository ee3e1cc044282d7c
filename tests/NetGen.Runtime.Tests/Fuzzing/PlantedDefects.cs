using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;

namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>
/// Loaders with a defect planted on purpose, each of a kind the fuzzer exists to catch, so its
/// ability to fail is itself tested (<see cref="RuntimeFuzzTests"/>) and can be seen in a real run:
/// <c>NETGEN_RUNTIME_FUZZ_PLANT=writes-before-checking dotnet test tests/NetGen.Runtime.Tests --filter RuntimeFuzzTests</c>
/// swaps the named broken loader in for the real one and the fuzz test fails.
/// </summary>
internal static class PlantedDefects
{
    /// <summary>Each planted defect by name, with the phrase the fuzzer's report must contain for it.</summary>
    public static IReadOnlyDictionary<string, (FuzzTarget Target, string Symptom)> All { get; } = new Dictionary<string, (FuzzTarget, string)>
    {
        ["writes-before-checking"] = (new WritesBeforeChecking(), "threw ModelFormatException but changed the network"),
        ["leaks-other-exception"] = (new LeaksOtherException(), "threw InvalidOperationException instead of ModelFormatException"),
        ["accepts-invalid-input"] = (new AcceptsInvalidInput(), "loaded an input the reference reading rejects"),
        ["ignores-class-limit"] = (new IgnoresClassLimit(), "classes, limit"),
        ["trusts-a-size-from-the-file"] = (new TrustsASizeFromTheFile(), "bytes for a"),
    };

    /// <summary>
    /// <see cref="FuzzTargets.All"/>, with the target of the defect named by <c>NETGEN_RUNTIME_FUZZ_PLANT</c>
    /// (if set) in place of the real one of the same name.
    /// </summary>
    public static IReadOnlyList<FuzzTarget> TargetsWithPlantFromEnvironment()
    {
        string? plant = Environment.GetEnvironmentVariable("NETGEN_RUNTIME_FUZZ_PLANT");
        if (string.IsNullOrEmpty(plant))
            return FuzzTargets.All;
        if (!All.TryGetValue(plant, out var planted))
            throw new ArgumentException($"NETGEN_RUNTIME_FUZZ_PLANT is '{plant}'; expected one of {string.Join(", ", All.Keys)}.");
        return [.. FuzzTargets.All.Select(target => target.Name == planted.Target.Name ? planted.Target : target)];
    }

    /// <summary>Writes a parameter before the file is checked: a rejected file leaves the network changed.</summary>
    private sealed class WritesBeforeChecking : StateDictTarget<double>
    {
        protected override void LoadInto(INetwork<double> network, byte[] input)
        {
            network.Parameters[0] += 1;
            base.LoadInto(network, input);
        }
    }

    /// <summary>Turns some format errors into another exception type, as the state_dict reader once did for bad Unicode.</summary>
    private sealed class LeaksOtherException : BinaryModelTarget<double>
    {
        protected override void LoadInto(INetwork<double> network, byte[] input)
        {
            try
            {
                base.LoadInto(network, input);
            }
            catch (ModelFormatException exception) when (exception.Message.Contains("corrupt", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(exception.Message, exception);
            }
        }
    }

    /// <summary>Swallows format errors: the network is left as it was and the caller believes the file loaded.</summary>
    private sealed class AcceptsInvalidInput : StateDictTarget<float>
    {
        protected override void LoadInto(INetwork<float> network, byte[] input)
        {
            try
            {
                base.LoadInto(network, input);
            }
            catch (ModelFormatException)
            {
                // The defect: nothing reported.
            }
        }
    }

    /// <summary>Sizes a buffer by the header's layer count before checking it: a damaged header asks for megabytes.</summary>
    private sealed class TrustsASizeFromTheFile : BinaryModelTarget<float>
    {
        protected override void LoadInto(INetwork<float> network, byte[] input)
        {
            if (input.Length >= 12)
                GC.KeepAlive(new int[Math.Clamp(BinaryPrimitives.ReadInt32LittleEndian(input.AsSpan(8)), 0, 1 << 24)]);
            base.LoadInto(network, input);
        }
    }

    /// <summary>Ignores the class-count limit, as the CSV loader once did: a few bytes can ask for a huge one-hot block.</summary>
    private sealed class IgnoresClassLimit : CsvTarget
    {
        protected override LabeledDataSet<double> Read(TextReader reader, CsvOptions options) =>
            base.Read(reader, new CsvOptions
            {
                Labels = options.Labels,
                LabelColumns = options.LabelColumns,
                MissingValues = options.MissingValues,
                Header = options.Header,
                // Far above the options' limit, yet small enough that the fuzz run stays cheap.
                MaxClassCount = 1 << 21,
            });
    }
}
