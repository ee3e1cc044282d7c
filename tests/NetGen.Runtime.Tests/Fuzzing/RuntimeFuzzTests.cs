namespace NetGen.Runtime.Tests.Fuzzing;

/// <summary>
/// Mutated model files (binary and state_dict JSON, both precisions) and CSV data never surprise:
/// each case is a correct load or the documented exception with the network bit for bit unchanged,
/// within an allocation and a time bound. CI runs a fixed seed; for more, locally:
/// <c>NETGEN_RUNTIME_FUZZ_SEED=7 NETGEN_RUNTIME_FUZZ_CASES=50000 dotnet test tests/NetGen.Runtime.Tests --filter RuntimeFuzzTests</c>.
/// </summary>
public sealed class RuntimeFuzzTests
{
    [Fact]
    public void Mutated_inputs_load_correctly_or_throw_the_documented_exception_leaving_the_network_unchanged()
    {
        FuzzReport report = RuntimeFuzzer.Run(PlantedDefects.TargetsWithPlantFromEnvironment(),
            RuntimeFuzzer.SeedFromEnvironment(), RuntimeFuzzer.CasesFromEnvironment());

        Assert.True(report.Failures.Count == 0, report.ToString());
        // A fuzzer that only ever saw rejections would not have tested the loading path.
        Assert.All(report.LoadsPerTarget, pair => Assert.True(pair.Value > 0, $"{pair.Key}: no case loaded\n{report}"));
    }

    public static TheoryData<string> Defects() => [.. PlantedDefects.All.Keys];

    [Theory]
    [MemberData(nameof(Defects))]
    public void The_fuzzer_reports_a_planted_defect(string defect)
    {
        (FuzzTarget target, string symptom) = PlantedDefects.All[defect];

        FuzzReport report = RuntimeFuzzer.Run([target], seed: 1, casesPerTarget: 1500, maxFailures: 1);

        FuzzFailure failure = Assert.Single(report.Failures);
        Assert.True(failure.Problem.Contains(symptom, System.StringComparison.Ordinal), $"expected '{symptom}', got: {failure}");
    }
}
