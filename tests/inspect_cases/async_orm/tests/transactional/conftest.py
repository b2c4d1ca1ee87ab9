import pytest


@pytest.fixture(autouse=True)
def _flush_everything(transactional_db):
    """Every test in this directory is transactional."""
