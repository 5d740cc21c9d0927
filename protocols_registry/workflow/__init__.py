"""The protocol workflow around the task models of protocols_registry.models.workflow:
its creation and assignment (setup), the approve forms (forms), the mails (mails) and
the dashboard (panels)."""
