"""Clearing (清算申请) with the 医保 centre and its printed application form."""
from services.clearing.service import ClearingConfig, ClearingPreview, ClearingService

__all__ = ["ClearingConfig", "ClearingPreview", "ClearingService"]
