"""The colours that carry meaning, in one place: TensorFlow Playground's
orange for negative and class 0, blue for positive and class 1, the light
grey between them, and the colours of further classes.

Every view takes them from here (the canvas's weights, the maps and
heatmaps, the data tables, the learn tools), so a weight, a map and a data
point of the same sign or class always wear the same colour. Plain RGB
tuples: no Qt objects, so any module (or thread) may use them.
"""

from __future__ import annotations

# Playground: negative orange, zero light grey, positive blue.
NEGATIVE = (245, 147, 34)
MIDDLE = (232, 234, 235)
POSITIVE = (8, 119, 189)

# Class colours: class 0 orange and class 1 blue as Playground's -1 and +1.
CLASS_COLORS = [
    NEGATIVE,
    POSITIVE,
    (44, 160, 44),
    (148, 103, 189),
    (214, 39, 40),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
]


def class_color(i: int) -> tuple[int, int, int]:
    """The colour of class ``i`` (classes past the tenth reuse the list)."""
    return CLASS_COLORS[int(i) % len(CLASS_COLORS)]


def hex_color(rgb) -> str:
    """'#rrggbb' for rich text and style sheets."""
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb[:3]))
