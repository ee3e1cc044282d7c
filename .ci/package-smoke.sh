#!/usr/bin/env bash
# Packs NetGen and proves the package works for a user: a fresh project outside the repository,
# restoring NetGen from the local folder feed only, declares networks, trains them, predicts, and
# saves/loads, all built with nullable on, every analyzer at warning level, and warnings as errors.
# Then publishes it trimmed, and with Native AOT, and runs both: they must print what the JIT build
# printed, and the publishes must report no warning at all. Exits non-zero on any failure.
# Usage: .ci/package-smoke.sh   NETGEN_SMOKE_KEEP=1 keeps the temp dir; NETGEN_SMOKE_TRIM=0 skips trimming;
#        NETGEN_SMOKE_AOT=0 skips Native AOT (it needs clang or gcc as the linker).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$repo/artifacts/packages"
work="$(mktemp -d "${TMPDIR:-/tmp}/netgen-smoke.XXXXXX")"
if [[ "${NETGEN_SMOKE_KEEP:-0}" == 1 ]]; then
    echo "package-smoke: keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# Each step prints how long the step before it took (the last one, "passed", ends the last timed step).
step_name="" step_start=$SECONDS
step() {
    [[ -z "$step_name" ]] || echo "-- package-smoke: $step_name: $(( SECONDS - step_start )) s"
    step_name="$*" step_start=$SECONDS
    echo; echo "== package-smoke: $*"
}

