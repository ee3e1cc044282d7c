#!/usr/bin/python3
"""Generates both sides of the shape sweep from shapes.txt and probes.txt (python3 standard library only).

  gen.py c DIR       one C file per shape (DIR/<id>.c) and DIR/shapes.inc, which sweep_c.c includes
  gen.py cs FILE     the NetGen declarations and their runners (NetGen.Sweep/Shapes.g.cs, checked in)
  gen.py check FILE  exit 1 when FILE is not what `gen.py cs` would write now (CI: the checked-in file is current)

The C is what a careful C programmer writes for one fixed shape: compile-time sizes, static
arrays, every loop either an axpy over contiguous memory (gcc -O3 vectorises it) or a dot product
with explicit vector accumulators (a float reduction is never vectorised without -ffast-math, so
the dot is written with GCC vector extensions, as net2.h does). Each layer's weights are stored
along its longer side: in-major W[i][j] when it has at least as many outputs as inputs (forward
pass = axpy over the outputs), out-major W[j][i] otherwise (forward pass = dot over the inputs),
so that every product of the layer runs along the long axis. libm's exp / tanh (erf, expm1, log1p for the smooth activations), no fast-math.
Weights, biases and inputs come from common.h's winit / binit / xdata, inputs centred (xdata - 0.5).
"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = os.path.join(HERE, "shapes.txt")
PROBES = os.path.join(HERE, "probes.txt")  # checksum-only shapes: generated on both sides, timed only when named

ACTIVATIONS = {"identity": "Identity", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU",
               "leaky": "LeakyReLU", "softmax": "Softmax", "gelu": "GELU", "silu": "SiLU", "elu": "ELU",
               "softplus": "Softplus"}
# Activations whose derivative needs z, not the output: the C keeps each such layer's z beside its outputs
# (the zk buffer, the activations' layout), as NetGen keeps z for them. Their C functions are sweep_c.c's
# (PyTorch's formulas over libm's erf, exp, expm1 and log1p).
FROM_Z = ("gelu", "silu", "softplus")
LOSSES = {"hse": "HalfSquaredError", "mse": "MeanSquaredError", "bce": "BinaryCrossEntropy",
          "ce": "CrossEntropy"}
LEARNING_RATE = 0.01
SAMPLES = 64          # synthetic samples, cycled (NS in peers_c.c)
BATCH = 32


class Shape:
    def __init__(self, line):
        fields = line.split()
        self.id, sizes, acts, self.loss, precision = fields[:5]
        self.note = " ".join(fields[5:])
        self.sizes = [int(n) for n in sizes.split("-")]
        self.acts = acts.split(",")
        self.single = precision == "single"
        if precision not in ("single", "double"):
            raise SystemExit(f"{self.id}: precision '{precision}'")
        if len(self.acts) != len(self.sizes) - 1:
            raise SystemExit(f"{self.id}: {len(self.acts)} activations for {len(self.sizes) - 1} weight layers")
        for a in self.acts:
            if a not in ACTIVATIONS:
                raise SystemExit(f"{self.id}: activation '{a}'")
        if self.loss not in LOSSES:
            raise SystemExit(f"{self.id}: loss '{self.loss}'")
        if (self.loss == "ce") != (self.acts[-1] == "softmax") or "softmax" in self.acts[:-1]:
            raise SystemExit(f"{self.id}: softmax must be the output exactly when the loss is ce")
        if self.loss == "bce" and self.acts[-1] != "sigmoid":
            raise SystemExit(f"{self.id}: bce needs a sigmoid output")
        self.t = "float" if self.single else "double"
        self.layers = len(self.sizes) - 1
        self.weights = sum(self.sizes[k] * self.sizes[k + 1] for k in range(self.layers))
        self.units = sum(self.sizes[1:])
        self.params = self.weights + self.units
        # Ops per timed repetition: enough work that a repetition takes tens of microseconds
        # (well above the clock's resolution), at most peers_c.c's 2000 for the tiniest nets.
        # Costs in rough flops; a transcendental or a branch per unit counted as 20.
        step_cost = 6 * self.weights + 20 * self.units
        infer_cost = 2 * self.weights + 20 * self.units
        self.step_ops = max(1, min(2000, math.ceil(400_000 / step_cost)))
        self.infer_ops = max(1, min(2000, math.ceil(200_000 / infer_cost)))
        self.batch_ops = max(1, min(50, math.ceil(2_000_000 / (BATCH * step_cost))))

    @property
    def class_name(self):
        return self.id.upper() + "Net"

    def in_major(self, k):
        """Layer k stored W[i][j] (inputs major) when it has at least as many outputs as inputs."""
        return self.sizes[k + 1] >= self.sizes[k]

    def target_expr(self, lang):
        """Target k of sample s, computed in double (then rounded once to T), identical in C and C#."""
        sin = "sin" if lang == "c" else "Math.Sin"
        no = self.sizes[-1]
        if self.loss == "ce":
            return f"(k == s % {no} ? 1.0 : 0.0)"
        if self.loss == "bce":
            return "(double)((s + k) % 2)"
        offset = "0.5 + " if self.acts[-1] == "sigmoid" else ""
        return f"({offset}0.4 * {sin}(0.1 * s + 0.7 * k))"


