"""The XML twin of a JSON answer, declared in the OpenAPI document.

Answers of the EBYS and reference endpoints are JSON or, with ``Accept: application/xml``, XML
(``registry.http.representations``, the letter lookups valid against ``GET
/api/v1/ebys/schema.xsd``); flask-smorest
documents one content type per response, so the XML one is added to the operation's document.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "urn:kaysis:registry:v1"


def xml_answer(root: str) -> dict[str, Any]:
    """``blp.doc`` arguments declaring the 200 answer's XML form, rooted at ``root``."""
    return {
        "responses": {
            200: {
                "content": {
                    "application/xml": {
                        "schema": {
                            "type": "object",
                            "xml": {"name": root, "namespace": NAMESPACE},
                            "description": f"<{root}> in {NAMESPACE}: the JSON answer's fields "
                            "as elements (registry/kernel/xml.py names them)",
                        }
                    }
                }
            }
        }
    }
