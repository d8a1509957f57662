"""Meta's PDQ reference (C++, through PyPI's pdqhash) timed from file bytes to hash, for bench/image.bench.ts.

Usage: python pdq_reference.py --rounds N --procs P file...
Decodes with Pillow (libjpeg-turbo) at full size, as the reference tools do, then pdqhash.compute.
Prints one JSON line: the photos/s of each round, CPU ms per photo (one process), and each file's hash.
"""
import argparse
import io
import json
import multiprocessing
import time

import numpy as np
import pdqhash
from PIL import Image


def hash_bytes(data):
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits, quality = pdqhash.compute(pixels)
    # pdqhash returns bit 255 first; the text form packs it into the first hex digit's top bit.
    value = int("".join("1" if b else "0" for b in bits), 2)
    return f"{value:064x}", int(quality)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    blobs = []
    for path in args.files:
        with open(path, "rb") as f:
            blobs.append(f.read())
    hashes = [hash_bytes(b) for b in blobs]  # warm-up, and the hashes to compare with ours
    rates = []
    cpu_ms = None
    pool = multiprocessing.Pool(args.procs) if args.procs > 1 else None
    if pool:
        pool.map(hash_bytes, blobs)  # warm the workers
    for _ in range(args.rounds):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        if pool:
            pool.map(hash_bytes, blobs, chunksize=1)
        else:
            for b in blobs:
                hash_bytes(b)
        rates.append(len(blobs) / (time.perf_counter() - wall0))
        if not pool:
            cpu_ms = (time.process_time() - cpu0) * 1000 / len(blobs)
    if pool:
        pool.close()
    print(json.dumps({
        "rates": rates,
        "cpuMsPerPhoto": cpu_ms,
        "hashes": [{"hash": h, "quality": q} for h, q in hashes],
        "pdqhash": getattr(pdqhash, "__version__", "?"),
    }))


if __name__ == "__main__":
    main()
