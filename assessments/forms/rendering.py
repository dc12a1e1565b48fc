"""Fields drawn the Bootstrap way by Django itself: `{{ field.as_field_group }}` renders
templates/forms/bootstrap_field.html (label, control, help, errors) for forms that mix this in.
"""

from __future__ import annotations

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html


class BootstrapRenderer(TemplatesSetting):
    # TemplatesSetting: the field template lives with the project's other templates.
    field_template_name = "forms/bootstrap_field.html"


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.use_fieldset:
            # Radios draw no group element around them, so each names the group's errors.
            if describedby := self.aria_describedby:
                attrs["aria-describedby"] = describedby
        elif self.errors:
            # Bootstrap draws a control red, and shows its feedback, only with .is-invalid.
            css = (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


class BootstrapFieldsMixin:
    """For a form whose fields the page draws one by one, with `{{ field.as_field_group }}`."""

    default_renderer = BootstrapRenderer()
    bound_field_class = BootstrapBoundField
    label_class = "form-label"  # of every field's label in this form


def label_with_note(label, note) -> str:
    """A label followed by a muted note, such as when the field is needed."""
    return format_html('{} <span class="text-body-secondary">{}</span>', label, note)
