"""TLS for the gRPC server: certificates made here (openssl; the lock files hold no `cryptography`),
a server wired as `his serve` wires it, clients with and without certificates."""
from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from his.v1 import outpatient_pb2 as op, outpatient_pb2_grpc
from services.bootstrap import bootstrap
from services.cli import main, parser
from services.cli_common import settings_from
from services.grpc.tls import TlsConfigurationError, server_credentials
from services.settings import Settings, TlsSettings

DEMO = (("authorization", "Bearer demo-token"),)
UNKNOWN = uuid.uuid4().hex[:20]  # a person with no visits: the listing is empty, whatever else the database holds
EC = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")  # EC keys: made in milliseconds


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path  # signed by `ca`
    client_key: Path
    stranger_cert: Path  # signed by another CA
    stranger_key: Path
    ca_key: Path
    other_ca: Path


def _openssl(folder: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)


def _ca(folder: Path, name: str) -> None:
    _openssl(folder, "req", "-x509", *EC, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
             "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")


def _signed(folder: Path, name: str, ca: str, extensions: str) -> None:
    _openssl(folder, "req", "-new", *EC, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
    (folder / f"{name}.ext").write_text(extensions)
    _openssl(folder, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not on PATH: it makes the test certificates (no `cryptography` in the lock files)")
    folder = tmp_path_factory.mktemp("pki")
    _ca(folder, "hospital-ca")
    _ca(folder, "other-ca")
    _signed(folder, "server", "hospital-ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                             "extendedKeyUsage=serverAuth\n")
    _signed(folder, "client", "hospital-ca", "extendedKeyUsage=clientAuth\n")
    _signed(folder, "stranger", "other-ca", "extendedKeyUsage=clientAuth\n")
    f = folder.joinpath
    return Pki(f("hospital-ca.pem"), f("server.pem"), f("server.key"), f("client.pem"), f("client.key"),
               f("stranger.pem"), f("stranger.key"), f("hospital-ca.key"), f("other-ca.pem"))


@pytest.fixture
def serve(database_url):
    """serve(tls) -> the port of a running server wired by the composition root (App.server)."""
    running = []

    def start(tls: TlsSettings) -> int:
        app = bootstrap(Settings(database_url=database_url, tls=tls))
        server, port = app.server(address="127.0.0.1:0", max_workers=2)
        server.start()
        running.append((app, server))
        return port
    yield start
    for app, server in running:
        server.stop(None)
        app.close()


def _list_visits(port: int, credentials: grpc.ChannelCredentials | None):
    """One authenticated call; the certificate names localhost (and 127.0.0.1)."""
    if credentials is None:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    else:
        channel = grpc.secure_channel(f"127.0.0.1:{port}", credentials,
                                      options=(("grpc.ssl_target_name_override", "localhost"),))
    with channel:
        return outpatient_pb2_grpc.OutpatientServiceStub(channel).ListVisits(
            op.ListVisitsRequest(psn_no=UNKNOWN), metadata=DEMO, timeout=5)


def _refused(port: int, credentials: grpc.ChannelCredentials | None) -> None:
    with pytest.raises(grpc.RpcError) as err:
        _list_visits(port, credentials)
    assert err.value.code() is grpc.StatusCode.UNAVAILABLE


def test_a_tls_server_answers_a_secure_channel_and_refuses_plaintext(pki, serve):
    port = serve(TlsSettings(cert_file=str(pki.server_cert), key_file=str(pki.server_key)))
    assert list(_list_visits(port, grpc.ssl_channel_credentials(pki.ca.read_bytes())).visits) == []
    _refused(port, None)
    _refused(port, grpc.ssl_channel_credentials(pki.other_ca.read_bytes()))  # trusting a CA that did not sign it


def test_with_client_certificates_required_only_one_signed_by_the_configured_ca_gets_in(pki, serve):
    port = serve(TlsSettings(cert_file=str(pki.server_cert), key_file=str(pki.server_key),
                             client_ca_file=str(pki.ca), require_client_cert=True))
    ca = pki.ca.read_bytes()
    _refused(port, grpc.ssl_channel_credentials(ca))  # no certificate
    _refused(port, grpc.ssl_channel_credentials(ca, pki.stranger_key.read_bytes(), pki.stranger_cert.read_bytes()))
    accepted = grpc.ssl_channel_credentials(ca, pki.client_key.read_bytes(), pki.client_cert.read_bytes())
    assert list(_list_visits(port, accepted).visits) == []


def _problem(pki: Pki, name: str) -> tuple[dict, str]:
    """Settings that cannot work, and what the message must name."""
    garbage = pki.ca.parent / "garbage.pem"
    garbage.write_text("not a certificate\n")
    cert, key = str(pki.server_cert), str(pki.server_key)
    return {
        "missing cert": ({"cert_file": "/no/such/server.pem", "key_file": key},
                         "tls.cert_file /no/such/server.pem: cannot be read (No such file or directory)"),
        "missing key": ({"cert_file": cert}, "tls.key_file is not set"),
        "key of another certificate": ({"cert_file": cert, "key_file": str(pki.ca_key)},
                                       f"tls.cert_file {cert} / tls.key_file {pki.ca_key}: not a PEM certificate"),
        "garbage certificate": ({"cert_file": str(garbage), "key_file": key}, f"tls.cert_file {garbage}"),
        "garbage client CA": ({"cert_file": cert, "key_file": key, "client_ca_file": str(garbage),
                               "require_client_cert": True}, f"tls.client_ca_file {garbage}: not a PEM CA"),
        "required without a CA": ({"cert_file": cert, "key_file": key, "require_client_cert": True},
                                  "tls.require_client_cert needs tls.client_ca_file"),
        "a CA not required": ({"cert_file": cert, "key_file": key, "client_ca_file": str(pki.ca)},
                              "tls.require_client_cert is not"),
        "client CA without TLS": ({"client_ca_file": str(pki.ca), "require_client_cert": True},
                                  "set tls.cert_file and tls.key_file"),
    }[name]


@pytest.mark.parametrize("name", ["missing cert", "missing key", "key of another certificate", "garbage certificate",
                                  "garbage client CA", "required without a CA", "a CA not required",
                                  "client CA without TLS"])
def test_unusable_tls_settings_are_refused_naming_the_setting_and_file(pki, name):
    files, expected = _problem(pki, name)
    with pytest.raises(TlsConfigurationError) as err:
        server_credentials(**files)
    assert expected in str(err.value)


def test_no_tls_settings_serve_plaintext():
    assert server_credentials() is None


def test_his_serve_takes_the_files_from_its_flags_and_stops_at_a_missing_one(pki, tmp_path, capsys):
    args = ["serve", "--port", "0", "--database-url", f"sqlite:///{tmp_path / 'his.db'}",
            "--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key), "--tls-client-ca", str(pki.ca)]
    tls = settings_from(parser().parse_args(args)).tls
    assert tls == TlsSettings(cert_file=str(pki.server_cert), key_file=str(pki.server_key),
                              client_ca_file=str(pki.ca), require_client_cert=True)
    missing = str(tmp_path / "gone.pem")
    assert main([*args[:5], "--tls-cert", missing, "--tls-key", str(pki.server_key)]) == 1
    assert f"his serve: tls.cert_file {missing}: cannot be read" in capsys.readouterr().err
