"""PostgreSQL: a stored tsvector column with its GIN index (no change on SQLite)."""

from django.db import migrations

from valnav.atlas.search import install_stored_vectors, remove_stored_vectors


class Migration(migrations.Migration):
    dependencies = [("atlas", "0003_offer_published_index")]

    operations = [migrations.RunPython(install_stored_vectors, remove_stored_vectors)]
