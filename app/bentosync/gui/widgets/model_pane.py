"""A titled, filterable table of models with an empty state.

The pane knows nothing about where its rows come from: it takes any table model
that speaks the shared roles (``SortRole``, ``FilterRole``, ``ItemRole``), so the
Local and Cloud panes are two instances of this class side by side in a
splitter, each fed by its own loader. A subtitle line says where the rows come
from (the store's folder, or the registry and account). Drag and drop is the
model's (see ``drop_views``); the pane only wires the view and the empty page.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QByteArray, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bentosync.gui import icons
from bentosync.gui.models.roles import ItemRole
from bentosync.gui.models.sort_proxy import ModelSortFilterProxy
from bentosync.gui.widgets import table_columns
from bentosync.gui.widgets.drop_views import DropHint, DropMessagePage, ModelTableView

logger = logging.getLogger(__name__)

PAGE_TABLE, PAGE_MESSAGE = 0, 1
MESSAGE_ICON_SIZE = 64
SUBTITLE_ICON_SIZE = 16
FIT_SAMPLE_ROWS = 40


class ModelPane(QWidget):
    """One list of models: title, filter box, sortable table, and a message page.

    The message page (in a QStackedWidget with the table) says why the table is
    empty: still loading, the store could not be read, the store has no models
    (with how to get some), or the filter hides every row.
    """

    #: Right-click (or the menu key) on the table, at this global position.
    context_menu_requested = Signal(QPoint)
    #: The selected rows changed (or their records did).
    selection_changed = Signal()
    #: The user clicked or tabbed into this pane: actions now act on it.
    activated = Signal()

    def __init__(
        self,
        title: str,
        model: QAbstractItemModel,
        *,
        accessible_name: str = "",
        accessible_description: str = "",
        filter_name: str = "",
        sort_column: int = 0,
        sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._loading = False
        self._error: tuple[str, str] | None = None
        self._empty: tuple[str, str] = (self.tr("No models"), "")
        self._columns_fitted = False
        self._fit_pending = False
        self._min_texts: dict[int, str] = {}

        self.proxy = ModelSortFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.title_label = QLabel(title)
        title_font = self.title_label.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title_label.setFont(title_font)
        self.count_label = QLabel()
        # Disabled text is the theme's own grey for secondary text, in light and dark.
        self.count_label.setEnabled(False)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter models"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(
            self.tr("Show models whose name, version or labels contain every word")
        )
        self.filter_edit.setMaximumWidth(320)
        self.filter_edit.setMinimumWidth(160)
        self._search_action = self.filter_edit.addAction(
            icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition
        )
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self.filter_edit,
            self.filter_edit.clear,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        header_row = QHBoxLayout()
        header_row.addWidget(self.title_label)
        header_row.addWidget(self.count_label)
        header_row.addStretch(1)
        header_row.addWidget(self.filter_edit)

        self.subtitle_icon = QLabel()
        self.subtitle_label = QLabel()
        self.subtitle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label.setTextFormat(Qt.TextFormat.PlainText)
        self._subtitle_icon_name: str | None = None
        subtitle_row = QHBoxLayout()
        subtitle_row.setSpacing(6)
        subtitle_row.addWidget(self.subtitle_icon)
        subtitle_row.addWidget(self.subtitle_label, 1)
        self.subtitle_icon.hide()

        self.view = self._make_view(sort_column, sort_order)
        # Whether the user changed the columns (width, order, shown, sort) before any
        # row was shown: only then is the header of a never-fitted pane worth saving.
        self._header_touched = False
        self._quiet_header = False
        self._default_hidden: set[int] = set()
        header = self.view.horizontalHeader()
        header.sectionResized.connect(self._on_section_resized)
        header.sectionMoved.connect(self._touch_header)
        header.sortIndicatorChanged.connect(self._touch_header)
        # Screen readers: the pane and its table by name, and what the table holds.
        # Whole phrases from the subclass: "{title} models" does not translate.
        self.setAccessibleName(accessible_name or title)
        self.view.setAccessibleName(accessible_name or title)
        self.view.setAccessibleDescription(accessible_description)
        self.filter_edit.setAccessibleName(filter_name)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self._make_message_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header_row)
        layout.addLayout(subtitle_row)
        layout.addWidget(self.stack, 1)

        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.selection_changed.emit()
        )
        self.proxy.dataChanged.connect(lambda *_: self.selection_changed.emit())
        self.view.customContextMenuRequested.connect(
            lambda pos: self.context_menu_requested.emit(self.view.viewport().mapToGlobal(pos))
        )
        self.view.pressed.connect(lambda _index: self.activated.emit())

        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_page)
        self._update_page()

    # ---- construction ------------------------------------------------------------

    def _make_view(self, sort_column: int, sort_order: Qt.SortOrder) -> ModelTableView:
        view = ModelTableView()
        view.setModel(self.proxy)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        # Without a grid, a right-aligned size runs into the left-aligned time beside it.
        view.setStyleSheet("QTableView::item { padding-right: 10px; }")
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)

        header = view.horizontalHeader()
        # Fitting a column to its contents measures this many rows, not Qt's 1,000:
        # each measured cell is several Python data() calls on the GUI thread.
        header.setResizeContentsPrecision(FIT_SAMPLE_ROWS)
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        # The last column takes the spare width, so free space sits at the right edge
        # instead of opening a gap in the middle of a row.
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: table_columns.column_menu(self.view, pos, self)
        )
        # The indicator first: enabling sorting sorts by whatever it shows.
        header.setSortIndicator(sort_column, sort_order)
        view.setSortingEnabled(True)
        return view

    def _make_message_page(self) -> QWidget:
        page = DropMessagePage(self.proxy)
        self.message_page = page
        self.message_icon = QLabel()
        self.message_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_title = QLabel()
        title_font = self.message_title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        self.message_title.setFont(title_font)
        self.message_body = QLabel()
        column = QVBoxLayout(page)
        column.setContentsMargins(32, 0, 32, 0)
        column.addStretch(1)
        column.addWidget(self.message_icon)
        for label in (self.message_title, self.message_body):
            # Full width with centred text: a word-wrapped label given an alignment
            # in its layout is squeezed to its narrowest and cut off.
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(label)
        column.addStretch(2)
        return page

    # ---- state set by the loader -------------------------------------------------

    def set_empty_message(self, title: str, body: str) -> None:
        """What to say when the source has no rows at all (how to get some)."""
        self._empty = (title, body)
        self._update_page()

    def set_loading(self, loading: bool) -> None:
        """While loading, an empty pane says so instead of "no models"."""
        self._loading = loading
        if loading:
            self._error = None
        self._update_page()

    def set_error(self, title: str, body: str) -> None:
        """Shown on the message page only when there are no rows to keep showing."""
        self._error = (title, body)
        self._loading = False
        self._update_page()

    def set_subtitle(self, text: str, icon_name: str | None = None, tooltip: str = "") -> None:
        """Where the rows come from, e.g. a folder, or an account on a registry."""
        self.subtitle_label.setText(text)
        self.subtitle_label.setToolTip(tooltip)
        self._subtitle_icon_name = icon_name
        self._apply_subtitle_icon()

    def set_min_column_texts(self, samples: dict[int, str]) -> None:
        """Columns whose content arrives later (the Sync verdict) get room for ``sample``
        and an icon, measured in the view's font."""
        self._min_texts.update(samples)

    def hide_columns(self, columns: list[int]) -> None:
        """Hidden by default; the header's context menu shows them again."""
        self._default_hidden.update(columns)
        self._quiet_header = True
        try:
            for column in columns:
                self.view.setColumnHidden(column, True)
        finally:
            self._quiet_header = False

    def _touch_header(self, *_: object) -> None:
        if not self._quiet_header:
            self._header_touched = True

    def _on_section_resized(self, column: int, old: int, new: int) -> None:
        """A width the user set, or a column shown or hidden; not the last column
        following the view's width (it stretches)."""
        header = self.view.horizontalHeader()
        visible = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        stretching = bool(visible) and column == visible[-1] and old > 0 and new > 0
        if not stretching:
            self._touch_header()

    def set_drop_hint(self, hint: DropHint | None, refusal: DropHint | None = None) -> None:
        """What the drop banner says while something hovers over the pane.

        ``hint`` words an acceptable drop; ``refusal`` says why one the model
        refuses cannot be dropped here (or "" to refuse silently, as for a
        pane's own rows).
        """
        for surface in (self.view, self.message_page):
            surface.drop_hint = hint
            surface.drop_refusal = refusal

    def selected_records(self) -> list[Any]:
        """Backing records of the selected rows, in view order."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        records = (self.proxy.index(row, 0).data(ItemRole) for row in rows)
        return [record for record in records if record is not None]

    def selected_tags(self) -> list[str]:
        """``name:version`` of the selected rows, in view order."""
        return [str(record.tag) for record in self.selected_records()]

    def current_record(self) -> Any:
        """The record of the current row (the one with the focus rectangle), if any."""
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isSelected(index):
            selected = self.selected_records()
            return selected[0] if len(selected) == 1 else None
        return index.siblingAtColumn(0).data(ItemRole)

    def select_tags(self, tags: set[str], key: Any) -> None:
        """Select the rows whose ``key(record)`` is in ``tags`` (after an import, say)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        selection = QItemSelection()
        for row in range(self.proxy.rowCount()):
            record = self.proxy.index(row, 0).data(ItemRole)
            if record is not None and key(record) in tags:
                selection.select(self.proxy.index(row, 0), self.proxy.index(row, 0))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().select(selection, flags)
        if not selection.isEmpty():
            self.view.scrollTo(selection.indexes()[0])

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def is_showing_table(self) -> bool:
        return self.stack.currentIndex() == PAGE_TABLE

    def reload_icons(self) -> None:
        """Pick the icon variants for the current palette again."""
        self._search_action.setIcon(icons.icon("search"))
        # A widget with a style sheet keeps the palette it was polished with;
        # setting the sheet again repolishes it in the new (light or dark) one.
        self.view.setStyleSheet(self.view.styleSheet())
        self._apply_subtitle_icon()
        self._update_page()

    # ---- persistence -------------------------------------------------------------

    def save_state(self) -> QByteArray:
        """Column order, widths and sort order, for QSettings.

        Empty while the columns were never fitted and no row was ever shown (a
        registry with nothing yet): saving those default widths would pass for the
        user's at the next start and stop the columns from ever fitting their rows
        ("2 minutes a…" in the Cloud pane for good).
        """
        header = self.view.horizontalHeader()
        hidden = {c for c in range(header.count()) if header.isSectionHidden(c)}
        touched = self._header_touched or hidden != self._default_hidden
        if not (self._columns_fitted or touched) and self._model.rowCount() == 0:
            return QByteArray()
        return header.saveState()

    def restore_state(self, state: Any) -> bool:
        """Restore :meth:`save_state` output; on success columns are not auto-fitted."""
        if not isinstance(state, (QByteArray, bytes)) or not state:
            return False
        restored = self.view.horizontalHeader().restoreState(QByteArray(state))
        if restored:
            self._columns_fitted = True
        return restored

    # ---- internals ---------------------------------------------------------------

    def _apply_subtitle_icon(self) -> None:
        name = self._subtitle_icon_name
        if name is None:
            self.subtitle_icon.hide()
            return
        size = SUBTITLE_ICON_SIZE
        self.subtitle_icon.setPixmap(icons.icon(name).pixmap(size, size))
        self.subtitle_icon.show()

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_page()

    def _update_page(self) -> None:
        total = self._model.rowCount()
        shown = self.proxy.rowCount()
        if total and shown == total:
            self.count_label.setText(
                self.tr("{count} model(s)", "", total).format(count=f"{total:,}")
            )
        elif total:
            self.count_label.setText(
                self.tr("{shown} of {count} model(s)", "", total).format(
                    shown=f"{shown:,}", count=f"{total:,}"
                )
            )
        else:
            self.count_label.setText("")

        if total == 0:
            self._show_empty()
        elif shown == 0:
            self._show_no_match(
                self.tr("Clear the filter (Esc) to see all {count} model(s).", "", total).format(
                    count=f"{total:,}"
                )
            )
        else:
            self._show_table()

    def _show_empty(self) -> None:
        """No rows at all: an error, still loading, or how to get some."""
        if self._error is not None:
            self._show_message("error", *self._error)
        elif self._loading:
            self._show_message(None, self.tr("Loading models…"), "")
        else:
            self._show_message(icons.APP_ICON, *self._empty)

    def _show_no_match(self, body: str) -> None:
        title = self.tr("No models match “{filter}”").format(filter=self.filter_edit.text().strip())
        self._show_message("search", title, body)

    def _show_table(self) -> None:
        self.stack.setCurrentIndex(PAGE_TABLE)
        if not self._columns_fitted and not self._fit_pending:
            # In a slice of its own: the rows show first, then the widths settle.
            self._fit_pending = True
            QTimer.singleShot(0, self, self._fit_columns)

    def _show_message(self, icon_name: str | None, title: str, body: str) -> None:
        if icon_name is None:
            self.message_icon.clear()
            self.message_icon.hide()
        else:
            pixmap = icons.icon(icon_name).pixmap(MESSAGE_ICON_SIZE, MESSAGE_ICON_SIZE)
            self.message_icon.setPixmap(pixmap)
            self.message_icon.show()
        self.message_title.setText(title)
        self.message_body.setText(body)
        self.message_body.setVisible(bool(body))
        self.stack.setCurrentIndex(PAGE_MESSAGE)

    def _fit_columns(self) -> None:
        self._fit_pending = False
        if self._columns_fitted or self._model.rowCount() == 0:
            return
        table_columns.fit_columns(self.view, self._min_texts)
        self._columns_fitted = True
