#!/usr/bin/env python3
"""Writes ReferenceNetworks.cs: one [Network] declaration per reference case, in three variants
(double with the default code shape, double with every layer looped, single precision), plus a
factory that builds a network by case name. Run after adding cases:
    python3 tests/NetGen.Tests/Reference/make_reference_networks.py
"""
import glob, json, os

here = os.path.dirname(os.path.abspath(__file__))
activation = {"identity": "Identity", "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU",
              "leaky_relu": "LeakyReLU", "softmax": "Softmax", "gelu": "GELU", "silu": "SiLU", "elu": "ELU",
              "softplus": "Softplus"}
loss = {"half_sse": "HalfSquaredError", "mse": "MeanSquaredError", "bce": "BinaryCrossEntropy",
        "ce": "CrossEntropy", "l1": "L1", "huber": "Huber"}
variants = [("Unrolled", ""), ("Looped", ", MaxUnrolledWeights = 0"), ("Single", ", Precision = Precision.Single")]

cases = []
for path in sorted(glob.glob(os.path.join(here, "*", "*.json"))):
    case = json.load(open(path))
    class_name = "Case_" + case["name"].replace("-", "_")
    cases.append((case["name"], class_name, case))

lines = ["// Written by Reference/make_reference_networks.py from the reference cases; do not edit by hand.",
         "using NetGen;", "", "namespace NetGen.Tests.Reference;", ""]
for variant, extra in variants:
    lines.append(f"public static partial class {variant}")
    lines.append("{")
    for name, class_name, case in cases:
        sizes = ", ".join(str(s) for s in case["layers"])
        acts = ", ".join("Activation." + activation[a] for a in case["activations"])
        lines.append(f"    [Network({sizes}, Activations = new[] {{ {acts} }}, Loss = LossFunction.{loss[case['loss']]}{extra})]")
        lines.append(f"    public partial class {class_name} {{ }}")
        lines.append("")
    lines[-1:] = ["}", ""]

lines.append("/// <summary>Builds the network declared for a reference case.</summary>")
lines.append("public static class ReferenceNetworks")
lines.append("{")
lines.append("    public static INetwork<double> CreateDouble(string caseName, bool looped) => (caseName, looped) switch")
lines.append("    {")
for name, class_name, _ in cases:
    lines.append(f"        (\"{name}\", false) => new Unrolled.{class_name}(),")
    lines.append(f"        (\"{name}\", true) => new Looped.{class_name}(),")
lines.append("        _ => throw new System.ArgumentException(\"No network declared for case \" + caseName, nameof(caseName)),")
lines.append("    };")
lines.append("")
lines.append("    public static INetwork<float> CreateSingle(string caseName) => caseName switch")
lines.append("    {")
for name, class_name, _ in cases:
    lines.append(f"        \"{name}\" => new Single.{class_name}(),")
lines.append("        _ => throw new System.ArgumentException(\"No network declared for case \" + caseName, nameof(caseName)),")
lines.append("    };")
lines.append("}")
open(os.path.join(here, "ReferenceNetworks.cs"), "w").write("\n".join(lines) + "\n")
print(f"{len(cases)} cases")
