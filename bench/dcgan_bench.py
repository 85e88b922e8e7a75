#!/usr/bin/env python3
"""The same DCGAN as models/dcgan.cpp, in PyTorch (Debian's python3-torch: the same LibTorch build).

Times one full training step (D on real + fake, then G) at a given batch size on random
[-1, 1] data of the model's resolution, and prints one JSON line with the median and p95 in ms.
Used by `gan-explorer bench --python` to compare the engine with Python side by side.
"""
import argparse, json, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def init_weights(m):
    # Radford et al. 2016: all weights from N(0, 0.02); BN gamma from N(1, 0.02), beta 0.
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class G(nn.Module):
    def __init__(self, nz, ngf, nc, res):
        super().__init__()
        layers, mult = [], res // 8
        ch = ngf * mult
        layers += [nn.ConvTranspose2d(nz, ch, 4, 1, 0, bias=False), nn.BatchNorm2d(ch), nn.ReLU(True)]
        size = 4
        while size < res // 2:
            layers += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU(True)]
            ch //= 2
            size *= 2
        layers += [nn.ConvTranspose2d(ch, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z.view(z.size(0), -1, 1, 1))


class D(nn.Module):
    def __init__(self, ndf, nc, res):
        super().__init__()
        layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True)]
        ch, size = ndf, res // 2
        while size > 4:
            layers += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2, True)]
            ch *= 2
            size //= 2
        layers += [nn.Conv2d(ch, 1, 4, 1, 0, bias=False)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).view(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--res", type=int, default=32)
    ap.add_argument("--nz", type=int, default=100)
    ap.add_argument("--ngf", type=int, default=64)
    ap.add_argument("--ndf", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g, d = G(a.nz, a.ngf, 1, a.res), D(a.ndf, 1, a.res)
    g.apply(init_weights)
    d.apply(init_weights)
    og = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(a.batch, 1, a.res, a.res) * 2 - 1
    ones, zeros = torch.ones(a.batch), torch.zeros(a.batch)
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        z = torch.randn(a.batch, a.nz)
        fake = g(z)
        od.zero_grad()
        ld = F.binary_cross_entropy_with_logits(d(real), ones) + \
             F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
        ld.backward()
        od.step()
        og.zero_grad()
        lg = F.binary_cross_entropy_with_logits(d(fake), ones)
        lg.backward()
        og.step()
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(json.dumps({"impl": "python", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "batch": a.batch, "res": a.res, "steps": a.steps,
                      "median_ms": statistics.median(times),
                      "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))]}))


if __name__ == "__main__":
    main()
