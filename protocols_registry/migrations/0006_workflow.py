"""The protocol workflow: its task types, the membership of users in organisations,
and the workflow "Goedkeuring van een protocol" on every protocol list.

Wagtail's default "Moderators approval" workflow (made by Wagtail from the
Moderators group's publish permission) is deactivated when nobody can approve in
it, which is the case on a new installation: it offered protocols a step nobody
could take. A host site whose moderators still approve pages keeps it for them;
protocols use their own workflow either way, assigned to the nearer page.

Editors no longer publish below a protocol list: the workflow does, so what goes
live is what the DPOs advised on and the governing body approved.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Frozen copies: a migration must not import live app code.
WORKFLOW_NAME = "Goedkeuring van een protocol"
ADVICE_TASK_NAME = "Advies van de DPO's"
DECISION_TASK_NAME = "Beslissing van het bestuursorgaan"
DEFAULT_WORKFLOW_NAME = "Moderators approval"
EDITOR = "Editor"
TASK_MODELS = ["dpoadvicetask", "boarddecisiontask"]


def _content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(
        app_label="protocols_registry", model=model
    )[0]


def create_protocol_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    DPOAdviceTask = apps.get_model("protocols_registry", "DPOAdviceTask")
    BoardDecisionTask = apps.get_model("protocols_registry", "BoardDecisionTask")
    ProtocolIndexPage = apps.get_model("protocols_registry", "ProtocolIndexPage")

    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    tasks = [
        DPOAdviceTask.objects.create(
            name=ADVICE_TASK_NAME,
            active=True,
            content_type=_content_type(apps, "dpoadvicetask"),
        ),
        BoardDecisionTask.objects.create(
            name=DECISION_TASK_NAME,
            active=True,
            content_type=_content_type(apps, "boarddecisiontask"),
        ),
    ]
    for position, task in enumerate(tasks):
        WorkflowTask.objects.create(
            workflow=workflow, task_id=task.pk, sort_order=position
        )
    for index_page in ProtocolIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(
            page_id=index_page.pk, defaults={"workflow": workflow}
        )


def deactivate_unusable_default_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))

    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW_NAME, active=True):
        tasks = GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow)
        groups = [group.pk for task in tasks for group in task.groups.all()]
        if User.objects.filter(is_active=True, groups__in=groups).exists():
            continue
        states = WorkflowState.objects.filter(
            workflow=workflow, status__in=["in_progress", "needs_changes"]
        )
        TaskState.objects.filter(
            workflow_state__in=states, status="in_progress"
        ).update(status="cancelled")
        states.update(status="cancelled")
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.active = False
        workflow.save(update_fields=["active"])
        tasks.exclude(
            workflow_tasks__workflow__in=Workflow.objects.filter(active=True)
        ).update(active=False)


def editors_no_longer_publish(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    ProtocolIndexPage = apps.get_model("protocols_registry", "ProtocolIndexPage")
    GroupPagePermission.objects.filter(
        group__name=EDITOR,
        permission__content_type__app_label="wagtailcore",
        permission__codename="publish_page",
        page_id__in=ProtocolIndexPage.objects.values_list("pk", flat=True),
    ).delete()


def remove_protocol_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    tasks = Task.objects.filter(
        content_type__app_label="protocols_registry",
        content_type__model__in=TASK_MODELS,
    )
    Workflow.objects.filter(workflow_tasks__task__in=tasks).delete()
    tasks.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("protocols_registry", "0005_search_index_title_body"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BoardDecisionTask",
            fields=[
                (
                    "task_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.task",
                    ),
                ),
            ],
            options={
                "verbose_name": "decision of the governing body",
                "verbose_name_plural": "decisions of the governing body",
            },
            bases=("wagtailcore.task",),
        ),
        migrations.CreateModel(
            name="DPOAdviceTask",
            fields=[
                (
                    "task_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.task",
                    ),
                ),
            ],
            options={
                "verbose_name": "advice of the data protection officers",
                "verbose_name_plural": "advices of the data protection officers",
            },
            bases=("wagtailcore.task",),
        ),
        migrations.CreateModel(
            name="OrganisationMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="protocols_registry.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="organisation_memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "member of an organisation",
                "verbose_name_plural": "members of organisations",
                "ordering": ["organisation__name", "user__username"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "organisation"), name="organisation_member_once"
                    )
                ],
            },
        ),
        migrations.RunPython(create_protocol_workflow, remove_protocol_workflow),
        migrations.RunPython(
            deactivate_unusable_default_workflow, migrations.RunPython.noop
        ),
        migrations.RunPython(editors_no_longer_publish, migrations.RunPython.noop),
    ]
