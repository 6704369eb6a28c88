"""The bridge's own OpenAPI document (openapi/onemsg-bridge.yaml) compared with 1MSG's official 2.39 document.

2.39's paths are relative to a server URL that ends in the channel id, so 2.39's `/{operation}` is our
`/{channelId}/{operation}` (or `/{operation}`). For every 2.39 operation:

- the operation (method and path) exists in ours, with the same operationId;
- 2.39's security (the `token` query parameter) is accepted by ours;
- every parameter exists in ours with a compatible schema;
- every request body content type exists in ours, and every request body property, recursively (through $ref,
  allOf, oneOf/anyOf and array items), exists in ours with a compatible schema;
- every response status code exists in ours, and every response property likewise;
- every callback (the `messages` and `ack` webhooks) exists in ours, with its request body compared like a
  response (the bridge sends it).

Compatible means, where the data flows from the client to the bridge (parameters, request bodies): ours accepts
every JSON type of theirs (a number accepts an integer), every value of an enum of theirs, and null where theirs
allows null. Where it flows from the bridge to the client (responses, callbacks): every JSON type ours may send is
one of theirs (an integer is a number), ours sends no enum value theirs lacks ("adds"; "unrestricted" when ours has
no enum), may send null only where theirs allows it, and always sends what theirs marks required. An enum of ours
that lacks a value of theirs is reported in both directions ("lacks").

Every difference has a stable one-line key; the accepted ones are the keys in the first column of the tables of
openapi/COMPATIBILITY.md (accepted_keys).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bridgecheck.bridge import REPO_ROOT

OUR_SPEC = REPO_ROOT / "openapi" / "onemsg-bridge.yaml"
ACCEPTED_FILE = REPO_ROOT / "openapi" / "COMPATIBILITY.md"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REQUEST, RESPONSE = "request", "response"  # which way the data flows
MAX_DEPTH = 40  # recursive schemas (template components hold cards that hold components)


class CheckError(Exception):
    """The check cannot run (a file is missing or malformed)."""


# ------------------------------------------------------------------ documents


def load(path: Path):
    if not path.is_file():
        raise CheckError(f"not found: {path}")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


class Document:
    """An OpenAPI document whose local $refs can be followed."""

    def __init__(self, data: dict):
        self.data = data

    def deref(self, node):
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                raise CheckError(f"cannot follow $ref {ref!r}")
            seen.add(ref)
            target = self.data
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise CheckError(f"$ref {ref!r} points nowhere")
                target = target[part]
            node = target
        return node

    def operations(self):
        """(METHOD, path, operation, path item) for every operation."""
        for path, item in (self.data.get("paths") or {}).items():
            item = self.deref(item)
            for method in METHODS:
                if method in item:
                    yield method.upper(), path, item[method], item


# ------------------------------------------------------------------ schema shapes


@dataclass
class Variant:
    """One alternative of a schema after $refs, allOf and oneOf/anyOf are resolved.

    `type` None means any JSON type. `properties` maps a name to every schema given for it (allOf
    parts may each describe the same property)."""

    type: str | None = None
    nullable: bool = False
    enum: list | None = None
    properties: dict = field(default_factory=dict)
    required: set = field(default_factory=set)
    items: list = field(default_factory=list)


def merge(a: Variant, b: Variant) -> Variant:
    merged = Variant(
        type=a.type or b.type,
        nullable=a.nullable or b.nullable,
        required=a.required | b.required,
        items=a.items + b.items,
    )
    if a.enum is not None and b.enum is not None:
        merged.enum = [v for v in a.enum if v in b.enum]
    else:
        merged.enum = a.enum if a.enum is not None else b.enum
    merged.properties = {name: list(schemas) for name, schemas in a.properties.items()}
    for name, schemas in b.properties.items():
        merged.properties.setdefault(name, []).extend(schemas)
    return merged


def variants(doc: Document, schema, depth: int = 0) -> list[Variant]:
    if depth > MAX_DEPTH:
        return [Variant()]
    schema = doc.deref(schema) if schema is not None else {}
    if not isinstance(schema, dict):
        return [Variant()]
    types = schema.get("type")
    own_types = types if isinstance(types, list) else [types]
    own = []
    for kind in own_types:
        v = Variant(type=kind if kind != "null" else None)
        v.nullable = bool(schema.get("nullable")) or (isinstance(types, list) and "null" in types)
        if "enum" in schema:
            v.enum = list(schema["enum"])
            if None in v.enum:
                v.nullable = True
                v.enum = [e for e in v.enum if e is not None]
        v.properties = {name: [sub] for name, sub in (schema.get("properties") or {}).items()}
        v.required = set(schema.get("required") or [])
        if "items" in schema:
            v.items = [schema["items"]]
        own.append(v)
    result = own
    for part in schema.get("allOf") or []:
        part_variants = variants(doc, part, depth + 1)
        result = [merge(a, b) for a, b in itertools.product(result, part_variants)]
    alternatives = (schema.get("oneOf") or []) + (schema.get("anyOf") or [])
    if alternatives:
        branches = [v for branch in alternatives for v in variants(doc, branch, depth + 1)]
        result = [merge(a, b) for a, b in itertools.product(result, branches)]
    return result


def type_accepts(outer: str | None, inner: str | None) -> bool:
    """Whether a value of JSON type `inner` is a value of type `outer` (None = any)."""
    return outer is None or inner is None or outer == inner or (outer == "number" and inner == "integer")


def show(value) -> str:
    if isinstance(value, str) and value and value.strip() == value and '"' not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------------ comparison


class Comparison:
    def __init__(self, ours: Document, theirs: Document):
        self.ours = ours
        self.theirs = theirs
        self.differences: list[str] = []

    def report(self, key: str):
        if key not in self.differences:
            self.differences.append(key)

    def schemas(self, prefix: str, theirs_schema, ours_schema, flow: str, depth: int = 0):
        """Compares two schemas; `prefix` names the place (`POST /me request.about`)."""
        if depth > MAX_DEPTH:
            return
        t_all = variants(self.theirs, theirs_schema)
        o_all = variants(self.ours, ours_schema)
        t_types = {v.type for v in t_all}
        o_types = {v.type for v in o_all}

        # JSON types
        if flow == REQUEST:
            for t in sorted(t for t in t_types if t):
                if not any(type_accepts(o, t) for o in o_types):
                    self.report(f"{prefix}: type ours {'|'.join(sorted(x or 'any' for x in o_types))}, 2.39 {t}")
        else:
            for o in sorted(o or "any" for o in o_types):
                if o == "any" and None not in t_types:
                    self.report(f"{prefix}: type ours any, 2.39 {'|'.join(sorted(x for x in t_types if x))}")
                elif o != "any" and not any(type_accepts(t, o) for t in t_types):
                    self.report(f"{prefix}: type ours {o}, 2.39 {'|'.join(sorted(x or 'any' for x in t_types))}")

        # enums, among the variants of the same type
        def relevant(candidates, others):
            return [v for v in candidates if any(type_accepts(v.type, o.type) or type_accepts(o.type, v.type) for o in others)]

        def enum_of(vs):
            if not vs or any(v.enum is None for v in vs):
                return None
            return [e for v in vs for e in v.enum]

        t_enum = enum_of(relevant(t_all, o_all))
        o_enum = enum_of(relevant(o_all, t_all))
        scalar = bool({"string", "integer", "number", "boolean", None} & (t_types | o_types))
        if scalar:
            if t_enum is not None and o_enum is not None:
                for value in t_enum:
                    if value not in o_enum:
                        self.report(f"{prefix}: enum ours lacks {show(value)}")
            if flow == RESPONSE and t_enum is not None:
                if o_enum is None:
                    self.report(f"{prefix}: enum ours unrestricted")
                else:
                    for value in o_enum:
                        if value not in t_enum:
                            self.report(f"{prefix}: enum ours adds {show(value)}")
            if flow == REQUEST and t_enum is None and o_enum is not None and t_types & {"string", "integer", "number"}:
                self.report(f"{prefix}: enum ours restricted")

        # null
        t_null = any(v.nullable for v in t_all)
        o_null = any(v.nullable for v in o_all)
        if flow == REQUEST and t_null and not o_null:
            self.report(f"{prefix}: null ours refuses")
        if flow == RESPONSE and o_null and not t_null:
            self.report(f"{prefix}: null ours may send")

        # properties
        t_objects = [v for v in t_all if v.type in ("object", None) and (v.properties or v.required)]
        o_objects = [v for v in o_all if v.type in ("object", None)]
        if t_objects:
            o_props: dict[str, list] = {}
            for v in o_objects:
                for name, schemas in v.properties.items():
                    o_props.setdefault(name, []).extend(schemas)
            t_props: dict[str, list] = {}
            for v in t_objects:
                for name, schemas in v.properties.items():
                    t_props.setdefault(name, []).extend(schemas)
            if flow == RESPONSE:
                t_required = set.intersection(*(v.required for v in t_objects))
                o_required = set.intersection(*(v.required for v in o_objects)) if o_objects else set()
                for name in sorted(t_required - o_required):
                    if name in o_props or name not in t_props:
                        self.report(f"{join(prefix, name)}: required ours may leave it out")
            for name in t_props:  # 2.39's order, for readable output
                sub = join(prefix, name)
                if name not in o_props:
                    self.report(f"{sub}: missing in ours")
                    continue
                self.schemas(sub, {"allOf": t_props[name]}, {"allOf": o_props[name]}, flow, depth + 1)

        # array items
        t_items = [i for v in t_all if v.type in ("array", None) for i in v.items]
        o_items = [i for v in o_all if v.type in ("array", None) for i in v.items]
        if t_items:
            if not o_items:
                if any(v.type == "array" for v in o_all):
                    self.report(f"{prefix}[]: missing in ours")
            else:
                self.schemas(f"{prefix}[]", {"anyOf": t_items}, {"anyOf": o_items}, flow, depth + 1)


def join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}"


def norm_path(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def query_token_schemes(doc: Document, security) -> set[str]:
    """Names of the query parameters that carry an apiKey in any alternative of `security`."""
    names = set()
    schemes = (doc.data.get("components") or {}).get("securitySchemes") or {}
    for requirement in security or []:
        for scheme_name in requirement:
            scheme = doc.deref(schemes.get(scheme_name) or {})
            if scheme.get("type") == "apiKey" and scheme.get("in") == "query":
                names.add(scheme.get("name"))
    return names


def parameters(doc: Document, operation, item) -> dict:
    found = {}
    for source in (item.get("parameters") or [], operation.get("parameters") or []):
        for parameter in source:
            parameter = doc.deref(parameter)
            found[(parameter.get("in"), parameter.get("name"))] = parameter
    return found


def json_content(doc: Document, holder) -> dict:
    holder = doc.deref(holder) if holder is not None else {}
    return (holder or {}).get("content") or {}


def compare_operation(cmp: Comparison, method: str, their_path: str, theirs, their_item, ours, our_item):
    ours_doc, theirs_doc = cmp.ours, cmp.theirs
    op = f"{method} {their_path}"

    if theirs.get("operationId") and theirs.get("operationId") != ours.get("operationId"):
        cmp.report(f"{op} operationId: ours {ours.get('operationId')}, 2.39 {theirs['operationId']}")

    their_security = theirs.get("security", theirs_doc.data.get("security"))
    our_security = ours.get("security", ours_doc.data.get("security"))
    for name in sorted(query_token_schemes(theirs_doc, their_security) - query_token_schemes(ours_doc, our_security)):
        cmp.report(f"{op} security: query {name} not accepted by ours")

    our_parameters = parameters(ours_doc, ours, our_item)
    for (location, name), parameter in parameters(theirs_doc, theirs, their_item).items():
        key = f"{op} parameter {location} {name}"
        if (location, name) not in our_parameters:
            cmp.report(f"{key}: missing in ours")
            continue
        cmp.schemas(key, parameter.get("schema"), our_parameters[(location, name)].get("schema"), REQUEST)

    if "requestBody" in theirs:
        their_content = json_content(theirs_doc, theirs["requestBody"])
        our_content = json_content(ours_doc, ours.get("requestBody"))
        if not our_content:
            cmp.report(f"{op} request: missing in ours")
        for content_type, media in their_content.items():
            if content_type not in our_content:
                cmp.report(f"{op} request content {content_type}: missing in ours")
                continue
            cmp.schemas(f"{op} request", media.get("schema"), our_content[content_type].get("schema"), REQUEST)

    our_responses = ours.get("responses") or {}
    for status, response in (theirs.get("responses") or {}).items():
        where = f"{op} response" if str(status) == "200" else f"{op} response {status}"
        if str(status) not in {str(s) for s in our_responses}:
            cmp.report(f"{where}: missing in ours")
            continue
        our_response = next(r for s, r in our_responses.items() if str(s) == str(status))
        their_content = json_content(theirs_doc, response)
        our_content = json_content(ours_doc, our_response)
        for content_type, media in their_content.items():
            if content_type not in our_content:
                cmp.report(f"{where} content {content_type}: missing in ours")
                continue
            cmp.schemas(where, media.get("schema"), our_content[content_type].get("schema"), RESPONSE)

    our_callbacks = ours.get("callbacks") or {}
    for name, callback in (theirs.get("callbacks") or {}).items():
        where = f"{op} callback {name}"
        if name not in our_callbacks:
            cmp.report(f"{where}: missing in ours")
            continue
        their_items = [theirs_doc.deref(i) for i in theirs_doc.deref(callback).values()]
        our_items = [ours_doc.deref(i) for i in ours_doc.deref(our_callbacks[name]).values()]
        for their_cb_item in their_items:
            for cb_method in METHODS:
                if cb_method not in their_cb_item:
                    continue
                matches = [i[cb_method] for i in our_items if cb_method in i]
                if not matches:
                    cmp.report(f"{where} {cb_method.upper()}: missing in ours")
                    continue
                their_content = json_content(theirs_doc, their_cb_item[cb_method].get("requestBody"))
                our_content = json_content(ours_doc, matches[0].get("requestBody"))
                for content_type, media in their_content.items():
                    if content_type not in our_content:
                        cmp.report(f"{where} request content {content_type}: missing in ours")
                        continue
                    # The bridge sends these bodies: compared like a response.
                    cmp.schemas(f"{where} request", media.get("schema"), our_content[content_type].get("schema"), RESPONSE)


def compare(ours: Document, theirs: Document):
    cmp = Comparison(ours, theirs)
    our_operations = {(m, norm_path(p)): (op, item) for m, p, op, item in ours.operations()}
    their_operations = list(theirs.operations())
    covered = 0
    for method, path, operation, item in their_operations:
        match = our_operations.get((method, "/{}" + norm_path(path))) or our_operations.get((method, norm_path(path)))
        if match is None:
            cmp.report(f"{method} {path}: operation missing in ours")
            continue
        covered += 1
        compare_operation(cmp, method, path, operation, item, *match)
    return cmp.differences, len(our_operations), len(their_operations), covered


# ------------------------------------------------------------------ accepted differences


def accepted_keys(path: Path) -> list[str]:
    """The keys in the first column of the tables in COMPATIBILITY.md: | `key` | reason |."""
    if not path.is_file():
        raise CheckError(f"not found: {path}")
    keys = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`(.+?)`\s*\|", line)
        if match:
            keys.append(match.group(1))
    return keys
