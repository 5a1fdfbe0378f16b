"""One detector for the whole run, built from the shipped rules (compiling takes about a
second). A Detector is pure: its word caches only memoise, so sharing it changes no result."""

import pytest
from shared_data import SHIPPED

from bot.safety.detector import Detector, load_detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    return load_detector(SHIPPED)
