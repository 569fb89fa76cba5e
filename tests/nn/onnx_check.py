#!/usr/bin/python3
"""Checks scidl's ONNX files for tests/nn/test_onnx_export.cpp.

  onnx_check.py check FILE.onnx...   onnx.checker with full_check (types and shapes inferred
                                     through every node); Debian's python3-onnx suffices
  onnx_check.py run CASE.json...     runs each case's .onnx in onnxruntime on the case's inputs
                                     and compares with scidl's outputs: |ort - scidl| <=
                                     1e-5 (1 + |scidl|) elementwise
Prints one line per file; exits 1 if any fails.
"""
import json
import sys


def signature(values):
    """'a[N,5] b[N,3]': each graph input's or output's name and shape."""
    def dim(d):
        return d.dim_param if d.HasField("dim_param") else str(d.dim_value)
    return " ".join(f"{v.name}[{','.join(dim(d) for d in v.type.tensor_type.shape.dim)}]"
                    for v in values)


def check(paths):
    import onnx
    for path in paths:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        print(f"checked {path}: IR {model.ir_version}, opset {model.opset_import[0].version}, "
              f"{len(model.graph.node)} nodes, {signature(model.graph.input)} -> "
              f"{signature(model.graph.output)}")
    return True


def array(entry, np):
    return np.array(entry["data"], dtype=entry["dtype"]).reshape(entry["shape"])


def run(paths):
    import numpy as np
    import onnxruntime as ort
    ok = True
    for path in paths:
        with open(path) as f:
            case = json.load(f)
        session = ort.InferenceSession(case["onnx"], providers=["CPUExecutionProvider"])
        feeds = {name: array(entry, np) for name, entry in case["inputs"].items()}
        (got,) = session.run(None, feeds)
        want = array(case["output"], np)
        if got.shape != want.shape or got.dtype != want.dtype:
            print(f"FAILED {path}: onnxruntime gives {got.dtype}{list(got.shape)}, "
                  f"scidl {want.dtype}{list(want.shape)}")
            ok = False
            continue
        excess = np.abs(got.astype(np.float64) - want) / (1 + np.abs(want.astype(np.float64)))
        worst = float(excess.max()) if excess.size else 0.0
        good = worst <= 1e-5
        ok = ok and good
        print(f"{'matched' if good else 'FAILED'} {path}: largest |ort - scidl| / (1 + |scidl|) "
              f"= {worst:.3g} over {want.size} values")
    return ok


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("check", "run"):
        sys.exit(__doc__)
    sys.exit(0 if (check if sys.argv[1] == "check" else run)(sys.argv[2:]) else 1)
