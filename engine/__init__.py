"""SpiffWorkflow behind a narrow API: definitions, instances, inbox, timers, history."""
