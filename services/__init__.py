"""Use cases: intake, moderation, execution, rating, queries, exports, timers."""
