"""Streaming many plain rows into a one-sheet XLSX that openpyxl built (issue 6: 100,000 registry
rows in ≤ 5 s). The rows become SpreadsheetML `<row>` elements with inline strings, numbers and
dates as serial numbers in the date style the package already defines; everything else in the
package (styles, widths, panes, the top rows) stays as openpyxl wrote it."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date
from xml.sax.saxutils import escape

SHEET = "xl/worksheets/sheet1.xml"
EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0 (with its 1900 leap-year quirk folded in)
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def append_rows(package: bytes, rows: Iterable[list], kinds: list[str], first_row: int, date_style_of: str) -> bytes:
    """`package` with `rows` appended to its only sheet from `first_row`; `kinds` per column:
    "text", "number" or "date" (dates take the style of the cell `date_style_of`)."""
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    sheet = next(data for info, data in entries if info.filename == SHEET).decode("utf-8")
    style = re.search(rf'<c r="{date_style_of}" s="(\d+)"', sheet)
    date_attr = f' s="{style.group(1)}"' if style else ""
    letters = [_column(i + 1) for i in range(len(kinds))]
    parts: list[str] = []
    texts: dict[str, str] = {}  # escaped text by value: statuses, types, executors repeat a lot
    number = first_row - 1
    for number, row in enumerate(rows, first_row):  # noqa: B007 - the last number is the sheet's size
        cells = []
        for letter, kind, value in zip(letters, kinds, row, strict=True):
            if value is None or value == "":
                continue
            ref = f"{letter}{number}"
            if kind == "number":
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif kind == "date":
                cells.append(f'<c r="{ref}"{date_attr}><v>{value.toordinal() - EPOCH}</v></c>')
            else:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = escape(_INVALID.sub("", str(value)))
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    body = "".join(parts)
    if "</sheetData>" in sheet:
        sheet = sheet.replace("</sheetData>", body + "</sheetData>", 1)
    else:
        sheet = sheet.replace("<sheetData/>", f"<sheetData>{body}</sheetData>", 1)
    sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{letters[-1]}{max(number, 1)}"/>', sheet, count=1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info, data in entries:
            target.writestr(info.filename, sheet.encode("utf-8") if info.filename == SHEET else data)
    return out.getvalue()
