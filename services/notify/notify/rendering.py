"""One rendering path for every email: subject, plain text and HTML from one template.

A template is a subject line and a plain-text body, both Jinja, rendered in a
sandbox with ``StrictUndefined``. The defaults ship as
``templates/<key>.<language>.txt`` (first line ``Subject: …``, a blank line,
then the body); an organization may override either language through the staff
API. The HTML part is derived from the same rendered text: paragraphs, escaped
by an autoescaping environment, web addresses made links, the kind's action as
a button, the organization's name above and a footer below. So staff edit one
text and both parts always say the same thing.

Staff templates are held to a small subset of Jinja (placeholders, ``if``,
a few text filters): no loops, calls, attribute access or arithmetic, so a
template can neither reach into Python nor make the service spin.
"""
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from .catalog import EmailKind

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates"
SUBJECT_MAX = 250

# Jinja nodes a staff template may contain: text, placeholders, conditions.
_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const,
                  nodes.If, nodes.Filter, nodes.Test, nodes.Not, nodes.And, nodes.Or,
                  nodes.Compare, nodes.Operand, nodes.Concat, nodes.CondExpr, nodes.Keyword)
ALLOWED_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d",
                             "replace", "truncate"})
ALLOWED_TESTS = frozenset({"defined", "none", "string"})

FOOTER = {
    "es": "Mensaje enviado por {organization} a través de su portal de clientes.",
    "en": "Sent by {organization} through its customer portal.",
}

_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = ".,;:!?)]"


@dataclass(frozen=True)
class TemplateText:
    subject: str
    body: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str

    def as_dict(self) -> dict:
        return {"subject": self.subject, "text": self.text, "html": self.html}


class TemplateProblem(Exception):
    """A template that cannot be used; ``details`` maps "subject"/"body" to messages."""

    def __init__(self, details: dict):
        super().__init__(details)
        self.details = details


def _text_environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                               lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.clear()  # no range(), lipsum(), dict() …: placeholders only
    return env


_text_env = _text_environment()
_html_env = SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                                 undefined=StrictUndefined)


@lru_cache(maxsize=None)
def default_template(key: str, language: str) -> TemplateText:
    raw = (TEMPLATE_DIR / f"{key}.{language}.txt").read_text(encoding="utf-8")
    head, _, body = raw.partition("\n\n")
    if not head.startswith("Subject:"):
        raise ValueError(f"{key}.{language}.txt must start with a 'Subject:' line")
    return TemplateText(subject=head[len("Subject:"):].strip(), body=body)


# --- checking a template staff want to save ----------------------------------------

def _problems_in(source: str, kind: EmailKind) -> list[str]:
    try:
        tree = _text_env.parse(source)
    except TemplateSyntaxError as exc:
        return [f"Line {exc.lineno}: {exc.message}"]
    problems = []
    for node in tree.find_all(nodes.Node):
        where = f"Line {node.lineno}: " if getattr(node, "lineno", None) else ""
        if not isinstance(node, _ALLOWED_NODES):
            problems.append(f"{where}{type(node).__name__.lower()} is not allowed in an email "
                            "template; use placeholders, if/else and simple filters.")
        elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            problems.append(f"{where}filter '{node.name}' is not allowed; use one of "
                            f"{', '.join(sorted(ALLOWED_FILTERS))}.")
        elif isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            problems.append(f"{where}test '{node.name}' is not allowed.")
        elif isinstance(node, nodes.Name) and node.name not in kind.names:
            problems.append(f"{where}unknown placeholder '{node.name}'; allowed: "
                            f"{', '.join(p.name for p in kind.placeholders)}.")
    return list(dict.fromkeys(problems))


def check_template(kind: EmailKind, language: str, template: TemplateText) -> None:
    """Refuse a template that does not parse, uses what is not allowed, or fails to render.

    Raises :class:`TemplateProblem` with messages per part.
    """
    details = {}
    for part in ("subject", "body"):
        problems = _problems_in(getattr(template, part), kind)
        if problems:
            details[part] = problems
    if not details:
        for context in kind.sample_contexts():
            try:
                render(kind, language, template, context, "Estudio Demo S.L.")
            except Exception as exc:  # a filter given the wrong arguments, for one
                details.setdefault("body", []).append(f"The template cannot be rendered: {exc}")
                break
    if details:
        raise TemplateProblem(details)


# --- rendering -------------------------------------------------------------------

def _render_source(source: str, context: dict) -> str:
    return _text_env.from_string(source).render(context)


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return tidy + "\n"


def _segments(line: str) -> list[dict]:
    """A line as text and link segments (escaping is left to the HTML environment)."""
    segments, position = [], 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(_URL_TRAILING)
        start, end = match.start(), match.start() + len(url)
        if start > position:
            segments.append({"text": line[position:start], "url": None})
        segments.append({"text": url, "url": url})
        position = end
    if position < len(line):
        segments.append({"text": line[position:], "url": None})
    return segments


def _paragraphs(text: str) -> list[list[list[dict]]]:
    return [[_segments(line) for line in block.split("\n")]
            for block in text.strip("\n").split("\n\n") if block.strip()]


def render(kind: EmailKind, language: str, template: TemplateText, context: dict,
           organization_name: str) -> RenderedEmail:
    """Render one email. ``context`` must hold exactly the kind's placeholders."""
    missing = kind.names - context.keys()
    if missing:
        raise ValueError(f"{kind.key}: no value for {', '.join(sorted(missing))}")
    values = {name: ("" if value is None else value) for name, value in context.items()
              if name in kind.names}
    subject = " ".join(_render_source(template.subject, values).split())[:SUBJECT_MAX]
    text = _tidy_text(_render_source(template.body, values))
    action = None
    if kind.action and values.get(kind.action.url_placeholder):
        action = {"url": values[kind.action.url_placeholder],
                  "label": kind.action.label[language]}
    html = _html_env.get_template("layout.html").render(
        language=language, subject=subject, organization_name=organization_name,
        paragraphs=_paragraphs(text), action=action,
        footer=FOOTER[language].format(organization=organization_name))
    return RenderedEmail(subject=subject, text=text, html=html)


def render_all(kind: EmailKind, language: str, override: TemplateText | None,
               contexts: list[dict], organization_name: str) -> list[RenderedEmail]:
    """Render one email once per context (e.g. as sent and as kept, masked), all with
    the organization's template or, should it fail with any of them, all with the default.

    A saved template was checked when it was saved, so the fallback only guards
    against a value it did not expect: an email is never held back by a template.
    """
    if override is not None:
        try:
            return [render(kind, language, override, context, organization_name)
                    for context in contexts]
        except Exception as exc:
            log.warning("email_template_failed", extra={
                "kind": kind.key, "language": language, "error": type(exc).__name__})
    default = default_template(kind.key, language)
    return [render(kind, language, default, context, organization_name) for context in contexts]
