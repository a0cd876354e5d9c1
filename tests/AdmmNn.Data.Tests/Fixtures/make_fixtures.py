#!/usr/bin/env python3
"""Writes the small NumPy and CIFAR-binary fixtures the Data tests read (run from this folder with /usr/bin/python3).
Pixel values follow value(n, h, w, c) = (n*31 + h*7 + w*3 + c*50) % 256 so the tests can recompute them."""
import os
import numpy as np


def images(n, h, w, c):
    i = np.arange(n)[:, None, None, None]
    y = np.arange(h)[None, :, None, None]
    x = np.arange(w)[None, None, :, None]
    k = np.arange(c)[None, None, None, :]
    return ((i * 31 + y * 7 + x * 3 + k * 50) % 256).astype(np.uint8)  # N x H x W x C


os.makedirs("npy-nhwc", exist_ok=True)
np.save("npy-nhwc/x_train.npy", images(6, 5, 4, 3))
np.save("npy-nhwc/y_train.npy", np.array([0, 1, 2, 3, 4, 0], dtype=np.int64))
np.save("npy-nhwc/x_test.npy", images(2, 5, 4, 3))
np.save("npy-nhwc/y_test.npy", np.array([4, 1], dtype=np.int64))

# N x C x H x W float32 in an .npz, uint8 labels.
np.savez_compressed("nchw-float.npz",
                    x_train=(images(4, 5, 4, 3).transpose(0, 3, 1, 2).astype(np.float32) / 255.0).astype(np.float32),
                    y_train=np.array([1, 0, 1, 2], dtype=np.uint8),
                    x_test=(images(2, 5, 4, 3).transpose(0, 3, 1, 2).astype(np.float32) / 255.0).astype(np.float32),
                    y_test=np.array([2, 2], dtype=np.uint8))

# Keras mnist.npz layout: N x H x W uint8.
np.savez("nhw.npz", x_train=images(5, 6, 7, 1)[..., 0], y_train=np.array([0, 1, 2, 1, 0], dtype=np.uint8),
         x_test=images(3, 6, 7, 1)[..., 0], y_test=np.array([2, 1, 0], dtype=np.uint8))

# Bad: float64 images, 2-D labels, label count mismatch, Fortran order.
os.makedirs("bad-dtype", exist_ok=True)
np.save("bad-dtype/x_train.npy", images(3, 4, 4, 1).astype(np.float64))
np.save("bad-dtype/y_train.npy", np.array([0, 1, 0]))
os.makedirs("bad-label-shape", exist_ok=True)
np.save("bad-label-shape/x_train.npy", images(3, 4, 4, 1))
np.save("bad-label-shape/y_train.npy", np.zeros((3, 2), dtype=np.int64))
os.makedirs("bad-count", exist_ok=True)
np.save("bad-count/x_train.npy", images(3, 4, 4, 1))
np.save("bad-count/y_train.npy", np.array([0, 1], dtype=np.int32))
os.makedirs("bad-fortran", exist_ok=True)
np.save("bad-fortran/x_train.npy", np.asfortranarray(images(3, 4, 4, 1)[..., 0]))
np.save("bad-fortran/y_train.npy", np.array([0, 1, 0], dtype=np.int32))


def cifar(path, imgs, labels, coarse=None):
    planar = imgs.transpose(0, 3, 1, 2).reshape(len(imgs), -1)  # R plane, G plane, B plane
    head = labels.reshape(-1, 1).astype(np.uint8)
    if coarse is not None:
        head = np.concatenate([coarse.reshape(-1, 1).astype(np.uint8), head], axis=1)
    np.concatenate([head, planar], axis=1).astype(np.uint8).tofile(path)


os.makedirs("cifar10/cifar-10-batches-bin", exist_ok=True)
all10 = images(7, 32, 32, 3)
cifar("cifar10/cifar-10-batches-bin/data_batch_1.bin", all10[:3], np.array([0, 9, 3]))
cifar("cifar10/cifar-10-batches-bin/data_batch_2.bin", all10[3:5], np.array([5, 1]))
cifar("cifar10/cifar-10-batches-bin/test_batch.bin", all10[5:], np.array([2, 7]))
with open("cifar10/cifar-10-batches-bin/batches.meta.txt", "w") as f:
    f.write("\n".join(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]) + "\n\n")

os.makedirs("cifar100", exist_ok=True)
cifar("cifar100/train.bin", images(3, 32, 32, 3), np.array([99, 0, 42]), coarse=np.array([19, 0, 3]))
cifar("cifar100/test.bin", images(1, 32, 32, 3), np.array([7]), coarse=np.array([1]))

os.makedirs("cifar10-bad-label", exist_ok=True)
cifar("cifar10-bad-label/data_batch_1.bin", all10[:3], np.array([0, 10, 3]))
print("fixtures written")
