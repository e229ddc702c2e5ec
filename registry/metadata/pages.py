"""Public pages of the metadata layer: the data-level once-only report and an institution's IT
landscape, in Turkish, on the site blueprint (no JavaScript; the picture is the API's SVG)."""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import NotFound
from registry.metadata import applications, once_only
from registry.metadata.models import DeliveryChannel, Hosting, Lifecycle, TechnicalChannel
from registry.organizations import tree
from registry.web.formats import page_count, page_number
from registry.web.site import blp

PAGE_SIZE = 50
VERDICTS = [
    (once_only.Verdict.STOP_ASKING, "İstemeyi bırakın"),
    (once_only.Verdict.EXTEND_PROTOCOL, "Protokolü genişletin"),
    (once_only.Verdict.INTEGRATION_NEEDED, "Entegrasyon gerekli"),
    (once_only.Verdict.UNDESCRIBED, "Veri öğeleri tanımlanmamış"),
]
LABELS = {
    **{verdict.value: label for verdict, label in VERDICTS},
    Lifecycle.PLANNED.value: "Planlandı",
    Lifecycle.IN_USE.value: "Kullanımda",
    Lifecycle.RETIRED.value: "Kullanımdan kaldırıldı",
    TechnicalChannel.WEB_SERVICE.value: "Web servisi",
    TechnicalChannel.FILE_TRANSFER.value: "Dosya aktarımı",
    TechnicalChannel.E_DEVLET.value: "e-Devlet",
    DeliveryChannel.E_DEVLET.value: "e-Devlet Kapısı",
    DeliveryChannel.PORTAL.value: "Kurum portalı",
    DeliveryChannel.MOBILE.value: "Mobil uygulama",
    Hosting.KAMU_NET.value: "KamuNet",
    Hosting.OWN_DATA_CENTRE.value: "Kurumun veri merkezi",
    Hosting.SHARED_DATA_CENTRE.value: "Başka kurumun veri merkezi",
    Hosting.OTHER.value: "Diğer",
}


@blp.get("/once-only")
def once_only_page() -> str | Response:
    """Papers citizens bring whose data the state already shares, or could."""
    session = get_session()
    verdict = request.args.get("verdict") or None
    if verdict is not None and verdict not in {v.value for v, _label in VERDICTS}:
        abort(400, description="Böyle bir öneri türü yok; listeden birini seçin.")
    page = page_number()
    rows, total = once_only.report(session, None, verdict, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return render_template(
        "metadata/once_only.html",
        rows=rows,
        total=total,
        page=page,
        pages=page_count(total, PAGE_SIZE),
        verdict=verdict or "",
        verdicts=VERDICTS,
        labels=LABELS,
    )


@blp.get("/organizations/<string:detsis_no>/it-landscape")
def landscape_page(detsis_no: str) -> str:
    """An institution's applications and its integrations in and out, with the picture."""
    session = get_session()
    try:
        unit = tree.organization_id(session, detsis_no)
    except NotFound:
        abort(404, description="Bu DETSİS numarasıyla bir birim bulunamadı.")
    institution = tree.institutions_of(session, [unit], today())[unit]
    found = applications.landscape(session, institution.organization_id)
    return render_template("metadata/landscape.html", landscape=found, labels=LABELS)