def read_shapes():
    """The sweep's shapes (shapes.txt), then the checksum probes (probes.txt)."""
    shapes = []
    for path in (SHAPES, PROBES):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    shapes.append(Shape(line))
    ids = [s.id for s in shapes]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate shape ids")
    return shapes


# ---------------------------------------------------------------- C

def c_round_up(n, t):
    lanes = 16 if t == "float" else 8   # one 64-byte line
    return (n + lanes - 1) // lanes * lanes


def c_activation(act, t, z, n):
    f = "f" if t == "float" else ""
    if act == "identity":
        return []
    if act == "relu":
        return [f"for (int j = 0; j < {n}; j++) {z}[j] = {z}[j] > 0 ? {z}[j] : 0;"]
    if act == "leaky":
        return [f"for (int j = 0; j < {n}; j++) {z}[j] = {z}[j] > 0 ? {z}[j] : ({t})0.01 * {z}[j];"]
    if act == "sigmoid":
        return [f"for (int j = 0; j < {n}; j++) {z}[j] = ({t})1 / (({t})1 + exp{f}(-{z}[j]));"]
    if act == "tanh":
        return [f"for (int j = 0; j < {n}; j++) {z}[j] = tanh{f}({z}[j]);"]
    if act in ("gelu", "silu", "elu", "softplus"):
        return [f"for (int j = 0; j < {n}; j++) {z}[j] = {act}_{f or 'd'}({z}[j]);"]
    if act == "softmax":
        return [f"{{ {t} m = {z}[0];",
                f"  for (int j = 1; j < {n}; j++) m = {z}[j] > m ? {z}[j] : m;",
                f"  {t} s = 0;",
                f"  for (int j = 0; j < {n}; j++) {{ {z}[j] = exp{f}({z}[j] - m); s += {z}[j]; }}",
                f"  const {t} inv = ({t})1 / s;",
                f"  for (int j = 0; j < {n}; j++) {z}[j] *= inv; }}"]
    raise ValueError(act)


def c_derivative(act, t, a, z=None):
    """f'(z) written through the activation's value a = f(z), or through z itself for FROM_Z."""
    if act in FROM_Z:
        return f"d{act}_{'f' if t == 'float' else 'd'}({z})"
    if act == "elu":
        return f"({a} > 0 ? ({t})1 : {a} + ({t})1)"
    return {"identity": None, "sigmoid": f"({a} * (({t})1 - {a}))", "tanh": f"(({t})1 - {a} * {a})",
            "relu": f"({a} > 0 ? ({t})1 : ({t})0)", "leaky": f"({a} > 0 ? ({t})1 : ({t})0.01)"}[act]


