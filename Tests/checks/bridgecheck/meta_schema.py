"""Meta's official Cloud API spec as a validator of the Cloud request fixtures under fixtures/.

Which files are Cloud requests (paths relative to fixtures/):

  send/*.json   must be a JSON object with "cloud" (the exact Cloud API POST /messages body, validated) or "error"
                (a rejection fixture: nothing is sent to Cloud, so there is nothing to validate).
  **/*.json     any other fixture whose top level has "operation" and at least one of "cloud", "cloudQuery",
                "cloudEndpoint", "cloudMethod" is a request too (e.g. account/*.json), unless it has neither "cloud"
                nor "cloudQuery" and is a rejection ("error") or a reply-direction fixture ("cloudResponse" or
                "reply"). Other JSON files are not Cloud requests.

Request fixture format (keys other than these are ignored, e.g. "request", the 1MSG request, and "description"):

  {"operation": "setMe",
   "cloudEndpoint": "whatsapp_business_profile",  # default "messages"
   "cloudMethod": "POST",              # default POST for messages only
   "cloud": {...},                     # optional: the exact JSON body sent
   "cloudQuery": {"k": "v", ...}}      # optional: query parameters, strings

  cloudEndpoint/cloudMethod with neither "cloud" nor "cloudQuery": a call without body or query (e.g. a GET); it
  passes if the spec has that method on that path (and it needs no JSON body or required query parameter).

cloudEndpoint -> spec path (the operation is cloudMethod on that path): see ENDPOINT_PATHS; "uploads" is the spec
path whose last segment is "uploads" (Resumable Upload API). The v23.0 spec has none, so such fixtures are not
validated (the test says so). An unknown cloudEndpoint fails, and so does a missing cloudMethod on any endpoint but
messages, or a method the spec does not define on the path.

What is checked:
  messages    "cloud" against components.schemas.Message; the member schema is picked through the discriminator on
              "type" (default "text").
  the others  "cloud" against the operation's requestBody application/json schema, or for an operation that takes
              only multipart/form-data, its schema with "cloud" as the form fields (an operation without either fails:
              "<METHOD> <endpoint> takes no JSON body"; a body the spec marks required must be there). Every
              "cloudQuery" key must be a declared query parameter of the operation (path-level and operation-level,
              $refs to components.parameters resolved; header and path parameters are not query parameters), every
              value a string that validates against the parameter's schema after coercion: "true"/"false" become
              booleans and numeric strings numbers when the schema's type asks for boolean/number/integer (and not
              also string). Required query parameters must be present.

$refs resolve against the whole document. Before validating, every allOf is merged into one object schema
(components.schemas and the operations' own inline schemas), and the relaxations recorded in
Tests/checks/meta-spec-errata.yaml are applied (each with its reason). "format" is not asserted (email, uri).
"""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path
from urllib.parse import quote

import yaml

ERRATA_FILE = Path(__file__).resolve().parent.parent / "meta-spec-errata.yaml"
SPEC_URI = "urn:meta:business-messaging:openapi"  # the whole spec is registered under this URI
MESSAGE_SCHEMA = "Message"
MESSAGES_ENDPOINT = "messages"
MAX_MESSAGE_CHARS = 300

