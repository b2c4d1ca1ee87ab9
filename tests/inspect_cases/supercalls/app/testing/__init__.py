# Re-exported: the test modules import BaseCase from the package, not from its module.
from .base import BaseCase, CleanupBase

__all__ = ["BaseCase", "CleanupBase"]
