"""Text bound for spreadsheets: cells a spreadsheet could run as a formula are escaped.

OWASP's CSV injection advice: a cell that starts with =, +, -, @, a tab or a carriage return
gets a single quote in front, so Excel, LibreOffice and Google Sheets show it as text. Text
that already starts with quotes before such a character gets one more, so that taking one
off on the way back in (`unescape_formula`) gives the original exactly. Pure: no ORM."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RISKY_FIRST = frozenset((*FORMULA_START, "'"))  # the first character of a cell to look at


def needs_quote(text: str) -> bool:
    """Text a spreadsheet could run as a formula, or such text after quotes of its own."""
    return text[:1] in _RISKY_FIRST and text.lstrip("'").startswith(FORMULA_START)


def escape_formula(value: object) -> object:
    """The value, with a quote in front if it is text a spreadsheet could run."""
    return "'" + value if isinstance(value, str) and needs_quote(value) else value


def unescape_formula(text: str) -> str:
    """Text read back from a cell `escape_formula` wrote."""
    return text[1:] if text[:1] == "'" and needs_quote(text[1:]) else text
