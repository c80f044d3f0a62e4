"""Regenerate the diagram interchange of workflows/bpmn/kazakhstan/kz_project.bpmn with tools/bpmn_layout.py.

The drawing rules are bpmn_layout's; this file only holds the Kazakhstan process's tables (lanes,
node centres, steered flows). Rerun after changing the process:
``.venv/bin/python tools/kz_project_layout.py [--check]``.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bpmn_layout  # noqa: E402

FILE = Path(__file__).resolve().parents[1] / "workflows" / "bpmn" / "kazakhstan" / "kz_project.bpmn"
POOL_W = 2100
LANES = {"Lane_initiator": 200, "Lane_local_exec": 240, "Lane_investor": 160, "Lane_chamber": 200,
         "Lane_authorized_body": 260}
NODES = {
    # initiator (y 60..260)
    "start": (180, 160), "fix_initiative": (470, 160), "gw_fix": (330, 160), "end_withdrawn": (330, 90),
    "fix_roadmap": (1110, 160),
    # local executive body (y 260..500)
    "review_initiative": (330, 380), "gw_review": (470, 380), "build_roadmap": (580, 380), "gw_roadmap": (680, 380),
    "implement": (1500, 380), "gw_implement": (1630, 380), "suspended": (1630, 300),
    # investor (y 500..660)
    "approve_investor": (880, 580),
    # chamber (y 660..860)
    "merge_approval": (680, 760), "fork": (770, 760), "approve_chamber": (880, 760), "join": (1000, 760), "gw_approval": (1110, 760),
    # authorized body (y 860..1120)
    "verify": (1240, 960), "gw_verify": (1370, 960), "decide_suspension": (1630, 960),
    "gw_suspension": (1760, 960), "end_excluded": (1860, 960),
    "monitoring": (1960, 1040), "gw_monitoring": (2090, 990), "timer_monitoring": (1990, "bottom"),
    "end_auto_excluded": (2090, 1080),
}
EDGES = {
    "f_start": "VH",
    "f_extend": [("gw_review", 460), ("review_initiative", 460)],
    "f_fork_investor": [("fork", "approve_investor")],
    "f_fixed": [("merge_approval", "fix_roadmap")],
    "f_verify_return": [("gw_verify", 1090), (1150, 1090), (1150, 240)],
    "f_suspend": [("gw_suspension", "suspended")],
    "f_refused": [("gw_suspension", 1100), (1470, 1100), (1470, 460)],
    "f_record": [("gw_monitoring", 930), (1940, 930)],
    "f_roadmap_back": [("gw_roadmap", 235), (490, 235)],          # item 41: back to the initiative
    "f_implement_back": [("gw_implement", 450), (1720, 450), (1720, 220), (505, 220)],
}
LABELS: dict = {}


def regenerate(text: str) -> str:
    for name in ("POOL_W", "LANES", "NODES", "EDGES", "LABELS"):
        setattr(bpmn_layout, name, globals()[name])
    return bpmn_layout.regenerate(text).replace("BPMNDiagram_appeal", "BPMNDiagram_kz_project").replace(
        "BPMNPlane_appeal", "BPMNPlane_kz_project")


def main(argv: list[str]) -> int:
    text = FILE.read_text(encoding="utf-8")
    try:
        new = regenerate(text)
    except bpmn_layout.LayoutError as exc:
        print(f"kz_project_layout: {FILE}: {exc}", file=sys.stderr)
        return 2
    if "--check" in argv:
        if new != text:
            print(f"kz_project_layout: {FILE}: diagram is out of date, rerun the script", file=sys.stderr)
        return int(new != text)
    FILE.write_text(new, encoding="utf-8")
    print(f"kz_project_layout: {FILE}: diagram written ({len(NODES)} flow nodes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
