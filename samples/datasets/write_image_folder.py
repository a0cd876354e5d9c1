#!/usr/bin/env python3
"""Writes an MNIST-family IDX dataset (e.g. Fashion-MNIST) as a torchvision ImageFolder of PNG files:

    OUT/train/<label>/<index>.png   OUT/test/<label>/<index>.png

<label> is the class number (0..9, so ordinal folder order is label order) and <index> the sample's position in the IDX
file, zero-padded, so every PNG can be matched to its IDX sample. Greyscale 8-bit PNGs, written with zlib only (no PIL).

    /usr/bin/python3 samples/datasets/write_image_folder.py /usr/share/datasets/fashion-mnist OUT [--limit N] [--rgb SIZE]

--limit N writes only the first N samples of each split; --rgb SIZE writes 3-channel SIZExSIZE PNGs instead (the grey image
centred on a black square, replicated to R, G and B), for 3-channel models.
"""
import argparse
import gzip
import os
import struct
import zlib


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 8:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def png(width, height, channels, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    color = 0 if channels == 1 else 2
    raw = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def find(folder, prefix, kind):
    for name in (f"{prefix}-{kind}-ubyte.gz", f"{prefix}-{kind}-ubyte"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f"{folder}: no {prefix}-{kind}-ubyte[.gz]")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("idx_folder")
    parser.add_argument("out")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rgb", type=int, default=None, metavar="SIZE")
    args = parser.parse_args()
    for split, prefix in (("train", "train"), ("test", "t10k")):
        (count, height, width), pixels = read_idx(find(args.idx_folder, prefix, "images-idx3"))
        (label_count,), labels = read_idx(find(args.idx_folder, prefix, "labels-idx1"))
        assert label_count == count
        n = count if args.limit is None else min(count, args.limit)
        for i in range(n):
            image = pixels[i * height * width:(i + 1) * height * width]
            rows = [image[r * width:(r + 1) * width] for r in range(height)]
            if args.rgb:
                size = args.rgb
                top, left = (size - height) // 2, (size - width) // 2
                black = b"\x00" * (3 * size)
                out_rows = []
                for r in range(size):
                    if top <= r < top + height:
                        grey = rows[r - top]
                        line = bytes(v for p in grey for v in (p, p, p))
                        out_rows.append(b"\x00" * (3 * left) + line + b"\x00" * (3 * (size - left - width)))
                    else:
                        out_rows.append(black)
                data = png(size, size, 3, out_rows)
            else:
                data = png(width, height, 1, rows)
            folder = os.path.join(args.out, split, str(labels[i]))
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{i:05d}.png"), "wb") as f:
                f.write(data)
        print(f"{split}: {n} PNGs in {os.path.join(args.out, split)}")


if __name__ == "__main__":
    main()
