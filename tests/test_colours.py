"""Letters on a colour the family chose are dark or light, whichever reads."""

import pytest

from schedule.common.colours import DARK, LIGHT, contrast, ink_on


@pytest.mark.parametrize(
    ("background", "ink"),
    [
        ("#e08a1e", DARK),  # はる's orange: white letters would be 2.8:1
        ("#3c9a5f", DARK),  # みお's green
        ("#c2457a", LIGHT),  # ママ's pink
        ("#2f6fb3", LIGHT),  # パパ's blue
        ("#ffffff", DARK),
        ("#000000", LIGHT),
    ],
)
def test_the_letters_take_the_colour_that_contrasts_more(background, ink):
    assert ink_on(background) == ink
    assert contrast(ink, background) >= 4.5


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#123456", "#123456") == 1
