"""The public web site (信用中国(地方) style): server-rendered Chinese pages, each with a JSON
twin in the API. Sub-packages (auth/, checks/) extend `templates/base.html`: add
TEMPLATE_DIR to their Jinja loader and `{% extends "base.html" %}` with blocks title and
content."""

from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

__all__ = ["STATIC_DIR", "TEMPLATE_DIR"]
