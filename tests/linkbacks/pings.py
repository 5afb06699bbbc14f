"""Sending pings to our own endpoint in tests, and reading the XML answer."""

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


def body(**fields):
    return urlencode({"url": "https://blog.example/post", "title": "A post", **fields})


def ping(client, url, data, token=None, content_type=FORM, **extra):
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    # generic() sends the bytes as they are, whatever charset the Content-Type names.
    return client.generic("POST", url, data=data, content_type=content_type, **extra)


def answer(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "response"
    message = root.find("message")
    return root.find("error").text, (message.text if message is not None else None)


def html(links):
    anchors = "".join(f'<p><a href="{href}">link</a></p>' for href in links)
    return (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><body><h1>My post</h1>{anchors}</body></html>".encode(),
    )
