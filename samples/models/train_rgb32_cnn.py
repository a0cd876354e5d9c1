#!/usr/bin/env python3
"""Trains a small 3-channel CNN on Fashion-MNIST made 32x32 RGB (bilinear resize, grey replicated), normalized with
mean/std and augmented with horizontal flips, and exports it to ONNX with input [N, 3, 32, 32]: the model for the
3-channel acceptance of docs/data.md (compress from the PNG folder with the matching policy data section, pack, predict
from PNGs). Run with /usr/bin/python3 (Debian python3-torch).

    /usr/bin/python3 samples/models/train_rgb32_cnn.py /usr/share/datasets/fashion-mnist OUT.onnx [--epochs 2]
"""
import argparse
import gzip
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530  # admmnn data info on Fashion-MNIST


def read_idx(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data[4 + 4 * rank:], dtype=np.uint8).reshape(dims)


def prepare(images):
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    x = F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False).round().clamp(0, 255)
    x = (x / 255.0 - MEAN) / STD
    return x.repeat(1, 3, 1, 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 8 * 8, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("idx_folder")
    p.add_argument("out")
    p.add_argument("--epochs", type=int, default=2)
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x = prepare(read_idx(os.path.join(a.idx_folder, "train-images-idx3-ubyte.gz")))
    y = torch.from_numpy(read_idx(os.path.join(a.idx_folder, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    xt = prepare(read_idx(os.path.join(a.idx_folder, "t10k-images-idx3-ubyte.gz")))
    yt = torch.from_numpy(read_idx(os.path.join(a.idx_folder, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    net = Net()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    for epoch in range(a.epochs):
        net.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = order[i:i + 128]
            batch = x[idx]
            flip = torch.rand(len(idx)) < 0.5
            batch[flip] = batch[flip].flip(3)
            loss = F.cross_entropy(net(batch), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            acc = (net(xt).argmax(1) == yt).float().mean().item()
        print(f"epoch {epoch + 1}: test accuracy {acc:.4f}")
    torch.onnx.export(net, torch.zeros(1, 3, 32, 32), a.out, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
