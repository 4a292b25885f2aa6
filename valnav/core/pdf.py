"""PDF documents from templates, tagged for accessibility (PDF/UA-1, WeasyPrint).

A PDF template is a full HTML page with `lang`, a `<title>` (the document title PDF/UA asks
for), real headings and tables; it styles itself with valnav/core/templates/pdf/base.css so it
works offline with the system's DejaVu fonts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
