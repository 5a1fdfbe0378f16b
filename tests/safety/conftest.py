"""One detector per test module, built from the shipped rules."""

import pytest
from shared_data import SHIPPED

from bot.safety.detector import Detector, load_detector


@pytest.fixture(scope="module")
def detector() -> Detector:
    return load_detector(SHIPPED)
