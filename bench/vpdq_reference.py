"""Meta's vPDQ reference (C++ through PyPI's vpdq) timed on one video, for bench/image.bench.ts.

Usage: python vpdq_reference.py --rounds N video
Prints one JSON line: seconds per round and the frames (frame number, quality, hash, timestamp).
"""
import argparse
import json
import time

import vpdq


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("video")
    args = parser.parse_args()
    seconds = []
    features = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        features = vpdq.computeHash(args.video, seconds_per_hash=1)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "seconds": seconds,
        "frames": [
            {"frameNumber": f.frame_number, "quality": f.quality, "hash": f.hex, "timestamp": f.timestamp}
            for f in features
        ],
    }))


if __name__ == "__main__":
    main()
