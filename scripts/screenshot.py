#!/usr/bin/env python3
"""Renders a tmux pane (capture-pane -e, with colours) to a PNG for the README.

usage: scripts/screenshot.py SESSION OUT.png [SOCKET]   (needs pillow and DejaVu Sans Mono)
SOCKET is the tmux server's -L name when the session is not on the default one.
"""
import re
import subprocess
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
# The monospace face has no braille; the proportional one does, and braille cells are all one width.
BRAILLE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BASIC = ["#1e1e1e", "#e05252", "#6cc06c", "#e0c050", "#5b8fd9", "#c678dd", "#56b6c2", "#d0d0d0",
         "#707070", "#ff6b6b", "#8be08b", "#ffe070", "#7aa8ff", "#e29bf0", "#7fd8e2", "#ffffff"]
FG, BG = "#d0d0d0", "#1e1e1e"


def cells(line):
    """Yields (char, fg, bg, bold) for one line of SGR-coloured text."""
    fg, bg, bold, rev = FG, BG, False, False
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(2) is not None:
            f, b = (bg, fg) if rev else (fg, bg)
            yield m.group(2), f, b, bold
            continue
        codes = [int(c) for c in m.group(1).split(";") if c] or [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                fg, bg, bold, rev = FG, BG, False, False
            elif c == 1:
                bold = True
            elif c == 7:
                rev = True
            elif c == 22:
                bold = False
            elif c == 27:
                rev = False
            elif 30 <= c <= 37:
                fg = BASIC[c - 30]
            elif 90 <= c <= 97:
                fg = BASIC[c - 90 + 8]
            elif 40 <= c <= 47:
                bg = BASIC[c - 40]
            elif c == 39:
                fg = FG
            elif c == 49:
                bg = BG
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                n = codes[i + 2]
                colour = BASIC[n] if n < 16 else FG
                fg, bg = (colour, bg) if c == 38 else (fg, colour)
                i += 2
            i += 1


def main():
    session, out = sys.argv[1], sys.argv[2]
    socket = ["-L", sys.argv[3]] if len(sys.argv) > 3 else []
    text = subprocess.run(["tmux", *socket, "capture-pane", "-e", "-p", "-t", session],
                          capture_output=True, text=True, check=True).stdout
    lines = text.rstrip("\n").split("\n")
    font, bold = ImageFont.truetype(FONT, 15), ImageFont.truetype(BOLD, 15)
    braille = ImageFont.truetype(BRAILLE, 15)
    w, h = 9, 19
    cols = max(len(re.sub(r"\x1b\[[0-9;]*m", "", l)) for l in lines)
    img = Image.new("RGB", (cols * w + 16, len(lines) * h + 16), BG)
    d = ImageDraw.Draw(img)
    for y, line in enumerate(lines):
        for x, (ch, fg, bg, b) in enumerate(cells(line)):
            px, py = 8 + x * w, 8 + y * h
            if bg != BG:
                d.rectangle([px, py, px + w - 1, py + h - 1], fill=bg)
            if ch != " ":
                face = braille if 0x2800 <= ord(ch) <= 0x28FF else (bold if b else font)
                d.text((px, py), ch, font=face, fill=fg)
    img.save(out)


if __name__ == "__main__":
    main()
