"""SQLite: the full-text triggers that rebuilding atlas_offer in 0008 dropped (see atlas.search)."""

from django.db import migrations

from valnav.atlas.search import restore_search_triggers


class Migration(migrations.Migration):
    dependencies = [("atlas", "0008_offer_cost_may_be_unknown")]

    # Backwards the triggers stay: they are what 0002 installed.
    operations = [migrations.RunPython(restore_search_triggers, migrations.RunPython.noop)]
