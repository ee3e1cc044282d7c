#!/usr/bin/env bash
# Publishes the deployed iris classifier (samples/Deploy/IrisApp: weights compiled in, scaling and class
# names as constants, no file at run time) with Native AOT, checks that the native binary predicts what
# the JIT build of the same program predicts, bit for bit, and measures both:
#   - size: the native executable (the one file to deploy) against the JIT build's files plus the
#     shared .NET runtime it needs;
#   - start-up: launch to the first prediction printed, a fresh process each time (IrisApp reports it
#     against the launch time this script passes in DEPLOY_LAUNCHED_AT_US), and launch to exit; the
#     median of RUNS runs, JIT and Native AOT taking turns so that load on the machine hits both alike;
#   - per row: IrisApp --per-row (process CPU time of a raw row scaled and predicted, and of the network
#     alone), three runs of each build taking turns, the median of their medians of 7 rounds.
# The load average is printed before and after: on a shared machine it moves every number.
#
#   samples/Deploy/publish-aot.sh            11 start-up runs each, 2 s of CPU time per per-row run
#   samples/Deploy/publish-aot.sh 21 4       21 runs, 4 s
#
# Linux (it reads /proc and uses GNU stat). Needs clang or gcc as the Native AOT linker (.ci/run installs
# clang when neither is there). Outputs go to artifacts/deploy/ (ignored by git). Not part of CI: a publish
# that rebuilds takes 25-68 s on the 2-core build machine, more than CI's budget for a sample.
set -euo pipefail
export LC_ALL=C DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
invocation="samples/Deploy/publish-aot.sh${*:+ $*}"
runs="${1:-11}" seconds="${2:-2}"
project=samples/Deploy/IrisApp/IrisApp.csproj
out=artifacts/deploy
row=5.1,3.5,1.4,0.2
rows=(5.1,3.5,1.4,0.2 6.4,3.2,4.5,1.5 6.3,3.3,6.0,2.5 6.0,2.7,5.1,1.6 4.9,2.5,4.5,1.7)

linker="$(command -v clang || command -v gcc || true)"
[[ -n "$linker" ]] || { echo "publish-aot: Native AOT needs clang or gcc as the linker; install one (apt-get install clang)" >&2; exit 1; }
rid="$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); .NET SDK $(dotnet --version); linker $linker"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

started=$SECONDS
rm -rf "$out/aot"
mkdir -p "$out"
# A trim or AOT warning means the binary may behave differently from the JIT build: fail on any.
dotnet publish "$project" -c Release -r "$rid" -o "$out/aot" --nologo -v:q 2>&1 | tee "$out/publish.log"
if grep -qiE ': warning [A-Z]+[0-9]+' "$out/publish.log"; then echo "publish-aot: the publish printed the warnings above" >&2; exit 1; fi
publish_seconds=$(( SECONDS - started ))
aot="$out/aot/IrisApp"
[[ "$(head -c 4 "$aot" | od -An -c | tr -d ' ')" == '177ELF' ]] || { echo "publish-aot: $aot is not a native executable" >&2; exit 1; }
[[ ! -e "$out/aot/IrisApp.dll" ]] || { echo "publish-aot: the Native AOT publish left a managed IrisApp.dll" >&2; exit 1; }

# The JIT build of the same program, framework-dependent as `dotnet build -c Release` makes it; its apphost starts it.
dotnet build "$project" -c Release --nologo -v:q
jit_dir=samples/Deploy/IrisApp/bin/Release/net10.0
jit="$jit_dir/IrisApp"

jit_lines="$("$jit" "${rows[@]}")"
aot_lines="$("$aot" "${rows[@]}")"
echo "$aot_lines"
[[ "$jit_lines" == "$aot_lines" ]] || { echo "publish-aot: the Native AOT binary predicts differently from the JIT build:"; diff <(echo "$jit_lines") <(echo "$aot_lines"); exit 1; } >&2
echo "the Native AOT binary printed every probability of ${#rows[@]} raw rows exactly as the JIT build did"

# start_up BINARY: one fresh run on one raw row; prints "MICROSECONDS-TO-FIRST-PREDICTION MICROSECONDS-TO-EXIT".
start_up() {
    local launched ended report
    launched=${EPOCHREALTIME/./}
    report="$(DEPLOY_LAUNCHED_AT_US=$launched "$1" "$row" 2>&1 >/dev/null)"
    ended=${EPOCHREALTIME/./}
    [[ "$report" =~ printed\ ([0-9]+)\ us ]] || { echo "publish-aot: $1 did not report its first prediction: $report" >&2; exit 1; }
    echo "${BASH_REMATCH[1]} $(( ended - launched ))"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
milliseconds() { awk '{ printf "%.1f", $1 / 1000 }'; }

"$jit" "$row" > /dev/null   # the first JIT run after a build pays for loading files into the page cache
"$aot" "$row" > /dev/null
: > "$out/startup-jit.txt"; : > "$out/startup-aot.txt"
for (( i = 0; i < runs; i++ )); do
    start_up "$jit" >> "$out/startup-jit.txt"
    start_up "$aot" >> "$out/startup-aot.txt"
done

# Per row: three timing runs of each build, taking turns; each run's median, then the median of the three.
: > "$out/per-row-jit.txt"; : > "$out/per-row-aot.txt"
for (( i = 1; i <= 3; i++ )); do
    for build in jit aot; do
        binary="$jit"; [[ $build == aot ]] && binary="$aot"
        echo "per-row timing $i of 3, $build:"
        "$binary" --per-row "$seconds" | tee -a "$out/per-row-$build.txt"
    done
done
per_row() { sed -n "/^$1/s/.*median \([0-9.]*\) ns.*/\1/p" "$out/per-row-$2.txt" | median; }

runtime_dir="$(dotnet --list-runtimes | awk '/^Microsoft.NETCore.App / { v = $2; p = $3 } END { gsub(/\[|\]/, "", p); print p "/" v }')"
aot_bytes=$(stat -c %s "$aot")
jit_app_bytes=$(( $(cat "$jit" "$jit_dir"/{IrisApp,NetGen,System.Numerics.Tensors}.dll | wc -c) ))
runtime_bytes=$(du -sb "$runtime_dir" | cut -f1)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "$(date -u '+%F %H:%M UTC'), $invocation; Native AOT publish: ${publish_seconds} s"
echo "| | Native AOT | JIT (framework-dependent) |"
echo "|---|---|---|"
echo "| size | $(mb "$aot_bytes"), one executable | $(mb "$jit_app_bytes") (apphost, IrisApp.dll, NetGen.dll, System.Numerics.Tensors.dll) + the shared runtime ($(mb "$runtime_bytes")) |"
echo "| start-up to first prediction, median of $runs | $(cut -d' ' -f1 "$out/startup-aot.txt" | median | milliseconds) ms | $(cut -d' ' -f1 "$out/startup-jit.txt" | median | milliseconds) ms |"
echo "| launch to exit, median of $runs | $(cut -d' ' -f2 "$out/startup-aot.txt" | median | milliseconds) ms | $(cut -d' ' -f2 "$out/startup-jit.txt" | median | milliseconds) ms |"
echo "| per raw row (scaling and network), CPU time | $(per_row raw aot) ns | $(per_row raw jit) ns |"
echo "| per scaled row, network alone, CPU time | $(per_row scaled aot) ns | $(per_row scaled jit) ns |"
