#!/usr/bin/python3
"""Exports the torchvision classification models AdmmNn's CNN-import tests use, as a user would with torch.onnx.export.

Run with Debian's python3-torch (1.13) and python3-torchvision (0.14):
    /usr/bin/python3 samples/models/export_torchvision.py [--out DIR] [--models a,b] [--opsets 11,13,17]

Writes into DIR (default ${ADMMNN_CACHE:-~/.cache/admmnn}/fixtures/torchvision):
    <model>-opset<N>.onnx     random weights (torch.manual_seed(18)), num_classes=10, input "input" [N,3,64,64]
                              (dynamic batch N), output "logits" [N,10], eval mode, PyTorch's default constant folding
    lenet_avgpool-opset11.onnx  a PyTorch LeNet variant with AvgPool2d, input [N,1,28,28], opset 11
Files that already exist are kept (the folder is a cache); each file is written to a temporary name and renamed, so an
interrupted run never leaves half a model. Prints one line per file. The files are not committed: tests generate them.
"""
import argparse
import os
import sys

import torch
import torchvision
from torch import nn

MODELS = [
    "resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
    "shufflenet_v2_x0_5", "squeezenet1_1", "densenet121", "regnet_y_400mf",
]
OPSETS = [11, 13, 17]
SEED = 18


class LeNetAvgPool(nn.Module):
    """LeNet-5 as in the PyTorch tutorials, with average pooling (exports Pad/AveragePool patterns at opset 11)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = x.view(x.size(0), -1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


def default_folder():
    cache = os.environ.get("ADMMNN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "admmnn")
    return os.path.join(cache, "fixtures", "torchvision")


def export(model, example, path, opset):
    if os.path.exists(path):
        print(f"kept     {path}")
        return
    temporary = f"{path}.tmp.{os.getpid()}"
    try:
        with torch.no_grad():
            torch.onnx.export(
                model, example, temporary,
                input_names=["input"], output_names=["logits"],
                dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                opset_version=opset, do_constant_folding=True)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    print(f"exported {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=default_folder())
    parser.add_argument("--models", default=",".join(MODELS + ["lenet_avgpool"]))
    parser.add_argument("--opsets", default=",".join(str(o) for o in OPSETS))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    opsets = [int(o) for o in args.opsets.split(",") if o]
    torch.set_num_threads(1)
    for name in [m for m in args.models.split(",") if m]:
        if name == "lenet_avgpool":
            torch.manual_seed(SEED)
            export(LeNetAvgPool().eval(), torch.rand(2, 1, 28, 28),
                   os.path.join(args.out, "lenet_avgpool-opset11.onnx"), 11)
            continue
        if name not in MODELS:
            sys.exit(f"unknown model '{name}' (known: {', '.join(MODELS)}, lenet_avgpool)")
        for opset in opsets:
            path = os.path.join(args.out, f"{name}-opset{opset}.onnx")
            if os.path.exists(path):
                print(f"kept     {path}")
                continue
            torch.manual_seed(SEED)
            model = getattr(torchvision.models, name)(num_classes=10).eval()
            export(model, torch.rand(2, 3, 64, 64), path, opset)


if __name__ == "__main__":
    main()
