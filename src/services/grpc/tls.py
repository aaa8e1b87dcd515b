"""TLS for the gRPC server from files named in configuration (tls.cert_file, tls.key_file, and for
hospital systems that present client certificates, tls.client_ca_file + tls.require_client_cert).

Every file is read and checked here, at start-up: gRPC itself reports a bad certificate or key only
as "failed to bind", which would read like a busy port.
"""
from __future__ import annotations

import ssl
from pathlib import Path

import grpc


class TlsConfigurationError(ValueError):
    """The TLS files configured cannot be used; the message names the setting and the file."""


def server_credentials(cert_file: str = "", key_file: str = "", client_ca_file: str = "",
                       require_client_cert: bool = False) -> grpc.ServerCredentials | None:
    """Credentials for build_server, or None when no certificate is configured (plaintext).

    gRPC either requires and verifies a client certificate or does not ask for one, so a client CA
    is used with require_client_cert and refused without it (it would check nothing)."""
    if not cert_file and not key_file:
        if client_ca_file or require_client_cert:
            raise TlsConfigurationError("client certificates (tls.client_ca_file / tls.require_client_cert) need "
                                        "TLS itself: set tls.cert_file and tls.key_file too")
        return None
    if not cert_file or not key_file:
        missing = "tls.key_file" if cert_file else "tls.cert_file"
        raise TlsConfigurationError(f"TLS needs both tls.cert_file and tls.key_file; {missing} is not set")
    if require_client_cert and not client_ca_file:
        raise TlsConfigurationError("tls.require_client_cert needs tls.client_ca_file: the CA (PEM) that signs "
                                    "the client certificates to accept")
    if client_ca_file and not require_client_cert:
        raise TlsConfigurationError("tls.client_ca_file is set but tls.require_client_cert is not: gRPC would not "
                                    "ask clients for a certificate at all; set tls.require_client_cert = true")
    cert, key = _read("tls.cert_file", cert_file), _read("tls.key_file", key_file)
    ca = _read("tls.client_ca_file", client_ca_file) if client_ca_file else None
    _check(cert_file, key_file, client_ca_file)
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=require_client_cert)


def _read(setting: str, path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TlsConfigurationError(f"{setting} {path}: cannot be read ({exc.strerror or exc})") from None


def _check(cert_file: str, key_file: str, client_ca_file: str) -> None:
    """Parse the files as a TLS server would (Python's ssl module): PEM, a key that belongs to the
    certificate and needs no passphrase, a readable CA bundle."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert_file, key_file, password=lambda: b"")
    except (ssl.SSLError, ValueError) as exc:
        raise TlsConfigurationError(
            f"tls.cert_file {cert_file} / tls.key_file {key_file}: not a PEM certificate and its unencrypted "
            f"private key ({_reason(exc)})") from None
    if client_ca_file:
        try:
            context.load_verify_locations(cafile=client_ca_file)
        except (ssl.SSLError, ValueError) as exc:
            raise TlsConfigurationError(f"tls.client_ca_file {client_ca_file}: not a PEM CA certificate "
                                        f"({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    return getattr(exc, "reason", None) or str(exc) or type(exc).__name__
