"""The web site (信用中国（地方） style): server-rendered Chinese pages, each public page with a
JSON twin in the API. Every page renders through `xinyong.web.pages.render` (one Jinja
environment over every sub-package's `templates/` folder) and extends `templates/base.html`,
whose header shows the signed-in account's menu (`xinyong.web.menu`)."""

from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

__all__ = ["STATIC_DIR", "TEMPLATE_DIR"]
