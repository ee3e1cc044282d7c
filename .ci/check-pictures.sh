#!/usr/bin/env bash
# Checks the pictures the Digits demo writes: each file exists and is a valid image. A PNG must start
# with the PNG signature and an IHDR chunk giving a width and height above 0; an SVG must parse as
# XML with an <svg> root. Run it after `dotnet run --project samples/Digits` (CI does).
# Usage: .ci/check-pictures.sh [DIR]   (DIR defaults to artifacts/digits, the demo's output folder)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-artifacts/digits}"

/usr/bin/python3 - "$dir" <<'PY'
import struct, sys, xml.etree.ElementTree as ET
from pathlib import Path

folder = Path(sys.argv[1])
pngs = ["learning-curve.png", "confusion-matrix.png", "misclassified.png"]
svgs = ["learning-curve.svg"]
problems = []

for name in pngs:
    path = folder / name
    if not path.is_file():
        problems.append(f"{path}: missing")
        continue
    head = path.read_bytes()[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        problems.append(f"{path}: not a PNG (no signature and IHDR chunk)")
        continue
    width, height = struct.unpack(">II", head[16:24])
    if width == 0 or height == 0:
        problems.append(f"{path}: PNG of {width} x {height} pixels")
        continue
    print(f"check-pictures: {path} is a {width} x {height} PNG")

for name in svgs:
    path = folder / name
    if not path.is_file():
        problems.append(f"{path}: missing")
        continue
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        problems.append(f"{path}: not XML ({error})")
        continue
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        problems.append(f"{path}: the root element is <{root.tag}>, not <svg>")
        continue
    print(f"check-pictures: {path} is an SVG of {root.get('width')} x {root.get('height')}")

for problem in problems:
    print("check-pictures: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
