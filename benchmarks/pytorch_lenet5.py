#!/usr/bin/python3
"""PyTorch reference for the LeNet-5 benchmark (run by `AdmmNn.Benchmarks lenet5`, or on its own).

Same network, batch sizes, optimizer and measurement rules as the C# side: Caffe LeNet-5 (conv 1->20 5x5, max-pool 2,
conv 20->50 5x5, max-pool 2, fc 800->500, ReLU, fc 500->10), SGD with momentum, cross-entropy, synthetic inputs of the
Fashion-MNIST shape. Prints one JSON object on stdout: images/s and latency plus which BLAS and thread count were used.
Run with Debian's /usr/bin/python3 (python3-torch 1.13).
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def rounds_of(step, seconds, rounds, items_per_call):
    """Warm up, then `rounds` timed rounds of about `seconds` each.

    Returns per-round items/s (sorted) and items per process CPU-second over all rounds (includes spin-waiting).
    """
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < max(0.5, seconds / 2) or calls < 5:
        step()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    calls_per_round = max(1, int(seconds / per_call))
    rates = []
    cpu_start = time.process_time()
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls_per_round):
            step()
        rates.append(items_per_call * calls_per_round / (time.perf_counter() - t0))
    per_cpu_second = items_per_call * calls_per_round * rounds / (time.process_time() - cpu_start)
    return sorted(rates), per_cpu_second


def loaded_blas():
    """The BLAS shared objects actually mapped into this process (resolves the libblas.so.3 alternative)."""
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if "blas" in name or "mkl" in name:
                found.add(os.path.realpath(path))
    return sorted(found)


def measure(model, optimizer, shape, seconds, rounds, result):
    """Training at batch 64 and 256 (cross-entropy, the given optimizer), inference at batch 256 and batch-1 latency,
    on random inputs of `shape` (C, H, W); fills `result` with the keys the C# side reads."""
    for batch in (64, 256):
        x = torch.rand(batch, *shape)
        y = torch.randint(0, 10, (batch,))
        model.train()

        def train_step():
            optimizer.zero_grad(set_to_none=False)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()

        rates, per_cpu = rounds_of(train_step, seconds, rounds, batch)
        result[f"train_b{batch}"] = statistics.median(rates)
        result[f"train_b{batch}_best"] = rates[-1]
        result[f"train_b{batch}_per_cpu_s"] = per_cpu

    model.eval()
    with torch.no_grad():
        x = torch.rand(256, *shape)
        rates, per_cpu = rounds_of(lambda: model(x), seconds, rounds, 256)
        result["infer_b256"] = statistics.median(rates)
        result["infer_b256_best"] = rates[-1]
        result["infer_b256_per_cpu_s"] = per_cpu

        one = torch.rand(1, *shape)
        rates, per_cpu = rounds_of(lambda: model(one), seconds, rounds, 1)
        result["latency_b1_ms"] = 1000.0 / statistics.median(rates)
        result["latency_b1_best_ms"] = 1000.0 / rates[-1]
        result["latency_b1_cpu_ms"] = 1000.0 / per_cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = LeNet5()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }

    measure(model, optimizer, (1, 28, 28), args.seconds, args.rounds, result)

    # Read after running: the BLAS library is mapped once the first Linear layer has run.
    result["blas"] = loaded_blas()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
