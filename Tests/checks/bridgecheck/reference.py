"""Reference data that is not in the repository (third-party specs): where to find it, and why a check is skipped
without it. A file is looked for where its environment variable points, else in ../shared/reference/ beside the
repository; a variable that points at no file is an error, not a skip."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bridgecheck.bridge import REPO_ROOT

SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference"


@dataclass(frozen=True)
class ReferenceFile:
    variable: str  # the environment variable that names the file
    name: str  # its name in ../shared/reference/
    title: str  # what it is, for messages
    skipped: str  # what is not checked without it

    def locate(self) -> tuple[Path | None, str]:
        """(path, "") when found; (None, the one-line skip reason) when absent. Raises ReferenceMissing when the
        variable is set to something that is not a file."""
        named = os.environ.get(self.variable)
        if named:
            path = Path(named)
            if not path.is_file():
                raise ReferenceMissing(f"{self.variable}={named} is not a file ({self.title})")
            return path, ""
        path = SHARED_REFERENCE / self.name
        if path.is_file():
            return path, ""
        return None, (f"{self.skipped}: {self.title} not found (set {self.variable}, or put {self.name} in "
                      f"../shared/reference/ beside the repository)")


class ReferenceMissing(Exception):
    pass


META_SPEC = ReferenceFile(
    variable="META_OPENAPI_SPEC",
    name="meta-business-messaging-v23.0.openapi.yaml",
    title="Meta's official WhatsApp Cloud API spec",
    skipped="Cloud request fixtures not checked against Meta's schema",
)
ONEMSG_239_SPEC = ReferenceFile(
    variable="ONEMSG_239_SPEC",
    name="onemsg-waba-2.39.openapi.json",
    title="1MSG's official 2.39 spec",
    skipped="openapi/onemsg-bridge.yaml not compared with 1MSG 2.39",
)
