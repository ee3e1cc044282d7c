#!/usr/bin/env bash
# The shape sweep of issue 13: every shape of shapes.txt in generated C and through NetGen, one table.
#
#   benchmarks/sweep/run.sh                full run: 3 rounds (C sweep, then NetGen sweep), 0.2 s per
#                                          cell; writes benchmarks/sweep/artifacts/sweep.md and the
#                                          "Shape sweep" section of docs/benchmarks.md
#   benchmarks/sweep/run.sh --quick        checksums only (CI), the sweep's shapes and the probes of probes.txt:
#                                          exit 1 on a mismatch
#   benchmarks/sweep/run.sh --gflops       GFLOP/s of TrainBatch / BackwardBatch, 784-128-10, dense, batch
#                                          32 / 128 / 512, and this machine's single-core FMA peak (c/fma_peak.c);
#                                          ends with a table: each call's fastest and median repetition against
#                                          the peak's fastest and median run
#   benchmarks/sweep/run.sh --cold [N]     cold start, N fresh processes each (default 5): first Predict,
#                                          first Train, the 10 epochs of Fit on 8,000 MNIST digits, under the
#                                          JIT (defaults, NetGen's background warm-up off, three runtime
#                                          settings), ReadyToRun and Native AOT, and under the JIT with the
#                                          network constructed just before Fit (fit-late); prints the table
#                                          of docs/benchmarks.md's "Cold start"
#   options: --rounds N  --seconds S (timed seconds per cell)  --warmup S (NetGen warm-up per cell)
#            ID ...  only these shapes (the docs are then left alone)
#
# Outputs stay in benchmarks/sweep/artifacts/ (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
python=/usr/bin/python3

quick=false rounds=3 seconds=0.2 warmup=0.5 ids=() mode=sweep cold_runs=5
mnist="${NETGEN_MNIST:-$repo/samples/Mnist/data}"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true; shift ;;
        --gflops) mode=gflops; shift ;;
        --cold) mode=cold; shift; if [[ "${1:-}" =~ ^[0-9]+$ ]]; then cold_runs="$1"; shift; fi ;;
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        -*) echo "usage: $0 [--quick | --gflops | --cold [N]] [--rounds N] [--seconds S] [--warmup S] [ID ...]" >&2; exit 2 ;;
        *) ids+=("$1"); shift ;;
    esac
done

out="$here/artifacts"
mkdir -p "$out"
project="$here/NetGen.Sweep"
dll="$project/bin/Release/net10.0/NetGen.Sweep.dll"

# Other builds may hold file locks in the shared tree: retry a few times.
build() {
    local attempt
    for attempt in 1 2 3; do
        if dotnet build "$1" -c Release --nologo -v:q > "$out/build.log" 2>&1; then return 0; fi
        echo "build failed (attempt $attempt), retrying..." >&2
        sleep 5
    done
    cat "$out/build.log" >&2
    return 1
}
load() { uptime | sed 's/.*load average/load average/'; }

