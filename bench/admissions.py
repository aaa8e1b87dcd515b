"""./scripts/bench-admissions: 一站式住院 admissions per second, end to end, beside the bare platform call
and inserts.

Per backend: a fresh migrated database, the stack `his serve` runs (gRPC server, HTTP adapter, the
simulator's HTTP front), the demo hospital, and one ward of the bench's own with as many beds as
admissions. Set-up, not timed: a distinct insured person per admission enrolled in the simulator,
read (1101), registered at the clinic (2201A), diagnosed (2203), and given a 住院证 for the ward.

- **ours**: C client threads (each its own channel) call InpatientService.Admit with the 住院证 and a
  mobile-pay deposit and no bed named, so every admission takes the ward's first free bed: the clients
  contend for the same bed rows (a lost race is retried by the service). One Admit = the stay and its
  住院号, the bed, 2401 through the gateway and journal, the confirmation with the deposit receipt.
- **bare**: the same C threads send 2401 as a hand-built envelope with raw httpx, journaled before and
  after (bench.bare), then in one transaction take the first free bed of a table of their own (an
  UPDATE that matches only a free bed, tried again when another thread took it), insert the stay and
  the deposit row.

Prints admissions/s, p50 and p99 per path, and ours ÷ bare time per admission.
"""
from __future__ import annotations

import argparse
import os
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import grpc
from sqlalchemy import text

from adapters.db.engine import make_engine
from bench import env
from bench.bare import BareShared, BareWorker, hospital_now
from bench.bare_sql import BareStore
from bench.stats import percentile
from domain.inpatient import Bed, Ward
from domain.operator import Operator
from his.v1 import inpatient_pb2 as ipt
from his.v1 import inpatient_pb2_grpc
from services.encounters import DiagnosisInput, RegisterEncounter
from services.inpatient import IssueAdmissionOrder

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "his_bench_ipt"
WARD = "BQBENCH"
CLERK = Operator("1001", "演示收费员", role="clerk")
DOCTOR = Operator("DR004", "陈卫", role="doctor")
AUTH = (("authorization", "Bearer demo-token"),)
DEPOSIT = Decimal("1000.00")
DATETIME = "%Y-%m-%d %H:%M:%S"
BARE_TABLES = (
    "CREATE TABLE bench_ipt_beds (bed VARCHAR(10) PRIMARY KEY, stay_id VARCHAR(50))",
    "CREATE TABLE bench_ipt_stays (id VARCHAR(50) PRIMARY KEY, ipt_no VARCHAR(30), psn_no VARCHAR(50), "
    "mdtrt_id VARCHAR(50), bed VARCHAR(10), admitted_at TIMESTAMP)",
    "CREATE TABLE bench_ipt_deposits (id VARCHAR(50) PRIMARY KEY, stay_id VARCHAR(50), amount NUMERIC(16, 2), "
    "reference VARCHAR(100), at TIMESTAMP)",
)


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench-admissions", description=__doc__.splitlines()[0])
    ap.add_argument("--admissions", type=int, default=120, help="admissions per path (default 120)")
    ap.add_argument("--clients", type=int, default=4, help="client threads contending for the beds (default 4)")
    ap.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    ap.add_argument("--pg-url", default=os.environ.get("HIS_BENCH_PG_URL", DEFAULT_PG),
                    help="a PostgreSQL server URL to create the bench database from")
    return ap.parse_args(argv)


def _enrol(st: env.Stack, count: int, tag: str) -> list[tuple[str, str]]:
    """`count` distinct insured 职工 in the simulator: (psn_no, certno). A person is in one hospital at a time."""
    made = []
    for i in range(count):
        person = st.simulator.enrol({"psn_no": f"4201068{tag}{i:07d}", "accounts": [{"insutype": "310",
                                                                                    "balc": "3000.00"}]})
        made.append((person.psn_no, person.certno))
    return made


def _orders(st: env.Stack, persons: list[tuple[str, str]]) -> list[str]:
    """The 住院证 of each person, issued on an insured visit of theirs (not timed)."""
    app, orders = st.app, []
    for _psn_no, certno in persons:
        patient = app.patients.read_insurance(CLERK, "02", certno)
        visit = app.encounters.register(CLERK, RegisterEncounter(
            patient.id, "XNK01", "ORDINARY", doctor_code="DR004", coverage="INSURED", insutype="310",
            med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=certno))
        app.encounters.record_diagnoses(DOCTOR, visit.id, [DiagnosisInput("J18.900", "肺炎", main=True)])
        orders.append(app.inpatient.issue_order(DOCTOR, IssueAdmissionOrder(
            encounter_id=visit.id, ward_code=WARD, med_type="21", suggested_deposit=DEPOSIT)).id)
    return orders


def _drive(work: list, clients: int, one) -> tuple[float, list[float], Counter]:
    """Run `one(item, client)` over `work` from `clients` threads; (seconds, ms per item, failures by kind)."""
    lock, queue, times, failed = threading.Lock(), list(work), [], Counter()

    def client(n: int) -> None:
        state = {}
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            start = time.perf_counter()
            try:
                one(item, n, state)
            except Exception as exc:  # noqa: BLE001 - counted and shown; the run goes on
                why = exc.details() if isinstance(exc, grpc.RpcError) else f"{type(exc).__name__}: {exc}"
                with lock:
                    failed[why[:150]] += 1
                continue
            with lock:
                times.append((time.perf_counter() - start) * 1000.0)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for f in [pool.submit(client, n) for n in range(clients)]:
            f.result()
    return time.perf_counter() - began, times, failed


