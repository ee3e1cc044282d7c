#!/usr/bin/env bash
# Which optimised methods call a vector helper that should have been inlined: runs every shape of the
# sweep briefly with DOTNET_JitDisasm='*' (all methods the JIT compiles, every tier) and scans the
# listings of tier-1, OSR and fully optimised code for calls to the helpers NetGen marks
# AggressiveInlining (the IVectorWidth structs' members, the row-block helpers, the operators'
# Invoke, the vector exp). Such a call passes its vectors through memory; it means the caller ran out
# of the JIT's inlining budget (see Kernels' remarks on NoInlining).
#
#   benchmarks/sweep/inlining-check.sh      ~2 min on 2 cores; exit 1 when a runtime method (NetGen's
#                                            own kernels) makes such a call; calls from generated
#                                            network methods are listed for information
#
# Outputs: benchmarks/sweep/artifacts/jit-disasm.txt (about 30 MB) and inlining.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/artifacts"
mkdir -p "$out"
project="$here/NetGen.Sweep"
dotnet build "$project" -c Release --nologo -v:q > "$out/build.log"
rm -f "$out/jit-disasm.txt"
DOTNET_JitStdOutFile="$out/jit-disasm.txt" DOTNET_JitDisasm='*' \
    dotnet "$project/bin/Release/net10.0/NetGen.Sweep.dll" --time 0.05 --warmup 0.3 > /dev/null

# One line per (optimised method, helper) pair: the count, then the method, then the helper.
awk '
/^; Assembly listing for method / {
    method = $0; sub(/^; Assembly listing for method /, "", method)
    # Headers end in (Tier0), (Instrumented Tier0), (Tier1), (Instrumented Tier1), (Tier1-OSR ...), (FullOpts), (Tier0-FullOpts).
    optimised = method ~ /\((Instrumented )?Tier1[^)]*\)$/ || method ~ /FullOpts\)$/
    next
}
optimised && /call +\[/ {
    target = $0; sub(/^.*call +\[/, "", target); sub(/\]$/, "", target)
    if (target ~ /^NetGen\.(Width(128|256|512)|ScalarWidth)`1\[[a-z]+\]:/ ||
        target ~ /^NetGen\.[A-Za-z]+Operator`1\[[a-z]+\]:Invoke\(/ ||
        target ~ /^NetGen\.VectorExp:/ ||
        target ~ /^NetGen\.KernelsAt`5\[.*\]:(EightRows|FourRows|ReduceEightPlusBias|Half)[\[(]/)
        count[method "\t" target]++
}
END { for (key in count) print count[key] "\t" key }
' "$out/jit-disasm.txt" | sort -t$'\t' -k2,2 > "$out/inlining.txt"

# Distinct methods (a method may call several helpers), the runtime's own apart from the rest.
runtime_method='^NetGen\.(Kernels|KernelsAt|[A-Za-z]+Operator|VectorExp|AdamUpdate)'
runtime=$(cut -f2 "$out/inlining.txt" | sort -u | grep -cE "$runtime_method" || true)
generated=$(cut -f2 "$out/inlining.txt" | sort -u | grep -cvE "$runtime_method" || true)
echo "optimised methods calling a vector helper: $runtime in the runtime, $generated elsewhere (generated networks, the harness)"
cut -f1,2,3 "$out/inlining.txt" | cut -c1-240 | head -40
[ "$runtime" -eq 0 ]
