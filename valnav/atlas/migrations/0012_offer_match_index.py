"""SQLite: an index of each offer's publication, model and municipality by id, which the count
of a common word's full-text matches reads instead of the offers' rows."""

from django.db import migrations

from valnav.atlas.search import install_match_index, remove_match_index


class Migration(migrations.Migration):
    dependencies = [("atlas", "0011_offer_published_indexes")]

    operations = [migrations.RunPython(install_match_index, remove_match_index)]
