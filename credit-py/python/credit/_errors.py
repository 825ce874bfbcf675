"""Exception hierarchy of the ``credit`` package.

Every error raised by ``credit`` subclasses :class:`CreditError` and also a
fitting builtin, so ``except ValueError`` keeps working in host code.
"""

from __future__ import annotations

__all__ = [
    "CreditError",
    "ValidationError",
    "ParseError",
    "UnknownCurrency",
    "PrecisionError",
    "CurrencyMismatch",
    "ArithmeticOverflow",
    "DateOutOfRange",
    "InvalidTypeError",
    "UnknownCustomer",
    "MissingRate",
    "ScoringRejected",
    "TooLarge",
]


class CreditError(Exception):
    """Base class of every error raised by ``credit``."""


class ValidationError(CreditError, ValueError):
    """A value breaks a rule: out of range, inconsistent, not allowed."""


class ParseError(ValidationError):
    """Text (payment-terms notation or JSON) that cannot be read.

    For payment-terms notation, ``position`` (0-based character offset),
    ``expected`` and ``found`` say where and why.
    """

    position: int | None = None
    expected: str | None = None
    found: str | None = None


class UnknownCurrency(ValidationError):
    """A currency code that is not known (``code`` holds it)."""

    code: str | None = None


class PrecisionError(ValidationError):
    """An amount with more decimals than its currency allows."""


class CurrencyMismatch(CreditError, ValueError):
    """Amounts in different currencies were combined (``left``, ``right``)."""

    left: object = None
    right: object = None


class ArithmeticOverflow(CreditError, ArithmeticError):
    """A result too large for the 96-bit decimal type."""


class DateOutOfRange(CreditError, ValueError):
    """A date computation left the supported range."""


class InvalidTypeError(CreditError, TypeError):
    """An argument of the wrong type, e.g. a ``float`` where money is expected."""


class UnknownCustomer(ValidationError):
    """A customer id the book does not know (``customer`` holds it)."""

    customer: str | None = None


class MissingRate(ValidationError):
    """No FX rate was supplied for a currency pair the book had to convert."""


class ScoringRejected(ValidationError):
    """A value fits no bin of a characteristic whose no-match policy is
    ``reject`` (``characteristic`` and ``value`` say which)."""

    characteristic: str | None = None
    value: str | None = None


class TooLarge(ValidationError):
    """A size the caller controls is beyond its documented bound: an id or
    text too long, a document too large, nesting too deep, too many parts
    or reasons asked for. ``field``, ``size`` and ``max`` say which."""

    field: str | None = None
    size: int | None = None
    max: int | None = None
