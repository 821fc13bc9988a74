"""Money as a reader of each page language writes it: fi ``250 000 €``, sv ``250 000 €``, en ``€250,000``.

Finnish and Swedish group thousands with a space and put the sign after the number; the space is always
U+00A0 NO-BREAK SPACE (between the groups and before the sign), so that an amount never breaks across
lines. English groups with commas and puts the sign first. Cents are shown only when there are any.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

NBSP = "\u00a0"
SIGNS = {"EUR": "€"}
# (group separator, decimal separator, sign after the number) per page language.
STYLES = {"fi": (NBSP, ",", True), "sv": (NBSP, ",", True), "en": (",", ".", False)}


def parse_amount(text: str) -> Decimal | None:
    """The decimal value of an ``xsd:decimal`` lexical form, or None when it is not a number."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def format_money(value: Decimal, currency: str | None, lang: str) -> str:
    """``value`` in ``currency`` (an ISO 4217 code; None: no unit shown) written for ``lang``."""
    group, point, after = STYLES.get(lang, STYLES["en"])
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{abs(cents):f}".partition(".")
    digits = _grouped(whole, group) + (point + fraction if fraction.strip("0") else "")
    minus = "-" if cents < 0 else ""
    if not currency:
        return minus + digits
    sign = SIGNS.get(currency)
    if sign is None:  # a code without a sign of its own: the code, spaced in every language
        return minus + (f"{digits}{NBSP}{currency}" if after else f"{currency}{NBSP}{digits}")
    return minus + (f"{digits}{NBSP}{sign}" if after else f"{sign}{digits}")


def _grouped(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])
