#!/usr/bin/env python3
"""Write N words, one per line, drawn from a skewed vocabulary of 10,000 words."""
import random
import sys

n = int(sys.argv[1])
path = sys.argv[2]
rng = random.Random(42)
vocab = [f"word{i:05d}" for i in range(10000)]
weights = [1.0 / (i + 1) for i in range(len(vocab))]
chunk = 1_000_000
with open(path, "w") as f:
    left = n
    while left > 0:
        k = min(chunk, left)
        f.write("\n".join(rng.choices(vocab, weights=weights, k=k)))
        f.write("\n")
        left -= k
        print(f"  generated {n - left:,}/{n:,} rows", file=sys.stderr)
