#!/usr/bin/env python3
"""Loads a scidl run's TensorBoard folder with TensorBoard's own EventAccumulator and prints the
model graph and the images it finds, so a person (or tests/slow) can see that TensorBoard reads
what scidl writes for the GRAPHS and IMAGES tabs.

Usage: python3 tools/check_tensorboard_events.py LOGDIR

For LOGDIR and every folder under it holding event files it prints
  RUN: graph nodes N
  RUN:   node NAME op OP inputs [A, B] output_shapes [[-1, 16]]
  RUN: images TAG steps [1, 2] size WxH
and decodes each image's PNG header to check its size against the Summary.Image fields.
Exits 1 when no event file is found or an image disagrees with its header, 2 on bad usage.
A checking tool only: `pip install tensorboard`; scidl never depends on it.
"""

import os
import struct
import sys

from tensorboard.backend.event_processing import event_accumulator


def runs(logdir):
    for folder, _, files in sorted(os.walk(logdir)):
        if any("tfevents" in f for f in files):
            yield folder


def shape_list(attr):
    return [[d.size for d in shape.dim] for shape in attr.list.shape]


def check_run(folder, name):
    acc = event_accumulator.EventAccumulator(
        folder, size_guidance={event_accumulator.IMAGES: 0, event_accumulator.SCALARS: 0})
    acc.Reload()
    tags = acc.Tags()
    ok = True
    if tags.get(event_accumulator.GRAPH):
        graph = acc.Graph()
        print(f"{name}: graph nodes {len(graph.node)}")
        for node in graph.node:
            shapes = shape_list(node.attr["_output_shapes"]) if "_output_shapes" in node.attr else []
            print(f"{name}:   node {node.name} op {node.op} inputs {list(node.input)} "
                  f"output_shapes {shapes}")
    for tag in tags.get(event_accumulator.IMAGES, []):
        images = acc.Images(tag)
        for image in images:
            png = image.encoded_image_string
            if png[:8] != b"\x89PNG\r\n\x1a\n":
                print(f"{name}: image {tag} step {image.step} is not a PNG")
                ok = False
                continue
            width, height = struct.unpack(">II", png[16:24])
            if (width, height) != (image.width, image.height):
                print(f"{name}: image {tag} step {image.step}: PNG is {width}x{height}, "
                      f"the summary says {image.width}x{image.height}")
                ok = False
        sizes = sorted({f"{i.width}x{i.height}" for i in images})
        print(f"{name}: images {tag} steps {[i.step for i in images]} size {', '.join(sizes)}")
    return ok


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    logdir = sys.argv[1]
    found = list(runs(logdir))
    if not found:
        print(f"no event files under {logdir}", file=sys.stderr)
        return 1
    ok = True
    for folder in found:
        name = os.path.relpath(folder, logdir)
        ok = check_run(folder, "." if name == "." else name) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
