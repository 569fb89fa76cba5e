#!/usr/bin/env python3
"""Writes tests/data/safetensors/from_python.safetensors with the reference `safetensors` package.

A testing peer only (pip install safetensors numpy), never a dependency of scidl: the file is
committed, and tests/io/test_safetensors.cpp checks that scidl reads exactly these values.
Every value is exactly representable in its dtype, so the C++ side can compare bit for bit.
"""
import pathlib

import numpy as np
from safetensors.numpy import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/data/safetensors/from_python.safetensors"

tensors = {
    "weights_f32": np.array([[0.5, -1.25, 3.0], [0.1, 65504.0, -0.0]], dtype=np.float32),
    "values_f64": np.array([0.1, -2.5e300, 5e-324, np.inf], dtype=np.float64),
    "counts_i64": np.array([-9007199254740993, 0, 9223372036854775807], dtype=np.int64),
    # float16 and int32 are what PyTorch users often have; scidl widens them to F32 and I64.
    "half_f16": np.array([1.0, -2.0, 65504.0, 2.0**-14, 2.0**-24, 0.333251953125, -np.inf],
                         dtype=np.float16),
    "labels_i32": np.array([[-2147483648, 2147483647], [0, -1]], dtype=np.int32),
    "scalar": np.array(42.0, dtype=np.float32),
    "empty": np.zeros((0, 3), dtype=np.float32),
}
metadata = {"format": "np", "source": "tools/make_safetensors_fixture.py"}

OUT.parent.mkdir(parents=True, exist_ok=True)
save_file(tensors, str(OUT), metadata=metadata)
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
