import pytest

from ember import _jit


@pytest.fixture(autouse=True)
def jit_off_after_each_test():
    yield
    _jit.configure(mode="off")
