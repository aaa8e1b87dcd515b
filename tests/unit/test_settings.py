"""Settings that are checked when the server starts, not when the first call fails."""
import pytest
from pydantic import ValidationError

from services.settings import Settings


def test_the_hospital_zone_defaults_to_china_time():
    assert Settings().timezone == "Asia/Shanghai"


def test_an_unknown_zone_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("HIS_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus_Mons'"):
        Settings()


def test_a_page_token_key_is_long_enough_or_absent(monkeypatch):
    assert Settings().page_token_key == ""
    monkeypatch.setenv("HIS_PAGE_TOKEN_KEY", "short")
    with pytest.raises(ValidationError, match="at least 16 bytes"):
        Settings()



def test_the_ris_is_off_unless_configured(monkeypatch):
    ris = Settings().orders.ris
    assert not ris.enabled and ris.listen_address() is None
    monkeypatch.setenv("HIS_ORDERS__RIS__HOST", "ris.hospital.local")
    monkeypatch.setenv("HIS_ORDERS__RIS__LISTEN", "0.0.0.0:2576")
    ris = Settings().orders.ris
    assert ris.enabled and (ris.host, ris.port) == ("ris.hospital.local", 2575)
    assert ris.listen_address() == ("0.0.0.0", 2576)
    monkeypatch.setenv("HIS_ORDERS__RIS__LISTEN", "2576")
    with pytest.raises(ValidationError, match="host:port"):
        Settings()