def emit_c(shape):
    p, t, sz, L = shape.id + "_", shape.t, shape.sizes, shape.layers
    dot = "dot_f" if t == "float" else "dot_d"
    # parameter block: per layer W (stored along its long side) then b, each starting on a 64-byte line
    woff, boff, off = [], [], 0
    for k in range(L):
        woff.append(off)
        off = c_round_up(off + sz[k] * sz[k + 1], t)
        boff.append(off)
        off = c_round_up(off + sz[k + 1], t)
    nparam = off
    # activation buffer: every layer's output, each on its own line
    aoff, off = [], 0
    for k in range(L):
        aoff.append(off)
        off = c_round_up(off + sz[k + 1], t)
    nact = off
    no_out = sz[-1]
    out_off = aoff[-1]

    def src(k, a):  # input of layer k given the activation buffer expression a
        return "x" if k == 0 else f"({a} + {aoff[k - 1]})"

    o = []
    w = o.append
    w(f"/* {shape.id}: {'-'.join(map(str, sz))}, {','.join(shape.acts)}, {shape.loss}, {t}. Generated by gen.py. */")
    w(f"static {t} {p}P[{nparam}] ALIGN, {p}P0[{nparam}] ALIGN;")
    w(f"static {t} {p}X[{SAMPLES}][{sz[0]}] ALIGN, {p}Y[{SAMPLES}][{no_out}] ALIGN;")
    w(f"static {t} {p}BA[{BATCH}][{nact}] ALIGN, {p}BD[{BATCH}][{nact}] ALIGN, {p}BZ[{BATCH}][{nact}] ALIGN; /* minibatch activations, deltas, kept z */")
    w(f"static const int {p}off[] = {{{', '.join(str(v) for pair in zip(woff, boff) for v in pair)}}};")
    # init
    w(f"static void {p}init(void) {{")
    for k in range(L):
        ni, no = sz[k], sz[k + 1]
        idx = f"i * {no} + j" if shape.in_major(k) else f"j * {ni} + i"
        w(f"    for (int i = 0; i < {ni}; i++) for (int j = 0; j < {no}; j++) {p}P[{woff[k]} + {idx}] = ({t})winit({k}, i, j, {ni});")
        w(f"    for (int j = 0; j < {no}; j++) {p}P[{boff[k]} + j] = ({t})binit({k}, j);")
    w(f"    memcpy({p}P0, {p}P, sizeof {p}P);")
    w(f"    for (int s = 0; s < {SAMPLES}; s++) {{")
    w(f"        for (int i = 0; i < {sz[0]}; i++) {p}X[s][i] = ({t})(xdata(s, i) - 0.5);")
    w(f"        for (int k = 0; k < {no_out}; k++) {p}Y[s][k] = ({t}){shape.target_expr('c')};")
    w("    }")
    w("}")
    w(f"static void {p}reset(void) {{ memcpy({p}P, {p}P0, sizeof {p}P); }}")
    # forward
    w(f"INLINE void {p}fwd(const {t} *restrict x, {t} *restrict a, {t} *restrict zk) {{")
    for k in range(L):
        ni, no = sz[k], sz[k + 1]
        w(f"    {{ /* layer {k}: {ni} -> {no}, {shape.acts[k]}, {'in' if shape.in_major(k) else 'out'}-major */")
        w(f"        const {t} *restrict W = {p}P + {woff[k]}, *restrict b = {p}P + {boff[k]}, *restrict u = {src(k, 'a')};")
        w(f"        {t} *restrict z = a + {aoff[k]};")
        if shape.in_major(k):
            w(f"        for (int j = 0; j < {no}; j++) z[j] = b[j];")
            w(f"        for (int i = 0; i < {ni}; i++) {{ const {t} ui = u[i]; for (int j = 0; j < {no}; j++) z[j] += ui * W[i * {no} + j]; }}")
        else:
            w(f"        for (int j = 0; j < {no}; j++) z[j] = b[j] + {dot}(W + j * {ni}, u, {ni});")
        if shape.acts[k] in FROM_Z:
            w(f"        for (int j = 0; j < {no}; j++) zk[{aoff[k]} + j] = z[j];")
        for line in c_activation(shape.acts[k], t, "z", no):
            w("        " + line)
        w("    }")
    w("}")
    # deltas: d has the activation buffer's layout
    w(f"INLINE void {p}deltas(const {t} *restrict a, const {t} *restrict zk, const {t} *restrict y, {t} *restrict d) {{")
    w(f"    {{ const {t} *restrict o = a + {out_off}; {t} *restrict e = d + {out_off};")
    if shape.loss in ("ce", "bce"):
        w(f"      for (int j = 0; j < {no_out}; j++) e[j] = o[j] - y[j]; }}")
    else:
        der = c_derivative(shape.acts[-1], t, "o[j]", f"zk[{out_off} + j]")
        scale = f"({t})(2.0 / {no_out}) * " if shape.loss == "mse" else ""
        w(f"      for (int j = 0; j < {no_out}; j++) e[j] = {scale}(o[j] - y[j]){' * ' + der if der else ''}; }}")
    for k in range(L - 1, 0, -1):
        ni, no = sz[k], sz[k + 1]
        w(f"    {{ /* through layer {k} into layer {k - 1}'s output */")
        dh = c_derivative(shape.acts[k - 1], t, "h[i]", f"zk[{aoff[k - 1]} + i]")
        h = f", *restrict h = a + {aoff[k - 1]}" if dh and "h[" in dh else ""
        w(f"        const {t} *restrict W = {p}P + {woff[k]}, *restrict e = d + {aoff[k]}{h};")
        w(f"        {t} *restrict g = d + {aoff[k - 1]};")
        if shape.in_major(k):
            w(f"        for (int i = 0; i < {ni}; i++) g[i] = {dot}(W + i * {no}, e, {no}){' * ' + dh if dh else ''};")
        else:
            w(f"        for (int i = 0; i < {ni}; i++) g[i] = 0;")
            w(f"        for (int j = 0; j < {no}; j++) {{ const {t} ej = e[j]; for (int i = 0; i < {ni}; i++) g[i] += ej * W[j * {ni} + i]; }}")
            if dh:
                w(f"        for (int i = 0; i < {ni}; i++) g[i] *= {dh};")
        w("    }")
    w("}")
    # one-sample SGD step: every delta from the old weights, then the updates
    w(f"INLINE void {p}step(const {t} *restrict x, const {t} *restrict y, {t} lr) {{")
    w(f"    {t} a[{nact}] ALIGN, d[{nact}] ALIGN, zk[{nact}] ALIGN;")
    w(f"    {p}fwd(x, a, zk);")
    w(f"    {p}deltas(a, zk, y, d);")
    for k in range(L):
        ni, no = sz[k], sz[k + 1]
        w(f"    {{ {t} *restrict W = {p}P + {woff[k]}, *restrict b = {p}P + {boff[k]}; const {t} *restrict u = {src(k, 'a')}, *restrict e = d + {aoff[k]};")
        if shape.in_major(k):
            w(f"      for (int i = 0; i < {ni}; i++) {{ const {t} s = lr * u[i]; for (int j = 0; j < {no}; j++) W[i * {no} + j] -= s * e[j]; }}")
        else:
            w(f"      for (int j = 0; j < {no}; j++) {{ const {t} s = lr * e[j]; for (int i = 0; i < {ni}; i++) W[j * {ni} + i] -= s * u[i]; }}")
        w(f"      for (int j = 0; j < {no}; j++) b[j] -= lr * e[j]; }}")
    w("}")
    # minibatch: per-row forward and deltas, then each layer's summed gradient as outer products
    w(f"INLINE void {p}bstep(int first, {t} scale) {{")
    w(f"    for (int s = 0; s < {BATCH}; s++) {{")
    w(f"        {p}fwd({p}X[first + s], {p}BA[s], {p}BZ[s]);")
    w(f"        {p}deltas({p}BA[s], {p}BZ[s], {p}Y[first + s], {p}BD[s]);")
    w("    }")
    for k in range(L):
        ni, no = sz[k], sz[k + 1]
        u = f"{p}X[first + s]" if k == 0 else f"({p}BA[s] + {aoff[k - 1]})"
        e = f"({p}BD[s] + {aoff[k]})"
        w(f"    {{ {t} *restrict W = {p}P + {woff[k]}, *restrict b = {p}P + {boff[k]};")
        if shape.in_major(k):
            w(f"      for (int i = 0; i < {ni}; i++) {{")
            w(f"          {t} acc[{no}] ALIGN;")
            w(f"          for (int j = 0; j < {no}; j++) acc[j] = 0;")
            w(f"          for (int s = 0; s < {BATCH}; s++) {{ const {t} us = {u}[i]; const {t} *restrict e = {e}; for (int j = 0; j < {no}; j++) acc[j] += us * e[j]; }}")
            w(f"          for (int j = 0; j < {no}; j++) W[i * {no} + j] -= scale * acc[j];")
            w("      }")
        else:
            w(f"      for (int j = 0; j < {no}; j++) {{")
            w(f"          {t} acc[{ni}] ALIGN;")
            w(f"          for (int i = 0; i < {ni}; i++) acc[i] = 0;")
            w(f"          for (int s = 0; s < {BATCH}; s++) {{ const {t} es = {e}[j]; const {t} *restrict u = {u}; for (int i = 0; i < {ni}; i++) acc[i] += es * u[i]; }}")
            w(f"          for (int i = 0; i < {ni}; i++) W[j * {ni} + i] -= scale * acc[i];")
            w("      }")
        w(f"      for (int j = 0; j < {no}; j++) {{ {t} g = 0; for (int s = 0; s < {BATCH}; s++) g += {e}[j]; b[j] -= scale * g; }} }}")
    w("}")
    # timed work: one repetition of each op, the sample order of peers_c.c
    lr = f"({t}){LEARNING_RATE}"
    w(f"static void {p}steps(void) {{ int s = 0; for (int k = 0; k < {shape.step_ops}; k++) {{ {p}step({p}X[s], {p}Y[s], {lr}); if (++s == {SAMPLES}) s = 0; }} }}")
    # Each op reads the next output in turn, so every output is live: summing only the first let gcc drop the rest
    # of the output layer from the inlined loop (z51, 445-1-13, computed 1 of its 13 outputs), while Predict writes all.
    w(f"static void {p}infers(void) {{ {t} a[{nact}] ALIGN, zk[{nact}] ALIGN; double acc = 0; int s = 0, o = 0;")
    w(f"    for (int k = 0; k < {shape.infer_ops}; k++) {{ {p}fwd({p}X[s], a, zk); acc += a[{out_off} + o]; if (++o == {no_out}) o = 0; if (++s == {SAMPLES}) s = 0; }}")
    w("    g_sink = acc; }")
    w(f"static void {p}batches(void) {{ for (int k = 0; k < {shape.batch_ops}; k++) {p}bstep(k * {BATCH} % {SAMPLES}, {lr} / {BATCH}); }}")
    # infer checksum: sum over the ops of sum_j (j + 1) o_j
    w(f"static void {p}infer_check(double *sum, double *abs_sum) {{ {t} a[{nact}] ALIGN, zk[{nact}] ALIGN; int s = 0; *sum = *abs_sum = 0;")
    w(f"    for (int k = 0; k < {shape.infer_ops}; k++) {{ {p}fwd({p}X[s], a, zk);")
    w(f"        for (int j = 0; j < {no_out}; j++) {{ double v = (j + 1) * (double)a[{out_off} + j]; *sum += v; *abs_sum += fabs(v); }}")
    w(f"        if (++s == {SAMPLES}) s = 0; }} }}")
    # ReLU activity at the starting weights
    w(f"static void {p}activity(void) {{ {t} a[{nact}] ALIGN, zk[{nact}] ALIGN;")
    for k in range(L - 1):
        if shape.acts[k] in ("relu", "leaky"):
            w(f"    {{ long on = 0; for (int s = 0; s < {SAMPLES}; s++) {{ {p}fwd({p}X[s], a, zk); for (int j = 0; j < {sz[k + 1]}; j++) on += a[{aoff[k]} + j] > 0; }}")
            w(f"      printf(\"A\\tc\\t{shape.id}\\t{k}\\t{sz[k + 1]}\\t%.3f\\n\", (double)on / ({SAMPLES} * {sz[k + 1]})); }}")
    w("    (void)a; (void)zk; }")
    w(f"static const struct shape {p}shape = {{\"{shape.id}\", {p}init, {p}reset, {p}steps, {p}infers, {p}batches, {p}infer_check, {p}activity,")
    w(f"    {shape.step_ops}, {shape.infer_ops}, {shape.batch_ops}, {p}P, {p}P0, {nparam}, {1 if shape.single else 0}}};")
    return "\n".join(o) + "\n"


