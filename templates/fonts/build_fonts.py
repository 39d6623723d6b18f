"""Rebuild the fonts in this folder from the Debian packages (run once by hand, not at render time).

    apt-get install fonts-ebgaramond fonts-inter
    .venv/bin/python templates/fonts/build_fonts.py

Each font is subset to Latin (Western and Central European languages, typographic punctuation)
with every OpenType layout feature kept, so the files stay small and load fast. EB Garamond has no
glyph for U+202F NARROW NO-BREAK SPACE (French puts one inside « » and before ; : ! ?): the cmap
maps it to the font's own thin space (U+2009) so no machine font is ever pulled in for it.
Neither family declares a Reserved Font Name, so the subset keeps its name (SIL OFL 1.1, §3).
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
SOURCES = {
    "EBGaramond12-Regular.otf": "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf",
    "EBGaramond12-Italic.otf": "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Italic.otf",
    "Inter-Regular.otf": "/usr/share/fonts/opentype/inter/Inter-Regular.otf",
    "Inter-Italic.otf": "/usr/share/fonts/opentype/inter/Inter-Italic.otf",
    "Inter-SemiBold.otf": "/usr/share/fonts/opentype/inter/Inter-SemiBold.otf",
    "Inter-Bold.otf": "/usr/share/fonts/opentype/inter/Inter-Bold.otf",
}
UNICODES = (
    "U+0020-007E,U+00A0-017F,U+0192,U+0218-021B,U+02BC,U+02C6,U+02C7,U+02D8-02DD,"
    "U+0300-0308,U+030A-030C,U+0327,U+1E9E,U+2000-206F,U+20AC,U+20B9,U+20BD,U+2116,U+2122,"
    "U+2190-2193,U+2212,U+2215,U+2264,U+2265,U+25A0,U+25CF,U+FB00-FB06"
)


def build(name: str, source: str) -> None:
    font = TTFont(source)
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x202F not in table.cmap and 0x2009 in table.cmap:
            table.cmap[0x202F] = table.cmap[0x2009]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    font.save(HERE / name)


if __name__ == "__main__":
    for name, source in SOURCES.items():
        build(name, source)
        print(name, (HERE / name).stat().st_size)
