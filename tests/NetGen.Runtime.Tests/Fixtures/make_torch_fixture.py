"""Writes the PyTorch fixtures the NetGen runtime tests read.

torch_state_dict.json  the state_dict of a seeded nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
                       in float64, exported with the three lines NetGen's docs give.
torch_outputs.json     {"inputs": [[...3...], ...], "outputs": [[...2...], ...]}: the model's outputs.

Run from this directory with Debian's python3-torch: /usr/bin/python3 make_torch_fixture.py
"""
import json

import torch

torch.manual_seed(20240611)
model = torch.nn.Sequential(
    torch.nn.Linear(3, 4),
    torch.nn.ReLU(),
    torch.nn.Linear(4, 2),
).double()
# Linear's initialisation draws float32 values; nudge every parameter by a float64 amount so the
# fixture exercises all 17 significant digits a double needs to round-trip.
with torch.no_grad():
    for parameter in model.parameters():
        parameter.add_(torch.randn_like(parameter) * 1e-3)

# The documented export, verbatim.
sd = {k: v.tolist() for k, v in model.state_dict().items()}
json.dump(sd, open("torch_state_dict.json", "w"))

# Inputs chosen so every hidden unit is active for some rows and clipped by ReLU for others.
inputs = torch.tensor(
    [
        [0.0, 0.0, 0.0],
        [1.0, -2.0, 0.5],
        [-1.5, 0.25, 3.0],
        [2.0, 2.0, -2.0],
        [-0.75, -0.5, -1.25],
        [10.0, -3.0, 7.5],
    ],
    dtype=torch.float64,
)
with torch.no_grad():
    outputs = model(inputs)
with open("torch_outputs.json", "w") as f:
    json.dump({"torch_version": torch.__version__, "inputs": inputs.tolist(), "outputs": outputs.tolist()}, f)
