"""Item models: one ``QAbstractTableModel`` per list, plus the shared sort/filter proxy."""
