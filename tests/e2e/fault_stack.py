"""Real processes for the fault tests: `his sim serve` and `his serve` run as subprocesses, killed
and restarted the way an operating system does it, and a platform reader of the tests' own.

- SimProcess: the simulator over HTTP and its control API (faults aimed with `contains`, the
  unknown-reversal rule, insured persons added per test).
- HisProcess: one `his serve` on a database of its own, configured through HIS_* variables; SIGKILL
  and a restart on the same port.
- PlatformReader: signs in (9001) as an operator of its own and reads what the platform holds with
  the platform's own queries (1101, 5201, 5202, 5203, 5204), msgids with sequence >= 9000 so they
  never collide with the HIS's.
- scratch_databases: a fresh database per server (a SQLite file, or a PostgreSQL database created
  and dropped beside the test database).
"""
from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import grpc
import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_sim.demo_data import check_digit
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.clock import SystemClock
from ports.platform import PlatformRefused, PlatformRequest, make_msgid
from services.settings import InstitutionSettings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "demo-token"
METADATA = (("authorization", f"Bearer {TOKEN}"),)
PAASID, GATEWAY_TOKEN = "his", "his-secret"
READER = Operator(code="9901", name="对账核查员")  # the tests' own operator on the platform
READER_FIRST_SEQ = 9000  # the HIS numbers its msgids from 1 within each second


