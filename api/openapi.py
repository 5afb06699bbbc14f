"""The API's OpenAPI 3.1 description, written by hand: the tests check every answer against it."""

from functools import cache

from django.conf import settings
from django.urls import reverse

from delivery.site import absolute_url

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
URI = {"type": "string", "format": "uri"}
TIME = {"type": "string", "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}


def _object(properties: dict, **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **extra,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict:
    next_page = {"type": ["string", "null"], "format": "uri", "description": "Null on the last."}
    return _object({"results": {"type": "array", "items": _ref(name)}, "next": next_page})


SCHEMAS = {
    "Section": _object({"id": {"type": "integer"}, "name": STRING, "slug": STRING, "url": URI}),
    "Rendition": _object(
        {"name": STRING, "url": URI, "width": {"type": "integer"}, "height": {"type": "integer"}}
    ),
    "Image": _object(
        {
            "alt": STRING,
            "caption": STRING,
            "credit": STRING,
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "renditions": {"type": "array", "items": _ref("Rendition")},
        }
    ),
    "Correction": _object(
        {
            "id": {"type": "integer"},
            "wrong": STRING,
            "right": STRING,
            "created_at": TIME,
            "url": URI,
        },
        description="Appended to a published story; never edited or removed.",
    ),
    "Story": _object(
        {
            "id": {"type": "integer"},
            "title": STRING,
            "slug": STRING,
            "url": URI,
            "api_url": URI,
            "standfirst": STRING,
            "body_html": {"type": "string", "description": "Sanitised HTML."},
            "byline": STRING,
            "section": _ref("Section"),
            "published_at": TIME,
            "updated_at": TIME,
            "image": {"oneOf": [_ref("Image"), {"type": "null"}]},
            "corrections": {"type": "array", "items": _ref("Correction")},
            "comment_count": COUNT,
            "trackback_count": COUNT,
        }
    ),
    "StoryList": _list_of("Story"),
    "SectionList": _list_of("Section"),
    "Error": _object({"error": _object({"status": {"type": "integer"}, "message": STRING})}),
}

HEADERS = {
    "ETag": {"description": "Send it back in If-None-Match: 304 while it holds.", "schema": STRING},
    "Cache-Control": {"schema": STRING},
    "Access-Control-Allow-Origin": {"schema": {"const": "*"}},
}


def _json(schema_name: str, description: str, headers: dict | None = None) -> dict:
    answer = {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _get(summary: str, schema_name: str, *, parameters=(), missing: str | None = None) -> dict:
    responses = {
        "200": _json(schema_name, "OK", HEADERS),
        "304": {"description": "Not modified: the copy with this ETag is current."},
        "400": _json("Error", "A parameter is not valid."),
        "429": _json("Error", "Too many requests from this address; see Retry-After."),
    }
    if missing:
        responses["404"] = _json("Error", missing)
    return {"get": {"summary": summary, "parameters": list(parameters), "responses": responses}}


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


STORY_FILTERS = [
    _query("section", "A section's slug.", STRING),
    _query("published_after", "ISO 8601 date or date-time.", STRING),
    _query("published_before", "ISO 8601 date or date-time.", STRING),
    _query(
        "updated_since", "ISO 8601 date or date-time: stories changed or published since.", STRING
    ),
    _query("cursor", "Opaque: from `next` of the previous page.", STRING),
    _query("limit", "Stories per page.", {"type": "integer", "minimum": 1, "maximum": 100}),
]


@cache
def _paths() -> dict:
    return {
        "/api/v1/stories/": _get(
            "Published stories, newest first", "StoryList", parameters=STORY_FILTERS
        ),
        "/api/v1/stories/{id}/": _get(
            "One published story",
            "Story",
            parameters=[
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            missing="No published story has this id.",
        ),
        "/api/v1/sections/": _get("The site's sections", "SectionList"),
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This description",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def openapi() -> dict:
    """The OpenAPI 3.1 document, its server being this site."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_NAME} content API",
            "version": "1",
            "description": "Read-only: published stories, their corrections, and sections.",
        },
        "servers": [{"url": absolute_url(reverse("articles:home")).rstrip("/")}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS},
    }
