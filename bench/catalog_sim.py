"""The platform side of the catalogue benchmark: the simulator seeded with one big version of a
kind, served by its HTTP front in this (the parent) process.

The simulator writes a download's zip on the first 9102 of each file number, from its row
generator: for a million rows that is ~15 s of the simulator's own work. A real platform serves
files it has prepared, so here the zip of a given content is written once, before any timing, and
every later file number with the same content gets a copy (a patch of this process's
files_store.write_rows_zip; the simulator's code is unchanged).
"""
from __future__ import annotations

import itertools
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_sim import files_store
from adapters.yb_sim.handlers.catalogs import seed_kind
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from domain.institution import Institution
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.platform import PlatformRequest

PAASID, TOKEN = "bench", "bench-secret"
VERSION = "20250101001"


def _prepared_zips(folder: Path):
    """write_rows_zip, writing each distinct zip (by its inner file name) once into `folder`."""
    original = files_store.write_rows_zip
    made: dict[str, tuple[Path, int]] = {}

    def write_rows_zip(rows, columns, inner_name, dest, when=None) -> int:
        if inner_name not in made:
            path = folder / f"{len(made)}.zip"
            with path.open("wb") as out:
                made[inner_name] = (path, original(rows, columns, inner_name, out, when))
        path, count = made[inner_name]
        with path.open("rb") as src:
            shutil.copyfileobj(src, dest, 1 << 20)
        return count

    return write_rows_zip


@contextmanager
def platform(kind: str, rows: int):
    """Yields (endpoint URL, path of the prepared zip, seconds the simulator took to write it)."""
    with tempfile.TemporaryDirectory(prefix="his-bench-catalog-") as tmp:
        folder = Path(tmp)
        patched, files_store.write_rows_zip = files_store.write_rows_zip, _prepared_zips(folder)
        simulator = SimulatorPlatform()
        seed_kind(simulator._state, kind, [rows], [VERSION])
        front = SimulatorHttpFront(simulator, paasid=PAASID, token=TOKEN)
        front.start()
        try:
            began = time.perf_counter()
            zip_path = _download_once(front.url, kind, folder / "download.zip")
            yield front.url, zip_path, time.perf_counter() - began
        finally:
            front.stop()
            files_store.write_rows_zip = patched


def _download_once(url: str, kind: str, dest: Path) -> Path:
    """9001, 13xx from version 0 and 9102, by hand: makes the simulator write the zip now, and keeps
    a copy for the COPY baseline."""
    from adapters.yb_sim.catalog_data import kind as sim_kind

    institution = Institution()
    client = HttpPlatform(HttpSettings(url=url, paasid=PAASID, token=TOKEN, read_timeout=600),
                          institution, load_catalogue())
    operator = Operator("BENCH", "基准测试")
    numbers = itertools.count(1)

    def call(infno: str, payload: dict, sign_no: str = ""):
        msgid = f"{institution.fixmedins_code}{datetime.now():%Y%m%d%H%M%S}{next(numbers):04d}"
        return client.execute(PlatformRequest(infno=infno, msgid=msgid, input=payload, operator=operator,
                                              inf_time=datetime.now(), sign_no=sign_no)).output

    try:
        sign_no = call("9001", {"signIn": {"opter_no": operator.code, "ip": "127.0.0.1"}})["signinoutb"]["sign_no"]
        answer = call(sim_kind(kind).infno, {"data": {"ver": "0"}}, sign_no)
        body = call("9102", {"fsDownloadIn": {"file_qury_no": answer["file_qury_no"], "filename": answer["filename"],
                                              "fixmedins_code": institution.fixmedins_code}}, sign_no)["file"]
        with dest.open("wb") as out:
            if isinstance(body, bytes):
                out.write(body)
            else:
                with body:
                    shutil.copyfileobj(body, out, 1 << 20)
    finally:
        client.close()
    return dest
