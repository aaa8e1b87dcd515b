"""The simulator's answer to a 2601 whose original it has not seen, set from `his sim serve` and from
the dev server's configuration."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.bootstrap import bootstrap
from services.cli import _simulator, parser
from services.settings import Settings


def sim_serve(*extra: str):
    return parser().parse_args(["sim", "serve", *extra])


def test_sim_serve_refuses_unknown_originals_unless_told_to_remember():
    assert _simulator(sim_serve()).unknown_reversal == "refuse"
    assert _simulator(sim_serve("--unknown-reversal", "remember")).unknown_reversal == "remember"
    with pytest.raises(SystemExit):
        sim_serve("--unknown-reversal", "forget")


def test_the_dev_servers_simulator_takes_it_from_configuration(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'his.db'}", platform={"sim_unknown_reversal": "remember"})
    app = bootstrap(settings)
    try:
        assert app.container.platform().unknown_reversal == "remember"
    finally:
        app.container.engine().dispose()
    with pytest.raises(ValidationError, match="sim_unknown_reversal"):
        Settings(platform={"sim_unknown_reversal": "forget"})
