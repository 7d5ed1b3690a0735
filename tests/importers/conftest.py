"""Fixtures for the importer tests: the reference catalogue and gazetteer, files written on the fly."""

from pathlib import Path

import pytest

from strikes.reference import reference_load
from tests.conftest import require

# The shared data files live next to the repository: <repo>/../shared/data.
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture
def reference(db):
    """The gazetteer and munition catalogue, as `manage.py load_reference` writes them."""
    return reference_load()


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
