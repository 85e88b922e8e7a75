#!/usr/bin/python3
"""The README's BigGAN and StyleGAN figures, from their checkpoints, with `gan-explorer sample`:
truncation sweeps (a row per value, the same latents in each row) and StyleGAN's style-mixing grid,
each row labelled. Needs python3-pil.

  scripts/truncation_figures.py BIGGAN.pt STYLEGAN.pt OUT_DIR
"""
import os, subprocess, sys, tempfile
from PIL import Image, ImageDraw, ImageFont

B = os.environ.get("GAN_EXPLORER", "build/gan-explorer")
FONT = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 13)
SCALE = 2


def grid(checkpoint, *args):
    """One `sample` grid as an image."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "g.png")
        subprocess.run([B, "sample", "--checkpoint", checkpoint, "--out", out, *args], check=True,
                       stdout=subprocess.DEVNULL)
        return Image.open(out).convert("RGB")


def split_rows(img, rows):
    h = img.height // rows
    return [img.crop((0, r * h, img.width, (r + 1) * h)) for r in range(rows)]


def labelled(rows, labels, path, title):
    rows = [r.resize((r.width * SCALE, r.height * SCALE), Image.NEAREST) for r in rows]
    lw = max(ImageDraw.Draw(rows[0]).textlength(t, font=FONT) for t in labels) + 16
    w, h = int(lw) + rows[0].width, sum(r.height for r in rows) + 24
    canvas = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(canvas)
    d.text((4, 4), title, fill="black", font=FONT)
    y = 24
    for r, t in zip(rows, labels):
        canvas.paste(r, (int(lw), y))
        d.text((4, y + r.height // 2 - 7), t, fill="black", font=FONT)
        y += r.height
    canvas.save(path)
    print("wrote", path)


def main():
    biggan, stylegan, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    values = ["off", "2", "1.5", "1", "0.75", "0.5", "0.25"]
    for standing in ["on", "off"]:
        g = grid(biggan, "--n", "10", "--seed", "3", "--class", "mixed", "--standing", standing, "--sweep", ",".join(values))
        labelled(split_rows(g, len(values)), ["threshold " + v for v in values],
                 os.path.join(out, "biggan-sweep%s.png" % ("" if standing == "on" else "-trained-stats")),
                 "BigGAN: one class per column, the same z in each row; standing statistics " + standing)
    psis = ["1", "0.8", "0.6", "0.4", "0.2", "0"]
    g = grid(stylegan, "--n", "10", "--seed", "3", "--sweep", ",".join(psis))
    labelled(split_rows(g, len(psis)), ["psi " + p for p in psis], os.path.join(out, "stylegan-sweep.png"),
             "StyleGAN: truncation in W on every layer, the same z in each row")
    # A's and B's own samples as one row each (a sweep lays out a row per value).
    a = split_rows(grid(stylegan, "--n", "8", "--seed", "3", "--noise-seed", "1", "--sweep", "psi=1,1"), 2)[0]
    b = split_rows(grid(stylegan, "--n", "8", "--seed", "5", "--noise-seed", "1", "--sweep", "psi=1,1"), 2)[0]
    mixed = grid(stylegan, "--n", "8", "--seed", "3", "--mix-seed", "5", "--noise-seed", "1",
                 "--sweep", "mix_layers=0:3,4:5,6:7")
    labelled([a, b] + split_rows(mixed, 3),
             ["A (seed 3)", "B (seed 5)", "A, coarse from B", "A, middle from B", "A, fine from B"],
             os.path.join(out, "stylegan-mixing.png"),
             "StyleGAN style mixing: layers 0-3 (4-8 px), 4-5 (16 px), 6-7 (32 px) from B")


if __name__ == "__main__":
    main()
