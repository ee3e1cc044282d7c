"""Checks the safetensors fixtures with PyTorch and writes what PyTorch computes from NetGen's exports.

Needs Debian's python3-torch (1.13, which has no safetensors support of its own, and the safetensors
package is not packaged for Debian): `load_file` below stands in for safetensors.torch.load_file,
reading the format with json, struct and torch.frombuffer.

1. PyTorch -> NetGen. The files make_safetensors_fixtures.py wrote (standard library only) must hold
   exactly what PyTorch's own conversions of the float64 state_dict in torch_state_dict.json give:
   .double(), .float(), .half() and .bfloat16(), tensor for tensor, bit for bit. The script stops
   with an error otherwise.
2. NetGen -> PyTorch. netgen_export.json and netgen_export.safetensors were written by NetGen
   (SaveStateDict and SaveSafetensors of the tests' TorchNet(seed: 11); TorchInteropFixtureTests checks
   that NetGen still writes exactly these bytes). Each is imported with the recipe in the README's
   "Save and load" section into a float64 nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2)), and the
   outputs for the inputs of torch_outputs.json are written to netgen_export_torch_outputs.json.

Run from this directory after make_safetensors_fixtures.py: /usr/bin/python3 make_torch_interop_fixtures.py
"""
import json
import struct

import torch

TORCH_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def load_file(path):
    """What safetensors.torch.load_file returns: {key: tensor}, each with the file's dtype and shape."""
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    data = blob[8 + length:]
    tensors = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = TORCH_DTYPES[entry["dtype"]]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[key] = flat.reshape(entry["shape"])
    return tensors


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))


# 1. The standard-library writer agrees with PyTorch's own conversions.
with open("torch_state_dict.json") as f:
    reference = {k: torch.tensor(v, dtype=torch.float64) for k, v in json.load(f).items()}
for name, convert in [("torch_state_dict.safetensors", torch.Tensor.double),
                      ("torch_state_dict_f32.safetensors", torch.Tensor.float),
                      ("torch_state_dict_f16.safetensors", torch.Tensor.half),
                      ("torch_state_dict_bf16.safetensors", torch.Tensor.bfloat16)]:
    loaded = load_file(name)
    assert sorted(loaded) == sorted(reference), (name, sorted(loaded))
    for key, tensor in reference.items():
        wanted = convert(tensor)
        assert loaded[key].dtype == wanted.dtype and torch.equal(loaded[key], wanted), (name, key)
renamed = load_file("prefixed_reversed.safetensors")
for ours, theirs in [("model.fc1.weight", "0.weight"), ("model.fc1.bias", "0.bias"),
                     ("model.fc2.weight", "2.weight"), ("model.fc2.bias", "2.bias")]:
    assert torch.equal(renamed[ours], reference[theirs]), ours

# 2. NetGen's exports, imported as the README shows.
with open("torch_outputs.json") as f:
    inputs = torch.tensor(json.load(f)["inputs"], dtype=torch.float64)

# state_dict JSON: float64 tensors into a float64 model, so no weight is rounded to float32.
from_json = make_model().double()
from_json.load_state_dict({k: torch.tensor(v, dtype=torch.float64) for k, v in json.load(open("netgen_export.json")).items()})

# safetensors: the tensors keep the file's F64.
from_safetensors = make_model().double()
from_safetensors.load_state_dict(load_file("netgen_export.safetensors"))

for key, tensor in from_json.state_dict().items():
    assert tensor.dtype == torch.float64 and torch.equal(tensor, from_safetensors.state_dict()[key]), key

with torch.no_grad():
    outputs_json = from_json(inputs)
    outputs_safetensors = from_safetensors(inputs)
with open("netgen_export_torch_outputs.json", "w") as f:
    json.dump({
        "torch_version": torch.__version__,
        "inputs": inputs.tolist(),
        "outputs_from_json": outputs_json.tolist(),
        "outputs_from_safetensors": outputs_safetensors.tolist(),
    }, f)
print("all safetensors fixtures match PyTorch's conversions; wrote netgen_export_torch_outputs.json")
