#!/usr/bin/env python3
"""Draws random probe shapes for probes.txt, in its columns, before any of them is timed.

    python3 benchmarks/sweep/draw_probes.py LETTER SEED [--narrow N]

Four shapes of each kind the outside checks time, in this order: deeper (3-4 hidden layers), wider (a hidden layer of
600-1100 units), odd widths (no multiple of 8), dense ReLU, wide tanh, just past the unroll limit (one layer of 65-96
weights), small; every hidden activation and output kind, both precisions. `--narrow N` appends N shapes of the layout
the sweep is weakest on (a first layer of 6-15 inputs and 100-400 units, as f21's 9-130-1), drawn after the 28 others,
so that they leave those 28 as they are.

The recipe is the one of n01-n28 (LETTER n, SEED 202612053 prints them again). The m- and r-draws were made by
variants of it that were not kept: LETTER m, SEED 202612054 does not print m01-m28. Ids are LETTER01, LETTER02, ...; pick a letter probes.txt does not use yet.
"""
import random
import sys

HIDDEN = ["relu", "leaky", "tanh", "sigmoid", "identity", "gelu", "silu", "elu", "softplus"]
OUTPUTS = [("identity", "mse"), ("identity", "hse"), ("sigmoid", "bce"), ("softmax", "ce"), ("tanh", "mse")]


def draw(seed, narrow):
    r = random.Random(seed)
    rows = []

    def odd(lo, hi):
        while True:
            v = r.randint(lo, hi)
            if v % 8:
                return v

    def add(sizes, activations):
        output, loss = r.choice(OUTPUTS)
        if output == "softmax" and sizes[-1] < 2:
            sizes[-1] = r.randint(2, 10)
        if output == "sigmoid" and r.random() < 0.5:
            sizes[-1] = 1
        rows.append((sizes, activations + [output], loss, r.choice(["single", "double"])))

    for _ in range(4):  # deeper
        n = r.randint(3, 4)
        add([r.randint(8, 300)] + [r.randint(16, 260) for _ in range(n)] + [r.randint(1, 10)], [r.choice(HIDDEN) for _ in range(n)])
    for _ in range(4):  # wider
        add([r.randint(20, 800), r.randint(600, 1100), r.randint(1, 10)], [r.choice(HIDDEN)])
    for _ in range(4):  # odd widths
        n = r.randint(1, 2)
        add([odd(3, 300)] + [odd(9, 260) for _ in range(n)] + [odd(1, 13)], [r.choice(HIDDEN) for _ in range(n)])
    for _ in range(4):  # dense ReLU
        n = r.randint(1, 2)
        add([r.randint(30, 784)] + [r.randint(64, 512) for _ in range(n)] + [r.randint(1, 10)], ["relu"] * n)
    for _ in range(4):  # wide tanh
        add([r.randint(10, 400), r.randint(300, 1024), r.randint(1, 10)], ["tanh"])
    for _ in range(4):  # just past the unroll limit: a layer of 65-96 weights
        i = r.randint(5, 12)
        h = r.randint(65 // i + 1, 96 // i)
        add([i, h, r.randint(1, 4)], [r.choice(HIDDEN)])
    for _ in range(4):  # small
        add([r.randint(2, 6), r.randint(4, 40), r.randint(1, 4)], [r.choice(HIDDEN)])
    for _ in range(narrow):  # a first layer of few inputs and many units
        add([r.randint(6, 15), r.randint(100, 400), r.randint(1, 10)], [r.choice(HIDDEN)])
    return rows


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    narrow = 0
    if "--narrow" in argv:
        narrow = int(argv[argv.index("--narrow") + 1])
        args.remove(str(narrow))
    if len(args) != 2 or len(args[0]) != 1 or not args[0].isalpha():
        sys.exit(__doc__)
    letter, seed = args[0], int(args[1])
    for j, (sizes, activations, loss, precision) in enumerate(draw(seed, narrow), 1):
        print(f"{letter}{j:02d}    {'-'.join(map(str, sizes))}    {','.join(activations)}    {loss}    {precision}    probe")


if __name__ == "__main__":
    main(sys.argv[1:])
