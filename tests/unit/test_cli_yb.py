"""`his yb list | describe | call` through services.cli.main, as a user runs them."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from adapters.yb_sim.demo_data import demo_persons
from services.cli import main

WORKER = "42010620000000000001"
CERTNO = next(p.certno for p in demo_persons() if p.psn_no == WORKER)


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)  # defaults only, whatever the shell has set


def write(tmp_path, payload, name="in.json"):
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False),
                    encoding="utf-8")
    return str(path)


def test_list_prints_a_table(capsys):
    assert main(["yb", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["code", "name", "group", "mode", "notes"]
    row_1301 = next(line for line in out if line.startswith("1301 "))
    assert "基础信息/目录下载" in row_1301 and "use 1312a" in row_1301
    assert out[-1].endswith("transactions")


def test_list_by_group(capsys):
    assert main(["yb", "list", "--group", "其他/签到签退"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[1:-1]] == ["9001", "9002"] and out[-1] == "2 transactions"


def test_describe_shows_fields_and_dictionaries(capsys):
    assert main(["yb", "describe", "1101"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1101 人员基本信息获取 [基础信息/人员信息]")
    line = next(line for line in out.splitlines() if line.startswith("mdtrt_cert_type "))
    assert line.split() == ["mdtrt_cert_type", "就诊凭证类型", "string", "yes", "3", "mdtrt_cert_type"]
    assert "balc" in out and "16,2" in out
    assert "dict insutype (险种类型): 310 职工基本医疗保险" in out


def test_describe_finds_a_code_whatever_its_case(capsys):
    assert main(["yb", "describe", "4101A"]) == 0
    assert capsys.readouterr().out.startswith("4101a 医疗保障基金结算清单信息上传")
    assert main(["yb", "describe", "2201a"]) == 0
    assert capsys.readouterr().out.startswith("2201A ")


def test_describe_shows_node_marks_and_notes(capsys):
    assert main(["yb", "describe", "2407"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = out.index("output IptPsnSpFlagReg (object): unconfirmed")
    assert out[header + 1].startswith("  note: One implementation reads output.IptPsnSpFlagReg.data")
    assert main(["yb", "describe", "5201"]) == 0
    out = capsys.readouterr().out
    assert "input data (object): unconfirmed" in out and "output mdtrtinfo (array): unconfirmed" in out


def test_describe_marks_a_doubtful_required(capsys):
    assert main(["yb", "describe", "2304"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("acct_used_flag "))
    assert line.split()[:4] == ["acct_used_flag", "个人账户使用标志", "string", "yes?"]
    line = next(line for line in out.splitlines() if line.startswith("psn_no "))
    assert line.split()[3] == "yes"
    assert 'required "?": the sources disagree' in out


def test_describe_unknown_code_fails(capsys):
    assert main(["yb", "describe", "0000"]) == 1
    assert "no transaction '0000'" in capsys.readouterr().err
    assert main(["yb", "describe", "\x1b[2J" + "9" * 5000]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and len(err) < 200  # an excerpt, escaped


def test_call_prints_the_output_json(tmp_path, capsys, database_url):
    path = write(tmp_path, {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": CERTNO}})
    assert main(["yb", "call", "1101", "--input", path, "--database-url", database_url]) == 0
    captured = capsys.readouterr()
    output = json.loads(captured.out, parse_float=Decimal)
    assert output["baseinfo"]["psn_no"] == WORKER and '"balc":1500.00' in captured.out
    assert "msgid" in captured.err and "journal entry" in captured.err


def test_call_reports_validation_errors(tmp_path, capsys, database_url):
    path = write(tmp_path, {"data": {"mdtrt_cert_no": CERTNO}})
    assert main(["yb", "call", "1101", "--input", path, "--database-url", database_url]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "data.mdtrt_cert_type" in captured.err


def test_call_reports_a_refusal_with_its_journal_entry(tmp_path, capsys, database_url):
    path = write(tmp_path, {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "420106190001019999"}})
    assert main(["yb", "call", "1101", "--input", path, "--database-url", database_url]) == 1
    err = capsys.readouterr().err
    assert "未查询到人员信息" in err and "journal entry" in err


@pytest.mark.parametrize("args, message", [
    (["1301"], "本交易不适用, use 1312a"),
    (["1312a"], "may not invoke 1312a"),  # the default operator is a clerk
    (["1101", "--operator", "nobody"], "unknown operator 'nobody'"),
])
def test_call_refusals(tmp_path, capsys, database_url, args, message):
    path = write(tmp_path, {"data": {"ver": "0"}})
    code, *rest = args
    assert main(["yb", "call", code, "--input", path, "--database-url", database_url, *rest]) == 1
    assert message in capsys.readouterr().err


def test_call_with_unreadable_input(tmp_path, capsys, database_url):
    bad = write(tmp_path, "{1.5}")
    assert main(["yb", "call", "1101", "--input", bad, "--database-url", database_url]) == 1
    assert "is not valid JSON" in capsys.readouterr().err
    assert main(["yb", "call", "1101", "--input", str(tmp_path / "missing.json")]) == 1
    assert "missing.json" in capsys.readouterr().err


def test_call_help_says_the_default_simulator_keeps_no_state(capsys):
    with pytest.raises(SystemExit):
        main(["yb", "call", "--help"])
    assert "stateless" in capsys.readouterr().out
