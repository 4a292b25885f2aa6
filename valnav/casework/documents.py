"""The printable form of a credential: the PDF intyg with its QR code."""

from __future__ import annotations

import segno
from django.utils import translation

from valnav.casework.credentials import signed_outcome, verification_url
from valnav.casework.komvux import signed_courses
from valnav.casework.models import Credential, CriterionResult
from valnav.core.pdf import render_pdf


def qr_svg_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI: no image library, prints sharp at any size."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def qr_png_data_uri(url: str) -> str:
    """The same QR code as a PNG (segno writes PNG itself) at about 300 dpi for 32 mm: in the
    PDF it is one image, whose place a reader of the PDF (and the layout test) can find."""
    return str(segno.make(url, error="m").png_data_uri(scale=10, border=2))


def credential_pdf(credential: Credential) -> bytes:
    """The intyg as the person receives it: what was validated, which criteria (or, for
    Komvux, which courses and subjects) were fully and partly met, who signed, and a QR code to
    the public verification page."""
    outcome = signed_outcome(credential.payload)
    link = verification_url(credential)
    with translation.override("sv"):  # an intyg is a Swedish document, whoever prints it
        return render_pdf(
            "casework/credential_pdf.html",
            {
                "credential": credential,
                "holder": outcome.holder,
                "birth_date": outcome.birth_date,
                "achievement": outcome.achievement,
                "met": outcome.named(CriterionResult.MET),
                "partly": outcome.named(CriterionResult.PARTLY_MET),
                "courses": signed_courses(credential.payload),
                "verification_link": link,
                "qr": qr_png_data_uri(link),
            },
        )
