#!/usr/bin/env python3
"""Bar charts as PNG with the Python standard library only (zlib + struct).

Used by summarize.py when matplotlib is not installed. Text is drawn with a built-in 3x5 pixel
font (upper case, digits, a little punctuation), scaled 2x: crude, but legible and dependency-free.
"""

import struct
import zlib

FONT = {
    "0": "### #.# #.# #.# ###", "1": ".#. ##. .#. .#. ###", "2": "### ..# ### #.. ###",
    "3": "### ..# ### ..# ###", "4": "#.# #.# ### ..# ..#", "5": "### #.. ### ..# ###",
    "6": "### #.. ### #.# ###", "7": "### ..# ..# ..# ..#", "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ###", "A": ".#. #.# ### #.# #.#", "B": "##. #.# ##. #.# ##.",
    "C": ".## #.. #.. #.. .##", "D": "##. #.# #.# #.# ##.", "E": "### #.. ##. #.. ###",
    "F": "### #.. ##. #.. #..", "G": ".## #.. #.# #.# .##", "H": "#.# #.# ### #.# #.#",
    "I": "### .#. .#. .#. ###", "J": "..# ..# ..# #.# .#.", "K": "#.# #.# ##. #.# #.#",
    "L": "#.. #.. #.. #.. ###", "M": "#.# ### ### #.# #.#", "N": "##. #.# #.# #.# #.#",
    "O": ".#. #.# #.# #.# .#.", "P": "##. #.# ##. #.. #..", "Q": ".#. #.# #.# ##. .##",
    "R": "##. #.# ##. #.# #.#", "S": ".## #.. .#. ..# ##.", "T": "### .#. .#. .#. .#.",
    "U": "#.# #.# #.# #.# ###", "V": "#.# #.# #.# #.# .#.", "W": "#.# #.# ### ### #.#",
    "X": "#.# #.# .#. #.# #.#", "Y": "#.# #.# .#. .#. .#.", "Z": "### ..# .#. #.. ###",
    ":": "... .#. ... .#. ...", "/": "..# ..# .#. #.. #..", ".": "... ... ... ... .#.",
    ",": "... ... ... .#. #..", "-": "... ... ### ... ...", "=": "... ### ... ### ...",
    "(": ".#. #.. #.. #.. .#.", ")": ".#. ..# ..# ..# .#.", "%": "#.# ..# .#. #.. #.#",
    "_": "... ... ... ... ###", " ": "... ... ... ... ...",
}
SCALE = 2
GLYPH_W, GLYPH_H = 3 * SCALE, 5 * SCALE
ADVANCE = GLYPH_W + SCALE

WHITE, BLACK, GREY = (255, 255, 255), (40, 40, 40), (200, 200, 200)
BLUE, ORANGE = (76, 114, 176), (221, 132, 82)


class Canvas:
    """An RGB raster; not thread-safe (one chart at a time)."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray(WHITE * (width * height))

    def rect(self, x0, y0, x1, y1, color):
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start : start + len(row)] = row

    def text(self, x, y, text, color=BLACK):
        for ch in text.upper():
            rows = FONT.get(ch, FONT[" "]).split()
            for r, bits in enumerate(rows):
                for c, bit in enumerate(bits):
                    if bit == "#":
                        px, py = x + c * SCALE, y + r * SCALE
                        self.rect(px, py, px + SCALE, py + SCALE, color)
            x += ADVANCE

    def text_centered(self, cx, y, text, color=BLACK):
        self.text(cx - text_width(text) // 2, y, text, color)

    def png(self):
        raw = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )

        def chunk(kind, data):
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


def text_width(text):
    return len(text) * ADVANCE - SCALE if text else 0


def label(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def bar_charts(path, panels, subtitle="", highlight=None):
    """panels: [(title, [names], [values])]; one bar chart per panel, side by side."""
    panel_w, panel_h, top, bottom = 380, 300, 50, 40
    canvas = Canvas(panel_w * len(panels), panel_h + 24)
    canvas.text(8, 6, subtitle, (110, 110, 110))
    for i, (title, names, values) in enumerate(panels):
        x0 = i * panel_w
        canvas.text_centered(x0 + panel_w // 2, 24, title)
        base = 24 + panel_h - bottom
        plot_h = panel_h - top - bottom
        canvas.rect(x0 + 20, base, x0 + panel_w - 20, base + 1, BLACK)
        peak = max(values) if values else 1
        slot = (panel_w - 40) // max(1, len(names))
        for j, (name, value) in enumerate(zip(names, values)):
            cx = x0 + 20 + slot * j + slot // 2
            h = int(plot_h * value / peak) if peak > 0 else 0
            color = ORANGE if name == highlight else BLUE
            canvas.rect(cx - slot // 3, base - h, cx + slot // 3, base, color)
            canvas.text_centered(cx, base - h - GLYPH_H - 4, label(value))
            canvas.text_centered(cx, base + 8, name)
    with open(path, "wb") as f:
        f.write(canvas.png())


if __name__ == "__main__":
    bar_charts(
        "/tmp/pngchart-demo.png",
        [("passthrough: requests/s", ["upstream", "gatehouse", "haproxy"], [90000, 38000, 35000])],
        "nproc=2 workers=1",
        highlight="gatehouse",
    )
    print("/tmp/pngchart-demo.png")
