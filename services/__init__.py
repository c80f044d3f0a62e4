"""Use cases: intake, moderation, execution, rating, queries, exports, timers."""

from services.projects import onboarding as _onboarding  # noqa: E402,F401  (registers the "registration" subject)
