"""PostgreSQL: an index the public search reads alone (see atlas.search)."""

from django.db import migrations

from valnav.atlas.search import install_covering_index, remove_covering_index


class Migration(migrations.Migration):
    dependencies = [("atlas", "0006_education_history_m2m")]

    operations = [migrations.RunPython(install_covering_index, remove_covering_index)]
