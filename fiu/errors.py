"""Errors a user can act on. `InputError` names file, row and column and exits 2."""
from __future__ import annotations


class FiuError(Exception):
    """Any failure the pipeline explains itself; the CLI exits 1 with its message."""

    exit_code = 1


class UsageError(FiuError):
    """Bad configuration or arguments: exit 2."""

    exit_code = 2


class InputError(FiuError):
    """Bad input: `transactions_bank-a.csv row 17 column amount: "-45.00" is not > 0`."""

    exit_code = 2

    def __init__(
        self,
        file: str,
        message: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.message = file, row, column, message
        where = file
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f" column {column}"
        super().__init__(f"{where}: {message}")
