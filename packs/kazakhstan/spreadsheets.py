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


def region_rating_xlsx(report: dict[str, Any], tz) -> bytes:
    """Seed 003 item 62 as a sheet: the date on top, one row per region in rank order."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Рейтинг регионов"
    ws.append([report["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["На дату:", report["at"]])
    ws.append(["Дата выгрузки:", report["exported_at"].astimezone(tz).date()])
    for cell in (ws["B2"], ws["B3"]):
        cell.number_format = "DD.MM.YYYY"
    ws.append([])
    spreadsheets.table(ws, RATING_COLUMNS, report["items"])
    return spreadsheets.save(wb)


def monitoring_xlsx(report: dict[str, Any], tz) -> bytes:
    """The quarterly monitoring report: the quarter and the reporting days on top, regions below."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Мониторинг"
    ws.append([report["title"]])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Период:", report["from"], report["to"]])
    ws.append(["Отчёты регионов — не позднее:", report["due"]["regional_reports"]])
    ws.append(["Сводный отчёт — не позднее:", report["due"]["consolidated_report"]])
    ws.append(["Дата выгрузки:", report["exported_at"].astimezone(tz).date()])
    for cell in (ws["B2"], ws["C2"], ws["B3"], ws["B4"], ws["B5"]):
        cell.number_format = "DD.MM.YYYY"
    ws.append([])
    spreadsheets.table(ws, MONITORING_COLUMNS, report["items"])
    return spreadsheets.save(wb)
