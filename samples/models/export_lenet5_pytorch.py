#!/usr/bin/python3
"""Exports the Caffe LeNet-5 (AdmmNn ModelZoo "lenet5") from PyTorch to ONNX as a test fixture.

Run with Debian's python3-torch (1.13) and python3-onnx:  /usr/bin/python3 samples/models/export_lenet5_pytorch.py
Writes, beside this script:
  lenet5_pytorch.onnx            opset 13, input "input" [N,1,28,28] (dynamic N), output "logits" [N,10]
  lenet5_pytorch_data/input_0.pb  a fixed batch of 4 inputs (TensorProto)
  lenet5_pytorch_data/output_0.pb PyTorch's logits for them (TensorProto)
The weights come from torch.manual_seed(5) and PyTorch's default initialisation, so reruns give the same file.
"""
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn


class LeNet5(nn.Module):
    """Caffe's LeNet-5: 20 and 50 5x5 convolutions, 2x2 max pooling, 800-500-10 fully connected."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(self.conv1(x), 2)
        x = nn.functional.max_pool2d(self.conv2(x), 2)
        x = torch.flatten(x, 1)
        x = nn.functional.relu(self.fc1(x))
        return self.fc2(x)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(5)
    model = LeNet5().eval()
    assert sum(p.numel() for n, p in model.named_parameters() if n.endswith("weight")) == 430_500

    path = os.path.join(here, "lenet5_pytorch.onnx")
    example = torch.rand(4, 1, 28, 28)
    torch.onnx.export(
        model, example, path,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        opset_version=13, do_constant_folding=True)

    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model)
    data = os.path.join(here, "lenet5_pytorch_data")
    os.makedirs(data, exist_ok=True)
    with torch.no_grad():
        logits = model(example)
    for name, array in (("input_0.pb", example.numpy()), ("output_0.pb", logits.numpy())):
        with open(os.path.join(data, name), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(array)).SerializeToString())
    print(path, os.path.getsize(path), "bytes;", [n.op_type for n in onnx_model.graph.node])


if __name__ == "__main__":
    main()
