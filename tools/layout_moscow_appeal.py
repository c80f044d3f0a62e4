"""Layout tables of workflows/bpmn/moscow/appeal.bpmn for tools/bpmn_layout.py (same meaning as there).

Moscow region (seed 004): ЦУР moderation with the three routing algorithms, the first response of a
complex consultation, the sequential parts of several agencies or municipalities, then the shared
execution sub-process (take, work, extension, control) and the rating."""

POOL_W = 2800
LANES = {"Lane_investor": 200, "Lane_moderator": 240, "Lane_manager": 320,
         "Lane_head": 260, "Lane_coordinator": 180}

NODES = {
    # investor lane (y 60..260)
    "start": (180, 160), "reply_clarification": (440, 160), "rate": (2530, 160),
    "timer_rating": (2550, "bottom"), "gw_rating": (2660, 160), "end_closed": (2770, 160),
    # moderator lane (y 260..500)
    "moderate": (300, 360), "timer_moderation": (320, "bottom"),
    "gw_moderation": (440, 360), "end_rejected": (440, 455),
    "gw_first": (580, 360), "gw_route": (900, 360),
    "close_without_rating": (2690, 360), "end_auto_closed": (2810, 360),
    # manager lane (y 500..820): first response, the parts of other agencies / municipalities
    "first_response": (580, 580), "timer_first_response": (600, "bottom"),
    "contribute": (1020, 580), "gw_contribute": (1160, 580),
    "omsu_part": (1020, 730), "gw_omsu": (1160, 730),
    # sub-process in no lane, spanning manager (y 500..820) and head (y 820..1080)
    "execution": (1400, 520, 1050, 520), "timer_deadline": (1640, "bottom"),
    "exec_start": (1450, 640), "take": (1560, 640), "gw_take": (1690, 640),
    "work": (1820, 640), "gw_work": (1970, 640),
    "gw_extension": (1850, 920), "decide_extension": (1990, 920),
    "approve_answer": (2130, 920), "gw_approval": (2260, 920), "exec_end": (2370, 920),
    # coordinator lane (y 1080..1260)
    "escalate_moderation": (320, 1170), "end_escalated_moderation": (450, 1170),
    "escalate_first_response": (600, 1170), "end_first_escalated": (740, 1170),
    "notify_overdue": (1640, 1170), "end_escalated": (1780, 1170),
}

EDGES = {
    "f_start_moderate": [("start", "moderate")],
    "f_reply_moderate": [("moderate", "reply_clarification")],   # clarification loop
    "f_gw_kb": [("gw_moderation", 285), (2470, 285), (2470, "rate")],  # knowledge-base answer
    "f_first_done": [(760, "first_response"), (760, "gw_route")],
    "f_route_several": "VH",
    "f_route_omsu": "VH",
    "f_route_single": [(1430, "gw_route")],
    "f_parts_next": [("gw_contribute", 530), ("contribute", 530)],   # next agency, above
    "f_omsu_next": [("gw_omsu", 800), ("omsu_part", 800)],           # next municipality, below
    "f_parts_done": [(1300, "gw_contribute")],
    "f_omsu_done": [(1300, "gw_omsu")],
    "f_execution_rate": [(2430, "rate")],
    "f_rework": [("gw_rating", 90), (2400, 90)],                      # rework loop, above `rate`
    "f_rework_kb": [("gw_rating", 75), ("moderate", 75)],             # rework of a KB answer: back to the ЦУР
    "f_timer_rating": "VH",
    "f_take_redirect": [("gw_take", 720), ("take", 720)],
    "f_redirect": [("gw_work", 555), ("take", 555)],
    "f_gw_extend": [("gw_work", 800)],
    "f_extension_work": [("gw_extension", 780)],
    "f_return": [("gw_approval", 995), (1790, 995)],
}

LABELS = {}