if [ "$mode" = cold ]; then
    # One application (NetGen.ColdStart), one measurement per fresh process, in these builds and settings:
    #   jit          dotnet NetGen.ColdStart.dll, default runtime settings (what a user gets)
    #   jit-warmup0  the same with NetGen's background warm-up turned off (NetworkWarmUp.DisableSwitchName, in a copy
    #                of the runtime configuration)
    #   jit-pgo0 ... the same with one runtime setting a user can make (DOTNET_ variables here; the
    #                same as the MSBuild properties TieredPGO, TieredCompilationQuickJitForLoops, TieredCompilation)
    #   r2r          published with PublishReadyToRun (every assembly, NetGen.dll included)
    #   aot          published with PublishAot (default instruction set), and aot-native (IlcInstructionSet=native)
    cold="$here/NetGen.ColdStart"
    build "$cold"
    rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
    published=()
    for variant in r2r aot aot-native; do
        kind="${variant%%-*}" isa=""
        [ "$variant" = aot-native ] && isa=native
        echo "== publishing NetGen.ColdStart: $variant" >&2
        if NetGenColdStartPublish="$kind" NetGenColdStartInstructionSet="$isa" NetGenColdStartPublishDirectory="$out/cold-$variant/native/" \
            dotnet publish "$cold" -c Release -r "$rid" -o "$out/cold-$variant" --nologo -v:q > "$out/publish-$variant.log" 2>&1; then
            published+=("$variant")
        else
            echo "publishing $variant failed (see $out/publish-$variant.log); it is left out" >&2
        fi
    done
    jit=(dotnet "$cold/bin/Release/net10.0/NetGen.ColdStart.dll")
    # The warm-up's switch as a user sets it in a project file: in the runtime configuration, which the runtime reads
    # before the assembly's module initializer starts the warm-up (AppContext.SetSwitch in Main would come too late).
    /usr/bin/python3 - "$cold/bin/Release/net10.0/NetGen.ColdStart.runtimeconfig.json" "$out/cold-warmup0.runtimeconfig.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["runtimeOptions"].setdefault("configProperties", {})["NetGen.DisableBackgroundWarmUp"] = True
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY
    jit_warmup0=(dotnet exec --runtimeconfig "$out/cold-warmup0.runtimeconfig.json" "$cold/bin/Release/net10.0/NetGen.ColdStart.dll")
    variants=(jit jit-warmup0 jit-pgo0 jit-loops0 jit-tc0 "${published[@]}")
    run_variant() { # VARIANT ARGUMENTS...
        local variant="$1"; shift
        case "$variant" in
            jit) "${jit[@]}" "$@" ;;
            jit-warmup0) "${jit_warmup0[@]}" "$@" ;;
            jit-pgo0) DOTNET_TieredPGO=0 "${jit[@]}" "$@" ;;
            jit-loops0) DOTNET_TC_QuickJitForLoops=0 "${jit[@]}" "$@" ;;
            jit-tc0) DOTNET_TieredCompilation=0 "${jit[@]}" "$@" ;;
            r2r) "$out/cold-r2r/NetGen.ColdStart" "$@" ;;
            aot*) "$out/cold-$variant/NetGen.ColdStart" "$@" ;;
        esac
    }
    {
        printf 'L\tbefore %s\n' "$(load)"
        # Rounds of every variant in turn, so that a change of load spreads over all of them.
        for run in $(seq 1 "$cold_runs"); do
            for variant in "${variants[@]}"; do
                ops=(predict train fit)
                # fit-late: the network constructed just before Fit, so its warm-up overlaps nothing (JIT only).
                case "$variant" in jit|jit-warmup0) ops+=(fit-late) ;; esac
                for op in "${ops[@]}"; do
                    start=$(date +%s%N)
                    lines=$(run_variant "$variant" $op "$mnist" 2> "$out/cold-$op.log")
                    wall=$(( ($(date +%s%N) - start) / 1000000 ))
                    # The C line gets the process's wall time from launch to exit appended.
                    printf '%s\n' "$lines" | sed "s/^/$variant\t/; /\tC\t/s/\$/\t$wall/"
                done
            done
        done
        printf 'L\tafter %s\n' "$(load)"
    } | tee "$out/cold.txt" >&2
    exec $python "$here/report.py" --cold "$out/cold.txt"
fi
if [ "$mode" = gflops ]; then
    gcc -O2 -march=native -Wall -o "$out/fma_peak" "$here/c/fma_peak.c"
    build "$project"
    echo "load before: $(load)"
    "$out/fma_peak" | tee "$out/gflops.txt"
    dotnet "$dll" --gflops --time 1 --warmup 1 | grep '^G' | tee -a "$out/gflops.txt"
    "$out/fma_peak" | tee -a "$out/gflops.txt"
    echo "load after: $(load)"
    # The issue's bound: TrainBatch at 128 rows or more on one thread at half the FMA peak or more. Each call's fastest
    # repetition against the peak's fastest run (the two FMA lines around the calls), and the medians against its median.
    $python - "$out/gflops.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
