"""OpenAPI schema postprocessing for every app's endpoints (drf-spectacular's
``POSTPROCESSING_HOOKS``): the error statuses every endpoint answers, anonymous reads, the
parameters every list takes, the GeoJSON answer's true shape."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error. `detail` holds the message; a bad query parameter also names `parameter` and "
    "lists `valid_parameters`; a bad request body maps each field to its messages.",
    "properties": {
        "detail": {"description": "What is wrong."},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
        "valid_parameters": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": True,
}

# Statuses any endpoint may answer, whatever it declares: bad input, authentication,
# permission, missing object, method, Accept header, body media type, throttling.
COMMON_ERRORS = {
    "400": "Bad request: a query parameter or the body is malformed or unknown.",
    "401": "Authentication failed (a bad or missing token where one is required).",
    "403": "Not allowed for this user or role.",
    "404": "No such object (or not visible to this user).",
    "405": "Method not allowed.",
    "406": "No representation matches the Accept header.",
    "415": "Unsupported body media type.",
    "429": "Too many requests: wait Retry-After seconds.",
}


def add_common_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook, for every app's endpoints:

    - documents the error statuses every endpoint can answer, with the error body;
    - reads may be anonymous (``PUBLIC_API``): their security lists "no credentials" too;
    - every list declares the parameters every list takes (``count``, ``fields``, ``omit``,
      ``format``) and every detail ``fields``/``omit``, where the view does not itself;
    - where an operation takes ``count``, its 200 is the page *or* ``{"count": N}``;
    - a GeoJSON answer is a FeatureCollection (its page's links beside ``features``), not a
      page of FeatureCollections;
    - query parameters carry no examples: Swagger UI fills every field from its example, and
      examples of different parameters (``count`` and ``format=csv``, ``fields`` and ``omit``)
      cannot all be sent together. The descriptions give them instead.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    count_schema = {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                entry = responses.setdefault(status, {"description": description})
                content = entry.setdefault("content", {})
                content.setdefault("application/json", {"schema": {"$ref": "#/components/schemas/Error"}})
                if status == "404":
                    # A path no route matches (an id like "0.5" where routes take digits) gets
                    # Django's own HTML page, before any API view runs.
                    content.setdefault("text/html", {"schema": {"type": "string"}})
            if method == "get" and operation.get("security") and {} not in operation["security"]:
                operation["security"].append({})
            _declare_common_parameters(operation)
            for parameter in operation.get("parameters", []):
                parameter.pop("examples", None)
                parameter.pop("example", None)
            names = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
            _unwrap_geojson(responses.get("200", {}).get("content", {}).get("application/geo+json"), names)
            ok = responses.get("200", {}).get("content", {}).get("application/json")
            if ok and "schema" in ok and names & {"fields", "omit"}:
                # fields=/omit= may leave out any field: none of the item's fields is required.
                _drop_required(_item_component(ok["schema"], schemas))
            if "count" in names and ok and "schema" in ok:
                ok["schema"] = {"oneOf": [ok["schema"], count_schema]}
    return result


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_FIELDS = _query("fields", "Only these fields, comma-separated.", {"type": "string"})
_OMIT = _query("omit", "All fields but these, comma-separated.", {"type": "string"})
_COUNT = _query(
    "count", "'on': answer only {\"count\": N} for the filters (no paging).", {"type": "string", "enum": ["on"]}
)
_FORMAT = _query("format", "The answer's format (also by Accept header).", {"type": "string", "enum": ["json"]})


def _declare_common_parameters(operation) -> None:
    """Add what every list (it pages: ``cursor``) or detail takes and the view did not declare."""
    parameters = operation.setdefault("parameters", [])
    names = {p.get("name") for p in parameters if p.get("in") == "query"}
    if operation.get("operationId", "").endswith("_list") and "cursor" in names:
        wanted = [_COUNT, _FIELDS, _OMIT, _FORMAT]
    elif operation.get("operationId", "").endswith("_retrieve"):
        wanted = [_FIELDS, _OMIT, _FORMAT]
    else:
        return
    parameters += [dict(p) for p in wanted if p["name"] not in names]


def _unwrap_geojson(geojson, names) -> None:
    """The paged GeoJSON answer is the FeatureCollection itself, with ``next``/``previous``
    beside ``features`` when a page was asked for."""
    schema = (geojson or {}).get("schema", {})
    results = schema.get("properties", {}).get("results")
    if not results or "items" not in results:
        return
    collection = dict(results["items"])
    links = {k: v for k, v in schema["properties"].items() if k in ("next", "previous")}
    collection["properties"] = {**collection.get("properties", {}), **links}
    geojson["schema"] = collection


def _component(schema, schemas):
    ref = (schema or {}).get("$ref", "")
    return schemas.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/schemas/") else None


def _item_component(schema, schemas):
    """The component of one item: the page's results' items for a list, else the object itself."""
    component = _component(schema, schemas)
    if component is None:
        return None
    results = component.get("properties", {}).get("results")
    if results and results.get("type") == "array":
        return _component(results.get("items"), schemas)
    return component


def _drop_required(component) -> None:
    if component is not None:
        component.pop("required", None)
