#!/usr/bin/python3
"""Checks scidl's ONNX files for tests/nn/test_onnx_export.cpp.

  onnx_check.py check FILE.onnx...   onnx.checker with full_check (types and shapes inferred
                                     through every node); Debian's python3-onnx suffices
  onnx_check.py run CASE.json...     runs each case's .onnx in onnxruntime on the case's inputs
                                     and compares with scidl's outputs: |ort - scidl| <=
                                     1e-5 (1 + |scidl|) elementwise
  onnx_check.py record DIR CASE.json...   as run, and keeps each case's .onnx file, inputs and
                                     onnxruntime's output in DIR (tools/make_onnx_fixtures.sh)
  onnx_check.py fixture DIR CASE.json...  without onnxruntime (Debian's python3-onnx and numpy):
                                     each case's .onnx must be the one recorded in DIR (the same
                                     nodes, initialisers to 1e-6), its inputs the recorded ones,
                                     and scidl's outputs onnxruntime's recorded ones to 1e-5
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


def entry(values):
    return {"shape": list(values.shape), "dtype": str(values.dtype),
            "data": values.reshape(-1).tolist()}


def compare(path, got, want, np):
    """onnxruntime's output `got` against scidl's `want`; prints the verdict."""
    if got.shape != want.shape or got.dtype != want.dtype:
        print(f"FAILED {path}: onnxruntime gives {got.dtype}{list(got.shape)}, "
              f"scidl {want.dtype}{list(want.shape)}")
        return False
    excess = np.abs(got.astype(np.float64) - want) / (1 + np.abs(want.astype(np.float64)))
    worst = float(excess.max()) if excess.size else 0.0
    good = worst <= 1e-5
    print(f"{'matched' if good else 'FAILED'} {path}: largest |ort - scidl| / (1 + |scidl|) "
          f"= {worst:.3g} over {want.size} values")
    return good


def run(paths, record_dir=None):
    import os
    import shutil

    import numpy as np
    import onnxruntime as ort
    ok = True
    for path in paths:
        with open(path) as f:
            case = json.load(f)
        session = ort.InferenceSession(case["onnx"], providers=["CPUExecutionProvider"])
        feeds = {name: array(entry, np) for name, entry in case["inputs"].items()}
        (got,) = session.run(None, feeds)
        ok = compare(path, got, array(case["output"], np), np) and ok
        if record_dir:
            name = os.path.splitext(os.path.basename(path))[0]
            shutil.copyfile(case["onnx"], os.path.join(record_dir, name + ".onnx"))
            with open(os.path.join(record_dir, name + ".json"), "w") as f:
                json.dump({"onnxruntime": ort.__version__, "inputs": case["inputs"],
                           "output": entry(got)}, f)
    return ok


def graph_difference(new, old, np):
    """Where two ONNX files differ beyond 1e-6 in an initialiser; None when they do not."""
    from onnx import numpy_helper

    def skeleton(model):
        copy = type(model)()
        copy.CopyFrom(model)
        copy.ClearField("producer_version")
        del copy.graph.initializer[:]
        return copy.SerializeToString()

    if skeleton(new) != skeleton(old):
        return "its nodes, inputs, outputs or opsets differ"
    old_values = {t.name: numpy_helper.to_array(t) for t in old.graph.initializer}
    for t in new.graph.initializer:
        a, b = numpy_helper.to_array(t), old_values.pop(t.name, None)
        if b is None or a.shape != b.shape or a.dtype != b.dtype:
            return f"initialiser {t.name} is new or changed shape or type"
        if not np.allclose(a, b, rtol=1e-6, atol=1e-6):
            return f"initialiser {t.name} holds other values"
    return f"initialisers {sorted(old_values)} are gone" if old_values else None


def fixture(fixture_dir, paths):
    import os

    import numpy as np
    import onnx
    ok = True
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            case = json.load(f)
        recorded = os.path.join(fixture_dir, name)
        if not os.path.exists(recorded + ".json"):
            print(f"FAILED {path}: no recorded onnxruntime output {recorded}.json")
            ok = False
            continue
        with open(recorded + ".json") as f:
            fixed = json.load(f)
        why = graph_difference(onnx.load(case["onnx"]), onnx.load(recorded + ".onnx"), np)
        if why is None and set(fixed["inputs"]) != set(case["inputs"]):
            why = "its inputs are named differently"
        for input_name, values in case["inputs"].items():
            if why is None and not np.allclose(array(values, np),
                                               array(fixed["inputs"][input_name], np),
                                               rtol=1e-6, atol=1e-7):
                why = f"input {input_name} holds other values"
        if why is not None:
            print(f"FAILED {path}: the exported file is not the one recorded in {recorded}.onnx "
                  f"({why}): if the change is meant, run tools/make_onnx_fixtures.sh")
            ok = False
            continue
        ok = compare(path, array(fixed["output"], np), array(case["output"], np), np) and ok
    return ok


if __name__ == "__main__":
    mode, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 2 else (None, [])
    if mode in ("record", "fixture") and len(args) < 2 or mode not in (
            "check", "run", "record", "fixture"):
        sys.exit(__doc__)
    done = {"check": lambda: check(args), "run": lambda: run(args),
            "record": lambda: run(args[1:], record_dir=args[0]),
            "fixture": lambda: fixture(args[0], args[1:])}[mode]()
    sys.exit(0 if done else 1)
