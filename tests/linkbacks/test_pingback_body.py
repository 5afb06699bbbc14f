"""Whatever a Pingback call's body holds, the answer is an XML-RPC fault or a success: never a
500 (issue 25: an XML declaration naming an encoding Python does not know raised LookupError)."""

import contextlib
import xmlrpc.client

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from linkbacks.pingback import NOT_XML_RPC, PingbackCall, PingbackFault, parse_call
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CALL = (
    "<methodCall><methodName>pingback.ping</methodName><params>"
    "<param><value><string>https://blog.example/p</string></value></param>"
    "<param><value><string>http://testserver/x/</string></value></param>"
    "</params></methodCall>"
)
# Names an XML declaration may carry: unknown ones, codecs that are no text encoding, and real
# ones the body is then not written in.
ENCODINGS = [
    "x-nonsense",
    "",
    "base64",
    "rot13",
    "zlib",
    "unicode-escape",
    "utf-7",
    "utf-16",
    "utf-32-be",
    "cp037",
    "hz",
    "idna",
    "utf-8",
    "\u00e9",
]


def answer(response) -> None:
    """The response is an XML-RPC answer: params (accepted) or a fault."""
    assert response.status_code != 500
    with contextlib.suppress(xmlrpc.client.Fault):
        xmlrpc.client.loads(response.content)


def test_an_unknown_encoding_is_a_fault_not_a_500(client):
    story = make_article(slug="harbour")
    url = reverse("linkbacks:pingback", kwargs=story.url_kwargs())
    body = f"<?xml version='1.0' encoding='x-nonsense'?>{CALL}".encode()
    response = client.generic("POST", url, body, "text/xml")
    assert response.status_code == 200
    with pytest.raises(xmlrpc.client.Fault) as raised:
        xmlrpc.client.loads(response.content)
    assert raised.value.faultCode == NOT_XML_RPC


declared = st.builds(
    lambda encoding, tail: f"<?xml version='1.0' encoding='{encoding}'?>".encode() + tail,
    st.sampled_from(ENCODINGS) | st.text(max_size=12),
    st.sampled_from([CALL.encode(), CALL.encode("utf-16"), b""]) | st.binary(max_size=200),
)
bodies = st.binary(max_size=400) | declared | st.text(max_size=200).map(str.encode)


@given(body=bodies)
def test_any_body_parses_to_a_call_or_a_fault(body):
    try:
        call = parse_call(body)
    except PingbackFault as fault:
        assert fault.status in (200, 413)
    else:
        assert isinstance(call, PingbackCall)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_any_body_posted_gets_an_xml_rpc_answer(body, settings):
    settings.TRACKBACKS_RATE_LIMIT = 10_000  # every example reaches the parser
    story = make_article()
    url = reverse("linkbacks:pingback", kwargs=story.url_kwargs())
    answer(Client().generic("POST", url, body, "text/xml"))
