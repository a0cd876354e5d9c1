#!/usr/bin/python3
"""PyTorch reference for `AdmmNn.Benchmarks cnn`: the same three CNNs, batch sizes, optimizer and rounds.

--net resnet-small | mobilenet-28 | resnet18-32 (see benchmarks/AdmmNn.Benchmarks/Cnn/CnnNets.cs; keep them in step).
Prints one JSON object with the same keys as pytorch_lenet5.py. Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import argparse
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_lenet5 import loaded_blas, measure


def conv_bn(cin, cout, k, stride, pad, groups=1, relu=True):
    layers = [nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class Basic(nn.Module):
    """resnet-small's block: conv-bn-relu, conv-bn, 1x1 projection when the shape changes, add, relu."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, 3, stride, 1), conv_bn(cout, cout, 3, 1, 1, relu=False))
        self.shortcut = conv_bn(cin, cout, 1, stride, 0, relu=False) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.body(x) + self.shortcut(x))


class ResNetSmall(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_bn(1, 16, 3, 1, 1), Basic(16, 16, 1), Basic(16, 32, 2), Basic(32, 64, 2))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


class Inverted(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        hidden = cin * 4
        self.body = nn.Sequential(conv_bn(cin, hidden, 1, 1, 0), conv_bn(hidden, hidden, 3, stride, 1, groups=hidden),
                                  conv_bn(hidden, cout, 1, 1, 0, relu=False))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


class MobileNet28(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_bn(1, 16, 3, 1, 1), Inverted(16, 24, 2), Inverted(24, 24, 1),
                                      Inverted(24, 32, 2), Inverted(32, 32, 1), conv_bn(32, 128, 1, 1, 0))
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


def create(name):
    if name == "resnet-small":
        return ResNetSmall(), (1, 28, 28)
    if name == "mobilenet-28":
        return MobileNet28(), (1, 28, 28)
    if name == "resnet18-32":
        import torchvision
        return torchvision.models.resnet18(num_classes=10), (3, 32, 32)
    raise SystemExit(f"unknown net {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--net", default="resnet-small")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, shape = create(args.net)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }

    measure(model, optimizer, shape, args.seconds, args.rounds, result)
    result["blas"] = loaded_blas()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
