"""`his setl-list` on an empty database: builds nothing, lists nothing, refuses an unknown list plainly."""
from __future__ import annotations

from services.cli import main


def test_setl_list_commands_run_and_say_what_they_did(tmp_path, capsys):
    db = ["--database-url", f"sqlite:///{tmp_path / 'his.db'}"]
    assert main(["setl-list", "build", "--since", "2026-12-01", "--until", "2026-12-07", *db]) == 0
    assert "built 0, voided 0, skipped 0" in capsys.readouterr().err
    assert main(["setl-list", "list", "--state", "DRAFT", *db]) == 0
    assert capsys.readouterr().out == ""
    assert main(["setl-list", "upload", "NO-SUCH-LIST", *db]) == 1
    assert "no settlement list 'NO-SUCH-LIST'" in capsys.readouterr().err
    assert main(["setl-list", "build", "--since", "2026-12-07", "--until", "2026-12-01", *db]) == 1
    assert "until" in capsys.readouterr().err
