"""No lone path to personal data: a superuser who makes an Exchange officer (or a
second account to approve one) reaches nothing until a DPO, a second person,
approves; every change of users, roles, permissions and second factors is in the
hash chain."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from exchanges import audit, role_grants
from exchanges.models import AuditEvent, RoleGrant
from protocols_registry import roles
from tests.conftest import PASSWORD, SecondFactorClient, make_user
from tests.factories import member_of
from tests.helpers import close_file, ensure_site
from tests.security.conftest import totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plein-sterk-wachtwoord-voor-de-test"  # noqa: S105


@pytest.fixture
def real_transactions(flushable_audit_log):
    """Real transactions (allauth completes an enrolment on commit), with the site
    an earlier transactional test may have flushed away."""
    ensure_site()


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


def create_officer_in_the_admin(admin_client, username="nieuwe-officer"):
    """Step 1 of the superuser's path: a user in the Exchange officer group, made
    with Wagtail's own user form."""
    officer_group = Group.objects.get(name=roles.EXCHANGE_OFFICER)
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": username,
            "email": f"{username}@example.invalid",
            "first_name": "Nieuwe",
            "last_name": "Officer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "groups": [officer_group.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return get_user_model().objects.get(username=username)


def enrol_second_factor(user):
    """Step 2: the new user logs in with the password and enrols TOTP, through the
    real allauth screens."""
    browser = Client()
    login = browser.post(
        "/accounts/login/", {"login": user.username, "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    first = browser.get("/accounts/2fa/totp/activate/")
    assert first["Location"].startswith("/accounts/reauthenticate/")
    browser.post(first["Location"], {"password": NEW_PASSWORD})
    page = browser.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    enrolled = browser.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert enrolled.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    return browser


def test_a_superuser_alone_does_not_reach_personal_data(
    real_transactions, client, admin_user, payload
):
    client.force_login(admin_user)
    officer = create_officer_in_the_admin(client)
    # The superuser also makes them a member of the transfer's sender, so that
    # nothing but the missing approval stands in the way (exchanges.scoping).
    member_of(officer, payload.transfer.sender)
    browser = enrol_second_factor(officer)
    # Step 3: download. Refused, and the refusal is audited.
    download = reverse("exchanges_admin:payload_download", args=[payload.transfer_id])
    response = browser.get(download)
    assert response.status_code in (302, 403), response.status_code
    assert events("payload.refused", actor=officer.username).exists()
    # The whole path is in the chain, by the superuser, and the chain holds.
    assert events("user.created", actor=admin_user.username, object_id=str(officer.pk))
    assert events("user.role_added", actor=admin_user.username).exists()
    assert events("role.requested", actor=admin_user.username).exists()
    assert events("mfa.added", object_id=str(officer.pk)).exists()
    assert audit.verify_chain()[0]
    grant = RoleGrant.objects.get(user=officer)
    assert grant.state == RoleGrant.State.PENDING


def test_a_second_account_of_the_same_superuser_cannot_approve(
    client, admin_user, payload
):
    client.force_login(admin_user)
    officer = create_officer_in_the_admin(client)
    # The superuser's own second account, put in the DPO group by the superuser.
    puppet = make_user("tweede-account", roles.DPO)
    RoleGrant.objects.filter(user=puppet).update(granted_by=admin_user)
    grant = RoleGrant.objects.get(user=officer)
    puppet_client = SecondFactorClient()
    puppet_client.force_login(puppet)
    response = puppet_client.post(
        reverse("exchanges_admin:role_grant_decide", args=[grant.pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert "door dezelfde persoon" in response.content.decode()
    grant.refresh_from_db()
    assert grant.state == RoleGrant.State.PENDING
    assert not role_grants.may_open_personal_data(officer)


def test_a_dpo_approves_and_only_then_the_role_opens_personal_data(
    real_transactions, client, admin_user, dpo_user, payload
):
    role_grants.approve_at_installation(dpo_user, roles.DPO)
    client.force_login(admin_user)
    mail.outbox.clear()
    officer = create_officer_in_the_admin(client)
    member_of(officer, payload.transfer.sender)  # an officer of the sender
    # The DPO is told.
    assert [message.to for message in mail.outbox] == [[dpo_user.email]]
    assert "wacht op uw goedkeuring" in mail.outbox[0].subject
    dpo_client = SecondFactorClient()
    dpo_client.force_login(dpo_user)
    dashboard = dpo_client.get("/admin/").content.decode()
    assert "Rollen die op mijn goedkeuring wachten" in dashboard
    grant = RoleGrant.objects.get(user=officer)
    dpo_client.post(
        reverse("exchanges_admin:role_grant_decide", args=[grant.pk]),
        {"decision": "approve"},
    )
    grant.refresh_from_db()
    assert grant.state == RoleGrant.State.ACTIVE and grant.decided_by == dpo_user
    assert events("role.approved", actor=dpo_user.username).exists()
    browser = enrol_second_factor(officer)
    response = browser.get(
        reverse("exchanges_admin:payload_download", args=[payload.transfer_id])
    )
    assert response.status_code == 200
    close_file(response)


@pytest.mark.parametrize("who", ["grantee", "giver"])
def test_nobody_approves_their_own_role_or_a_role_they_gave(dpo_user, who):
    giver = make_user("gever", roles.DPO)
    role_grants.approve_at_installation(giver, roles.DPO)
    if who == "grantee":
        # A DPO who is also made an officer cannot approve themselves.
        grantee, approver = dpo_user, dpo_user
    else:
        grantee, approver = make_user("ontvanger"), giver
    from exchanges.request_context import _request

    class FakeRequest:
        user = giver
        META = {}

    token = _request.set(FakeRequest())
    try:
        grantee.groups.add(Group.objects.get(name=roles.EXCHANGE_OFFICER))
    finally:
        _request.reset(token)
    grant = RoleGrant.objects.get(user=grantee, group__name=roles.EXCHANGE_OFFICER)
    assert grant.granted_by == giver
    with pytest.raises(Exception, match="zichzelf|gaf") as refusal:
        role_grants.decide(grant, approver=approver, approve=True)
    assert refusal.type.__name__ == "ValidationError"


def test_a_refused_role_is_taken_away(admin_user, dpo_user):
    role_grants.approve_at_installation(dpo_user, roles.DPO)
    officer = make_user("geweigerd")
    officer.groups.add(Group.objects.get(name=roles.EXCHANGE_OFFICER))
    grant = RoleGrant.objects.get(user=officer)
    role_grants.decide(grant, approver=dpo_user, approve=False)
    assert not officer.groups.filter(name=roles.EXCHANGE_OFFICER).exists()
    assert events("role.refused").exists() and events("user.role_removed").exists()


def test_a_role_given_the_permission_later_opens_nothing(admin_user, editor_user):
    editors = Group.objects.get(name=roles.EDITOR)
    editors.permissions.add(Permission.objects.get(codename="download_payload"))
    event = events("role.permissions_added", object_id=str(editors.pk)).get()
    assert event.details == {"permissions": ["exchanges.download_payload"]}
    assert not role_grants.may_open_personal_data(editor_user)


def test_changes_to_users_and_second_factors_are_in_the_chain(officer_user, capsys):
    officer_user.is_superuser = True
    officer_user.save()
    changed = events("user.changed", object_id=str(officer_user.pk)).get()
    assert changed.details == {"fields": ["is_superuser"], "is_superuser": True}
    assert officer_user.email not in str(changed.details)
    call_command("reset_second_factor", officer_user.username)
    removed = events("mfa.removed", object_id=str(officer_user.pk))
    assert removed.exists() and removed.first().actor.startswith("console:")
    officer_user.groups.clear()
    assert events(
        "user.role_removed", object_id=str(officer_user.pk)
    ).get().details == {"role": roles.EXCHANGE_OFFICER}
    assert events("role.ended").exists()
    assert not role_grants.may_open_personal_data(officer_user)
    user_pk = officer_user.pk
    officer_user.delete()
    assert events("user.deleted", object_id=str(user_pk)).exists()
    assert audit.verify_chain()[0]


def test_logging_in_is_not_a_change(officer_user):
    before = AuditEvent.objects.count()
    browser = SecondFactorClient()
    browser.post(
        "/accounts/login/", {"login": officer_user.username, "password": PASSWORD}
    )
    assert not events("user.changed").exists()
    assert AuditEvent.objects.count() == before
