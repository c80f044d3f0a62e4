"""Layout tables of workflows/bpmn/leningrad/onboarding.bpmn for tools/bpmn_layout.py (same meaning as there)."""

POOL_W = 1000
LANES = {"Lane_investor": 200, "Lane_deputy_director": 260, "Lane_manager": 280}

NODES = {
    # investor lane (y 60..260)
    "start": (180, 160), "file_application": (720, 160),
    # deputy director lane (y 260..520)
    "confirm_registration": (320, 370), "timer_confirmation": (340, "bottom"),
    "escalate_confirmation": (340, 470), "end_confirmation_escalated": (200, 470),
    "gw_confirmation": (480, 370), "end_registration_rejected": (600, 370),
    # manager lane (y 520..800)
    "check_application": (720, 620), "timer_check": (740, "bottom"),
    "escalate_check": (740, 730), "end_check_escalated": (600, 730),
    "gw_check": (880, 620), "end_project_created": (1000, 620), "end_application_rejected": (1000, 730),
}

EDGES = {
    "f_confirmed": "VH",
    "f_application_rejected": "VH",
}

LABELS = {}
