"""The Django admin of the app, one module per area; importing them registers the models."""

from assessments.admin import organizations, parts, questionnaires  # noqa: F401
