#!/usr/bin/env python3
"""Reads an image folder the way a PyTorch user would, for `gan-explorer bench --folder`.

torchvision's ImageFolder (or every image below the folder when it has no class folders) through a
DataLoader with two worker processes: decode, shorter side resized to RES, centre crop, into one uint8
tensor N x C x RES x RES. Prints one JSON line: seconds, images, and the peak resident memory the load
added to this process and its workers (KiB).
"""
import argparse, json, os, time

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms
from torchvision.datasets.folder import default_loader, IMG_EXTENSIONS


class Files(Dataset):
    def __init__(self, root, res):
        self.paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                            if f.lower().endswith(IMG_EXTENSIONS))
        self.t = transforms.Compose([transforms.Resize(res), transforms.CenterCrop(res), transforms.PILToTensor()])

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return self.t(default_loader(self.paths[i]))


def rss_kib(pid="self", key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--res", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(1)
    before = rss_kib()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak starts again from here
    t0 = time.perf_counter()
    ds = Files(a.folder, a.res)
    loader = DataLoader(ds, batch_size=256, num_workers=a.workers)
    parts, workers_peak = [], 0
    for batch in loader:
        parts.append(batch)
        if a.workers > 0 and loader._iterator is not None:
            for w in getattr(loader._iterator, "_workers", []):
                try:
                    workers_peak = max(workers_peak, rss_kib(w.pid, "VmHWM"))
                except OSError:
                    pass
    images = torch.cat(parts)
    seconds = time.perf_counter() - t0
    print(json.dumps({"impl": "torchvision", "seconds": seconds, "images": int(images.shape[0]),
                      "workers": a.workers, "peak_added_kib": rss_kib(key="VmHWM") - before,
                      "worker_peak_kib": workers_peak}))


if __name__ == "__main__":
    main()
