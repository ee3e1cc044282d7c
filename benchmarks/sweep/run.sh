#!/usr/bin/env bash
# The shape sweep of issue 13: every shape of shapes.txt in generated C and through NetGen, one table.
#
#   benchmarks/sweep/run.sh                full run: 3 rounds (C sweep, then NetGen sweep), 0.2 s per
#                                          cell; writes benchmarks/sweep/artifacts/sweep.md and the
#                                          "Shape sweep" section of docs/benchmarks.md
#   benchmarks/sweep/run.sh --quick        checksums only (CI): exit 1 on a mismatch
#   options: --rounds N  --seconds S (timed seconds per cell)  --warmup S (NetGen warm-up per cell)
#            ID ...  only these shapes (the docs are then left alone)
#
# Outputs stay in benchmarks/sweep/artifacts/ (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
python=/usr/bin/python3

quick=false rounds=3 seconds=0.2 warmup=0.5 ids=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true; shift ;;
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        -*) echo "usage: $0 [--quick] [--rounds N] [--seconds S] [--warmup S] [ID ...]" >&2; exit 2 ;;
        *) ids+=("$1"); shift ;;
    esac
done

out="$here/artifacts"
mkdir -p "$out"
project="$here/NetGen.Sweep"
dll="$project/bin/Release/net10.0/NetGen.Sweep.dll"

echo "== generated sources"
$python "$here/gen.py" check "$project/Shapes.g.cs"
$python "$here/gen.py" c "$out/c"

echo "== C (gcc -O3 -march=native, no fast-math)"
gcc -O3 -march=native -Wall -Wno-unknown-pragmas -Wno-unused-function -I "$out/c" -o "$out/sweep_c" "$here/c/sweep_c.c" -lm

echo "== NetGen.Sweep"
# Other builds may hold file locks in the shared tree: retry a few times.
for attempt in 1 2 3; do
    if dotnet build "$project" -c Release --nologo -v:q > "$out/build.log" 2>&1; then break; fi
    if [ "$attempt" = 3 ]; then cat "$out/build.log" >&2; exit 1; fi
    echo "build failed (attempt $attempt), retrying..." >&2
    sleep 5
done

if $quick; then
    "$out/sweep_c" 0 check "${ids[@]}" > "$out/c-check.txt"
    dotnet "$dll" --check "${ids[@]}" > "$out/netgen-check.txt"
    exec $python "$here/report.py" --c "$out/c-check.txt" --netgen "$out/netgen-check.txt"
fi

{
    echo "Measured at git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- generator runtime 2>/dev/null || echo ' plus uncommitted changes') on $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores, $(gcc --version | head -1), .NET SDK $(dotnet --version)."
    echo "Load before: $(uptime | sed 's/.*load average/load average/')."
} > "$out/machine.txt"
c_files=() ng_files=()
for round in $(seq 1 "$rounds"); do
    echo "== round $round of $rounds: C, then NetGen (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$out/sweep_c" "$seconds" "${ids[@]}" > "$out/c-$round.txt"
    dotnet "$dll" --time "$seconds" --warmup "$warmup" "${ids[@]}" > "$out/netgen-$round.txt"
    c_files+=("$out/c-$round.txt") ng_files+=("$out/netgen-$round.txt")
done
echo "Load after: $(uptime | sed 's/.*load average/load average/')." >> "$out/machine.txt"

splice=()
[ ${#ids[@]} -eq 0 ] && splice=(--splice docs/benchmarks.md)
$python "$here/report.py" --c "${c_files[@]}" --netgen "${ng_files[@]}" --machine "$out/machine.txt" --out "$out/sweep.md" "${splice[@]}"