step "pack"
# An empty feed first, so the consumer can only get the package built right now.
rm -rf "$feed"
dotnet pack "$repo/NetGen.sln" -c Release --nologo
shopt -s nullglob
packages=("$feed"/NetGen.*.nupkg)
symbols=("$feed"/NetGen.*.snupkg)
if (( ${#packages[@]} != 1 || ${#symbols[@]} != 1 )); then
    echo "package-smoke: expected one NetGen .nupkg and one .snupkg in $feed, found: $(ls "$feed")" >&2
    exit 1
fi
package="${packages[0]}"
version="$(basename "$package" .nupkg)"; version="${version#NetGen.}"
echo "package-smoke: $package (version $version)"

step "package layout"
listing="$(unzip -Z1 "$package")"
for expected in lib/net10.0/NetGen.dll lib/net10.0/NetGen.xml analyzers/dotnet/cs/NetGen.Generator.dll \
                analyzers/dotnet/cs/NetGen.CodeFixes.dll README.md; do
    grep -qx "$expected" <<<"$listing" || { echo "package-smoke: $expected missing from the package" >&2; echo "$listing" >&2; exit 1; }
done
if grep -E '^lib/.*NetGen\.(Generator|CodeFixes)\.dll$' <<<"$listing"; then
    echo "package-smoke: the generator must ship only as an analyzer, not in lib/" >&2; exit 1
fi
nuspec="$(unzip -p "$package" NetGen.nuspec)"
for expected in '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<repository type="git"' \
                '<dependency id="System.Numerics.Tensors"'; do
    grep -qF "$expected" <<<"$nuspec" || { echo "package-smoke: nuspec lacks $expected" >&2; echo "$nuspec" >&2; exit 1; }
done
if grep -qiE '<dependency id="NetGen\.(Generator|CodeFixes)"' <<<"$nuspec"; then
    echo "package-smoke: the nuspec depends on the generator project" >&2; exit 1
fi
# Listings are read into variables before grep: with pipefail, `producer | grep -q` fails at random
# when grep exits at its first match and the producer dies of SIGPIPE while still writing.
symbols_listing="$(unzip -Z1 "${symbols[0]}")"
grep -qx 'lib/net10.0/NetGen.pdb' <<<"$symbols_listing" || { echo "package-smoke: NetGen.pdb missing from the symbols package" >&2; exit 1; }
# IsAotCompatible in runtime/NetGen.csproj implies IsTrimmable, which the SDK records in the assembly as
# [AssemblyMetadata("IsTrimmable", "True")]: the trimmer and ILC then analyse NetGen.dll as a whole
# instead of keeping all of it, and report any warning it would cause.
if ! unzip -p "$package" lib/net10.0/NetGen.dll > "$work/NetGen.dll.packed" || ! grep -aq 'IsTrimmable' "$work/NetGen.dll.packed"; then
    echo "package-smoke: lib/net10.0/NetGen.dll is not marked IsTrimmable (IsAotCompatible missing?)" >&2; exit 1
fi

step "consumer projects in $work/consumer"
# Three projects, as a user would have them: a class library with public networks (its public API
# needs XML docs), a library with one network and an app with one internal network of its own. An assembly
# with exactly one network gets NetGen's module initializer (NetGen-WarmUpAtLoad.g.cs), so the libraries and
# the app cover both cases, in a library (CA2255 must not fire) and in an executable (it runs before Main),
# under the JIT, trimmed and under Native AOT.
consumer="$work/consumer"
mkdir -p "$consumer/Models" "$consumer/Logic" "$consumer/App"
# The consumer's own build settings; an empty Directory.Packages.props stops MSBuild looking
# further up for settings of any enclosing folder.
cat > "$consumer/Directory.Build.props" <<EOF
<Project>
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <LangVersion>latest</LangVersion>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <AnalysisLevel>latest-all</AnalysisLevel>
    <GenerateDocumentationFile>true</GenerateDocumentationFile>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <WarningsAsErrors>\$(WarningsAsErrors);CS8032;CS8785</WarningsAsErrors>
    <IsAotCompatible>true</IsAotCompatible>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
</Project>
EOF
printf '<Project />\n' > "$consumer/Directory.Build.targets"
printf '<Project />\n' > "$consumer/Directory.Packages.props"
cat > "$consumer/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="netgen-local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <!-- NetGen comes from the folder just packed and from nowhere else. -->
  <packageSourceMapping>
    <packageSource key="netgen-local">
      <package pattern="NetGen" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
EOF
# A class library that references NetGen and nothing else: Models and Logic.
library_project() {
    cat > "$consumer/$1/$1.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="NetGen" Version="[$version]" />
  </ItemGroup>
</Project>
EOF
}
library_project Models
library_project Logic
cat > "$consumer/Models/Networks.cs" <<'EOF'
using NetGen;

namespace Consumer.Models;

/// <summary>A three-class classifier in single precision: ReLU hidden layer, softmax output.</summary>
[Network(2, 8, 3, Precision = Precision.Single, Hidden = Activation.ReLU, Output = Activation.Softmax,
    Loss = LossFunction.CrossEntropy, Initializer = Initializer.HeUniform)]
public partial class QuadrantClassifier
{
}

/// <summary>A deeper regressor with per-layer activations; its 40 x 40 layer is wider than the unroll limit, so it becomes loops.</summary>
[Network(3, 40, 40, 1, Activations = new[] { Activation.Tanh, Activation.LeakyReLU, Activation.Identity },
    Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 64)]
public sealed partial class Regressor
{
}
EOF
cat > "$consumer/Logic/XorNet.cs" <<'EOF'
using NetGen;

namespace Consumer.Logic;

/// <summary>XOR: two inputs, four sigmoid hidden units, one sigmoid output, double precision; the library's only network.</summary>
[Network(2, 4, 1)]
public sealed partial class XorNet
{
}
EOF
cat > "$consumer/App/App.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NetGen" Version="[$version]" />
    <ProjectReference Include="../Models/Models.csproj" />
    <ProjectReference Include="../Logic/Logic.csproj" />
  </ItemGroup>
  <ItemGroup>
    <!-- Read by the generator at build time only (Weights = "xor-weights.json"); not copied to the output. -->
    <AdditionalFiles Include="xor-weights.json" />
  </ItemGroup>
</Project>
EOF
# A PyTorch state_dict (JSON) of a solved 2-3-1 XOR network, compiled into CompiledXorNet. Program.cs holds the same
# numbers in PyTorch's order and checks, under the JIT, trimmed and Native AOT, that the constructors start from
# exactly them (no file is read at run time: the JSON is not in the output folder).
cat > "$consumer/App/xor-weights.json" <<'EOF'
{"0.weight": [[6.5, 6.25], [-4.75, -5.0], [0.125, -0.375]], "0.bias": [-2.5, 7.25, 0.0625],
 "2.weight": [[10.5, 9.75, -0.5]], "2.bias": [-14.25]}
EOF
cat > "$consumer/App/XorNet.cs" <<'EOF'
using NetGen;

namespace Consumer;

/// <summary>Holds the app's own network, to check a nested network too.</summary>
internal static partial class AppNetworks
{
    /// <summary>A solved 2-3-1 XOR network whose weights are compiled in from xor-weights.json.</summary>
    [Network(2, 3, 1, Weights = "xor-weights.json")]
    internal sealed partial class CompiledXorNet
    {
    }
}
EOF
cat > "$consumer/App/Program.cs" <<'EOF'
using System;
using System.Globalization;
using System.IO;
using Consumer.Models;
using NetGen;

namespace Consumer;

internal static class Program
{
    private static int Main()
    {
        int failures = TrainXor() + CompiledWeights() + TrainClassifier() + TrainRegressor();
        Console.WriteLine(failures == 0 ? "NETGEN-SMOKE: OK" : "NETGEN-SMOKE: FAILED " + failures.ToString(CultureInfo.InvariantCulture));
        return failures == 0 ? 0 : 1;
    }

    private static int TrainXor()
    {
        double[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        double[] targets = [0, 1, 1, 0];
        var network = new Logic.XorNet(seed: 42);
        for (int epoch = 0; epoch < 20_000; epoch++)
        {
            for (int row = 0; row < 4; row++)
                network.Train(inputs.AsSpan(row * 2, 2), targets.AsSpan(row, 1), learningRate: 0.5);
        }

        int failures = 0;
        Span<double> output = stackalloc double[Logic.XorNet.OutputSize];
        for (int row = 0; row < 4; row++)
        {
            network.Predict(inputs.AsSpan(row * 2, 2), output);
            bool right = Math.Abs(output[0] - targets[row]) < 0.2;
            failures += right ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"xor {inputs[row * 2]} {inputs[row * 2 + 1]} -> {output[0]:F4} (want {targets[row]}) {(right ? "ok" : "WRONG")}"));
        }
        return failures;
    }

    private static int CompiledWeights()
    {
        // xor-weights.json in PyTorch's order: 0.weight (3 x 2), 0.bias, 2.weight (1 x 3), 2.bias.
        double[] expected = [6.5, 6.25, -4.75, -5.0, 0.125, -0.375, -2.5, 7.25, 0.0625, 10.5, 9.75, -0.5, -14.25];
        var network = new AppNetworks.CompiledXorNet();
        bool sameWeights = network.Parameters.SequenceEqual(expected) && new AppNetworks.CompiledXorNet(seed: 3).Parameters.SequenceEqual(expected);
        bool noFile = !File.Exists(Path.Combine(AppContext.BaseDirectory, "xor-weights.json"));
        int wrong = 0;
        Span<double> output = stackalloc double[1];
        foreach ((double a, double b, double want) in new[] { (0.0, 0.0, 0.0), (0.0, 1.0, 1.0), (1.0, 0.0, 1.0), (1.0, 1.0, 0.0) })
        {
            network.Predict([a, b], output);
            wrong += Math.Abs(output[0] - want) < 0.2 ? 0 : 1;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compiled-in weights: exactly the file's {sameWeights}, no file at run time {noFile}, XOR rows wrong {wrong}"));
        return (sameWeights ? 0 : 1) + (noFile ? 0 : 1) + wrong;
    }

    private static int TrainClassifier()
    {
        // Points in three regions of the plane: x < 0, x >= 0 and y < 0, x >= 0 and y >= 0.
        const int rows = 300;
        var random = new Random(7);
        float[] inputs = new float[rows * 2];
        float[] targets = new float[rows * 3];
        for (int row = 0; row < rows; row++)
        {
#pragma warning disable CA5394 // Not security-relevant: synthetic training data.
            float x = (float)(random.NextDouble() * 2 - 1), y = (float)(random.NextDouble() * 2 - 1);
#pragma warning restore CA5394
            inputs[row * 2] = x;
            inputs[row * 2 + 1] = y;
            targets[row * 3 + (x < 0 ? 0 : y < 0 ? 1 : 2)] = 1;
        }

        var network = new QuadrantClassifier(seed: 1);
        TrainingHistory history = network.Fit(inputs, targets, new TrainingOptions<float> { Epochs = 200, BatchSize = 16, LearningRate = 0.1f, Seed = 3 });

        int correct = 0;
        Span<float> output = stackalloc float[QuadrantClassifier.OutputSize];
        for (int row = 0; row < rows; row++)
        {
            network.Predict(inputs.AsSpan(row * 2, 2), output);
            int predicted = output.IndexOf(MaxOf(output));
            correct += targets[row * 3 + predicted] == 1 ? 1 : 0;
        }
        double accuracy = (double)correct / rows;

        // Save, load into a fresh network, and expect the very same predictions.
        string path = Path.Combine(Path.GetTempPath(), "netgen-smoke-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".bin");
        var loaded = new QuadrantClassifier();
        try
        {
            network.Save(path);
            loaded.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
        Span<float> reloaded = stackalloc float[QuadrantClassifier.OutputSize];
        network.Predict(inputs.AsSpan(0, 2), output);
        loaded.Predict(inputs.AsSpan(0, 2), reloaded);
        bool sameAfterLoad = output.SequenceEqual(reloaded);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"classifier: {history.Epochs.Count} epochs, final loss {history.Last.TrainingLoss:F4}, accuracy {accuracy:P1}, same after save/load: {sameAfterLoad}"));
        return (accuracy >= 0.9 ? 0 : 1) + (sameAfterLoad ? 0 : 1);
    }

    private static int TrainRegressor()
    {
        // y = x0 - 0.5 x1 + 0.25 x2 on [-1, 1]^3: the loss must fall well below where it starts.
        const int rows = 200;
        var random = new Random(11);
        double[] inputs = new double[rows * 3];
        double[] targets = new double[rows];
        for (int i = 0; i < inputs.Length; i++)
#pragma warning disable CA5394 // Not security-relevant: synthetic training data.
            inputs[i] = random.NextDouble() * 2 - 1;
#pragma warning restore CA5394
        for (int row = 0; row < rows; row++)
            targets[row] = inputs[row * 3] - 0.5 * inputs[row * 3 + 1] + 0.25 * inputs[row * 3 + 2];

        var network = new Regressor(seed: 5);
        TrainingHistory history = network.Fit(inputs, targets, new TrainingOptions<double> { Epochs = 100, BatchSize = 10, LearningRate = 0.05, Seed = 2 });
        double first = history.Epochs[0].TrainingLoss, last = history.Last.TrainingLoss;
        bool learned = double.IsFinite(last) && last < first / 4;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"regressor: loss {first:G4} -> {last:G4} {(learned ? "ok" : "WRONG")}"));
        return learned ? 0 : 1;
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = values[0];
        foreach (float value in values)
            max = Math.Max(max, value);
        return max;
    }
}
EOF

# An isolated package cache: a NetGen of the same version cached by an earlier run cannot be used.
export NUGET_PACKAGES="$work/nuget-packages"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step "restore and build the consumer (warnings are errors)"
dotnet build "$consumer/App/App.csproj" -c Release --nologo
if [[ ! -f "$NUGET_PACKAGES/netgen/$version/netgen.$version.nupkg" ]]; then
    echo "package-smoke: NetGen $version was not restored into the isolated cache" >&2; exit 1
fi
generated="$(find "$consumer/App/obj" "$consumer/Models/obj" "$consumer/Logic/obj" -path '*NetGen.Generator*' -name '*.cs' | sort)"
[[ -n "$generated" ]] || { echo "package-smoke: the generator produced no source" >&2; exit 1; }
echo "generated files:"; echo "$generated"
# The module initializer: in the app and in Logic (one network each), not in Models (two).
for project in App:1 Logic:1 Models:0; do
    count="$(grep -c "^$consumer/${project%%:*}/obj/.*/NetGen-WarmUpAtLoad.g.cs$" <<<"$generated" || true)"
    [[ "$count" == "${project##*:}" ]] || { echo "package-smoke: ${project%%:*} has $count NetGen-WarmUpAtLoad.g.cs, expected ${project##*:}" >&2; exit 1; }
done

step "run the consumer"
output="$(dotnet run --project "$consumer/App/App.csproj" -c Release --no-build)"
echo "$output"
grep -qx 'NETGEN-SMOKE: OK' <<<"$output" || { echo "package-smoke: the consumer did not report success" >&2; exit 1; }
# "xor A B -> PREDICTION (want T) ok": one line per row, the prediction in field 5.
xor_predictions() { awk '$1 == "xor" && $4 == "->" { print $5 }' <<<"$1"; }
jit_xor="$(xor_predictions "$output")"
[[ $(wc -l <<<"$jit_xor") == 4 ]] || { echo "package-smoke: expected 4 XOR predictions from the consumer, got: $jit_xor" >&2; exit 1; }

# Runs a published consumer and checks it reports success and predicts XOR as the JIT build did
# (to 0.01: vector paths and fused multiply-adds may differ by instruction set, not by more).
check_published() {
    local name="$1" binary="$2" published
    published="$("$binary")" || { echo "$published"; echo "package-smoke: the $name consumer failed" >&2; exit 1; }
    echo "$published"
    grep -qx 'NETGEN-SMOKE: OK' <<<"$published" || { echo "package-smoke: the $name consumer did not report success" >&2; exit 1; }
    if ! paste <(echo "$jit_xor") <(xor_predictions "$published") |
        awk 'NF != 2 || $1 - $2 > 0.01 || $2 - $1 > 0.01 { bad = 1 } END { exit bad + (NR != 4) }'; then
        echo "package-smoke: the $name consumer's XOR predictions differ from the JIT build's:" >&2
        paste <(echo "$jit_xor") <(xor_predictions "$published") >&2
        exit 1
    fi
    echo "package-smoke: the $name consumer predicts XOR as the JIT build does"
}

# Runs dotnet publish with the given arguments and fails on any warning it prints (they are errors
# already through TreatWarningsAsErrors; this also catches one that a target reports as a message).
publish_without_warnings() {
    local log
    log="$(mktemp "$work/publish.XXXXXX")"
    if ! dotnet publish "$@" --nologo 2>&1 | tee "$log"; then
        echo "package-smoke: dotnet publish $* failed" >&2; exit 1
    fi
    if grep -E ': warning [A-Z]+[0-9]+' "$log"; then
        echo "package-smoke: dotnet publish $* printed the warnings above" >&2; exit 1
    fi
}

rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"

# Trimming analyses the runtime and the generated code as a whole program: any IL2xxx warning
# is an error here (TreatWarningsAsErrors; TrimmerSingleWarn=false names each one).
# NETGEN_SMOKE_TRIM=0 skips it (it downloads the runtime pack for this machine's RID).
if [[ "${NETGEN_SMOKE_TRIM:-1}" == 1 ]]; then
    step "publish trimmed, self-contained, and run"
    publish_without_warnings "$consumer/App/App.csproj" -c Release -r "$rid" --self-contained -p:PublishTrimmed=true \
        -p:TrimmerSingleWarn=false -o "$work/trimmed"
    check_published trimmed "$work/trimmed/App"
fi

# Native AOT with the default instruction set, as a user who sets only PublishAot gets it. The SDK
# chooses the ILCompiler package version; ILC's IL2xxx/IL3xxx warnings are errors
# (IlcTreatWarningsAsErrors follows TreatWarningsAsErrors) and each is named (TrimmerSingleWarn=false).
if [[ "${NETGEN_SMOKE_AOT:-1}" == 1 ]]; then
    step "publish with Native AOT and run the native binary"
    publish_without_warnings "$consumer/App/App.csproj" -c Release -r "$rid" -p:PublishAot=true \
        -p:TrimmerSingleWarn=false -o "$work/aot"
    # A native executable and no managed App.dll beside it: this is not a JIT app in disguise.
    [[ "$(head -c 4 "$work/aot/App" | od -An -c | tr -d ' ')" == '177ELF' ]] || { echo "package-smoke: $work/aot/App is not an ELF executable" >&2; exit 1; }
    [[ ! -e "$work/aot/App.dll" ]] || { echo "package-smoke: the Native AOT publish left a managed App.dll" >&2; exit 1; }
    check_published "Native AOT" "$work/aot/App"
fi

step "passed"
