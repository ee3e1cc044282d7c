#!/usr/bin/env bash
# Accepts every snapshot the last test run left as *.received.cs: each replaces its *.verified.cs.
# Review `git diff` afterwards: the verified files are the generated code we promise.
set -euo pipefail
cd "$(dirname "$0")"
found=0
while IFS= read -r -d '' received; do
  mv "$received" "${received%.received.cs}.verified.cs"
  echo "accepted ${received%.received.cs}.verified.cs"
  found=1
done < <(find . -name '*.received.cs' -print0)
[ "$found" = 1 ] || echo "no received snapshots to accept"