# ---- subprocesses ------------------------------------------------------------------------------
class Process:
    """A subprocess with stdout and stderr in files (one pair per start), started and waited for
    until its stdout shows a line matching `ready`."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path, ready: str):
        self.name, self.args, self.env, self.logdir, self.ready = name, args, env, logdir, re.compile(ready)
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    @property
    def stdout_path(self) -> Path:
        return self.logdir / f"{self.name}.{self.starts}.out"

    @property
    def stderr_path(self) -> Path:
        return self.logdir / f"{self.name}.{self.starts}.err"

    def start(self, args: list[str] | None = None, timeout: float = 90) -> re.Match:
        self.starts += 1
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "services.cli", *(args or self.args)], cwd=self.logdir,
                                         env=self.env, stdout=out, stderr=err, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.ready.search(self.stdout_path.read_text())
            if found:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"{self.name} did not start: {self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as when the machine or the OOM killer ends it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 30) -> str:
        shown = []
        for path in (self.stdout_path, self.stderr_path):
            if path.exists():
                shown.append(f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-lines:]))
        return "\n".join(shown)


def his_environment(**settings: object) -> dict[str, str]:
    """The environment of a child process: this one's without any HIS_* variable, plus `settings`
    as HIS_* variables (nested with "__": platform__read_timeout → HIS_PLATFORM__READ_TIMEOUT)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    env.update({f"HIS_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class SimProcess(Process):
    def __init__(self, logdir: Path, name: str = "sim"):
        super().__init__(name, ["sim", "serve", "--host", "127.0.0.1", "--port", "0", "--paasid", PAASID,
                                "--token", GATEWAY_TOKEN], his_environment(), logdir, r"at (http://\S+)")
        self.url = ""
        self.http = httpx.Client(timeout=10)

    def start(self, args: list[str] | None = None, timeout: float = 90) -> re.Match:
        found = super().start(args, timeout)
        self.url = found.group(1)
        return found

    @property
    def control(self) -> str:
        return self.url.split("/fsi/", 1)[0] + "/_sim"

    def _post(self, what: str, body: dict) -> None:
        reply = self.http.post(f"{self.control}/{what}", json=body)
        if reply.status_code != 200:
            raise RuntimeError(f"POST /_sim/{what} {body}: HTTP {reply.status_code} {reply.text[:300]}")

    def fault(self, infno: str, action: str, times: int = 1, seconds: float = 0, contains: str = "") -> None:
        self._post("faults", {"infno": infno, "action": action, "times": times, "seconds": seconds,
                              "contains": contains})

    def settle(self, timeout: float = 30) -> None:
        """Return once every late commit the simulator holds has been acted on."""
        self._post("settle", {"timeout": timeout})

    def pending_faults(self) -> list[dict]:
        """The faults armed and not used up yet."""
        reply = self.http.get(f"{self.control}/faults")
        reply.raise_for_status()
        return list(reply.json()["faults"])

    def wait_until_met(self, faults: set[tuple[str, str]], deadline_seconds: float = 20) -> None:
        """Until none of `faults` ((infno, contains) pairs) is armed any more: each has met its request,
        which has then reached the platform."""
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if not faults & {(f["infno"], f["contains"]) for f in self.pending_faults()}:
                return
            time.sleep(0.02)

    def clear_faults(self) -> None:
        self.http.delete(f"{self.control}/faults").raise_for_status()

    def configure(self, **config: object) -> None:
        self._post("config", config)

    def add_person(self, person: Insured) -> None:
        self._post("persons", person.as_sim_json())

    def stop(self) -> None:
        self.http.close()
        super().stop()


class HisProcess(Process):
    """`his serve` against the simulator at `platform`, on `database_url`."""

    def __init__(self, logdir: Path, name: str, database_url: str, platform: str, **settings: object):
        self.base_args = ["serve", "--host", "127.0.0.1", "--database-url", database_url, "--platform", platform,
                          "--paasid", PAASID, "--token", GATEWAY_TOKEN]
        super().__init__(name, self.base_args + ["--port", "0"], his_environment(**settings), logdir,
                         r"gRPC on port (\d+)")
        self.database_url = database_url
        self.port = 0

    def start(self, args: list[str] | None = None, timeout: float = 90) -> re.Match:
        found = super().start(self.base_args + ["--port", str(self.port)], timeout)
        self.port = int(found.group(1))
        return found

    def restart(self) -> None:
        """Start again on the same port, so clients find it where they left it."""
        self.start()

    def channel(self) -> grpc.Channel:
        # reconnect quickly after a restart (the default back-off starts at a second)
        return grpc.insecure_channel(f"127.0.0.1:{self.port}", options=[
            ("grpc.initial_reconnect_backoff_ms", 100), ("grpc.min_reconnect_backoff_ms", 100),
            ("grpc.max_reconnect_backoff_ms", 500)])


@contextmanager
def scratch_databases(test_database_url: str, tmp_path: Path, names: list[str]) -> Iterator[dict[str, str]]:
    """A fresh, empty database per name, beside the test database and of its kind; `his serve`
    migrates it at start. PostgreSQL ones are dropped afterwards."""
    if not test_database_url.startswith("postgresql"):
        yield {n: f"sqlite:///{tmp_path / f'{n}.db'}" for n in names}
        return
    base = make_url(test_database_url)
    urls = {n: base.set(database=f"{base.database}_{n}") for n in names}
    admin = create_engine(test_database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def run(*statements: str) -> None:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))

    try:
        for url in urls.values():
            run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)', f'CREATE DATABASE "{url.database}"')
        yield {n: u.render_as_string(hide_password=False) for n, u in urls.items()}
    finally:
        for url in urls.values():
            run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        admin.dispose()


class HisDatabase:
    """The HIS's tables read straight from its database (committed rows only), for what no RPC
    shows: whether a request has left yet, every msgid, the processes and their leases."""

    def __init__(self, database_url: str):
        self.engine = create_engine(database_url, poolclass=NullPool)

    def rows(self, where: str = "1 = 1", table: str = "journal", **params) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table} WHERE {where}"), params)]

    def close(self) -> None:
        self.engine.dispose()


# ---- insured persons ---------------------------------------------------------------------------
_PERSONS = itertools.count(1)
_RUN = f"{int(time.time()) % 10**6:06d}"  # psn_no differ between runs against one long-lived simulator


@dataclass(frozen=True)
class Insured:
    """A 职工 of the simulator's region with a personal account, made for one cell."""

    psn_no: str
    psn_name: str
    certno: str
    gend: str
    brdy: date
    balc: Decimal
    insutype: str = "310"

    def as_sim_json(self) -> dict:
        return {"psn_no": self.psn_no, "psn_name": self.psn_name, "certno": self.certno, "gend": self.gend,
                "brdy": self.brdy.isoformat(), "accounts": [{"insutype": self.insutype, "balc": str(self.balc)}]}


