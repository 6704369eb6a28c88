#!/usr/bin/env python3
"""Seed corpora for scripts/fuzz, made from the repository's fixtures: every 1MSG request of fixtures/{send,account,
groups} as JSON, as a form and as multipart (FuzzLenientBody's first byte picks the content type, FuzzMultipart's the
chunk size), every Meta payload of fixtures/webhooks (FuzzCloudWebhook) and every Cloud surface request of
fixtures/cloud-surface (FuzzCloudSurface). Usage: fuzz-seeds.py CORPUS_DIR"""
import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = "fuzzboundary"
# Indexes into FuzzLenientBody's content types.
JSON, FORM, MULTIPART = 0, 1, 3


def write(directory: Path, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def scalar(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def multipart(fields: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{scalar(value)}\r\n')
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
                 f'Content-Type: text/plain\r\n\r\nhello\r\n--{BOUNDARY}--\r\n')
    return "".join(parts).encode()


def main() -> None:
    corpus = Path(sys.argv[1])
    lenient, parts, webhook = corpus / "FuzzLenientBody", corpus / "FuzzMultipart", corpus / "FuzzCloudWebhook"
    surface = corpus / "FuzzCloudSurface"
    for kind in ("send", "account", "groups"):
        for path in sorted((ROOT / "fixtures" / kind).glob("*.json")):
            request = json.loads(path.read_text()).get("request")
            if not isinstance(request, dict):
                continue
            write(lenient, bytes([JSON]) + json.dumps(request).encode())
            write(lenient, bytes([FORM]) + urlencode({k: scalar(v) for k, v in request.items()}).encode())
            body = multipart(request)
            write(lenient, bytes([MULTIPART]) + body)
            write(parts, bytes([len(body) % 256]) + body)
    for path in sorted((ROOT / "fixtures" / "webhooks").glob("*.json")):
        payload = json.loads(path.read_text()).get("payload")
        if payload is not None:
            write(webhook, json.dumps(payload).encode())
    for path in sorted((ROOT / "fixtures" / "cloud-surface").glob("*.json")):
        request = json.loads(path.read_text()).get("request")
        if request is not None:
            write(surface, json.dumps(request).encode())
    for directory in (lenient, parts, webhook, surface):
        print(f"{directory.name}: {len(list(directory.iterdir()))} inputs in {directory}")


if __name__ == "__main__":
    main()
