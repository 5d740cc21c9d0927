from django.db import migrations

# On PostgreSQL the audit table refuses UPDATE, DELETE and TRUNCATE for everyone who
# cannot disable triggers, i.e. the application role in a deployment where the app
# does not own its tables. The table owner can still disable the trigger: the hash
# chain is what detects that (exchanges.audit.verify_chain).
FORWARD = """
CREATE OR REPLACE FUNCTION exchanges_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'exchanges_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER exchanges_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON exchanges_auditevent
    FOR EACH ROW EXECUTE FUNCTION exchanges_auditevent_append_only();

CREATE TRIGGER exchanges_auditevent_no_truncate
    BEFORE TRUNCATE ON exchanges_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION exchanges_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS exchanges_auditevent_no_truncate ON exchanges_auditevent;
DROP TRIGGER IF EXISTS exchanges_auditevent_no_update_delete ON exchanges_auditevent;
DROP FUNCTION IF EXISTS exchanges_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)  # "%" is PL/pgSQL, not a parameter


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0002_transfers_payloads_audit_evidence")]

    operations = [migrations.RunPython(forwards, backwards)]
