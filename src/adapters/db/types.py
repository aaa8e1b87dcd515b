"""Column types that keep the domain's values exact on every backend."""
from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import Enum, Numeric, String, Text
from sqlalchemy.types import TypeDecorator

from domain.money import quantize


class ExactDecimal(TypeDecorator):
    """NUMERIC(p, s) on PostgreSQL; on SQLite, decimal text.

    SQLite has no decimal type: NUMERIC columns there hold binary floats, which cannot carry
    16 significant digits or 0.10 exactly. Text keeps the value as written. Values are rounded
    half-up to the scale on the way in, as PostgreSQL does, so both backends return the same.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._limit = precision - scale  # digits before the point

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))  # digits, sign, point
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        return self._to_column(dialect.name == "sqlite")(value)

    def process_result_value(self, value, dialect):
        return _from_column(value)

    def _to_column(self, sqlite: bool):
        limit, precision, scale = self._limit, self.precision, self.scale

        def process(value):
            if value is None:
                return None
            if type(value) is not Decimal:
                if isinstance(value, float):
                    raise TypeError(f"refusing inexact float {value!r} for a decimal column")
                value = Decimal(value)
            value = quantize(value, scale)  # the platform's half-up, as PostgreSQL rounds too
            if not sqlite:
                return value
            if value.adjusted() >= limit:
                # PostgreSQL refuses such a value ("numeric field overflow"); do the same here.
                raise ValueError(f"{value} does not fit NUMERIC({precision},{scale})")
            return format(value, "f")
        return process

    # The two methods below do what TypeDecorator's do (this type's conversion composed with the
    # implementation type's), minus a call layer per value: a visit load converts a hundred.
    def bind_processor(self, dialect):
        process = self._to_column(dialect.name == "sqlite")
        impl_processor = self.impl_instance.bind_processor(dialect)
        if impl_processor is None:
            return process
        return lambda value: impl_processor(process(value))

    def result_processor(self, dialect, coltype):
        impl_processor = self.impl_instance.result_processor(dialect, coltype)
        if impl_processor is None:
            return _from_column
        return lambda value: _from_column(impl_processor(value))


def _from_column(value):
    if value is None or type(value) is Decimal:
        return value
    return Decimal(value)


class EmptyAsNull(TypeDecorator):
    """A string the domain leaves empty until known, stored as NULL so a UNIQUE index ignores it."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value or None

    def process_result_value(self, value, dialect):
        return value or ""


class Lines(TypeDecorator):
    """A list of one-line texts (notes such as a settlement's discrepancies) as one TEXT column."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return "\n".join(value or ())

    def process_result_value(self, value, dialect):
        return value.split("\n") if value else []


def money() -> ExactDecimal:
    return ExactDecimal(16, 2)


def str_enum(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """The domain's str enums as plain VARCHAR (no native type, no CHECK): adding a state needs
    no migration, and rows come back as enum members so `is` comparisons in the domain hold."""
    return Enum(enum_class, native_enum=False, create_constraint=False, length=length,
                values_callable=lambda members: [m.value for m in members])
