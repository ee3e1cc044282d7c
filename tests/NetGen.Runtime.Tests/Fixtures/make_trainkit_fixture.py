"""Writes trainkit_reference.json: what PyTorch's optimizers, schedulers and gradient clipping compute,
for the NetGen runtime tests to compare against (Optimizers/TorchOptimizerTests.cs,
Training/LearningRateScheduleTests.cs, Training/GradientClippingTests.cs).

Every number comes from running torch itself (float64), not from re-deriving its formulas.
Run from this directory with Debian's python3-torch: /usr/bin/python3 make_trainkit_fixture.py
"""
import json
import warnings

import torch

warnings.filterwarnings("ignore")  # SequentialLR's deprecation notices are not part of the fixture

START = [0.5, -1.25, 2.0, 0.0, -0.03125]
# One gradient per step; the values change sign and scale so every moment is exercised.
GRADIENTS = [
    [0.1, -0.4, 2.5, 0.0, 1e-3],
    [-0.3, 0.2, 1.5, 0.7, -2e-3],
    [0.05, -0.6, -0.5, 0.2, 4e-3],
    [0.2, 0.1, 0.25, -0.9, 0.0],
]


def run_optimizer(make):
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = make([p])
    steps = []
    for g in GRADIENTS:
        optimizer.zero_grad()
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        steps.append(p.detach().tolist())
    return steps


optimizers = {
    "adamw_defaults": run_optimizer(lambda ps: torch.optim.AdamW(ps)),
    "adamw_custom": run_optimizer(lambda ps: torch.optim.AdamW(ps, lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "rmsprop_defaults": run_optimizer(lambda ps: torch.optim.RMSprop(ps)),
    "rmsprop_momentum_centered": run_optimizer(
        lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.9, centered=True)),
    "rmsprop_momentum": run_optimizer(lambda ps: torch.optim.RMSprop(ps, lr=0.005, momentum=0.5)),
}


def epoch_rates(make_scheduler, epochs, lr=0.1, losses=None):
    p = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=lr)
    scheduler = make_scheduler(optimizer)
    rates = []
    for epoch in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if losses is None:
            scheduler.step()
        else:
            scheduler.step(losses[epoch])
    return rates


def cosine_with_warmup(optimizer, warmup, epochs, eta_min, start_factor):
    warm = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=start_factor, total_iters=warmup)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs - warmup, eta_min=eta_min)
    return torch.optim.lr_scheduler.SequentialLR(optimizer, [warm, cosine], milestones=[warmup])


PLATEAU_LOSSES = [1.0, 0.8, 0.81, 0.8, 0.79995, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]

schedules = {
    "step_3_half": epoch_rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10),
    "exponential_0_9": epoch_rates(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 10),
    "cosine_warmup_3_of_12": epoch_rates(lambda o: cosine_with_warmup(o, 3, 12, 0.001, 0.1), 12),
    "cosine_no_warmup_10": epoch_rates(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10), 10),
    "plateau": epoch_rates(
        lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.02),
        len(PLATEAU_LOSSES), losses=PLATEAU_LOSSES),
}

# One-cycle steps per batch: 5 epochs of 7 batches.
p = torch.zeros(1, requires_grad=True)
optimizer = torch.optim.SGD([p], lr=0.1)
one_cycle = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=5, steps_per_epoch=7, cycle_momentum=False)
rates = []
for _ in range(35):
    rates.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    one_cycle.step()
schedules["one_cycle_5x7"] = rates

CLIP_GRADIENTS = [3.0, -4.0, 0.5, 12.0, -0.25]


def clip(max_norm):
    p = torch.zeros(len(CLIP_GRADIENTS), dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(CLIP_GRADIENTS, dtype=torch.float64)
    norm = torch.nn.utils.clip_grad_norm_([p], max_norm)
    return {"max_norm": max_norm, "norm": norm.item(), "clipped": p.grad.tolist()}


fixture = {
    "torch_version": torch.__version__,
    "start": START,
    "gradients": GRADIENTS,
    "optimizers": optimizers,
    "schedules": schedules,
    "plateau_losses": PLATEAU_LOSSES,
    "clipping": {"gradients": CLIP_GRADIENTS, "cases": [clip(1.0), clip(5.0), clip(100.0)]},
}
with open("trainkit_reference.json", "w") as f:
    json.dump(fixture, f, indent=1)
