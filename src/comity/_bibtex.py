"""BibTeX entries that comity writes itself: registry sources and news documents.

(The entries of the third-party data files are written by hand in ``data/datasets.toml``.)
"""

from __future__ import annotations

__all__ = ["misc_entry"]


def misc_entry(key: str, **fields: object) -> str:
    """A ``@misc`` entry under ``key`` with ``fields`` in the order given; a field whose value is
    empty (None, "") is left out.

    ``url`` is written as ``howpublished = {\\url{...}}``. Braces in values become parentheses:
    one unbalanced brace would break every entry after it in the file.
    """
    lines = []
    for name, value in fields.items():
        if not value:
            continue
        text = str(value).replace("{", "(").replace("}", ")")
        if name == "url":
            name, text = "howpublished", f"\\url{{{text}}}"
        lines.append(f"  {name} = {{{text}}}")
    return f"@misc{{{key},\n" + ",\n".join(lines) + "\n}"
