#!/usr/bin/python3
"""resnet-small trained on Fashion-MNIST in PyTorch with the recipe of `admmnn train` (issue 13's accuracy check).

The engine's recipe, as `admmnn train --arch resnet-small --data fashion-mnist --epochs 10` runs it by default:
  - network: the zoo's resnet-small (benchmarks/pytorch_cnn.py's ResNetSmall; PyTorch's default initialisation,
    which is what the zoo's GraphBuilder draws: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), BN scale 1 shift 0, eps 1e-5,
    running-statistics momentum 0.1 in PyTorch's convention = 0.9 in ONNX's)
  - inputs: pixels / 255, no normalisation, no augmentation; training set shuffled every epoch; last batch kept (smaller)
  - SGD, Nesterov momentum 0.9, weight decay 5e-4 on every parameter (BN scale and shift included), batch 64
  - learning rate 0.05, cosine-annealed per epoch: epoch e (0-based) uses 0.05 * (1 + cos(pi * e / epochs)) / 2
  - mean cross-entropy; test accuracy in eval mode (running BN statistics) on all 10,000 test images
Prints one line per epoch and a final JSON line. Run with Debian's /usr/bin/python3 (python3-torch 1.13):
  /usr/bin/python3 benchmarks/pytorch_resnet_small_fashion.py --epochs 10 --seed 1 --threads 2
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_cnn import ResNetSmall  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split, data_dir):
    images = idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz")).astype(np.float32) / np.float32(255)
    labels = idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)


def evaluate(model, images, labels, batch=256):
    model.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            logits = model(images[i:i + batch])
            loss += F.cross_entropy(logits, labels[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == labels[i:i + batch]).sum().item()
    return correct / len(images), loss / len(images)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-dir", default=DATA)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load("train", args.data_dir)
    test_x, test_y = load("t10k", args.data_dir)
    model = ResNetSmall()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        for group in optimizer.param_groups:
            group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * epoch / args.epochs))
        model.train()
        order = torch.randperm(len(train_x), generator=generator)
        clock = time.perf_counter()
        seen, correct, loss_sum = 0, 0, 0.0
        for i in range(0, len(order), args.batch_size):
            batch = order[i:i + args.batch_size]
            logits = model(train_x[batch])
            loss = F.cross_entropy(logits, train_y[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            seen += len(batch)
            loss_sum += loss.item() * len(batch)
            correct += (logits.argmax(1) == train_y[batch]).sum().item()
        seconds = time.perf_counter() - clock
        acc, test_loss = evaluate(model, test_x, test_y)
        print(f"epoch {epoch + 1}/{args.epochs}  lr {optimizer.param_groups[0]['lr']:.5f}  loss {loss_sum / seen:.4f}  "
              f"train acc {100 * correct / seen:.2f} %  test loss {test_loss:.4f}  test acc {100 * acc:.2f} %  "
              f"{seen / seconds:.0f} images/s", flush=True)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs": args.epochs,
                      "seed": args.seed, "test_accuracy": acc, "test_images": len(test_x),
                      "seconds": round(time.perf_counter() - start, 1)}))


if __name__ == "__main__":
    main()
