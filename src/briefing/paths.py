"""Where things live. Everything is resolved from the repository root, so notebooks run from any folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BRIEFING_ROOT", Path(__file__).resolve().parents[2]))
DATA = ROOT / "data"
ARTICLE = DATA / "source" / "article.zh.txt"
DATAPACKAGE = DATA / "datapackage.json"
