#!/usr/bin/env python3
"""Writes Reference/extended/*.json: PyTorch autograd reference cases (float64) for the activations
and losses added after the shared reference set (GELU, SiLU, ELU, Softplus; L1, Huber), in the
layout of the shared cases (see README.md here). Needs Debian's python3-torch:
    apt-get install -y python3-torch && /usr/bin/python3 tests/NetGen.Tests/Reference/make_extended_references.py
then regenerate ReferenceNetworks.cs with make_reference_networks.py.
"""
import json, os, random
import torch

torch.set_default_dtype(torch.float64)
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "extended")
os.makedirs(here, exist_ok=True)

activations = {
    "identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "gelu": lambda z: torch.nn.functional.gelu(z),                       # exact (erf) form
    "silu": torch.nn.functional.silu,
    "elu": lambda z: torch.nn.functional.elu(z, alpha=1.0),
    "softplus": lambda z: torch.nn.functional.softplus(z, beta=1, threshold=20),
}
losses = {
    "half_sse": lambda o, t: 0.5 * ((o - t) ** 2).sum(),
    "mse": lambda o, t: ((o - t) ** 2).mean(),
    "l1": lambda o, t: torch.nn.functional.l1_loss(o, t),
    "huber": lambda o, t: torch.nn.functional.huber_loss(o, t, delta=1.0),
}

def case(name, layers, acts, loss, rng, scale=1.0, samples=4, lr=0.05, steps=2):
    weights = [{"W": [[rng.uniform(-1, 1) * scale for _ in range(layers[i])] for _ in range(layers[i + 1])],
                "b": [rng.uniform(-0.5, 0.5) for _ in range(layers[i + 1])]} for i in range(len(layers) - 1)]
    inputs = [[rng.uniform(-2, 2) for _ in range(layers[0])] for _ in range(samples)]
    # Targets far enough from the outputs that Huber sees both of its pieces.
    targets = [[rng.uniform(-2.5, 2.5) for _ in range(layers[-1])] for _ in range(samples)]

    def params(ws):
        return [(torch.tensor(w["W"], requires_grad=True), torch.tensor(w["b"], requires_grad=True)) for w in ws]

    def forward(ps, x):
        a = torch.tensor(x)
        for (W, b), act in zip(ps, acts):
            a = activations[act](W @ a + b)
        return a

    ps = params(weights)
    out, loss_values, grads = [], [], []
    for x, t in zip(inputs, targets):
        for W, b in ps:
            W.grad = None; b.grad = None
        o = forward(ps, x)
        l = losses[loss](o, torch.tensor(t))
        l.backward()
        out.append(o.tolist()); loss_values.append(l.item())
        grads.append([{"W": W.grad.tolist(), "b": b.grad.tolist()} for W, b in ps])

    ps = params(weights)
    for _ in range(steps):
        for x, t in zip(inputs, targets):
            for W, b in ps:
                W.grad = None; b.grad = None
            losses[loss](forward(ps, x), torch.tensor(t)).backward()
            with torch.no_grad():
                for W, b in ps:
                    W -= lr * W.grad; b -= lr * b.grad
    after = [{"W": W.tolist(), "b": b.tolist()} for W, b in ps]
    data = {"name": name, "layers": layers, "activations": acts, "loss": loss, "weights": weights,
            "inputs": inputs, "targets": targets, "forward": out, "loss_per_sample": loss_values,
            "grads_per_sample": grads, "sgd": {"lr": lr, "mode": "per_sample", "steps": steps, "weights_after": after}}
    with open(os.path.join(here, name + ".json"), "w") as f:
        json.dump(data, f)

rng = random.Random(20261130)
new = ["gelu", "silu", "elu", "softplus"]
n = 0
for act in new:
    # The new activation on hidden layers (narrow and wide enough for a layer kernel) and on the output.
    case(f"extended-{n}", [3, 5, 2], [act, "identity"], "mse", rng); n += 1
    case(f"extended-{n}", [4, 9, 6, 3], [act, "tanh", act], "half_sse", rng); n += 1
    case(f"extended-{n}", [2, 4, 4, 2], ["relu", act, act], "huber", rng, scale=2.0); n += 1
# Softplus above its threshold of 20, where it is the identity.
case(f"extended-{n}", [2, 3, 1], ["softplus", "identity"], "mse", rng, scale=12.0, lr=0.001, steps=1); n += 1  # large weights: a small step keeps the descent well conditioned
for loss in ["l1", "huber"]:
    case(f"extended-{n}", [3, 4, 3], ["tanh", "identity"], loss, rng); n += 1
    case(f"extended-{n}", [5, 8, 2], ["sigmoid", "identity"], loss, rng, scale=3.0); n += 1
    case(f"extended-{n}", [2, 6, 5, 4], ["leaky_relu", "gelu", "sigmoid"], loss, rng); n += 1
print(f"wrote {n} cases to {here}")
