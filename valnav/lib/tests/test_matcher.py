from valnav.lib.matcher import Matcher, Term, edit_distance, fold, fold_words


def terms(*pairs):
    return [Term(label, frozenset(keys.split())) for label, keys in pairs]


MATCHER = Matcher(
    terms(
        ("Undersköterska", "ssyk:5321"),
        ("Lastbilsförare m.fl.", "ssyk:8332"),
        ("Chaufför", "ssyk:8332 ssyk:8331"),
        ("Truckförare", "ssyk:8344"),
        ("Förare", "ssyk:8332 ssyk:8331 ssyk:8344"),
        ("Svetsare och gasskärare", "ssyk:7212"),
        ("Svetsare", "ssyk:7212"),
        ("Serviceelektriker", "ssyk:7411"),
        ("Elektriker", "ssyk:7411"),
        ("Bygg", "branch:bygg"),
        ("Arbetare", "ssyk:9629"),
        ("Betongarbetare", "ssyk:7113"),
        ("Linköping", "place:0580"),
    )
)


def best(query):
    ranked = MATCHER.match(query).ranked()
    return ranked[0] if ranked else None


def test_folding_takes_off_diacritics_and_case():
    assert fold("Undersköterska Café") == "underskoterska cafe"
    assert fold_words("Lastbilsförare m.fl. och Truck") == ["lastbilsforare", "truck"]


def test_words_typed_without_swedish_letters_find_the_same():
    assert best("underskoterska") == ("5321", 1.0)
    assert best("UNDERSKÖTERSKA") == ("5321", 1.0)


def test_one_typing_error_is_forgiven_from_five_letters_and_ranked_below_exact():
    code, score = best("undersköterka")
    assert code == "5321"
    assert 0.5 < score < 1.0
    assert MATCHER.match("undersköterka").corrected
    assert best("elektrikr")[0] == "7411"
    # Four letters: no typo tolerance ("buss" must not become "bygg").
    assert MATCHER.match("bugg").ranked("branch:") == []


def test_two_errors_are_forgiven_only_from_nine_letters():
    assert edit_distance("underskoterka", "underskoterska", 2) == 1
    assert best("undrskoteska")[0] == "5321"  # two edits in a long word
    assert best("svtsre") is None  # two edits in a six-letter word


def test_a_compound_is_split_into_known_parts():
    # "lastbil(s)" is the first part of a known word ("lastbils|förare"); "chaufför" is the
    # head, and the first part narrows the head's two groups to the one for lorries.
    match = MATCHER.match("lastbilschaufför")
    assert match.ranked()[0][0] == "8332"
    assert match.scores["ssyk:8332"] > match.scores["ssyk:8331"]


def test_a_word_inside_a_longer_one_and_the_end_of_a_compound_are_found():
    assert best("svets")[0] == "7212"  # the start of "svetsare"
    assert "ssyk:7411" in MATCHER.match("elektriker").scores


def test_the_exact_single_term_outranks_a_longer_name():
    match = MATCHER.match("svetsare")
    assert match.scores["ssyk:7212"] == 1.0


def test_a_place_does_not_lower_the_occupation_score_and_unknown_words_are_kept():
    match = MATCHER.match("svetsare Linköping gesällbrev")
    assert match.scores["ssyk:7212"] == 1.0
    assert match.scores["place:0580"] == 1.0
    assert match.unmatched == ["gesallbrev"]


def test_suggestions_offer_close_known_words():
    assert MATCHER.suggestions("svtesare")[0] == "svetsare"
    assert MATCHER.suggestions("xq") == []
