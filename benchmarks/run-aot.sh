#!/usr/bin/env bash
# The AOT column: times NetGen's W1-W6 networks under the JIT and as Native AOT binaries, in one run,
# and writes docs/benchmarks-aot.md.
#
#   benchmarks/run-aot.sh                          JIT, AOT with the default instruction set, with
#                                                  x86-64-v3 and with native; 3 rounds in turn
#                                                  (docs/benchmarks-aot.md says how long its run took)
#   benchmarks/run-aot.sh --rounds 1 --filter W6   one round of one workload (report still written)
#   benchmarks/run-aot.sh --seconds 2              sampling time per cell and round (default 1)
#   benchmarks/run-aot.sh --out FILE               write the report elsewhere (default docs/benchmarks-aot.md)
#
# Native AOT needs clang or gcc as the linker (.ci/run installs clang when neither is there). The
# ILCompiler packages come from the feed; the SDK chooses their version. Outputs stay in
# benchmarks/artifacts/aot/ (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

invocation="benchmarks/run-aot.sh${*:+ $*}"
rounds=3 seconds=1 filter=() report=docs/benchmarks-aot.md
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --filter) filter=(--filter "$2"); shift 2 ;;
        --out) report="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--seconds S] [--filter W1..W6] [--out FILE]" >&2; exit 2 ;;
    esac
done

run_start=$SECONDS
project=benchmarks/NetGen.Benchmarks.Aot
out="$here/artifacts/aot"
rm -rf "$out"
mkdir -p "$out/results"
rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
builds="$out/builds.txt"
: > "$builds"

# Each variant: its name, then the IlcInstructionSet to publish with ("" = the default); "jit" is built, not published.
variants=(jit aot-default aot-x86-64-v3 aot-native)
instruction_set() { case "$1" in aot-default) echo "" ;; aot-*) echo "${1#aot-}" ;; esac; }

echo "== building $project for the JIT"
start=$(date +%s.%N)
dotnet build "$project" -c Release --nologo -v:q
seconds_taken=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
jit_dir="$project/bin/Release/net10.0"
printf 'B\tjit\t%s\t%s\t%s\n' "$seconds_taken" "$(du -cb "$jit_dir"/*.dll | awk 'END { print $1 }')" \
    '`Configuration=Release` (size: the app and NetGen assemblies; the shared .NET runtime comes on top)' >> "$builds"
# run_variant VARIANT ARGUMENTS...: runs that variant's build of the runner.
run_variant() {
    local variant="$1"; shift
    if [ "$variant" = jit ]; then dotnet "$jit_dir/NetGen.Benchmarks.Aot.dll" "$@"; else "$out/$variant/NetGen.Benchmarks.Aot" "$@"; fi
}

for variant in "${variants[@]:1}"; do
    isa="$(instruction_set "$variant")"
    how="\`PublishAot=true${isa:+ IlcInstructionSet=$isa}\`"
    echo "== publishing $variant: $how"
    start=$(date +%s.%N)
    # What `-p:PublishAot=true -p:IlcInstructionSet=...` would say, through the project file (see
    # there why); each variant gets its own native folders, so no publish reuses another's code.
    NetGenBenchmarkAot=true NetGenBenchmarkInstructionSet="$isa" NetGenBenchmarkNativeDirectory="$out/native/$variant/" \
        dotnet publish "$project" -c Release -r "$rid" -o "$out/$variant" --nologo -v:q
    seconds_taken=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    printf 'B\t%s\t%s\t%s\t%s\n' "$variant" "$seconds_taken" "$(stat -c %s "$out/$variant/NetGen.Benchmarks.Aot")" "$how (size: the one native executable)" >> "$builds"
done

{
    echo "CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores, $(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo no AVX-512)"
    echo "OS: $(uname -sr)"
    echo ".NET SDK: $(dotnet --version); Native AOT linker: $(command -v clang || command -v gcc || echo none)"
    echo "Source: git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- generator runtime benchmarks 2>/dev/null || echo ' plus uncommitted changes')"
    echo "Load average before the first round (other work on the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "Sampling time: $seconds s of repetitions per cell, binary and round"
} > "$out/machine.txt"
cat "$out/machine.txt"
builds_seconds=$(( SECONDS - run_start ))

for round in $(seq 1 "$rounds"); do
    for variant in "${variants[@]}"; do
        echo "== round $round of $rounds: $variant"
        run_variant "$variant" --variant "$variant" --round "$round" --seconds "$seconds" "${filter[@]}" | tee -a "$out/results/$variant.txt"
    done
done
{
    echo "Load average after the last round: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "Duration of this run: $builds_seconds s of builds, then $(( SECONDS - run_start - builds_seconds )) s for $rounds round(s)"
} >> "$out/machine.txt"

echo "== $report"
dotnet "$jit_dir/NetGen.Benchmarks.Aot.dll" --report --results "$out/results" --variants "$(IFS=,; echo "${variants[*]}")" \
    --builds "$builds" --machine "$out/machine.txt" --command "$invocation" --out "$report"
