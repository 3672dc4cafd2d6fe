"""Fixtures shared by the unit tests."""

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures a test opened, so that none accumulate over the session."""
    yield
    plt.close("all")
