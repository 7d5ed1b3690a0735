"""Fixtures for the importer tests: the reference catalogue and gazetteer, files written on the fly."""

import os
from pathlib import Path

import pytest

from tests.conftest import require
from tests.reference_rows import reference_rows

# The shared data files live next to the repository: <repo>/../shared/data.
# The team's shared data sits beside the checkout (../shared/data); a clone elsewhere (CI
# in a scratch folder) finds it through SHARED_DATA_DIR or the workplace's fixed path.
SHARED_DATA = next(
    (
        p
        for p in (
            Path(os.environ.get("SHARED_DATA_DIR", "/nonexistent")),
            Path(__file__).resolve().parents[2].parent / "shared" / "data",
            Path("/work/shared/data"),
        )
        if p.is_dir()
    ),
    Path(__file__).resolve().parents[2].parent / "shared" / "data",
)


@pytest.fixture
def reference(db):
    """The gazetteer and munition catalogue, as `manage.py load_reference` writes them."""
    return reference_rows()


@pytest.fixture
def write_csv(tmp_path):
    """``write_csv(text, name=..., encoding=...)`` writes a test file and returns its path."""

    def write(text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def shared_file(name: str) -> Path:
    """A full dataset from ../shared/data: skipped locally, a failure in CI, when absent."""
    path = SHARED_DATA / name
    require(path.is_file(), f"{path} is not there (the full shared datasets are needed for this test)")
    return path
