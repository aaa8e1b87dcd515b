"""The transaction catalogue (data) and what it drives: request validation and reply decoding."""
from ports.catalogue.model import Catalogue, Dictionary, FieldSpec, NodeSpec, Transaction, load_catalogue
from ports.catalogue.validation import (DATE_FORMAT, DATETIME_FORMAT, RequestCheck, check_request, decode_output,
                                        validate_request)

__all__ = ["Catalogue", "Dictionary", "FieldSpec", "NodeSpec", "Transaction", "load_catalogue",
           "RequestCheck", "check_request", "decode_output", "validate_request", "DATE_FORMAT", "DATETIME_FORMAT"]
