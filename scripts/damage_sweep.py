#!/usr/bin/env python3
"""Damages a checkpoint in many ways and asks gan-explorer to open each copy.

For every copy, `gan-explorer sample` must refuse it with a message (exit 1), never load it (exit 0)
and never crash (killed by a signal). Prints the counts per kind of damage.

    scripts/damage_sweep.py CHECKPOINT [--binary build/gan-explorer] [--flips 600] [--cuts 200] [--blocks 200]
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("checkpoint")
ap.add_argument("--binary", default="build/gan-explorer")
ap.add_argument("--flips", type=int, default=600, help="copies with one bit flipped")
ap.add_argument("--cuts", type=int, default=200, help="copies cut short")
ap.add_argument("--blocks", type=int, default=200, help="copies with a 4 KiB block zeroed")
ap.add_argument("--seed", type=int, default=20261129)
args = ap.parse_args()

good = open(args.checkpoint, "rb").read()
rng = random.Random(args.seed)
tmp = tempfile.mkdtemp(prefix="gan-damage-")
path, out = os.path.join(tmp, "damaged.pt"), os.path.join(tmp, "grid.png")


def damaged():
    for _ in range(args.flips):
        b = bytearray(good)
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
        yield "one bit flipped", bytes(b)
    for _ in range(args.cuts):
        yield "cut short", good[: rng.randrange(len(good))]
    for _ in range(args.blocks):
        b = bytearray(good)
        i = rng.randrange(len(b))
        b[i : i + 4096] = bytes(len(b[i : i + 4096]))
        if bytes(b) != good:
            yield "4 KiB zeroed", bytes(b)


counts = {}
for kind, data in damaged():
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run([args.binary, "sample", "--checkpoint", path, "--n", "4", "--out", out],
                       capture_output=True, text=True)
    if r.returncode < 0 or r.returncode >= 128:
        verdict = "crashed"
        print(f"CRASH ({kind}): exit {r.returncode}\n{r.stderr[-2000:]}", file=sys.stderr)
    elif r.returncode == 0:
        verdict = "loaded"
        print(f"LOADED ({kind})", file=sys.stderr)
    elif "cannot be loaded" in r.stderr or "cannot load" in r.stderr or "not a GAN Explorer checkpoint" in r.stderr:
        verdict = "refused with a message"
    else:
        verdict = "other error"
        print(f"OTHER ({kind}): {r.stderr.strip()[-300:]}", file=sys.stderr)
    counts.setdefault(kind, {}).setdefault(verdict, 0)
    counts[kind][verdict] += 1

total = sum(sum(v.values()) for v in counts.values())
print(f"{total} damaged copies of {args.checkpoint} ({len(good)} bytes):")
for kind, v in counts.items():
    print(f"  {kind}: " + ", ".join(f"{n} {verdict}" for verdict, n in sorted(v.items())))
