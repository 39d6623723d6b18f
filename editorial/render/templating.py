"""The Jinja environment every template goes through: autoescape on, strict undefined."""

from __future__ import annotations

from functools import lru_cache

import jinja2

from editorial.config import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        # HTML templates escape; *.txt.j2 / *.md.j2 are plain text parts (escaping would add &amp;).
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2", "xml.j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
