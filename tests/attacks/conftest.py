"""The attack tests' shared fixture: the trained digits model and its data."""
import pytest
from digits_model import trained_digits


@pytest.fixture(scope='module')
def digits():
    """``(model, train, test)`` of :func:`digits_model.trained_digits`."""
    return trained_digits()
