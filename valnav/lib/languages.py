"""ISO 639-1 language codes, and Swedish/English names for those common in validation here."""

from __future__ import annotations

ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la
    lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj
    om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv
    sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh
    zu""".split()
)

# (Swedish name, English name) for the languages assessments are most often offered in.
COMMON_LANGUAGES: dict[str, tuple[str, str]] = {
    "sv": ("svenska", "Swedish"),
    "en": ("engelska", "English"),
    "ar": ("arabiska", "Arabic"),
    "so": ("somaliska", "Somali"),
    "ti": ("tigrinska", "Tigrinya"),
    "fa": ("persiska", "Persian"),
    "ps": ("pashto", "Pashto"),
    "ku": ("kurdiska", "Kurdish"),
    "bs": ("bosniska", "Bosnian"),
    "pl": ("polska", "Polish"),
    "fi": ("finska", "Finnish"),
    "uk": ("ukrainska", "Ukrainian"),
    "ru": ("ryska", "Russian"),
    "tr": ("turkiska", "Turkish"),
    "es": ("spanska", "Spanish"),
    "th": ("thailändska", "Thai"),
}


def language_name(code: str, *, language: str = "sv") -> str:
    names = COMMON_LANGUAGES.get(code)
    if names is None:
        return code
    return names[0] if language.startswith("sv") else names[1]