def _ours(st: env.Stack, orders: list[str], clients: int):
    def admit(order_id: str, _n: int, state: dict) -> None:
        if "stub" not in state:
            state["stub"] = inpatient_pb2_grpc.InpatientServiceStub(grpc.insecure_channel(st.target))
        state["stub"].Admit(ipt.AdmitRequest(order_id=order_id, request_id=str(uuid.uuid4()), deposit=ipt.DepositInput(
            method="MOBILE_PAY", amount=str(DEPOSIT), reference="WX" + uuid.uuid4().hex[:20])), metadata=AUTH,
            timeout=60)
    return _drive(orders, clients, admit)


def _bare(st: env.Stack, url: str, persons: list[tuple[str, str]], clients: int):
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in BARE_TABLES:
            conn.execute(text(statement))
        conn.execute(text("INSERT INTO bench_ipt_beds (bed) VALUES (:bed)"),
                     [{"bed": f"{i:03d}"} for i in range(1, len(persons) + 1)])
    shared = BareShared(st.front.url, env.PAASID, env.GATEWAY_TOKEN, st.settings.institution.institution(),
                        st.settings.operators[0].operator(), BareStore(engine))
    workers = [BareWorker(shared, [], "x", "x") for _ in range(clients)]  # each signs in once (9001)
    numbers = iter(range(1, len(persons) + 1))
    lock = threading.Lock()

    def admit(person: tuple[str, str], n: int, _state: dict) -> None:
        psn_no, certno = person
        with lock:
            ipt_no = f"ZYB{hospital_now():%Y%m%d}{next(numbers):05d}"
        now = hospital_now().strftime(DATETIME)
        diagnosis = {"psn_no": psn_no, "diag_type": "1", "maindiag_flag": "1", "diag_srt_no": 1,
                     "diag_code": "J18.900", "diag_name": "肺炎", "diag_dept": "内科", "dise_dor_no": "D420106000004",
                     "dise_dor_name": "陈卫", "diag_time": now, "vali_flag": "1"}
        output = workers[n].call("2401", {"mdtrtinfo": {
            "psn_no": psn_no, "insutype": "310", "mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "med_type": "21",
            "ipt_no": ipt_no, "begntime": now, "atddr_no": "D420106000004", "chfpdr_name": "陈卫",
            "adm_diag_dscr": "肺炎", "adm_dept_codg": "NK01", "adm_dept_name": "内科", "adm_bed": WARD,
            "dscg_maindiag_code": "J18.900", "dscg_maindiag_name": "肺炎"}, "diseinfo": [diagnosis]},
            {"psn_no": psn_no})
        mdtrt_id = str((output.get("result") or output.get("data") or {}).get("mdtrt_id") or "")
        stay_id = str(uuid.uuid4())
        while True:
            with engine.begin() as conn:
                bed = conn.execute(text(
                    "UPDATE bench_ipt_beds SET stay_id = :stay WHERE stay_id IS NULL AND bed = "
                    "(SELECT MIN(bed) FROM bench_ipt_beds WHERE stay_id IS NULL) RETURNING bed"),
                    {"stay": stay_id}).scalar()
                if bed is None:
                    continue  # another thread took that bed first: the next free one
                conn.execute(text("INSERT INTO bench_ipt_stays VALUES (:id, :ipt, :psn, :mdtrt, :bed, :at)"),
                             {"id": stay_id, "ipt": ipt_no, "psn": psn_no, "mdtrt": mdtrt_id, "bed": bed,
                              "at": hospital_now()})
                conn.execute(text("INSERT INTO bench_ipt_deposits VALUES (:id, :stay, :amount, :ref, :at)"),
                             {"id": str(uuid.uuid4()), "stay": stay_id, "amount": str(DEPOSIT),
                              "ref": "WX" + uuid.uuid4().hex[:20], "at": hospital_now()})
                return
    try:
        return _drive(persons, clients, admit)
    finally:
        shared.close()
        engine.dispose()


def _line(backend: str, path: str, seconds: float, times: list[float], failed: Counter) -> str:
    rate = len(times) / seconds if seconds else 0.0
    return (f"{backend:<9}| {path:<5}| {len(times):>10} | {sum(failed.values()):>6} | {rate:>12.1f} | {percentile(times, 0.5):>8.1f} | "
            f"{percentile(times, 0.99):>8.1f}")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    print(f"admissions per path: {args.admissions}, client threads: {args.clients} (in the bench process, both paths)")
    print("backend  | path | admissions | failed | admissions/s |  p50 ms |  p99 ms")
    print("---------+------+------------+--------+--------------+---------+--------")
    verdicts = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "postgres" and (problem := env.postgres_problem(args.pg_url)):
            print(f"{backend}: skipped ({problem})")
            continue
        with env.database(backend, args.pg_url, BENCH_DB) as url, env.stack(url) as st:
            st.app.load_hospital_data()
            st.app.inpatient.load_wards([Ward(WARD, "基准病区", "NK", [Bed(WARD, f"{i:03d}")
                                                                   for i in range(1, args.admissions + 1)])])
            tag = uuid.uuid4().hex[:3].upper().translate(str.maketrans("ABCDEF", "123456"))
            persons = _enrol(st, 2 * args.admissions, tag)
            orders = _orders(st, persons[:args.admissions])
            ours = _ours(st, orders, args.clients)
            bare = _bare(st, url, persons[args.admissions:], args.clients)
            print(_line(backend, "bare", *bare))
            print(_line(backend, "ours", *ours))
            for path, result in (("bare", bare), ("ours", ours)):
                for why, n in result[2].most_common(3):
                    print(f"  {backend} {path} failed {n}x: {why}")
            bare_rate = len(bare[1]) / bare[0] if bare[0] else 0.0
            ours_rate = len(ours[1]) / ours[0] if ours[0] else 0.0
            if ours_rate:
                verdicts.append(f"{backend}: ours/bare time per admission = {bare_rate / ours_rate:.2f}x")
    print()
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