def write_c(directory):
    os.makedirs(directory, exist_ok=True)
    shapes = read_shapes()
    for s in shapes:
        with open(os.path.join(directory, s.id + ".c"), "w") as f:
            f.write(emit_c(s))
    with open(os.path.join(directory, "shapes.inc"), "w") as f:
        for s in shapes:
            f.write(f'#include "{s.id}.c"\n')
        f.write("static const struct shape *const all_shapes[] = {" + ", ".join(f"&{s.id}_shape" for s in shapes) + "};\n")


# ---------------------------------------------------------------- C#

def cs_source():
    shapes = read_shapes()
    o = ["// <auto-generated> by benchmarks/sweep/gen.py from shapes.txt and probes.txt: `benchmarks/sweep/gen.py cs` rewrites it. </auto-generated>",
         "#pragma warning disable CS1591 // generated forwarding members restate INetworkCalls",
         "using System;",
         "using NetGen;",
         "using NetGen.Benchmarks.Harness;",
         "",
         "namespace NetGen.Sweep;",
         ""]
    for s in shapes:
        t = "float" if s.single else "double"
        acts = ", ".join("Activation." + ACTIVATIONS[a] for a in s.acts)
        o.append(f"/// <summary>Sweep shape {s.id}: {'-'.join(map(str, s.sizes))}, {', '.join(s.acts)}, {s.loss}, {'single' if s.single else 'double'}{' (' + s.note + ')' if s.note else ''}.</summary>")
        o.append(f"[Network({', '.join(map(str, s.sizes))}, Activations = new[] {{ {acts} }}, Loss = LossFunction.{LOSSES[s.loss]}, Precision = Precision.{'Single' if s.single else 'Double'})]")
        o.append(f"public sealed partial class {s.class_name} {{ }}")
        o.append("")
        o.append(f"public readonly struct {s.id.upper()}Calls({s.class_name} n) : INetworkCalls<{t}>")
        o.append("{")
        o.append(f"    public Span<{t}> Parameters => n.Parameters;")
        o.append(f"    public {t} Train(ReadOnlySpan<{t}> x, ReadOnlySpan<{t}> y, {t} lr) => n.Train(x, y, lr);")
        o.append(f"    public void Predict(ReadOnlySpan<{t}> x, Span<{t}> o) => n.Predict(x, o);")
        o.append(f"    public {t} Backward(ReadOnlySpan<{t}> x, ReadOnlySpan<{t}> y) => n.Backward(x, y);")
        o.append("    public void ZeroGradients() => n.ZeroGradients();")
        o.append(f"    public void ApplyGradients({t} lr) => n.ApplyGradients(lr);")
        o.append(f"    public {t} TrainBatch(ReadOnlySpan<{t}> x, ReadOnlySpan<{t}> y, {t} lr) => n.TrainBatch(x, y, lr);")
        o.append("}")
        o.append("")
    o.append("public static partial class Registry")
    o.append("{")
    o.append("    /// <summary>Every shape of shapes.txt, then of probes.txt, in file order.</summary>")
    o.append("    public static readonly ShapeSpec[] Shapes =")
    o.append("    [")
    for s in shapes:
        t = "float" if s.single else "double"
        acts = ", ".join(f'"{a}"' for a in s.acts)
        o.append(f'        new("{s.id}", [{", ".join(map(str, s.sizes))}], [{acts}], "{s.loss}", {str(s.single).lower()}, {s.step_ops}, {s.infer_ops}, {s.batch_ops},')
        o.append(f'            spec => new SweepRunner<{t}, {s.id.upper()}Calls>(spec, new {s.id.upper()}Calls(new {s.class_name}()), (s, k) => {s.target_expr("cs")})),')
    o.append("    ];")
    o.append("}")
    return "\n".join(o) + "\n"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("c", "cs", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "c":
        write_c(path)
    elif mode == "cs":
        with open(path, "w") as f:
            f.write(cs_source())
    else:
        with open(path) as f:
            if f.read() != cs_source():
                print(f"{path} is out of date: run benchmarks/sweep/gen.py cs {path}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