# cloudEndpoint -> OpenAPI path. "uploads" is looked up in the spec instead (UPLOADS_SEGMENT).
ENDPOINT_PATHS = {
    MESSAGES_ENDPOINT: "/{Version}/{Phone-Number-ID}/messages",
    "marketing_messages": "/{Version}/{Phone-Number-ID}/marketing_messages",
    "whatsapp_business_profile": "/{Version}/{Phone-Number-ID}/whatsapp_business_profile",
    "message_templates": "/{Version}/{WABA-ID}/message_templates",
    "block_users": "/{Version}/{Phone-Number-ID}/block_users",
    "whatsapp_commerce_settings": "/{Version}/{Phone-Number-ID}/whatsapp_commerce_settings",
    "conversational_automation": "/{Version}/{Phone-Number-ID}/conversational_automation",
    "phone_number": "/{Version}/{Phone-Number-ID}",
    "waba": "/{Version}/{WABA-ID}",
    "settings": "/{Version}/{Phone-Number-ID}/settings",
    "calls": "/{Version}/{Phone-Number-ID}/calls",
    "whatsapp_business_encryption": "/{Version}/{Phone-Number-ID}/whatsapp_business_encryption",
    "flows": "/{Version}/{WABA-ID}/flows",
    "flow": "/{Version}/{Flow-ID}",
    "flow_assets": "/{Version}/{Flow-ID}/assets",
    "flow_publish": "/{Version}/{Flow-ID}/publish",
    "flow_deprecate": "/{Version}/{Flow-ID}/deprecate",
    "groups": "/{Version}/{Phone-Number-ID}/groups",
    "group": "/{Version}/{group_id}",
    "group_invite_link": "/{Version}/{group_id}/invite_link",
}
UPLOADS_ENDPOINT = "uploads"
UPLOADS_SEGMENT = "uploads"  # the Resumable Upload API session path ends in /uploads
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_MEDIA_TYPE = "application/json"
# An operation that takes only form fields (the business public key): its fixture's "cloud" lists the fields.
FORM_MEDIA_TYPE = "multipart/form-data"
REQUEST_KEYS = ("cloud", "cloudQuery", "cloudEndpoint", "cloudMethod")  # outside send/: any of these + "operation"
OPERATIONS_KEY = "x-check-cloud-fixtures"  # where the prepared operation schemas live in the registered doc


class SpecShapeError(Exception):
    """The spec no longer looks as this check (or one of its recorded errata) expects."""


def _expect(cond: bool, what: str) -> None:
    if not cond:
        raise SpecShapeError(what)


# ---------------------------------------------------------------------------
# Which fixture files are Cloud requests (no spec needed)
# ---------------------------------------------------------------------------

REQUEST, REJECTION, NOT_A_REQUEST, BROKEN = "request", "rejection", "not a request", "broken"


def classify_fixture(path: Path, fixtures_root: Path) -> tuple[str, object]:
    """(kind, fixture or problem) for one JSON file under fixtures/: REQUEST (validate it against the spec),
    REJECTION (a send fixture that sends nothing), NOT_A_REQUEST, or BROKEN (a send fixture that is not a readable
    JSON object with "cloud" or "error"; the second item says why)."""
    strict = path.parent == fixtures_root / "send"
    try:
        fixture = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return (BROKEN, f"not readable JSON: {exc}") if strict else (NOT_A_REQUEST, None)
    if not isinstance(fixture, dict):
        return (BROKEN, "fixture must be a JSON object") if strict else (NOT_A_REQUEST, None)
    if strict and "cloud" not in fixture and "error" not in fixture:
        return BROKEN, 'fixture has neither "cloud" nor "error"'
    if not strict and not ("operation" in fixture and any(k in fixture for k in REQUEST_KEYS)):
        return NOT_A_REQUEST, None
    if "cloud" not in fixture and "cloudQuery" not in fixture:
        if "error" in fixture:
            return REJECTION, fixture
        if "cloudResponse" in fixture or "reply" in fixture:
            return NOT_A_REQUEST, None  # reply-direction fixture
    return REQUEST, fixture


def fixture_files(fixtures_root: Path) -> list[Path]:
    return sorted(fixtures_root.rglob("*.json"))


# ---------------------------------------------------------------------------
# The recorded errata of the spec (meta-spec-errata.yaml) and the edits they make
# ---------------------------------------------------------------------------

SCOPES = ("schemas", "message-schemas", "operations")
EDITS = ("test", "replace", "add", "append", "remove")
_MISSING = object()


