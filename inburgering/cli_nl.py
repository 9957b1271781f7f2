"""Dutch help and error framing for the command line (typer ships only English).

typer (0.29) carries its own copy of click whose messages are English f-strings: `install()` wraps
the few places that produce them (error messages, the usage line, the help option) and turns typer's
`<str>`-style type hints into Dutch words; flags get none.
"""
from __future__ import annotations

import re

NL = {
    "Aborted!": "Afgebroken.",
    "required": "verplicht",
    "default: {default}": "standaard: {default}",
    "(dynamic)": "(wisselend)",
    "Missing command.": "Geef een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
}
# typer's copy of click writes its errors as English f-strings: these patterns turn them into Dutch.
ERRORS = [
    (re.compile(r"^Invalid value for (.+?): "), r"Ongeldige waarde voor \1: "),
    (re.compile(r"^Missing option (.+)$"), r"Ontbrekende optie \1."),
    (re.compile(r"^Missing argument (.+)$"), r"Ontbrekend argument \1."),
    (re.compile(r"^Missing parameter:? ?(.*)$"), r"Ontbrekende waarde \1."),
    (re.compile(r"^Option (.+?) requires an argument\.?$"), r"Optie \1 heeft een waarde nodig."),
    (re.compile(r"^Option (.+?) requires (\d+) arguments\.?$"), r"Optie \1 heeft \2 waarden nodig."),
    (re.compile(r"^Option (.+?) does not take a value\.?$"), r"Optie \1 neemt geen waarde."),
    (re.compile(r"^No such option:? (.+?)(\s*\(Possible options?: (.+)\))?$"), r"Onbekende optie \1."),
    (re.compile(r"^No such command:? (.+)$"), r"Onbekende opdracht \1"),
    (re.compile(r"^Got unexpected extra arguments? ?\(s\)? \((.+)\)$"),
     r"Onverwachte extra woorden (\1): zet je vraag tussen aanhalingstekens."),
    (re.compile(r"^Missing command\.?$"), "Geef een opdracht."),
]
RICH = {"ARGUMENTS_PANEL_TITLE": "Argumenten", "OPTIONS_PANEL_TITLE": "Opties",
        "COMMANDS_PANEL_TITLE": "Opdrachten", "ERRORS_PANEL_TITLE": "Fout", "ABORTED_TEXT": "Afgebroken.",
        "RICH_HELP": "Typ [blue]'{command_path} {help_option}'[/] voor hulp.",
        "DEFAULT_STRING": "[standaard: {}]", "REQUIRED_LONG_STRING": "[verplicht]",
        "ENVVAR_STRING": "[omgevingsvariabele: {}]"}
HELP_OPTION = "Toon deze hulp en stop."
USAGE = "Gebruik: "
TYPES = {"<str>": "TEKST", "<text>": "TEKST", "<int>": "GETAL", "<integer>": "GETAL", "<float>": "GETAL",
         "<path>": "PAD", "<file>": "BESTAND", "<directory>": "MAP"}


def translate_error(message: str) -> str:
    """The Dutch form of one of typer's English error messages (others stay as they are)."""
    for pattern, dutch in ERRORS:
        if pattern.search(message):
            return pattern.sub(dutch, message, count=1)
    return message


def gettext_nl(message: str) -> str:
    """The Dutch text for one of click's or typer's English messages (unknown ones stay as they are)."""
    return NL.get(message, message)


def _display_type(original):
    def display(self, ctx):
        if getattr(self, "is_flag", False) and self.metavar is None:
            return None
        shown = original(self, ctx)
        return TYPES.get(shown, shown) if isinstance(shown, str) else shown
    return display


def _patch(cls, name: str, make) -> None:
    """Wrap cls.name once (install() may run more than once)."""
    current = getattr(cls, name, None)
    if current is not None and not getattr(current, "_nl", False):
        wrapped = make(current)
        wrapped._nl = True
        setattr(cls, name, wrapped)


def _error_message(original):
    def format_message(self):
        return translate_error(original(self))
    return format_message


def _usage(original):
    def write_usage(self, prog, args="", prefix=None):
        args = args.replace("[OPTIONS]", "[OPTIES]").replace("COMMAND [ARGS]...", "OPDRACHT [ARGUMENTEN]...")
        return original(self, prog, args, USAGE if prefix is None else prefix)
    return write_usage


def _help_option(original):
    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option
    return get_help_option


def install() -> None:
    """Make typer's help and error framing Dutch (idempotent)."""
    from typer import core, rich_utils
    from typer._click import core as click_core
    from typer._click import exceptions, formatting

    for module in (core, rich_utils):
        if hasattr(module, "_"):
            module._ = gettext_nl
    for attr, dutch in RICH.items():
        setattr(rich_utils, attr, dutch)
    for cls in vars(exceptions).values():
        if isinstance(cls, type) and issubclass(cls, Exception):
            _patch(cls, "format_message", _error_message)
    _patch(formatting.HelpFormatter, "write_usage", _usage)
    _patch(click_core.Command, "get_help_option", _help_option)
    for cls in (core.TyperOption, core.TyperArgument):
        _patch(cls, "display_type_rich", _display_type)
