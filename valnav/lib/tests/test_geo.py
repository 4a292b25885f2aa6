import pytest

from valnav.lib.geo import haversine_km
from valnav.lib.stemming import stem_text, stems


def test_vasteras_to_eskilstuna_is_about_thirty_five_km():
    # Centroids of the two municipalities (SCB polygons).
    assert haversine_km(59.68, 16.55, 59.37, 16.51) == pytest.approx(34.5, abs=1.0)


def test_distance_to_self_is_zero():
    assert haversine_km(59.0, 16.0, 59.0, 16.0) == 0


def test_swedish_words_share_a_stem_across_forms():
    assert stems("undersköterska undersköterskor") == ["underskötersk", "underskötersk"]
    assert stem_text("Svetsare", "svetsare och SVETSARE") == "svets"


def test_stopwords_are_dropped():
    assert stems("vård och omsorg") == ["vård", "omsorg"]


def test_formula_like_text_is_kept_as_text_in_spreadsheets():
    from valnav.lib.csv_io import spreadsheet_safe

    assert spreadsheet_safe('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("Västerås") == "Västerås"
