"""Which transfer needs a new registration, and what becomes of the old one: configuration."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.encounters import OldRegistration, TransferRules
from services.settings import Settings


def test_the_default_cancels_the_replaced_registration():
    assert Settings().encounters.transfer.rules() == TransferRules()
    assert TransferRules().old_registration is OldRegistration.CANCELLED


def test_the_environment_switches_the_rules(monkeypatch):
    monkeypatch.setenv("HIS_ENCOUNTERS__TRANSFER__OLD_REGISTRATION", "keep")
    monkeypatch.setenv("HIS_ENCOUNTERS__TRANSFER__NEW_REGISTRATION_FOR_SEPARATE_CLINIC", "false")
    rules = Settings().encounters.transfer.rules()
    assert rules.old_registration is OldRegistration.KEPT and not rules.new_registration_for_separate_clinic
    assert rules.new_registration_on_med_type_change


def test_an_unknown_rule_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("HIS_ENCOUNTERS__TRANSFER__OLD_REGISTRATION", "void")
    with pytest.raises(ValidationError):
        Settings()
