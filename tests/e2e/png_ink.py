#!/usr/bin/python3
"""How much of a PNG is not background: prints the share of pixels that differ from the
top-left pixel and the number of distinct colours, and with --colour RRGGBB whether that
colour is there. For the chart tests: a picture that failed to render is one colour.
usage: png_ink.py FILE.png [--colour RRGGBB]"""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "only 8-bit RGB and RGBA"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    for line in rows:
        for x in range(width):
            yield line[x * bpp:x * bpp + 3]


px = list(pixels(sys.argv[1]))
background = px[0]
ink = sum(p != background for p in px) / len(px)
colours = set(px)
print(f"ink {ink:.4f} colours {len(colours)}")
if "--colour" in sys.argv:
    want = bytes.fromhex(sys.argv[sys.argv.index("--colour") + 1])
    print("colour", "present" if want in colours else "absent")
