#!/usr/bin/python3
"""Writes a small Fashion-MNIST-derived RGB data set at 64x64 for compressing the torchvision fixtures.

    /usr/bin/python3 samples/models/make_fashion_rgb64.py [OUT.npz] [--train N] [--test N]

Each 28x28 Fashion-MNIST image is scaled to 64x64 (bilinear) and repeated over 3 channels; labels are kept. Written as a
NumPy .npz (x_train uint8 [N,3,64,64], y_train, x_test, y_test), default
${ADMMNN_CACHE:-~/.cache/admmnn}/fixtures/fashion-rgb64.npz, atomically (temporary file, then rename). Reads Debian's
dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) or $ADMMNN_DATA.
"""
import argparse
import gzip
import os

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def convert(images):
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    x = F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False)
    return x.round().clamp(0, 255).to(torch.uint8).repeat(1, 3, 1, 1).numpy()


def main():
    cache = os.environ.get("ADMMNN_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "admmnn")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=os.path.join(cache, "fixtures", "fashion-rgb64.npz"))
    parser.add_argument("--train", type=int, default=512)
    parser.add_argument("--test", type=int, default=256)
    args = parser.parse_args()
    source = os.environ.get("ADMMNN_DATA") or "/usr/share/datasets/fashion-mnist"
    arrays = {}
    for split, prefix, count in (("train", "train", args.train), ("test", "t10k", args.test)):
        images = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"))[:count]
        labels = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"))[:count]
        arrays[f"x_{split}"] = convert(images)
        arrays[f"y_{split}"] = labels.astype(np.int64)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    temporary = f"{args.out}.tmp.{os.getpid()}.npz"
    np.savez(temporary, **arrays)
    os.replace(temporary, args.out)
    print(f"wrote {args.out}: train {arrays['x_train'].shape}, test {arrays['x_test'].shape}")


if __name__ == "__main__":
    main()
