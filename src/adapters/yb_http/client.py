"""The real platform over HTTP (httpx): one POST per transaction, x-tif signed.

Sending is never retried here: whether a second try is safe is the journal's decision, made with
knowledge of the transaction (see services.platform_gateway).
"""
from __future__ import annotations

import logging
import secrets
import tempfile
import time
from urllib.parse import unquote
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from adapters.yb_http.reply import parse_reply
from adapters.yb_http.wire import build_envelope, encode_json, gateway_headers
from domain.institution import Institution
from ports.catalogue import Catalogue
from ports.message_signer import MessageSigner
from ports.platform import Platform, PlatformOutcomeUnknown, PlatformReply, PlatformRequest, PlatformUnreachable

# DEBUG shows every request and reply body as it crossed the wire (the `his` commands' log handlers
# mask the personal data in them: services.log_masking)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpSettings:
    url: str  # full endpoint, e.g. https://.../fsi/api/rsfComIfsService/callService
    paasid: str
    token: str
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_connections: int = 20
    # 9102 bodies: None returns each as bytes, whatever its size; a size streams each into a temporary
    # file and returns a bigger body as that binary file (rewound, on disk, deleted when closed), a
    # smaller one as bytes. The journal cannot hold a file: only callers that handle it set a size.
    download_in_memory: int | None = None


# Failures before any byte of the request left: connecting, waiting for a pooled connection, a URL
# the transport cannot speak. Everything else (read timeout, reset, a closed connection, a protocol
# error, a write cut short) may come after the platform received it: outcome unknown.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def _filename(response: httpx.Response) -> str:
    """From Content-Disposition, preferring the RFC 5987 UTF-8 form (Chinese names)."""
    disposition = response.headers.get("content-disposition", "")
    plain = ""
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and value.lower().startswith("utf-8''"):
            return unquote(value[7:])
        if key.lower() == "filename":
            plain = value.strip().strip('"')
    return plain


def _small_as_bytes(file, limit: int):
    size = file.tell()
    file.seek(0)
    if size > limit:
        return file
    with file:
        return file.read()


class _Text:
    """Bytes decoded only when a record is written (a DEBUG line costs nothing while DEBUG is off)."""

    __slots__ = ("octets",)

    def __init__(self, octets: bytes):
        self.octets = octets

    def __str__(self) -> str:
        return self.octets.decode("utf-8", "replace")


def _discard(file) -> None:
    if file is not None:
        file.close()


class HttpPlatform(Platform):
    """Requests go straight to an httpx transport (its connection pool), not through an
    httpx.Client: a platform call needs none of a client's redirects, cookies, auth flows or
    hooks, and skipping them saves about a third of the per-call cost. Errors are still
    httpx's own (the transport maps its pool's exceptions).

    With a `signer`, every envelope leaves with the signer's signtype and cainfo (a message
    signature some deployments check); without one, with the institution's configured values."""

    def __init__(self, settings: HttpSettings, institution: Institution, catalogue: Catalogue,
                 transport: httpx.BaseTransport | None = None, epoch: Callable[[], float] = time.time,
                 signer: MessageSigner | None = None):
        self.settings, self.institution, self.catalogue, self._epoch = settings, institution, catalogue, epoch
        self.signer = signer
        self.transport = transport or httpx.HTTPTransport(
            limits=httpx.Limits(max_connections=settings.max_connections,
                                max_keepalive_connections=settings.max_connections), retries=0)
        self._url = httpx.URL(settings.url)
        self._timeout = {"connect": settings.connect_timeout, "read": settings.read_timeout,
                         "write": settings.read_timeout, "pool": settings.read_timeout}

    def execute(self, request: PlatformRequest) -> PlatformReply:
        envelope = build_envelope(request, self.institution)
        if self.signer is not None:
            try:
                signed = self.signer.sign(envelope)
            except ValueError as exc:  # nothing has left: a definite "not sent"
                raise PlatformUnreachable(f"message signing failed: {exc}", request.msgid) from exc
            envelope["signtype"], envelope["cainfo"] = signed.signtype, signed.cainfo
        body = encode_json(envelope).encode("utf-8")
        headers = gateway_headers(self.settings.paasid, self.settings.token, int(self._epoch()), secrets.token_hex(8))
        outgoing = httpx.Request("POST", self._url, content=body, headers=headers,
                                 extensions={"timeout": self._timeout})
        log.debug("%s %s request: %s", request.infno, request.msgid, _Text(body))
        file = None
        try:
            response = self.transport.handle_request(outgoing)
            try:
                # 9102 answers with the file itself (failures still come as a JSON envelope)
                octets = response.headers.get("content-type", "").startswith("application/octet-stream")
                if octets and self.settings.download_in_memory is not None:
                    # spooled as it arrives: a catalogue of tens of MB never sits in memory whole
                    file = tempfile.SpooledTemporaryFile(max_size=self.settings.download_in_memory)
                    for chunk in response.iter_bytes(1 << 16):
                        file.write(chunk)
                else:
                    response.read()
            finally:
                response.close()
        except _NOT_SENT as exc:
            _discard(file)
            raise PlatformUnreachable(f"{type(exc).__name__}: {exc}", request.msgid) from exc
        except (httpx.HTTPError, OSError) as exc:  # once the request may have left, it may have arrived
            _discard(file)
            raise PlatformOutcomeUnknown(f"{type(exc).__name__}: {exc}", request.msgid) from exc
        if file is not None:
            return PlatformReply(output={"file": _small_as_bytes(file, self.settings.download_in_memory),
                                         "filename": _filename(response)})
        if octets:
            return PlatformReply(output={"file": response.content, "filename": _filename(response)})
        log.debug("%s %s reply (HTTP %s): %s", request.infno, request.msgid, response.status_code,
                  _Text(response.content))
        return parse_reply(response.status_code, response.content, self.catalogue.get(request.infno), request.msgid)

    def close(self) -> None:
        self.transport.close()
