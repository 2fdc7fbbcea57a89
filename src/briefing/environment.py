"""Layer 9: facts about the environment the book was built in (for the execution status page)."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

KEY_PACKAGES = ["jupyter-book", "myst-nb", "sphinx", "sphinx-book-theme", "pandas", "numpy", "altair",
                "vl-convert-python", "frictionless", "nbval", "pytest", "playwright"]


def package_versions(names: list[str] = KEY_PACKAGES) -> pd.DataFrame:
    rows = []
    for name in names:
        try:
            rows.append({"package": name, "version": version(name)})
        except PackageNotFoundError:
            rows.append({"package": name, "version": "not installed"})
    return pd.DataFrame(rows)


def python_version() -> str:
    return f"Python {platform.python_version()}"
