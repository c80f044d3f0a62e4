"""The Kazakhstan pack's code, country (production calendar) and time zone, for its own modules."""
from zoneinfo import ZoneInfo

CODE = "kazakhstan"
COUNTRY = "KZ"
TIMEZONE = "Asia/Almaty"
TZ = ZoneInfo(TIMEZONE)
