"""Text on a colour the family chose: black or white, whichever reads better.

By WCAG 2's relative luminance and contrast ratio, so that a member's light
orange chip carries dark letters (7.6:1) rather than white ones (2.8:1).
"""

import functools

DARK = "#1b1b1b"
LIGHT = "#ffffff"


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two #rrggbb colours, 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@functools.lru_cache(maxsize=256)  # a family has a few colours; every chip asks
def ink_on(background: str) -> str:
    """DARK or LIGHT, whichever contrasts more with the #rrggbb `background`."""
    return DARK if contrast(DARK, background) > contrast(LIGHT, background) else LIGHT
