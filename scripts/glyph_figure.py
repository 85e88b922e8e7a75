#!/usr/bin/env python3
"""The README's glyph figures: held-out characters of one typeface, their true translation into another,
and each checkpoint's translation of them (`gan-explorer translate`), one row each, as a PNG.
Usage: glyph_figure.py OUT.png SOURCE_FACE TARGET_FACE LABEL=CHECKPOINT... (after the checkpoints' runs;
the held-out glyphs are read from the glyph cache that `gan-explorer metrics` filled)."""
import glob, os, subprocess, sys, tempfile
from PIL import Image, ImageDraw, ImageFont

R, N = 32, 12          # side, characters shown
TEST = 34              # held-out characters per face
exe = os.environ.get("GAN_EXPLORER", "build/gan-explorer")
cache = os.environ.get("GAN_EXPLORER_CACHE", os.path.expanduser("~/.cache/gan-explorer")) + "/glyphs"

def held_out(face):
    stem = face.replace(" ", "-")
    for f in glob.glob(f"{cache}/{stem}-{R}-*.u8"):
        data = open(f, "rb").read()  # the pixels, then their 8-byte checksum
        if len(data) == TEST * R * R + 8:
            return [Image.frombytes("L", (R, R), data[i * R * R:(i + 1) * R * R]) for i in range(TEST)]
    sys.exit(f"no held-out glyphs of {face} in {cache}: run gan-explorer metrics on a checkpoint of them first")

out, source, target, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
picked = [round(i * (TEST - 1) / (N - 1)) for i in range(N)]
src, truth = held_out(source), held_out(target)
rows = [(source, [src[i] for i in picked]), (f"{target} (the answer)", [truth[i] for i in picked])]
with tempfile.TemporaryDirectory() as tmp:
    for i in picked: src[i].save(f"{tmp}/{i:02d}.pgm")
    for k, spec in enumerate(runs):
        label, ckpt = spec.rsplit("=", 1)  # the label may hold "=" itself
        subprocess.run([exe, "translate", "--checkpoint", ckpt, "--input", tmp, "--direction", "AtoB",
                        "--out", f"{tmp}/run{k}"], check=True, stdout=subprocess.DEVNULL)
        rows.append((label, [Image.open(f"{tmp}/run{k}/{i:02d}_AtoB.png").convert("L") for i in picked]))
S, W = 2 * R, 230
fig = Image.new("RGB", (W + N * (S + 2), len(rows) * (S + 2)), "white")
d = ImageDraw.Draw(fig)
try:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 13)
except OSError:
    font = ImageFont.load_default()
for r, (label, images) in enumerate(rows):
    d.text((4, r * (S + 2) + S // 2 - 8), label, fill="black", font=font)
    for c, im in enumerate(images): fig.paste(im.resize((S, S), Image.NEAREST), (W + c * (S + 2), r * (S + 2)))
fig.save(out)
print("wrote", out)
