"""Faultline: deterministic root-cause diagnosis for failing CI logs."""

__version__ = "0.1.0"
__all__ = ["analyze", "Analysis", "Diagnosis", "Evidence", "__version__"]


def __getattr__(name):
    # Imported on first use so that `faultline --help` and `explain` start fast.
    if name == "analyze":
        from faultline.api import analyze

        return analyze
    if name in ("Analysis", "Diagnosis", "Evidence"):
        from faultline.engine import result

        return getattr(result, name)
    raise AttributeError(name)
