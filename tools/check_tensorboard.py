#!/usr/bin/env python3
"""Checks that TensorBoard itself can read a scidl log directory, and prints what it finds.

Usage: python3 tools/check_tensorboard.py LOGDIR

For every run (LOGDIR and each sub-directory holding event files) it
  1. walks each event file's TFRecord framing with TensorBoard's own masked CRC-32C and parses
     every record with TensorBoard's Event proto, failing on the first bad byte;
  2. loads the run with TensorBoard's EventAccumulator (size_guidance 0: keep everything) and
     prints every scalar, histogram, text tensor and the hparams plugin content, the latter
     decoded with tensorboard.plugins.hparams.plugin_data_pb2.
Exits 1 if any file is unreadable or no event file is found, 2 on bad usage.
A checking tool only: `pip install tensorboard`; scidl never depends on it.
"""

import os
import struct
import sys

from google.protobuf import text_format
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util


class Unreadable(Exception):
    pass


def verify_records(path):
    """Checks framing and both CRCs of every record; returns the number of events."""
    with open(path, "rb") as f:
        data = f.read()
    pos, count = 0, 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise Unreadable(f"{path}: truncated record header at byte offset {pos}")
        (length,) = struct.unpack_from("<Q", data, pos)
        (length_crc,) = struct.unpack_from("<I", data, pos + 8)
        if length_crc != masked_crc32c(data[pos : pos + 8]):
            raise Unreadable(f"{path}: length CRC mismatch in record at byte offset {pos}")
        end = pos + 12 + length
        if end + 4 > len(data):
            raise Unreadable(f"{path}: truncated record at byte offset {pos}")
        payload = data[pos + 12 : end]
        (data_crc,) = struct.unpack_from("<I", data, end)
        if data_crc != masked_crc32c(payload):
            raise Unreadable(f"{path}: data CRC mismatch in record at byte offset {pos}")
        try:
            event = event_pb2.Event.FromString(payload)
        except Exception as error:  # protobuf raises DecodeError, but be broad
            raise Unreadable(f"{path}: record at byte offset {pos} is no Event: {error}")
        if count == 0 and event.file_version != "brain.Event:2":
            raise Unreadable(f"{path}: first event has file_version {event.file_version!r}")
        pos, count = end + 4, count + 1
    if count == 0:
        raise Unreadable(f"{path}: no records")
    return count


def runs_of(logdir):
    """Directories under logdir (itself included) that hold event files, sorted."""
    runs = []
    for directory, _, files in os.walk(logdir):
        events = sorted(f for f in files if "tfevents" in f)
        if events:
            runs.append((directory, [os.path.join(directory, f) for f in events]))
    return sorted(runs)


def plugin_contents(accumulator, plugin_name):
    """{tag: content} for a plugin; {} when the run has no tag of that plugin."""
    try:
        return accumulator.PluginTagToContent(plugin_name)
    except KeyError:
        return {}


def print_hparams(accumulator):
    contents = plugin_contents(accumulator, "hparams")
    for tag in sorted(contents):
        data = plugin_data_pb2.HParamsPluginData.FromString(contents[tag])
        kind = data.WhichOneof("data")
        print(f"  hparams {tag}: version={data.version} data={kind}")
        body = text_format.MessageToString(getattr(data, kind)) if kind else ""
        for line in body.rstrip().splitlines():
            print(f"      {line}")
        if kind == "session_start_info":
            decoded = {}
            for name, value in data.session_start_info.hparams.items():
                kind_of_value = value.WhichOneof("kind")
                decoded[name] = f"{kind_of_value}={getattr(value, kind_of_value)!r}"
            print(f"    decoded hparams: {decoded}")


def report_run(directory, files, logdir):
    name = os.path.relpath(directory, logdir)
    print(f"run {name!r}")
    for path in files:
        print(f"  file {os.path.basename(path)}: {verify_records(path)} records, all CRCs good")

    guidance = {key: 0 for key in event_accumulator.DEFAULT_SIZE_GUIDANCE}
    accumulator = event_accumulator.EventAccumulator(directory, size_guidance=guidance)
    accumulator.Reload()
    tags = accumulator.Tags()
    for tag in sorted(tags["scalars"]):
        points = [(e.step, round(e.value, 6)) for e in accumulator.Scalars(tag)]
        print(f"  scalar {tag}: {points}")
    for tag in sorted(tags["histograms"]):
        for e in accumulator.Histograms(tag):
            h = e.histogram_value
            pairs = zip(h.bucket_limit, h.bucket)
            nonzero = [(round(limit, 4), int(count)) for limit, count in pairs if count]
            print(
                f"  histogram {tag} step {e.step}: min={h.min} max={h.max} num={h.num} "
                f"sum={h.sum:.6g} sum_squares={h.sum_squares:.6g} buckets={len(h.bucket)} "
                f"non-empty (upper limit, count)={nonzero}"
            )
    text_tags = set(plugin_contents(accumulator, "text"))
    for tag in sorted(text_tags):
        for e in accumulator.Tensors(tag):
            value = tensor_util.make_ndarray(e.tensor_proto)
            print(f"  text {tag} step {e.step}: {value.item().decode('utf-8')!r}")
    hparams_tags = set(plugin_contents(accumulator, "hparams"))
    for tag in sorted(set(tags["tensors"]) - text_tags - hparams_tags):
        for e in accumulator.Tensors(tag):
            print(f"  tensor {tag} step {e.step}: {tensor_util.make_ndarray(e.tensor_proto)!r}")
    print_hparams(accumulator)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    logdir = argv[1]
    if not os.path.isdir(logdir):
        print(f"error: {logdir} is not a directory", file=sys.stderr)
        return 1
    runs = runs_of(logdir)
    if not runs:
        print(f"error: no event files (names with 'tfevents') under {logdir}", file=sys.stderr)
        return 1
    try:
        for directory, files in runs:
            report_run(directory, files, logdir)
    except Unreadable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"OK: TensorBoard read {len(runs)} run(s) under {logdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
