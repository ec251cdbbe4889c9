#!/usr/bin/env python3
"""bigpng.py OUTDIR N SIDE: N one-bit PNG scans of SIDE x SIDE pixels
(big-01.png ...), each with bands of marks a little different, written
with zlib alone (no imaging library needed)."""
import os, struct, sys, zlib
out, n, side = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
W = H = side
rb = W // 8
def chunk(t, d):
    c = struct.pack(">I", len(d)) + t + d
    return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
for k in range(n):
    white = b"\x00" + b"\xff" * rb
    rows = []
    for y in range(H):
        band = (y // 60) % 7 == 3 and side // 10 < y < side * 8 // 9
        if band:
            r = bytearray(white)
            for x in range(40 + k, rb - 40, 3):
                r[1 + x] = 0x00 if (x + y // 60 + k) % 5 else 0xff
            rows.append(bytes(r))
        else:
            rows.append(white)
    raw = b"".join(rows)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 1, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    open(os.path.join(out, "big-%02d.png" % (k + 1)), "wb").write(png)