def new_insured(balc: Decimal = Decimal("500.00")) -> Insured:
    n = next(_PERSONS)
    brdy = date(1950, 1, 1) + timedelta(days=n * 37 % 20000)
    gend = "1" if n % 2 else "2"
    # ID numbers with sequence digits 9xx are never issued; the 17th digit is odd for men
    first17 = f"420106{brdy:%Y%m%d}9{n % 10}{'1' if gend == '1' else '2'}"
    return Insured(psn_no=f"4201069{_RUN}{n:07d}", psn_name=f"故障测试{n:04d}", certno=first17 + check_digit(first17),
                   gend=gend, brdy=brdy, balc=balc)


# ---- the platform as the tests read it -----------------------------------------------------------
class PlatformReader:
    """An operator of the tests' own asking the platform what it holds, over the wire."""

    def __init__(self, url: str):
        institution = InstitutionSettings().institution()
        self.fixmedins_code = institution.fixmedins_code
        self.platform = HttpPlatform(HttpSettings(url=url, paasid=PAASID, token=GATEWAY_TOKEN, connect_timeout=5,
                                                  read_timeout=15), institution, load_catalogue())
        self.clock = SystemClock("Asia/Shanghai")
        self._lock = threading.Lock()
        self._seqs: dict[str, itertools.count] = {}
        self._sign_no = ""

    def _msgid(self, now: datetime) -> str:
        second = f"{now:%Y%m%d%H%M%S}"
        with self._lock:
            seq = next(self._seqs.setdefault(second, itertools.count(READER_FIRST_SEQ)))
        return make_msgid(self.fixmedins_code, now, seq)

    def call(self, infno: str, payload: dict) -> dict:
        """The output, or PlatformRefused; anything else (a lost reply) raises too: the tests'
        reader runs with no faults armed."""
        if infno != "9001" and not self._sign_no:
            self.sign_in()
        now = self.clock.now()
        request = PlatformRequest(infno=infno, msgid=self._msgid(now), input=payload, operator=READER, inf_time=now,
                                  sign_no=self._sign_no)
        return self.platform.execute(request).output

    def sign_in(self) -> None:
        output = self.call("9001", {"signIn": {"opter_no": READER.code, "mac": "", "ip": "127.0.0.1"}})
        self._sign_no = str(output["signinoutb"]["sign_no"])

    def balance(self, person: Insured) -> Decimal:
        now = self.clock.now()
        output = self.call("1101", {"data": {
            "mdtrt_cert_type": "02", "mdtrt_cert_no": person.certno, "card_sn": "", "begntime": f"{now:%Y-%m-%d %H:%M:%S}",
            "psn_cert_type": "", "certno": person.certno, "psn_name": ""}})
        return next(Decimal(str(i["balc"])) for i in output["insuinfo"] if i["insutype"] == person.insutype)

    def visits(self, psn_no: str) -> list[dict]:
        """5201: the person's visits of yesterday to tomorrow (a run across midnight still finds them)."""
        today = self.clock.now().date()
        output = self.call("5201", {"data": {
            "psn_no": psn_no, "begntime": f"{today - timedelta(days=1)} 00:00:00",
            "endtime": f"{today + timedelta(days=1)} 23:59:59", "med_type": "11", "mdtrt_id": ""}})
        return list(output.get("mdtrtinfo") or [])

    def fees(self, psn_no: str, mdtrt_id: str) -> list[dict]:
        """5204: the fee rows the platform holds for a visit."""
        return list(self.call("5204", {"data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "setl_id": ""}}).get(
            "output") or [])

    def diagnoses(self, psn_no: str, mdtrt_id: str) -> list[dict]:
        """5202: the diagnoses the platform holds for a visit."""
        return list(self.call("5202", {"data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id}}).get("diseinfo") or [])

    def settlement(self, psn_no: str, mdtrt_ids: list[str], setl_id: str) -> dict | None:
        """5203: the settlement's setlinfo, None when the platform holds none by that id (never
        made, or undone by 冲正). 5203 asks for the visit too: each of `mdtrt_ids` is tried."""
        for mdtrt_id in mdtrt_ids:
            try:
                output = self.call("5203", {"data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "setl_id": setl_id}})
            except PlatformRefused as refused:
                if "不存在" in refused.err_msg:
                    return None
                if "不属于" in refused.err_msg:
                    continue
                raise
            return output.get("setlinfo") or None
        return None

    def close(self) -> None:
        self.platform.close()


@dataclass
class PlatformView:
    """What the platform holds for one cell's person and 门诊号, read with its own queries."""

    mdtrt_id: str = ""  # the valid visit under the cell's 门诊号; "" when none
    listed: tuple[str, ...] = ()  # every visit 5201 lists under that 门诊号, valid or not
    fees: frozenset[str] = frozenset()  # feedetl_sn held on the valid visit
    paid_by: frozenset[str] = frozenset()  # setl_id the fee rows name (the settlement in force)
    settlements: dict[str, str] = field(default_factory=dict)  # setl_id -> active | cancelled | absent
    acct_pay: dict[str, Decimal] = field(default_factory=dict)  # setl_id -> 个人账户支出 of the ones in force
    diagnoses: tuple[str, ...] = ()
    balance: Decimal = Decimal(0)

    def summary(self, balance_before: Decimal) -> str:
        if not self.mdtrt_id:
            visit = "no visit" if not self.listed else "visit cancelled"
        else:
            visit = f"visit …{self.mdtrt_id[-4:]}"
        active = [s for s, state in self.settlements.items() if state == "active"]
        parts = [visit, f"fees {len(self.fees)}"]
        if self.diagnoses:
            parts.append(f"diag {len(self.diagnoses)}")
        if active:
            parts.append("setl " + ",".join(f"…{s[-4:]}" for s in active))
        cancelled = [s for s, state in self.settlements.items() if state == "cancelled"]
        if cancelled:
            parts.append("cancelled " + ",".join(f"…{s[-4:]}" for s in cancelled))
        moved = balance_before - self.balance
        if moved:
            parts.append(f"balc -{moved}")
        return " ".join(parts)


def read_platform(reader: PlatformReader, person: Insured, ipt_otp_no: str, known_mdtrt_ids: set[str],
                  known_setl_ids: set[str]) -> PlatformView:
    """The platform's state for one person and 门诊号; `known_*` are ids the HIS holds, asked about
    too so that a visit or settlement the platform dropped shows as such."""
    view = PlatformView(balance=reader.balance(person))
    ours = [r for r in reader.visits(person.psn_no) if str(r.get("ipt_otp_no") or "") == ipt_otp_no]
    view.listed = tuple(str(r["mdtrt_id"]) for r in ours)
    valid = [str(r["mdtrt_id"]) for r in ours if str(r.get("vali_flag") or "1") != "0"]
    view.mdtrt_id = valid[0] if len(valid) == 1 else ",".join(valid)
    setl_ids = set(known_setl_ids)
    fees: set[str] = set()
    paid_by: set[str] = set()
    for mdtrt_id in sorted(set(view.listed) | known_mdtrt_ids):
        try:
            rows = reader.fees(person.psn_no, mdtrt_id)
        except PlatformRefused:
            continue  # a visit the platform does not know: 5201 has said so already
        if mdtrt_id in valid:
            fees |= {str(r["feedetl_sn"]) for r in rows}
            paid_by |= {str(r["setl_id"]) for r in rows if r.get("setl_id")}
    view.fees, view.paid_by = frozenset(fees), frozenset(paid_by)
    setl_ids |= paid_by
    visits = sorted(set(view.listed) | known_mdtrt_ids)
    for setl_id in sorted(setl_ids):
        info = reader.settlement(person.psn_no, visits, setl_id)
        if info is None:
            view.settlements[setl_id] = "absent"
        elif str(info.get("refd_setl_flag") or "0") == "1":
            view.settlements[setl_id] = "cancelled"
        else:
            view.settlements[setl_id] = "active"
            view.acct_pay[setl_id] = Decimal(str(info.get("acct_pay") or 0))
    if view.mdtrt_id and "," not in view.mdtrt_id:
        view.diagnoses = tuple(sorted(str(d.get("diag_code")) for d in reader.diagnoses(person.psn_no, view.mdtrt_id)))
    return view
