"""PDF documents from templates, tagged for accessibility (PDF/UA-1, WeasyPrint).

A PDF template is a full HTML page with `lang`, a `<title>` (the document title PDF/UA asks
for), real headings and tables; it styles itself with valnav/core/templates/pdf/base.css so it
works offline with the system's DejaVu fonts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads Pango (a system library) as it is imported, so a module
    # that imports this one at its top (casework.documents, and with it the URLs) would not
    # even load where Pango is missing; only the PDFs fail there, saying what is missing.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
