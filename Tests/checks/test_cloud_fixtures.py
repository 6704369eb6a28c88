"""Every Cloud API request fixture under fixtures/ (send/, account/, ...) against Meta's official OpenAPI spec, one
test per fixture file, with the recorded errata of the spec (meta-spec-errata.yaml) applied. The spec is reference
data outside the repository: without it these tests are skipped; the errata file and the shape of the fixture
files are checked either way. What is validated how: bridgecheck/meta_schema.py."""
from __future__ import annotations

import pytest

from bridgecheck.bridge import REPO_ROOT
from bridgecheck.meta_schema import (
    BROKEN, REQUEST, CloudValidator, SpecShapeError, classify_fixture, fixture_files, load_errata, load_spec,
)

FIXTURES_ROOT = REPO_ROOT / "fixtures"
CLASSIFIED = [(path, *classify_fixture(path, FIXTURES_ROOT)) for path in fixture_files(FIXTURES_ROOT)]
REQUESTS = [pytest.param(fixture, id=str(path.relative_to(FIXTURES_ROOT)))
            for path, kind, fixture in CLASSIFIED if kind == REQUEST]


def test_errata_are_well_formed_and_each_has_a_reason():
    errata = load_errata()
    assert errata["relaxations"], "meta-spec-errata.yaml lists no relaxations"


def test_every_send_fixture_is_a_cloud_request_or_a_rejection():
    broken = [f"{path.relative_to(FIXTURES_ROOT)}: {problem}" for path, kind, problem in CLASSIFIED if kind == BROKEN]
    assert not broken, "\n".join(broken)
    assert REQUESTS, f"no Cloud request fixtures under {FIXTURES_ROOT}"


@pytest.fixture(scope="module")
def meta_validator(meta_openapi_spec):
    try:
        return CloudValidator(load_spec(meta_openapi_spec), load_errata())
    except SpecShapeError as error:
        pytest.fail(f"{meta_openapi_spec.name}: {error}", pytrace=False)


@pytest.mark.parametrize("fixture", REQUESTS)
def test_cloud_request_matches_metas_schema(meta_validator, fixture):
    note, errors = meta_validator.check(fixture)
    if note:
        pytest.skip(note)
    assert not errors, "\n".join(f"{where}: {message}" for where, message in errors)
