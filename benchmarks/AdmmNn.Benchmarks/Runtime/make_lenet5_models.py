#!/usr/bin/python3
"""Models for the `runtime` benchmark: a trained LeNet-5 (dense ONNX) and a magnitude-pruned (~83x) + 3-bit version of it.

Run with Debian's python3-torch:  /usr/bin/python3 benchmarks/AdmmNn.Benchmarks/Runtime/make_lenet5_models.py [OUT_DIR]
(about 35 minutes on one busy core). Writes OUT_DIR/lenet5-dense.onnx and OUT_DIR/lenet5-80x-3bit.onnx (default /tmp/rt-demo).
Magnitude pruning + masked retraining + 3-bit levels stands in for the ADMM compressor's output: same sparsity and level
structure, lower accuracy. Then:
  dotnet run -c Release --project benchmarks/AdmmNn.Benchmarks -- runtime --dense OUT_DIR/lenet5-dense.onnx --compressed OUT_DIR/lenet5-80x-3bit.onnx
"""
import sys
import os
import gzip, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0); torch.set_num_threads(1)
out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/rt-demo'
os.makedirs(out, exist_ok=True)
def idx(p):
    with gzip.open(p) as f:
        d = f.read()
    n = int.from_bytes(d[4:8], 'big')
    return np.frombuffer(d, np.uint8, offset=16 if d[3] == 3 else 8)
root = '/usr/share/datasets/fashion-mnist/'
xtr = torch.tensor(idx(root + 'train-images-idx3-ubyte.gz').reshape(-1, 1, 28, 28) / 255.0, dtype=torch.float32)
ytr = torch.tensor(idx(root + 'train-labels-idx1-ubyte.gz').astype(np.int64))
xte = torch.tensor(idx(root + 't10k-images-idx3-ubyte.gz').reshape(-1, 1, 28, 28) / 255.0, dtype=torch.float32)
yte = torch.tensor(idx(root + 't10k-labels-idx1-ubyte.gz').astype(np.int64))
class LeNet5(nn.Module):
    def __init__(s):
        super().__init__(); s.conv1 = nn.Conv2d(1, 20, 5); s.conv2 = nn.Conv2d(20, 50, 5); s.fc1 = nn.Linear(800, 500); s.fc2 = nn.Linear(500, 10)
    def forward(s, x):
        x = F.max_pool2d(s.conv1(x), 2); x = F.max_pool2d(s.conv2(x), 2); x = torch.flatten(x, 1)
        return s.fc2(F.relu(s.fc1(x)))
m = LeNet5()
def acc():
    with torch.no_grad():
        return (m(xte).argmax(1) == yte).float().mean().item()
def train(epochs, lr, masks=None):
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    for e in range(epochs):
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            b = perm[i:i + 128]
            opt.zero_grad(); F.cross_entropy(m(xtr[b]), ytr[b]).backward(); opt.step()
            if masks:
                with torch.no_grad():
                    for n, p in m.named_parameters():
                        if n in masks: p.mul_(masks[n])
        print('epoch', e, 'acc', acc(), flush=True)
train(4, 1e-3)
dense_acc = acc()
def export(path):
    m.eval(); torch.onnx.export(m, torch.zeros(1, 1, 28, 28), path, input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}}, opset_version=13)
export(os.path.join(out, 'lenet5-dense.onnx'))
keep = {'conv1.weight': 0.5, 'conv2.weight': 0.1, 'fc1.weight': 0.005, 'fc2.weight': 0.1}
masks = {}
with torch.no_grad():
    for n, p in m.named_parameters():
        if n in keep:
            k = max(1, round(p.numel() * keep[n])); t = p.abs().flatten().kthvalue(p.numel() - k + 1).values
            masks[n] = (p.abs() >= t).float(); p.mul_(masks[n])
print('pruned acc', acc(), flush=True)
train(3, 5e-4, masks)
# 3-bit symmetric levels {-3..3} x scale per layer, scale by a small search minimising the projection error.
with torch.no_grad():
    for n, p in m.named_parameters():
        if n in keep:
            w = p[masks[n] > 0]; best = None
            for f in np.linspace(0.3, 1.0, 36):
                s = (w.abs().max() * f / 3).item(); q = torch.clamp(torch.round(w / s), -3, 3) * s
                err = ((q - w) ** 2).sum().item()
                if best is None or err < best[0]: best = (err, s)
            s = np.float32(best[1])
            q = torch.clamp(torch.round(p / float(s)), -3, 3)
            p.copy_(torch.tensor(np.float32(s) * q.numpy().astype(np.float32)) * masks[n])
print('quantized acc', acc(), flush=True)
# Fine-tune biases only, weights frozen.
for n, p in m.named_parameters(): p.requires_grad = n.endswith('bias')
opt = torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=1e-3)
for i in range(0, len(xtr), 128):
    b = torch.randperm(len(xtr))[:128]; opt.zero_grad(); F.cross_entropy(m(xtr[b]), ytr[b]).backward(); opt.step()
print('final acc', acc(), 'dense acc', dense_acc, flush=True)
export(os.path.join(out, 'lenet5-80x-3bit.onnx'))
