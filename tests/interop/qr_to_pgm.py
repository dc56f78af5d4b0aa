"""Turns clinic2fa's terminal QR code (half blocks, maybe ANSI-coloured) into a PGM
image: each character is two modules stacked, a block marks a dark module."""
import re
import sys

SCALE, MARGIN = 6, 8
text = re.sub(r"\x1b\[[0-9;]*m", "", sys.stdin.read())
rows = [l for l in text.split("\n") if any(c in l for c in "█▀▄")]
width = max(len(r) for r in rows)
modules = []
for row in rows:
    row = row.ljust(width)
    modules.append([c in "█▀" for c in row])
    modules.append([c in "█▄" for c in row])
w, h = (width + 2 * MARGIN) * SCALE, (len(modules) + 2 * MARGIN) * SCALE
pixels = bytearray([255]) * (w * h)
for y, line in enumerate(modules):
    for x, dark in enumerate(line):
        if dark:
            for dy in range(SCALE):
                start = ((y + MARGIN) * SCALE + dy) * w + (x + MARGIN) * SCALE
                pixels[start:start + SCALE] = bytes(SCALE)
sys.stdout.buffer.write(b"P5\n%d %d\n255\n" % (w, h) + bytes(pixels))
