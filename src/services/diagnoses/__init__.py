"""The doctor station's diagnoses: searching the synced 医保 diagnosis catalogues."""
from services.diagnoses.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY, DiagnosisSearchService

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "MAX_QUERY", "DiagnosisSearchService"]