def load_errata(path: Path = ERRATA_FILE) -> dict:
    """The errata file, its format checked: {"preprocessing", "not_relaxed", "relaxations": [...]}. Raises
    ValueError naming the first entry that is malformed."""
    with open(path, encoding="utf-8") as handle:
        errata = yaml.safe_load(handle)
    if not isinstance(errata, dict) or not isinstance(errata.get("relaxations"), list):
        raise ValueError(f"{path.name}: no list of relaxations")
    seen = set()
    for index, entry in enumerate(errata["relaxations"]):
        label = f"{path.name}: relaxation {index + 1} ({entry.get('id') if isinstance(entry, dict) else entry!r})"
        if not isinstance(entry, dict):
            raise ValueError(f"{label} is not a mapping")
        for key in ("id", "where", "change", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ValueError(f"{label} has no {key!r} text")
        if entry["id"] in seen:
            raise ValueError(f"{label}: the id is used twice")
        seen.add(entry["id"])
        if entry.get("scope") not in SCOPES:
            raise ValueError(f"{label}: scope must be one of {', '.join(SCOPES)}")
        if not isinstance(entry.get("edits"), list) or not entry["edits"]:
            raise ValueError(f"{label} has no edits")
        for edit in entry["edits"]:
            kinds = [k for k in EDITS if k in edit] if isinstance(edit, dict) else []
            if len(kinds) != 1 or not isinstance(edit[kinds[0]], list) or not edit[kinds[0]]:
                raise ValueError(f"{label}: an edit must name exactly one of {', '.join(EDITS)} with a path: {edit!r}")
            needs = {"replace": ("was", "value"), "add": ("value",), "append": ("value",), "remove": ("value",)}
            for key in needs.get(kinds[0], ()):
                if key not in edit:
                    raise ValueError(f"{label}: {kinds[0]} needs {key!r}: {edit!r}")
    return errata


def _show(value, limit: int = 200) -> str:
    return "nothing" if value is _MISSING else json.dumps(value)[:limit]


def _show_path(path) -> str:
    return ".".join(json.dumps(step, separators=(",", ":")) if isinstance(step, dict) else str(step) for step in path)


def _matches(item, selector: dict) -> bool:
    return isinstance(item, dict) and all(item.get(k, _MISSING) == v for k, v in selector.items())


def _step(node, step, where: str):
    """The child of node at one path step, or _MISSING."""
    if isinstance(step, dict):
        _expect(isinstance(node, list), f"{where}: a selector needs a list, found {type(node).__name__}")
        found = [item for item in node if _matches(item, step)]
        _expect(len(found) <= 1, f"{where}: {len(found)} items match {step}")
        return found[0] if found else _MISSING
    if isinstance(step, int) and not isinstance(step, bool):
        return node[step] if isinstance(node, list) and -len(node) <= step < len(node) else _MISSING
    return node.get(step, _MISSING) if isinstance(node, dict) else _MISSING


def _walk(root, path: list, where: str):
    node = root
    for depth, step in enumerate(path):
        node = _step(node, step, where)
        _expect(node is not _MISSING, f"{where}: {_show_path(path[:depth + 1])} not found")
    return node


def apply_edit(root, edit: dict) -> None:
    """One edit of a relaxation (see meta-spec-errata.yaml); raises SpecShapeError when the spec does not hold what
    the edit expects."""
    kind = next(k for k in EDITS if k in edit)
    path = edit[kind]
    where = f"{kind} {_show_path(path)}"
    parent = _walk(root, path[:-1], where)
    last = path[-1]
    current = _step(parent, last, where)
    value = copy.deepcopy(edit.get("value"))
    if kind == "test":
        if current is _MISSING:
            _expect(bool(edit.get("or_absent")), f"{where}: not found")
        elif "value" in edit:
            _expect(current == value, f"{where}: expected {_show(value)}, found {_show(current)}")
    elif kind == "replace":
        _expect(current is not _MISSING, f"{where}: not found")
        _expect(current == edit["was"], f"{where}: expected {_show(edit['was'])}, found {_show(current)}")
        _assign(parent, last, value, where)
    elif kind == "add":
        _expect(current is _MISSING, f"{where}: already there ({_show(current)})")
        if isinstance(last, dict):
            _expect(_matches(value, last), f"{where}: the value does not match its selector")
            parent.append(value)
        else:
            _expect(isinstance(parent, dict), f"{where}: cannot add a member to a {type(parent).__name__}")
            parent[last] = value
    elif kind == "append":
        if current is _MISSING and edit.get("create"):
            _expect(isinstance(parent, dict) and not isinstance(last, dict), f"{where}: cannot create it")
            current = parent[last] = []
        _expect(isinstance(current, list), f"{where}: expected a list, found {_show(current)}")
        _expect(value not in current, f"{where}: already holds {_show(value)}")
        current.append(value)
    elif kind == "remove":
        _expect(isinstance(current, list), f"{where}: expected a list, found {_show(current)}")
        _expect(value in current, f"{where}: does not hold {_show(value)}")
        _assign(parent, last, [item for item in current if item != value], where)


def _assign(parent, step, value, where: str) -> None:
    if isinstance(step, dict):
        index = next(i for i, item in enumerate(parent) if _matches(item, step))
        parent[index] = value
    else:
        parent[step] = value


def apply_relaxations(errata: dict, schemas: dict, message_names: list[str], operations: dict) -> None:
    """Applies every relaxation of the errata: schemas = components.schemas after the allOf merge, message_names the
    discriminator's message schemas, operations {cloudEndpoint: {method: prepared operation}}."""
    for relaxation in errata["relaxations"]:
        scope = relaxation["scope"]
        roots = ([schemas[name] for name in message_names] if scope == "message-schemas"
                 else [operations] if scope == "operations" else [schemas])
        try:
            for root in roots:
                for edit in relaxation["edits"]:
                    apply_edit(root, edit)
        except (KeyError, TypeError, SpecShapeError) as exc:
            raise SpecShapeError(f"relaxation {relaxation['id']!r} no longer fits the spec: {exc}") from exc


# ---------------------------------------------------------------------------
# allOf merging
# ---------------------------------------------------------------------------
# Keywords whose value is one schema / a list of schemas / a map of name -> schema.
_SCHEMA_KEYS = {"items", "additionalProperties", "not", "if", "then", "else", "contains",
                "propertyNames", "unevaluatedProperties", "unevaluatedItems"}
_SCHEMA_LIST_KEYS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SCHEMA_MAP_KEYS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
# Annotations: on a conflict the later part wins.
_ANNOTATION_KEYS = {"title", "description", "example", "examples", "default", "discriminator",
                    "deprecated", "readOnly", "writeOnly", "externalDocs", "xml", "format"}


class SchemaMerger:
    def __init__(self, spec: dict):
        self.spec = spec
        self.memo: dict[str, object] = {}
        self.in_progress: set[str] = set()

    def pointer(self, ref: str):
        _expect(ref.startswith("#/"), f"only local $refs are supported, got {ref!r}")
        node = self.spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def resolved(self, ref: str):
        """The target of ref, itself normalised (allOf merged)."""
        if ref not in self.memo:
            _expect(ref not in self.in_progress, f"allOf cycle through {ref}")
            self.in_progress.add(ref)
            self.memo[ref] = self.normalise(self.pointer(ref))
            self.in_progress.discard(ref)
        return self.memo[ref]

    def normalise(self, node):
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "allOf":
                continue
            if key in _SCHEMA_KEYS:
                out[key] = self.normalise(value)
            elif key in _SCHEMA_LIST_KEYS and isinstance(value, list):
                out[key] = [self.normalise(v) for v in value]
            elif key in _SCHEMA_MAP_KEYS and isinstance(value, dict):
                out[key] = {k: self.normalise(v) for k, v in value.items()}
            else:
                out[key] = copy.deepcopy(value)
        if "allOf" not in node:
            return out
        merged = out
        for part in node["allOf"]:
            merged = merge(merged, self.inline(part))
        return merged

    def inline(self, part):
        """An allOf member as a plain schema: a $ref is replaced by its target."""
        if not isinstance(part, dict):
            return part
        if "$ref" in part:
            rest = {k: v for k, v in part.items() if k != "$ref"}
            return merge(copy.deepcopy(self.resolved(part["$ref"])), self.normalise(rest))
        return self.normalise(part)


def merge(a: dict, b: dict) -> dict:
    """Merge two schemas that must both hold into one (a's annotations lose to b's)."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return {"allOf": [a, b]}  # boolean schemas: leave it to the validator
    out = dict(a)
    leftovers = []
    for key, bv in b.items():
        if key not in out:
            out[key] = bv
            continue
        av = out[key]
        if av == bv:
            continue
        if key == "properties":
            props = dict(av)
            for name, schema in bv.items():
                props[name] = merge(props[name], schema) if name in props else schema
            out[key] = props
        elif key == "required":
            out[key] = list(av) + [r for r in bv if r not in av]
        elif key == "additionalProperties":
            if av is False or bv is False:
                out[key] = False
            elif av is True:
                out[key] = bv
            elif bv is True:
                out[key] = av
            else:
                out[key] = merge(av, bv)
        elif key == "enum":
            out[key] = [v for v in av if v in bv]
        elif key == "type":
            at = av if isinstance(av, list) else [av]
            bt = bv if isinstance(bv, list) else [bv]
            both = [t for t in at if t in bt]
            out[key] = both[0] if len(both) == 1 else both
        elif key in _ANNOTATION_KEYS:
            out[key] = bv
        else:
            leftovers.append({key: bv})  # conflicting assertion: keep both
    if leftovers:
        out["allOf"] = out.get("allOf", []) + leftovers
    return out


# ---------------------------------------------------------------------------
# Spec loading and validation
# ---------------------------------------------------------------------------

def load_spec(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as f:
        return yaml.load(f, Loader=loader)


class CloudValidator:
    """Validates Cloud request fixtures against the spec, allOf-merged and relaxed by the errata."""

    def __init__(self, spec: dict, errata: dict):
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        schemas = spec["components"]["schemas"]
        message = schemas[MESSAGE_SCHEMA]
        disc = message.get("discriminator") or {}
        _expect(disc.get("propertyName") == "type", "Message discriminator is not on 'type'")
        self.mapping = {t: ref.rsplit("/", 1)[-1] for t, ref in disc["mapping"].items()}

        merger = SchemaMerger(spec)
        merged = {name: merger.resolved(f"#/components/schemas/{name}") for name in schemas}

        self.endpoint_paths = dict(ENDPOINT_PATHS)
        uploads = sorted(p for p in spec.get("paths", {}) if p.rstrip("/").rsplit("/", 1)[-1] == UPLOADS_SEGMENT)
        _expect(len(uploads) <= 1, f"more than one spec path ends in /{UPLOADS_SEGMENT}: {uploads}")
        self.endpoint_paths[UPLOADS_ENDPOINT] = uploads[0] if uploads else None
        operations = prepare_operations(spec, merger, [p for p in self.endpoint_paths.values() if p])

        by_endpoint = {endpoint: operations[path] for endpoint, path in self.endpoint_paths.items() if path}
        apply_relaxations(errata, merged, list(self.mapping.values()), by_endpoint)

        # Each operation's body and query schemas go into the registered doc under OPERATIONS_KEY, so
        # their local $refs resolve against the whole (merged, relaxed) spec.
        self.operations: dict[tuple[str, str], dict] = {}
        prepared: dict = {}
        for endpoint, path in self.endpoint_paths.items():
            if path is None:
                continue
            for method, operation in operations[path].items():
                key = f"{endpoint}.{method}"
                body = operation.get("requestBody")
                content = (body or {}).get("content") or {}
                json_body = content.get(JSON_MEDIA_TYPE) or content.get(FORM_MEDIA_TYPE)
                query = {p["name"]: p for p in operation["parameters"] if p.get("in") == "query"}
                prepared[key] = {
                    "body": (json_body or {}).get("schema", True),
                    "query": {name: p.get("schema", True) for name, p in query.items()},
                }
                self.operations[(endpoint, method)] = {
                    "key": key,
                    "body": json_body is not None,
                    "body_required": bool((body or {}).get("required")),
                    "body_types": sorted(((body or {}).get("content") or {})),
                    "query_required": sorted(n for n, p in query.items() if p.get("required")),
                    "query_names": sorted(query),
                }

        doc = dict(spec)
        doc["components"] = dict(spec["components"], schemas=merged)
        doc[OPERATIONS_KEY] = prepared
        self.doc = doc
        registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))
        self._registry = registry
        self._validator_class = Draft202012Validator
        self._cache: dict[str, object] = {}
        self.validators = {
            t: Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, registry=registry)
            for t, name in self.mapping.items()
        }

    def _validator(self, *pointer_parts: str):
        pointer = "".join("/" + quote(p.replace("~", "~0").replace("/", "~1"), safe="") for p in pointer_parts)
        if pointer not in self._cache:
            self._cache[pointer] = self._validator_class({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self._registry)
        return self._cache[pointer]

    def _deref(self, schema):
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
            seen += 1
            _expect(seen < 50, f"$ref loop at {schema['$ref']}")
            node = self.doc
            for part in schema["$ref"][2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            schema = node
        return schema

    def errors(self, body) -> list[tuple[str, str]]:
        """Errors of a POST /messages body (validated against Message via the discriminator)."""
        if not isinstance(body, dict):
            return [("cloud", f"cloud body must be a JSON object, got {type(body).__name__}")]
        kind = body.get("type", "text")
        validator = self.validators.get(kind) if isinstance(kind, str) else None
        if validator is None:
            known = ", ".join(sorted(self.validators))
            return [("cloud.type", f"{kind!r} is not a message type in the spec's discriminator ({known})")]
        return format_errors(validator, body, "cloud")

    def check(self, fixture: dict) -> tuple[str | None, list[tuple[str, str]]]:
        """(skip note, errors) for one request fixture; a skip note means it was not validated."""
        endpoint = fixture.get("cloudEndpoint", MESSAGES_ENDPOINT)
        if not isinstance(endpoint, str) or endpoint not in self.endpoint_paths:
            known = ", ".join(sorted(self.endpoint_paths))
            return None, [("cloudEndpoint", f"unknown cloudEndpoint {endpoint!r} (known: {known})")]
        path = self.endpoint_paths[endpoint]
        if path is None:
            return (f"cloudEndpoint {endpoint!r}: the spec has no .../{UPLOADS_SEGMENT} path "
                    f"(Resumable Upload API), not validated"), []

        method = fixture.get("cloudMethod")
        if method is None:
            if endpoint != MESSAGES_ENDPOINT:
                return None, [("cloudMethod", f"missing (required for cloudEndpoint {endpoint!r}; "
                                              f"only {MESSAGES_ENDPOINT!r} defaults to POST)")]
            method = "POST"
        if not isinstance(method, str):
            return None, [("cloudMethod", f"must be a string such as \"POST\", got {method!r}")]
        operation = self.operations.get((endpoint, method.lower()))
        if operation is None:
            offered = ", ".join(m.upper() for (e, m) in self.operations if e == endpoint) or "nothing"
            return None, [("cloudMethod", f"{method.upper()} is not an operation of {path} in the spec "
                                          f"(it has: {offered})")]
        label = f"{method.upper()} {endpoint}"
        found: list[tuple[str, str]] = []

        if endpoint == MESSAGES_ENDPOINT:
            if "cloud" in fixture:
                found += self.errors(fixture["cloud"])
            else:
                found.append(("$", "fixture has neither \"cloud\" nor \"error\""))
        elif "cloud" in fixture:
            if not operation["body"]:
                other = f" (the spec has only {', '.join(operation['body_types'])})" if operation["body_types"] else ""
                found.append(("cloud", f"{label} takes no JSON body{other}"))
            else:
                found += format_errors(self._validator(OPERATIONS_KEY, operation["key"], "body"),
                                       fixture["cloud"], "cloud")
        elif operation["body_required"]:
            found.append(("cloud", f"{label} requires a JSON body (requestBody.required in the spec)"))

        query = fixture.get("cloudQuery", {})
        if not isinstance(query, dict):
            found.append(("cloudQuery", f"must be an object of query parameters, got {type(query).__name__}"))
            query = {}
        for name in operation["query_required"]:
            if name not in query:
                found.append(("cloudQuery", f"missing required query parameter {name!r} of {label}"))
        for name, value in query.items():
            where = f"cloudQuery.{name}"
            if name not in operation["query_names"]:
                declared = ", ".join(operation["query_names"]) or "none"
                found.append((where, f"{name!r} is not a query parameter of {label} (declared: {declared})"))
                continue
            if not isinstance(value, str):
                found.append((where, f"query values must be strings (as sent on the URL), got {json.dumps(value)}"))
                continue
            schema = self._deref(self.doc[OPERATIONS_KEY][operation["key"]]["query"][name])
            value = coerce_query_value(value, schema)
            found += format_errors(self._validator(OPERATIONS_KEY, operation["key"], "query", name), value, where)
        return None, found


def prepare_operations(spec: dict, merger: "SchemaMerger", paths: list[str]) -> dict:
    """{path: {method: {"parameters": [...], "requestBody": {...} | None}}} for the given spec paths:
    copies with path-level parameters merged in (the operation's own win on name+in), $refs to
    parameters and request bodies resolved, and every schema allOf-merged."""
    all_paths = spec.get("paths") or {}
    out: dict = {}
    for path in paths:
        _expect(path in all_paths, f"the spec has no path {path}")
        item = all_paths[path]
        common = [_resolve_object(merger, p) for p in item.get("parameters") or []]
        out[path] = {}
        for method in HTTP_METHODS:
            if not isinstance(item.get(method), dict):
                continue
            op = item[method]
            own = [_resolve_object(merger, p) for p in op.get("parameters") or []]
            own_keys = {(p.get("name"), p.get("in")) for p in own}
            params = [p for p in common if (p.get("name"), p.get("in")) not in own_keys] + own
            params = [dict(p, schema=merger.normalise(p["schema"])) if "schema" in p else dict(p) for p in params]
            body = op.get("requestBody")
            if body is not None:
                body = copy.deepcopy(_resolve_object(merger, body))
                for media in (body.get("content") or {}).values():
                    if isinstance(media, dict) and "schema" in media:
                        media["schema"] = merger.normalise(media["schema"])
            out[path][method] = {"parameters": params, "requestBody": body}
    return out


def _resolve_object(merger: "SchemaMerger", node):
    """A parameter or request body with a $ref (to components.parameters, ...) replaced by its target."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        seen += 1
        _expect(seen < 50, f"$ref loop at {node['$ref']}")
        node = merger.pointer(node["$ref"])
    return copy.deepcopy(node)


_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def coerce_query_value(value: str, schema) -> object:
    """A query string as the value its schema asks for: "true"/"false" -> bool for boolean, numeric
    strings -> int/float for integer/number. Left alone if the schema also accepts a string or
    states no type; anything that does not parse stays a string (and fails the type check)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    types = set(kind if isinstance(kind, list) else [kind]) - {None}
    if not types or "string" in types:
        return value
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    if types & {"integer", "number"}:
        if _INTEGER.fullmatch(value):
            return int(value)
        if "number" in types and _NUMBER.fullmatch(value):
            number = float(value)
            if math.isfinite(number):
                return number
    return value


def format_errors(validator, instance, root: str) -> list[tuple[str, str]]:
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.message
        if error.validator == "not" and error.validator_value == {"required": ["to"]}:
            message = "'to' and 'recipient' must not both be present (relaxation recipient-instead-of-to)"
        if error.validator in ("oneOf", "anyOf"):
            # jsonschema's text repeats the whole instance and schema; say it briefly
            alternatives = " | ".join(
                str(alt.get("required", alt.get("$ref", "?"))) if isinstance(alt, dict) else str(alt)
                for alt in error.validator_value)
            if error.context:
                message = f"matches none of the {error.validator} alternatives (required: {alternatives})"
            else:
                message = f"matches more than one {error.validator} alternative (required: {alternatives})"
        if error.context:
            closest = closest_error(error.context)
            message += f" (closest match: {json_path(closest.absolute_path, root)}: {closest.message})"
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS - 3] + "..."
        found.append((json_path(error.absolute_path, root), message))
    return found


def closest_error(context):
    """The most telling sub-error of a oneOf/anyOf failure: prefer an alternative
    whose required properties are all present (the one the author meant)."""
    from jsonschema.exceptions import best_match
    by_alternative: dict = {}
    for sub in context:
        by_alternative.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errs for errs in by_alternative.values() if not any(e.validator == "required" for e in errs)]
    if len(meant) == 1:
        return best_match(meant[0])
    return best_match(context)


def json_path(parts, root: str = "cloud") -> str:
    out = root
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


