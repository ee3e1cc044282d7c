"""Writes the safetensors fixtures the NetGen runtime tests read, with nothing but the standard library.

An independent writer: it follows the format's specification (an 8-byte little-endian header length,
a UTF-8 JSON header, then the raw little-endian data) and the layout choices of the reference
implementation (tensors sorted by dtype then name, "__metadata__" first, the header padded with
spaces to a multiple of 8 bytes), without sharing any code with NetGen.

Input: torch_state_dict.json, the float64 state_dict of PyTorch's nn.Sequential(Linear(3, 4), ReLU(),
Linear(4, 2)) that make_torch_fixture.py wrote.

torch_state_dict.safetensors          the state_dict in F64, keys 0.weight, 0.bias, 2.weight, 2.bias
torch_state_dict_f32.safetensors      the same in F32 (each value rounded to the nearest float)
torch_state_dict_f16.safetensors      the same in F16 (struct's "e", round to nearest even)
torch_state_dict_bf16.safetensors     the same in BF16 (a float32's upper 16 bits, round to nearest even)
prefixed_reversed.safetensors         F64 under the keys model.fc1.* and model.fc2.*, with fc2 first in
                                      both the header and the data, and extra metadata
safetensors_expected.json             {name: {key: flat list of the values the file decodes to}}, so the
                                      tests compare loaded parameters with what this script meant

Run from this directory: /usr/bin/python3 make_safetensors_fixtures.py
"""
import json
import struct

DTYPES = {
    # name: (size, pack one value to bytes, decode those bytes back to a Python float)
    "F64": (8, lambda v: struct.pack("<d", v), lambda b: struct.unpack("<d", b)[0]),
    "F32": (4, lambda v: struct.pack("<f", v), lambda b: struct.unpack("<f", b)[0]),
    "F16": (2, lambda v: struct.pack("<e", v), lambda b: struct.unpack("<e", b)[0]),
}


def pack_bf16(value):
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    # Round the float32 to its upper 16 bits, ties to even (finite values only, as here).
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return struct.pack("<H", rounded)


def unpack_bf16(data):
    return struct.unpack("<f", struct.pack("<I", struct.unpack("<H", data)[0] << 16))[0]


DTYPES["BF16"] = (2, pack_bf16, unpack_bf16)


def flatten(value):
    if isinstance(value, list):
        return [x for item in value for x in flatten(item)]
    return [float(value)]


def shape_of(value):
    return [len(value)] + shape_of(value[0]) if isinstance(value, list) else []


def write(path, tensors, dtype, metadata=None, order=None):
    """tensors: {key: nested lists}; order: the keys in header and data order (default: sorted, as the
    reference writer sorts tensors of one dtype by name). Returns {key: decoded flat values}."""
    size, pack, unpack = DTYPES[dtype]
    keys = order if order is not None else sorted(tensors)
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    data = bytearray()
    decoded = {}
    for key in keys:
        values = flatten(tensors[key])
        begin = len(data)
        for v in values:
            data += pack(v)
        header[key] = {"dtype": dtype, "shape": shape_of(tensors[key]), "data_offsets": [begin, len(data)]}
        decoded[key] = [unpack(bytes(data[begin + i * size: begin + (i + 1) * size])) for i in range(len(values))]
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)
    return decoded


with open("torch_state_dict.json") as f:
    state_dict = json.load(f)

expected = {}
for dtype, name in [("F64", "torch_state_dict.safetensors"), ("F32", "torch_state_dict_f32.safetensors"),
                    ("F16", "torch_state_dict_f16.safetensors"), ("BF16", "torch_state_dict_bf16.safetensors")]:
    expected[name] = write(name, state_dict, dtype, metadata={"format": "pt"})

renamed = {
    "model.fc2.weight": state_dict["2.weight"],
    "model.fc2.bias": state_dict["2.bias"],
    "model.fc1.weight": state_dict["0.weight"],
    "model.fc1.bias": state_dict["0.bias"],
}
expected["prefixed_reversed.safetensors"] = write(
    "prefixed_reversed.safetensors", renamed, "F64",
    metadata={"format": "pt", "written_by": "make_safetensors_fixtures.py", "note": "\u00e9t\u00e9 \u2013 UTF-8"},
    order=["model.fc2.weight", "model.fc2.bias", "model.fc1.weight", "model.fc1.bias"])

with open("safetensors_expected.json", "w") as f:
    json.dump(expected, f, indent=1)
