"""Full-text indexes over search_stems: FTS5 with sync triggers on SQLite, GIN on PostgreSQL."""

from django.db import migrations

from valnav.atlas.search import install_search_indexes, remove_search_indexes


class Migration(migrations.Migration):
    dependencies = [("atlas", "0001_initial")]

    operations = [migrations.RunPython(install_search_indexes, remove_search_indexes)]
