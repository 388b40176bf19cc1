"""Every text the GUI writes goes through Qt's translation: a static check of the source.

Walks the AST of every module in ``bentosync/gui`` and looks at what is passed to
the calls that put words on screen (Qt's text setters and constructors, and the
window's own helpers that end in one: ``notify``, ``set_subtitle``...). An
argument fails when it carries literal words that are not inside ``tr()``,
``translate()`` or ``QT_TRANSLATE_NOOP()``: a plain string, an f-string or a
``"...".format()`` with letters in its literal part. Variables pass (what they
hold is checked where it is made, or by the runtime test with a pseudo-translator,
``test_pseudo_translation.py``). It also fails on an f-string inside ``tr()``,
which lupdate cannot extract and Qt could never find in a catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[2] / "app" / "bentosync" / "gui"

#: Call name -> positions of the arguments that are shown text.
TEXT_ARGS: dict[str, tuple[int, ...]] = {
    # Qt setters
    "setWindowTitle": (0,),
    "setText": (0,),
    "setToolTip": (0,),
    "setStatusTip": (0,),
    "setWhatsThis": (0,),
    "setPlaceholderText": (0,),
    "setAccessibleName": (0,),
    "setAccessibleDescription": (0,),
    "setInformativeText": (0,),
    "setDetailedText": (0,),
    "setLabelText": (0,),
    "setTitle": (0,),
    "setSuffix": (0,),
    "setPrefix": (0,),
    "setSpecialValueText": (0,),
    "setHorizontalHeaderLabels": (0,),
    "setHeaderLabels": (0,),
    "showMessage": (0, 1),
    "addAction": (0,),
    "addMenu": (0,),
    "addButton": (0,),
    "addRow": (0,),
    "addItem": (0,),
    "addTab": (1,),
    # Qt constructors
    "QAction": (0,),
    "QLabel": (0,),
    "QPushButton": (0,),
    "QToolButton": (0,),
    "QCheckBox": (0,),
    "QRadioButton": (0,),
    "QGroupBox": (0,),
    "QMenu": (0,),
    "QToolBar": (0,),
    "QListWidgetItem": (0,),
    "QFileDialog": (1,),
    "QMessageBox": (1, 2),
    "question": (1, 2),
    "information": (1, 2),
    "warning": (1, 2),
    "critical": (1, 2),
    # BentoSync's own helpers that show their arguments
    "notify": (0, 1),
    "set_subtitle": (0,),
    "set_empty_message": (0, 1),
    "set_error": (0, 1),
    "_show_message": (1, 2),
    "_show_no_match": (0,),
    "_show_note": (1, 2),
    "show_note": (1, 2),
    "_show_text": (0,),
    "_header": (2,),
    "make": (0, 1),
    "ErrorReport": (0,),
    "SyncCell": (0, 2),
    "DeletionText": (0, 1, 2),
    "JobRefused": (0,),
    "NotLoggedIn": (0,),
}
TRANSLATORS = {"tr", "translate", "QT_TRANSLATE_NOOP"}
# Calls whose string arguments are not shown text (a key, a style sheet, a shortcut).
NOT_TEXT_KEYWORDS = {"objectName"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _has_words(text: str) -> bool:
    """Letters outside HTML tags: "<b>" is markup, not words."""
    return any(ch.isalpha() for ch in re.sub(r"<[^<>]*>", "", text))


def untranslated(node: ast.expr) -> bool:
    """True when ``node`` puts literal words on screen outside a translation call."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and _has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        if any(isinstance(v, ast.Constant) and _has_words(str(v.value)) for v in node.values):
            return True
        return any(isinstance(v, ast.FormattedValue) and untranslated(v.value) for v in node.values)
    if isinstance(node, ast.BinOp):
        return untranslated(node.left) or untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return untranslated(node.body) or untranslated(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(untranslated(v) for v in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(untranslated(e) for e in node.elts)
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in TRANSLATORS:
            return False
        # "...".format(...) / "...".join(...): the literal is what shows
        if isinstance(node.func, ast.Attribute):
            return untranslated(node.func.value)
    return False


def problems_in(source: str, filename: str = "<src>") -> list[str]:
    """Every untranslated shown text, and every f-string given to ``tr``, in ``source``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in TRANSLATORS and node.args and isinstance(node.args[0], ast.JoinedStr):
            found.append(f"{filename}:{node.lineno}: an f-string inside {name}()")
        for position in TEXT_ARGS.get(name, ()):
            if position < len(node.args) and untranslated(node.args[position]):
                text = ast.unparse(node.args[position])[:70]
                found.append(f"{filename}:{node.lineno}: {name}({text}) is not translated")
    return found


def gui_modules() -> list[Path]:
    return sorted(GUI.rglob("*.py"))


def test_the_check_finds_what_it_should() -> None:
    """The checker itself: each of these must be caught, and the translated forms pass."""
    caught = [
        'label.setText("Hello")',
        'QAction("&Quit", self)',
        'box.setWindowTitle(f"About {name}")',
        'self.notify("Done", text)',
        'label.setText("Copied {n}".format(n=n))',
        'label.setToolTip("A" if x else self.tr("B"))',
        'self.tr(f"{n} files")',
        'view.setHorizontalHeaderLabels(["Name", "Size"])',
        'QMessageBox.question(self, "Log out", text)',
    ]
    for source in caught:
        assert problems_in(source), source
    fine = [
        'label.setText(self.tr("Hello"))',
        'QAction(self.tr("&Quit"), self)',
        'label.setText(self.tr("Copied {n}").format(n=n))',
        'label.setText(translate("Ctx", "%n file(s)", None, n))',
        "label.setText(text)",
        'label.setText(f"{a}: {b}")',  # no words of its own
        'label.setText("")',
        'label.setText("—")',
        'QLabel(f"<b>{title}</b>")',
    ]
    for source in fine:
        assert not problems_in(source), source


@pytest.mark.parametrize("path", gui_modules(), ids=lambda p: str(p.relative_to(GUI)))
def test_every_shown_text_is_translatable(path: Path) -> None:
    problems = problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(GUI)))
    assert not problems, "\n".join(problems)