peaks = [(float(b), float(m)) for b, m in re.findall(r"best ([0-9.]+) GFLOP/s, median ([0-9.]+) GFLOP/s", text)]
best_peak, median_peak = max(b for b, _ in peaks), max(m for _, m in peaks)
print(f"| call | rows | fastest: GFLOP/s, % of peak {best_peak:.1f} | median: GFLOP/s, % of median peak {median_peak:.1f} |")
print("|---|---:|---:|---:|")
for line in text.splitlines():
    f = line.split("\t")
    if f[0] == "G" and len(f) >= 7:
        print(f"| {f[1]} | {f[2]} | {float(f[6]):.1f}, {100 * float(f[6]) / best_peak:.0f}% | {float(f[4]):.1f}, {100 * float(f[4]) / median_peak:.0f}% |")
PY
    exit 0
fi

echo "== generated sources"
$python "$here/gen.py" check "$project/Shapes.g.cs"
$python "$here/gen.py" c "$out/c"

if command -v gcc > /dev/null; then
    echo "== C (gcc -O3 -march=native, no fast-math)"
    gcc -O3 -march=native -Wall -Wno-unknown-pragmas -Wno-unused-function -I "$out/c" -o "$out/sweep_c" "$here/c/sweep_c.c" -lm
elif ! $quick; then
    echo "gcc is needed for a timed run (the C side)" >&2
    exit 1
fi

echo "== NetGen.Sweep"
build "$project"

if $quick; then
    c_checks="$here/c-checksums.txt" # recorded (gcc 12.2, -O3 -march=native; the sweep and the v, w, q, g, u, h, p, t, k, n, m, e, r, s, a and b probes on AMD EPYC, the others on an Intel Xeon): used without gcc
    if command -v gcc > /dev/null; then
        "$out/sweep_c" 0 check "${ids[@]}" > "$out/c-check.txt"
        c_checks="$out/c-check.txt"
    else
        echo "== no gcc: comparing with the C checksums recorded in c-checksums.txt"
        if [ ${#ids[@]} -gt 0 ]; then
            awk -v ids=" ${ids[*]} " 'index(ids, " " $3 " ")' "$c_checks" > "$out/c-check.txt"
            c_checks="$out/c-check.txt"
        fi
    fi
    dotnet "$dll" --check "${ids[@]}" > "$out/netgen-check.txt"
    exec $python "$here/report.py" --c "$c_checks" --netgen "$out/netgen-check.txt"
fi

{
    echo "Measured at git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- generator runtime 2>/dev/null || echo ' plus uncommitted changes') on $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores, $(gcc --version | head -1), .NET SDK $(dotnet --version)."
    echo "Load before: $(load)."
} > "$out/machine.txt"
# A full timed run times the sweep's shapes (shapes.txt), not the checksum probes (probes.txt), and writes the docs.
splice=()
if [ ${#ids[@]} -eq 0 ]; then
    mapfile -t ids < <(awk '!/^#/ && NF { print $1 }' "$here/shapes.txt")
    splice=(--splice docs/benchmarks.md)
fi
c_files=() ng_files=()
for round in $(seq 1 "$rounds"); do
    echo "== round $round of $rounds: C, then NetGen (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    "$out/sweep_c" "$seconds" "${ids[@]}" > "$out/c-$round.txt"
    dotnet "$dll" --time "$seconds" --warmup "$warmup" "${ids[@]}" > "$out/netgen-$round.txt"
    c_files+=("$out/c-$round.txt") ng_files+=("$out/netgen-$round.txt")
done
echo "Load after: $(load)." >> "$out/machine.txt"

$python "$here/report.py" --c "${c_files[@]}" --netgen "${ng_files[@]}" --machine "$out/machine.txt" --out "$out/sweep.md" "${splice[@]}"
