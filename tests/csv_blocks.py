"""Reads the results CSV back as a spreadsheet user sees it: blocks of rows, each under its own
header row, an empty row between them."""

import csv
import io


def csv_blocks(content: bytes) -> list[list[dict]]:
    text = content.decode("utf-8-sig")
    blocks: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text)):
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])
    return [[dict(zip(b[0], r, strict=True)) for r in b[1:]] for b in blocks]


def csv_headers(content: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [rows[0]] + [rows[i + 1] for i, row in enumerate(rows) if not row]
