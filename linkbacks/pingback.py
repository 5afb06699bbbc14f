"""Pingback 1.0 both ways: the XML-RPC call `pingback.ping(source, target)` and its faults.

The standard library's xmlrpc writes and reads the calls; every document from outside is read
by defusedxml's parser (no entity expansion, no external references) and size-capped first.
"""

import xmlrpc.client
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser
from django.http import HttpResponse

from .answers import SendOutcome, SendResult, is_temporary, retry_after
from .discovery import PINGBACK
from .fetching import fetch

MAX_BODY_BYTES = 64 * 1024
METHOD = "pingback.ping"
# The fault codes of the Pingback 1.0 specification.
GENERIC = 0
SOURCE_MISSING = 0x0010
SOURCE_NO_LINK = 0x0011
TARGET_MISSING = 0x0020
TARGET_INVALID = 0x0021
ALREADY_REGISTERED = 0x0030
ACCESS_DENIED = 0x0031
UPSTREAM = 0x0032
TOO_QUICKLY = 429  # not in the specification: WordPress's comment-flood answer
# XML-RPC's own (the specification for fault code interoperability).
NOT_XML_RPC = -32700
NO_SUCH_METHOD = -32601
BAD_PARAMS = -32602


class PingbackFault(Exception):
    def __init__(self, code: int, message: str, status: int = 200):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PingbackCall:
    source: str
    target: str


def loads(data: bytes):
    """xmlrpc.client.loads through defusedxml's parser: (params, method name)."""
    unmarshaller = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(unmarshaller)
    parser.feed(data)
    parser.close()
    return unmarshaller.close(), unmarshaller.getmethodname()


def _readable(data: bytes):
    try:
        return loads(data)
    except xmlrpc.client.Fault:
        raise
    except (
        ExpatError,
        DefusedXmlException,
        xmlrpc.client.ResponseError,
        ValueError,
        TypeError,
        OverflowError,
        AttributeError,
        # IndexError, KeyError, and an encoding the XML declaration names that Python lacks.
        LookupError,
    ) as error:
        raise PingbackFault(NOT_XML_RPC, "The request is not an XML-RPC call.") from error


# Sending --------------------------------------------------------------------------------------


def read_answer(result) -> tuple[SendOutcome, str]:
    """What a Pingback server said: a string (accepted) or a fault, read by its code."""
    status = f"HTTP {result.status}"
    try:
        params, _ = loads(result.body)
    except xmlrpc.client.Fault as fault:
        message = f"fault {fault.faultCode}: {fault.faultString}"[:480]
        if fault.faultCode == ALREADY_REGISTERED:
            return SendOutcome.SENT, message  # told before: nothing left to tell
        # WordPress says "You are posting comments too quickly" as fault 429, in an HTTP 200.
        if fault.faultCode in (UPSTREAM, TOO_QUICKLY) or is_temporary(result.status):
            return SendOutcome.UNREACHABLE, message
        return SendOutcome.REFUSED, message
    except Exception:  # whatever the body is, it is no Pingback answer
        if is_temporary(result.status):
            return SendOutcome.UNREACHABLE, status
        if result.status >= 400:
            return SendOutcome.REFUSED, status
        return SendOutcome.FAILED, f"{status}, not an XML-RPC answer"
    if is_temporary(result.status):
        return SendOutcome.UNREACHABLE, status
    said = params[0] if params and isinstance(params[0], str) else ""
    return SendOutcome.SENT, " ".join(said.split())[:480]


def pingback_send(server_url: str, *, source: str, target: str) -> SendResult:
    """Call pingback.ping; FetchRefused and FetchFailed are the caller's to catch."""
    call = xmlrpc.client.dumps((source, target), METHOD, encoding="utf-8").encode("utf-8")
    result = fetch(server_url, method="POST", content=call, content_type="text/xml")
    outcome, message = read_answer(result)
    return SendResult(PINGBACK, server_url, outcome, message, retry_after(result))


# Receiving ------------------------------------------------------------------------------------


def parse_call(body: bytes) -> PingbackCall:
    """The source and target of a pingback.ping call, or PingbackFault."""
    if len(body) > MAX_BODY_BYTES:
        raise PingbackFault(GENERIC, "The request is larger than 64 KB.", status=413)
    try:
        params, method = _readable(body)
    except xmlrpc.client.Fault as error:  # a methodResponse where a call belongs
        raise PingbackFault(NOT_XML_RPC, "The request is not an XML-RPC call.") from error
    if method != METHOD:
        raise PingbackFault(NO_SUCH_METHOD, f"Only {METHOD} is served here.")
    if len(params) != 2 or not all(isinstance(p, str) for p in params):
        raise PingbackFault(BAD_PARAMS, f"{METHOD} takes two strings: source and target.")
    return PingbackCall(source=params[0], target=params[1])


def _xml(body: str, status: int) -> HttpResponse:
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def success_response(message: str) -> HttpResponse:
    return _xml(xmlrpc.client.dumps((message,), methodresponse=True, encoding="utf-8"), 200)


def fault_response(fault: PingbackFault) -> HttpResponse:
    body = xmlrpc.client.dumps(xmlrpc.client.Fault(fault.code, fault.message), encoding="utf-8")
    return _xml(body, fault.status)
