"""The JSON contract (schema "faultline.analysis/1"): stable, byte-identical for identical input."""

from __future__ import annotations

import json

from faultline.engine.result import Analysis


def analysis_json(analysis: Analysis) -> str:
    return json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False) + "\n"
