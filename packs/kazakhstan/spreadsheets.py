"""The Kazakhstan pack's spreadsheets (seed 003): the regions' rating and the quarterly monitoring."""
from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from services.reports import spreadsheets

RATING_COLUMNS = [("rank", "Место", 8), ("region", "Регион", 34), ("points", "Баллы", 10),
                  ("overdue_tasks", "Просроченных задач", 14), ("overdue_days", "Дней просрочки", 14),
                  ("projects", "Проектов", 10)]
MONITORING_COLUMNS = [("region", "Регион", 34), ("projects", "Проектов", 10),
                      ("tasks_due", "Задач со сроком в квартале", 14), ("tasks_done", "Выполнено в квартале", 14),
                      ("tasks_done_on_time", "Выполнено в срок", 12),
                      ("tasks_overdue_at_end", "Просрочено на конец квартала", 16),
                      ("tasks_done_and_validated", "Валидировано палатой", 14),
                      ("rating_points", "Баллы рейтинга", 10), ("rating_rank", "Место в рейтинге", 10)]


def _sheet(name: str, report: dict[str, Any], head: list[list], date_cells: tuple[str, ...], columns, tz) -> bytes:
    """A one-sheet report: the title, `head` rows, the export date, a blank row, then the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = name
    ws.append([report["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    for row in head:
        ws.append(row)
    ws.append(["Дата выгрузки:", report["exported_at"].astimezone(tz).date()])
    for cell in date_cells:
        ws[cell].number_format = "DD.MM.YYYY"
    ws.append([])
    spreadsheets.table(ws, columns, report["items"])
    return spreadsheets.save(wb)


def region_rating_xlsx(report: dict[str, Any], tz) -> bytes:
    """Seed 003 item 62 as a sheet: the date on top, one row per region in rank order."""
    return _sheet("Рейтинг регионов", report, [["На дату:", report["at"]]], ("B2", "B3"), RATING_COLUMNS, tz)


def monitoring_xlsx(report: dict[str, Any], tz) -> bytes:
    """The quarterly monitoring report: the quarter and the reporting days on top, regions below."""
    head = [["Период:", report["from"], report["to"]],
            ["Отчёты регионов — не позднее:", report["due"]["regional_reports"]],
            ["Сводный отчёт — не позднее:", report["due"]["consolidated_report"]]]
    return _sheet("Мониторинг", report, head, ("B2", "C2", "B3", "B4", "B5"), MONITORING_COLUMNS, tz)
