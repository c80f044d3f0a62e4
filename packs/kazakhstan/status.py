"""Statuses and stages of a Kazakhstan investment project (seed 003 chapters 3–4)."""
from __future__ import annotations

KZ_STATUS_RU = {
    "initiative": "Инициатива у местного исполнительного органа",        # items 39–40
    "initiative_extended": "Инициатива продлена",                       # item 40 2)
    "initiative_returned": "Инициатива возвращена органу-инициатору",   # item 40 1), 41
    "withdrawn": "Инициатива отозвана",
    "passport": "Паспорт проекта создан, формируется дорожная карта",   # items 45–47
    "roadmap_approval": "Дорожная карта на согласовании",               # item 49
    "roadmap_returned": "Дорожная карта на доработке",                  # item 50
    "with_roadmap": "С дорожной картой",                                # item 52
    "suspension_requested": "Запрошено приостановление / исключение",   # item 32
    "suspended": "Приостановлен",                                       # item 33
    "post_monitoring": "Постинвестиционный мониторинг",                 # items 68–69
    "excluded": "Исключён из пула",                                     # items 33–34
}
KZ_FINAL = {"withdrawn", "excluded"}
STAGE_OF = {"initiative": "initiative", "initiative_extended": "initiative", "initiative_returned": "initiative",
            "withdrawn": "closed", "passport": "roadmap", "roadmap_approval": "roadmap",
            "roadmap_returned": "roadmap", "with_roadmap": "implementation", "suspension_requested": "implementation",
            "suspended": "implementation", "post_monitoring": "post_investment", "excluded": "closed"}
SUSPENSION_GROUNDS = {  # item 31
    1: "многократные неустранённые нарушения технических требований и стандартов",
    2: "финансовые проблемы (прекращение или значительное сокращение финансирования)",
    3: "банкротство или ликвидация юридического лица",
    4: "невозможность получения разрешений и согласований",
    5: "судебные или иные правовые ограничения",
    6: "обращение инвестора или органа-инициатора об исключении",
}
