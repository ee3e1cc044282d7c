#!/usr/bin/env bash
# Runs the C reference and the BenchmarkDotNet suite in one go and writes docs/benchmarks.md.
#
#   benchmarks/run.sh            full run (~10 min on 2 cores): C reference, checksums, generator
#                                size/time, build time, BenchmarkDotNet over W1-W6, docs/benchmarks.md
#   benchmarks/run.sh --quick    checksum smoke test only (a few seconds; CI): every implementation,
#                                one repetition per cell, compared with the C reference's checksums
#   extra arguments after --bdn are passed to BenchmarkDotNet, e.g. run.sh --bdn --filter '*W4*'
#
# Outputs of a full run are kept in benchmarks/artifacts/ (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

invocation="benchmarks/run.sh${*:+ $*}"
quick=false
bdn_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true; shift ;;
        --bdn) shift; bdn_args=("$@"); break ;;
        *) echo "usage: $0 [--quick] [--bdn BenchmarkDotNet-args...]" >&2; exit 2 ;;
    esac
done

project=benchmarks/NetGen.Benchmarks
exe="$project/bin/Release/net10.0/NetGen.Benchmarks.dll"
out="$here/artifacts"
mkdir -p "$out"

# Other builds may hold file locks in the shared tree: retry a build a few times.
build() {
    local attempt
    for attempt in 1 2 3; do
        if dotnet build "$@" -c Release --nologo -v:q > "$out/build.log" 2>&1; then return 0; fi
        echo "build failed (attempt $attempt), retrying..." >&2
        sleep 5
    done
    cat "$out/build.log" >&2
    return 1
}

echo "== building $project"
build "$project"

c_output="$out/c-reference.txt"
c_args=()
if command -v gcc > /dev/null; then
    # --quick: a short C run just for its checksums; full: 0.25 s per cell like the shared reference.
    echo "== C reference (benchmarks/c-reference/run-c.sh)"
    TMPDIR="$out" "$here/c-reference/run-c.sh" "$($quick && echo 0.001 || echo 0.25)" | tee "$c_output"
    c_args=(--c-output "$c_output")
elif ! $quick; then
    echo "gcc is needed for a full run (the C reference)" >&2
    exit 1
else
    echo "== no gcc: comparing with the checksums recorded in Harness/Checksums.cs"
fi

echo "== checksums"
dotnet "$exe" --quick "${c_args[@]}" | tee "$out/checksums.txt"
$quick && exit 0

echo "== generated source size and generator time"
build benchmarks/NetGen.GeneratorStats
dotnet benchmarks/NetGen.GeneratorStats/bin/Release/net10.0/NetGen.GeneratorStats.dll | tee "$out/generator.txt"

echo "== build time of the project with all its networks (W1-W6 and the two of --deep)"
touch "$project/Networks/Networks.cs"
start=$(date +%s.%N)
dotnet build "$project" -c Release --nologo --no-restore --no-dependencies -v:q > "$out/build-time.log" 2>&1
build_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
touch "$project/Networks/Networks.cs"
dotnet build "$project" -c Release --nologo --no-restore --no-dependencies -p:ReportAnalyzer=true -v:d > "$out/build-analyzers.log" 2>&1
generator_s=$(awk '/NetGen.Generator.NetworkGenerator$/ { print $1; exit }' "$out/build-analyzers.log")

{
    echo "CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores, $(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo no AVX-512)"
    echo "OS: $(uname -sr)"
    echo "C compiler: $(gcc --version | head -1), gcc -O3 -march=native"
    echo ".NET SDK: $(dotnet --version)"
    echo "Source: git $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- generator runtime 2>/dev/null || echo ' plus uncommitted changes'); generator sources (generator/**/*.cs) sha256 $(find generator -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)"
    echo "Load average before the .NET suite (other work on the machine skews every number): $(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'build: Incremental build of NetGen.Benchmarks after touching the network declarations (compile only, `--no-dependencies`, compiler server): %.1f s wall. ' "$build_s"
    echo "NetGen generator time inside a cold command-line compile of that project (\`-p:ReportAnalyzer=true\`, includes loading and JIT-compiling the generator): ${generator_s:-?} s for all eight networks (W1-W6 and the two of \`--deep\`)."
} > "$out/machine.txt"
cat "$out/machine.txt"

echo "== BenchmarkDotNet"
rm -rf "$out/bdn"
if [ ${#bdn_args[@]} -eq 0 ]; then bdn_args=(--filter '*'); fi
NETGEN_C_OUTPUT="$c_output" dotnet "$exe" "${bdn_args[@]}" --artifacts "$out/bdn" | tee "$out/bdn.log"

echo "== docs/benchmarks.md"
dotnet "$exe" --report --results "$out/bdn/results" --c-output "$c_output" --quick-output "$out/checksums.txt" \
    --generator "$out/generator.txt" --machine "$out/machine.txt" --notes "$here/NOTES.md" \
    --command "$invocation" --out docs/benchmarks.md
# The shape sweep's section (benchmarks/sweep/RESULTS.md, written by benchmarks/sweep/run.sh) is kept.
/usr/bin/python3 "$here/sweep/report.py" --splice-results docs/benchmarks.md
