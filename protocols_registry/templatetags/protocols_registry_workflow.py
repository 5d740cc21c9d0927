"""Template tags of the protocol workflow's admin screens."""

from django import template

register = template.Library()


@register.simple_tag
def step_form(form, task_state):
    """The approve form tied to ``task_state``: Wagtail renders the modal with an
    unbound form that cannot know which protocol it is about."""
    if getattr(form, "task_state", True) is None and task_state is not None:
        form.scope(task_state.specific)
    return form
