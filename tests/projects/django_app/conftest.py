import pytest


@pytest.fixture
def anyio_backend():
    """Async tests (marked anyio) run on asyncio, as under an ASGI server."""
    return "asyncio"
