"""Which language the window speaks: Qt's translators for Qt's strings and for ours.

Every text the GUI writes goes through ``self.tr`` or ``QCoreApplication.translate``;
this module loads the catalogues those calls look in, once, at start (``app.run``):

* ``bentosync_en.qm`` always, first: it holds only the English plural forms
  (``lupdate -pluralonly``), because Qt's ``%n``/"(s)" messages have no
  English plural rules of their own; without it "1 file(s)" would show.
* ``bentosync_<lang>.qm`` for the chosen locale, when we ship one (German now).
  Installed later, so Qt asks it first.
* ``qtbase_<lang>.qm`` from Qt's own translations, so Qt's dialogs, standard
  buttons ("Cancel" -> "Abbrechen") and context menus speak the same language.

The locale is ``QLocale.system()``, which on Linux already follows ``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES`` and ``LANG``. ``BENTOSYNC_LANG`` (e.g. ``de`` or
``de_DE``) overrides it for BentoSync alone, without touching the rest of the
session; it also becomes the default QLocale, so numbers and dates follow.

Our ``.ts`` sources and compiled ``.qm`` files live in
``bentosync/resources/translations`` (package data, found with
``importlib.resources`` like the icons); ``make translations`` regenerates them.
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path

import humanize
import humanize.i18n
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

logger = logging.getLogger(__name__)

APP_CATALOGUE = "bentosync"
QT_CATALOGUE = "qtbase"
#: The catalogue with the English plural forms, loaded whatever the language.
PLURALS_LANGUAGE = "en"
LANG_ENV = "BENTOSYNC_LANG"


def translations_dir() -> Path:
    """Where our ``.ts`` and ``.qm`` files are (a real folder in a checkout, wheel or bundle)."""
    return Path(str(resources.files("bentosync") / "resources" / "translations"))


def qt_translations_dir() -> Path:
    """Qt's own ``qtbase_*.qm``: the Qt installation's folder, else PySide6's wheel."""
    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if path.is_dir():
        return path
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "translations"


def chosen_locale() -> QLocale:
    """``BENTOSYNC_LANG`` when set (and valid), else the system's locale."""
    override = os.environ.get(LANG_ENV, "").strip()
    if override:
        locale = QLocale(override)
        if locale.language() != QLocale.Language.C:
            return locale
        logger.warning("Ignoring %s=%r: not a language Qt knows", LANG_ENV, override)
    return QLocale.system()


def shipped_languages() -> list[str]:
    """The languages we ship a complete translation for (besides English), e.g. ``["de"]``."""
    prefix = f"{APP_CATALOGUE}_"
    return sorted(
        path.stem.removeprefix(prefix)
        for path in translations_dir().glob(f"{prefix}*.qm")
        if path.stem != f"{prefix}{PLURALS_LANGUAGE}"
    )


def _load(
    app: QCoreApplication, locale: QLocale, catalogue: str, folder: Path
) -> QTranslator | None:
    """A translator for the best match of ``locale``'s UI languages, installed; or None."""
    translator = QTranslator(app)
    if translator.load(locale, catalogue, "_", str(folder)):
        app.installTranslator(translator)
        logger.info("Loaded %s", translator.filePath())
        return translator
    translator.deleteLater()
    return None


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Install the translators for ``locale`` (default: :func:`chosen_locale`).

    Returns the installed ones (parented to ``app``, so they live as long as it);
    :func:`remove_translators` takes them out again (tests switch languages).
    """
    if locale is None:
        locale = chosen_locale()
        if os.environ.get(LANG_ENV):
            QLocale.setDefault(locale)
    ours = translations_dir()
    installed: list[QTranslator] = []
    plurals = QTranslator(app)
    if plurals.load(f"{APP_CATALOGUE}_{PLURALS_LANGUAGE}", str(ours)):
        app.installTranslator(plurals)
        installed.append(plurals)
    else:
        logger.warning("No English plural forms in %s: counts read '(s)'", ours)
    if locale.language() not in (QLocale.Language.English, QLocale.Language.C):
        for catalogue, folder in ((QT_CATALOGUE, qt_translations_dir()), (APP_CATALOGUE, ours)):
            translator = _load(app, locale, catalogue, folder)
            if translator is not None:
                installed.append(translator)
                if catalogue == APP_CATALOGUE:
                    _activate_humanize(locale)
            elif catalogue == APP_CATALOGUE:
                logger.info("No BentoSync translation for %s: English", locale.name())
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo :func:`install_translators`."""
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()
    humanize.i18n.deactivate()


def _activate_humanize(locale: QLocale) -> None:
    """Ages and durations ("3 minutes ago") come from humanize, which has its own
    catalogues (gettext): switch it to the same language as the window, when it has it."""
    language = locale.name().split("_")[0]
    for name in (locale.name(), language):
        try:
            humanize.i18n.activate(name)
        except FileNotFoundError:
            continue
        logger.info("humanize speaks %s", name)
        return
    try:  # humanize names most of its catalogues language_COUNTRY: de_DE for de
        folder = Path(humanize.i18n.__file__).parent / "locale"
        match = next(iter(sorted(folder.glob(f"{language}_*"))), None)
        if match is not None:
            humanize.i18n.activate(match.name)
            logger.info("humanize speaks %s", match.name)
    except (FileNotFoundError, OSError) as exc:
        logger.info("humanize has no %s: %s", language, exc)


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Mark ``source`` for lupdate (context ``context``) and return it untranslated.

    PySide6's own is typed ``-> object``; this one keeps tuples of headers and
    field names typed as ``str``. lupdate finds the call by its name either way.
    """
    return source


class TranslationContext:
    """A named translation context for texts made outside a QObject: ``Name.tr(...)``.

    Module-level helpers subclass it once (``class DropHint(TranslationContext)``)
    and call ``DropHint.tr("Pull %n model(s)…", "", n)``: lupdate reads the class
    name as the context and, unlike for ``QCoreApplication.translate`` with a
    variable count, marks the message as a plural one.
    """

    @classmethod
    def tr(cls, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return QCoreApplication.translate(cls.__name__, source, disambiguation, n)
