"""The gateway's message catalogues, compiled and extracted as `make` and pybabel do."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

import gateway.app

PACKAGE = Path(gateway.app.__file__).resolve().parent
TRANSLATIONS = PACKAGE / "translations"
BABEL_CFG = PACKAGE.parent / "babel.cfg"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def compile_catalogues() -> None:
    """What the Makefile does: .po → .mo (the .mo files are not kept in git)."""
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS)])


def extracted_messages() -> set[str]:
    """Every translatable string in the gateway's code and templates, per babel.cfg."""
    from babel.messages.frontend import parse_mapping_cfg
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {message if isinstance(message, str) else message[0]
            for _file, _line, message, _comments, _context in
            extract_from_dir(str(PACKAGE), method_map, options_map, keywords=KEYWORDS)}


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)
