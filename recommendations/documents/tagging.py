"""Tags a screen reader can follow: WeasyPrint's tagged PDF put right with pikepdf.

WeasyPrint (70) writes the structure tree page by page, and three things in it mislead a
screen reader, so :func:`retag` rewrites them once the PDF is written:

- **Running headers and footers.** The text of the ``@page`` margin boxes (the document's
  title, the council, the position, "Page 2 of 5") is marked content whose structure
  elements hang outside the tree. It becomes ``/Artifact <</Type /Pagination>>``, so a
  screen reader skips it, as it does the header row repeated on each page of a table.
- **One table, not one per page** (WeasyPrint issue #2903). A table over several pages is
  one ``Table`` per page, each with the header row again, only the first with its caption.
  They become one ``Table``: the caption, one ``THead`` (the header row once: the repeats
  are artifacts), then every ``TBody``; a row or cell that a page break split is one row or
  cell again, and the data cells' ``Headers`` name the header cells that stay. The
  section the table is in is one ``Sect`` again too, with what follows the table (the
  status key) in it, where the pages had split it into one per page.
- **Header cells' scope** (WeasyPrint issue #2508): each ``TH`` gets ``/Scope /Column``
  (or ``/Row`` for ``scope="row"``) in its ``/A << /O /Table >>`` attributes.

Then the ``ParentTree`` is rebuilt from the tree itself, so every marked-content sequence
left on a page is reachable from the ``StructTreeRoot`` and every one that is not is an
artifact; and the header cells' identifiers are listed in an ``IDTree``, as the PDF
reference asks when elements have them.

What the PDF alone cannot tell (which ``Table`` on page 3 continues the one on page 2, which
row or cell a page break split) comes from the laid-out document: WeasyPrint keeps on each
table cell's box the structure element it wrote for it (``box.mark``), so
:func:`table_cells` reads, after ``write_pdf``, which HTML table, row group, row and cell each
``TD``/``TH`` element belongs to, and which elements the table is in. Anything of an
unexpected shape is left as WeasyPrint wrote it.
"""

import contextlib
import gc
import io
import re
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

ARTIFACT = Name.Artifact
PAGINATION = Dictionary(Type=Name.Pagination)
ROW_GROUPS = ("/THead", "/TBody", "/TFoot")
REPEATED_GROUPS = ("/THead", "/TFoot")
_BDC = pikepdf.Operator("BDC")
_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_PAGINATION = b"/Artifact\n<</Type /Pagination>>\nBDC"


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a table cell's structure element sits in the HTML: identities of its table,
    row group, row and cell elements (the same on every page the table runs over), and,
    for a header cell, the ``/Scope`` it gets."""

    table: int
    group: int
    row: int
    cell: int
    scope: str | None = None
    # The elements the table is in, outermost first, one for each structure element
    # WeasyPrint writes above the table's (None for a table in a table).
    within: tuple[int, ...] | None = None


def table_cells(document) -> dict[int, Cell]:
    """The table cells of a WeasyPrint ``document`` already written with tags: the object
    number of each cell's structure element, with where the cell sits in the HTML."""
    from weasyprint.formatting_structure import boxes

    cells: dict[int, Cell] = {}

    def walk(box, within) -> None:
        for child in getattr(box, "children", ()):
            if isinstance(child, boxes.TableBox):
                table(child, within)
            elif isinstance(child, boxes.ParentBox) and not isinstance(child, boxes.LineBox):
                tag = child.element_tag if child.element is not None else None
                if within is not None and not (
                    tag in ("html", "body") or getattr(child, "is_table_wrapper", False)
                ):
                    walk(child, (*within, id(child.element)))
                else:
                    walk(child, within)

    def table(box, within) -> None:
        for group in box.children:
            for row in getattr(group, "children", ()):
                for cell in getattr(row, "children", ()):
                    mark = getattr(cell, "mark", None)
                    number = getattr(mark, "number", None)
                    if number is not None:
                        scope = None
                        if cell.element_tag == "th":
                            given = (cell.element.get("scope") or "").lower()
                            scope = "/Row" if given in ("row", "rowgroup") else "/Column"
                        cells[number] = Cell(
                            id(box.element),
                            id(group.element),
                            id(row.element),
                            id(cell.element),
                            scope,
                            within,
                        )
                    walk(cell, None)  # a table in a cell

    for page in document.pages:
        walk(page._page_box, ())
    return cells


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _same(a, b) -> bool:
    return a.is_indirect and b.is_indirect and a.objgen == b.objgen


def _role(element) -> str:
    if not isinstance(element, Dictionary):
        return ""
    return str(element.get("/S", ""))


class _Retagger:
    def __init__(self, pdf: pikepdf.Pdf, cells: dict[int, Cell]):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        self.written = self._written()
        # The structure elements' kids as Python lists, read once and written back once
        # (:meth:`_kids`, :meth:`_set_kids`, :meth:`write_kids`): reading a pikepdf array
        # item by item, and writing one, is what a table of many rows spent its time on.
        self._kid_lists: dict[tuple[int, int], list] = {}
        self._changed: dict[tuple[int, int], object] = {}
        self.keys: dict[tuple[int, int], Cell] = {}  # cell elements
        self.cell_elements: list = []
        for number in sorted(cells):
            try:
                element = pdf.get_object(number, 0)
            except (ValueError, pikepdf.PdfError):
                continue
            if isinstance(element, Dictionary) and _role(element) in ("/TD", "/TH"):
                self.keys[element.objgen] = cells[number]
                self.cell_elements.append(element)

    def _kids(self, element) -> list:
        """``element``'s kids (do not change the list: :meth:`_set_kids` a new one)."""
        if not (isinstance(element, Dictionary) and element.is_indirect):
            return _kids(element)
        kids = self._kid_lists.get(element.objgen)
        if kids is None:
            kids = self._kid_lists[element.objgen] = _kids(element)
        return kids

    def _set_kids(self, element, kids: list) -> None:
        if not element.is_indirect:
            element.K = Array(kids)
            return
        self._kid_lists[element.objgen] = kids
        self._changed[element.objgen] = element

    def write_kids(self) -> None:
        """Write the kids changed back into the PDF."""
        for objgen, element in self._changed.items():
            element.K = Array(self._kid_lists[objgen])
        self._changed.clear()

    def _page(self, page) -> int | None:
        return None if page is None else self.pages.get(page.objgen)

    def _written(self) -> dict[int, int]:
        """How many marked-content sequences WeasyPrint wrote on each page (the length of
        the page's ParentTree array)."""
        tree = self.root.get("/ParentTree")
        nums = list(tree.get("/Nums", ())) if isinstance(tree, Dictionary) else []
        entries = dict(zip(nums[::2], nums[1::2], strict=False))
        written = {}
        for index, page in enumerate(self.pdf.pages):
            key = page.obj.get("/StructParents")
            if key is not None and isinstance(entries.get(int(key)), Array):
                written[index] = len(entries[int(key)])
        return written

    # --- one table per HTML table ---------------------------------------------------

    def _row_key(self, row) -> int | None:
        for cell in self._kids(row):
            if isinstance(cell, Dictionary) and cell.is_indirect and cell.objgen in self.keys:
                return self.keys[cell.objgen].row
        return None

    def _group_key(self, group) -> int | None:
        for row in self._kids(group):
            for cell in self._kids(row) if isinstance(row, Dictionary) else ():
                if isinstance(cell, Dictionary) and cell.is_indirect and cell.objgen in self.keys:
                    return self.keys[cell.objgen].group
        return None

    def _fragments(self) -> dict[int, list]:
        """The ``Table`` elements of each HTML table, in page order (cells are numbered in
        the order WeasyPrint wrote them: page by page)."""
        tables: dict[int, list] = {}
        for cell in self.cell_elements:
            row = cell.get("/P")
            group = row.get("/P") if isinstance(row, Dictionary) else None
            table = group.get("/P") if isinstance(group, Dictionary) else None
            if not (
                _role(row) == "/TR"
                and _role(group) in ROW_GROUPS
                and _role(table) == "/Table"
                and table.is_indirect
            ):
                continue
            found = tables.setdefault(self.keys[cell.objgen].table, {})
            found.setdefault(table.objgen, table)
        return {key: list(found.values()) for key, found in tables.items()}

    def merge_tables(self) -> None:
        tables = self._fragments()
        for fragments in tables.values():
            if len(fragments) > 1:
                self._merge(fragments)
        self._merge_sections(tables)

    def _merge_sections(self, tables: dict[int, list]) -> None:
        """The sections a table is in, one element again where pages split them (their
        parts known from the elements above each table: a section the table ended in,
        whose rest is on a page of its own, for instance)."""
        within = {cell.table: cell.within for cell in self.keys.values()}
        parts: dict[int, list] = {}  # HTML element → its structure elements
        depth: dict[int, int] = {}
        for key, fragments in tables.items():
            html = within.get(key)
            if html is None or len(set(html)) != len(html):
                continue
            chain, node = [], fragments[0].get("/P")
            while _role(node) not in ("", "/Document"):
                chain.append(node)
                node = node.get("/P")
            if len(chain) != len(html):
                continue
            for level, (element, identity) in enumerate(zip(reversed(chain), html, strict=True)):
                found = parts.setdefault(identity, [])
                depth[identity] = level
                if not any(_same(element, seen) for seen in found):
                    found.append(element)
        for identity in sorted(parts, key=depth.__getitem__):  # the outermost first
            found = sorted(parts[identity], key=lambda e: e.objgen)  # in page order
            first = found[0]
            for part in found[1:]:
                parent = part.get("/P")
                if not (
                    _role(part) == _role(first)
                    and isinstance(parent, Dictionary)
                    and _same(parent, first.get("/P"))
                ):
                    continue
                for kid in self._kids(part):
                    self._append(first, kid)
                self._set_kids(part, [])
                self._detach(parent, part)

    def _merge(self, fragments: list) -> None:
        first = fragments[0]
        kept_groups, kept_rows, kept_cells = {}, {}, {}
        for group in self._kids(first):
            if _role(group) in ROW_GROUPS:
                self._register_group(group, kept_groups, kept_rows, kept_cells)
        head_kept = any(_role(child) == "/THead" for child in self._kids(first))
        caption_kept = any(_role(child) == "/Caption" for child in self._kids(first))
        for fragment in fragments[1:]:
            for child in self._kids(fragment):
                role = _role(child)
                if role == "/Caption" and caption_kept:
                    continue  # (WeasyPrint writes the caption once, on the first page)
                if role not in ROW_GROUPS:
                    self._append(first, child)
                    continue
                key = self._group_key(child)
                if role == "/THead" and head_kept and key is None:
                    continue
                if key is not None and key in kept_groups:
                    if role in REPEATED_GROUPS:
                        continue  # the header (or footer) row repeated on this page
                    target = kept_groups[key]
                    for row in self._kids(child):
                        self._merge_row(target, row, kept_rows, kept_cells)
                else:
                    self._append(first, child)
                    self._register_group(child, kept_groups, kept_rows, kept_cells)
                    head_kept = head_kept or role == "/THead"
            self._fold(fragment, first)

    def _register_group(self, group, kept_groups, kept_rows, kept_cells) -> None:
        key = self._group_key(group)
        if key is not None:
            kept_groups.setdefault(key, group)
        for row in list(self._kids(group)):
            self._register_row(group, row, kept_rows, kept_cells)

    def _register_row(self, group, row, kept_rows, kept_cells) -> None:
        """A row kept as it is, but for cells that continue a cell kept already (a cell
        spanning rows whose rest is laid out in a later row on the next page)."""
        for cell in list(self._kids(row)):
            key = self.keys.get(cell.objgen) if isinstance(cell, Dictionary) else None
            if key is None:
                continue
            kept = kept_cells.setdefault(key.cell, cell)
            if not _same(kept, cell):
                self._move_kids(cell, kept)
                self._detach(row, cell)
        if not self._kids(row):
            self._detach(group, row)
            return
        key = self._row_key(row)
        if key is not None:
            kept_rows.setdefault(key, row)

    def _merge_row(self, group, row, kept_rows, kept_cells) -> None:
        key = self._row_key(row)
        if key is not None and key in kept_rows:
            target = kept_rows[key]  # the rest of a row a page break split
            for cell in self._kids(row):
                cell_key = self.keys.get(cell.objgen) if isinstance(cell, Dictionary) else None
                if cell_key is not None and cell_key.cell in kept_cells:
                    self._move_kids(cell, kept_cells[cell_key.cell])
                else:
                    self._append(target, cell)
                    if cell_key is not None:
                        kept_cells[cell_key.cell] = cell
            return
        self._append(group, row)
        self._register_row(group, row, kept_rows, kept_cells)

    # --- moving elements --------------------------------------------------------------

    def _append(self, parent, child) -> None:
        self._set_kids(parent, [*self._kids(parent), child])
        if isinstance(child, Dictionary) and "/S" in child:
            child.P = parent

    def _detach(self, parent, child) -> None:
        self._set_kids(parent, [k for k in self._kids(parent) if not _same(k, child)])

    def _move_kids(self, source, target) -> None:
        """``source``'s content at the end of ``target`` (marked-content identifiers stay
        tied to the page they are on)."""
        kids = list(self._kids(target))
        for kid in self._kids(source):
            if isinstance(kid, Dictionary):
                if "/S" in kid:
                    kid.P = target
                kids.append(kid)
            else:
                page = source.get("/Pg")
                if page is not None and not _same(page, target.get("/Pg", page)):
                    kid = Dictionary(Type=Name.MCR, Pg=page, MCID=int(kid))
                kids.append(kid)
        self._set_kids(target, kids)
        self._set_kids(source, [])

    def _fold(self, fragment, first) -> None:
        """Take ``fragment`` (a later page's part of the table ``first``) out of the tree.
        A table has one parent in the HTML, so where the fragment's parent is not
        ``first``'s, it is another page's part of the same element (the section the table
        is in): what it holds after the table moves to the end of ``first``'s parent, and
        so on up. What is left empty goes."""
        element, parent, target = fragment, fragment.get("/P"), first.get("/P")
        while isinstance(parent, Dictionary) and parent.is_indirect:
            self._detach(parent, element)
            if _role(parent) in ("", "/Document") or not isinstance(target, Dictionary):
                return
            if _same(parent, target):
                return
            if _role(parent) == _role(target):
                for kid in self._kids(parent):
                    self._append(target, kid)
                self._set_kids(parent, [])
            elif self._kids(parent):
                return
            element, parent, target = parent, parent.get("/P"), target.get("/P")

    # --- headers ----------------------------------------------------------------------

    def headers(self) -> None:
        """``/Scope`` on every header cell; each data cell's ``Headers`` naming the header
        cells kept (the first of each), not their repeats on later pages."""
        canonical: dict[int, object] = {}
        renamed: dict[bytes, object] = {}
        for element in self.cell_elements:
            key = self.keys[element.objgen]
            if key.scope is None:
                continue
            attributes = element.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = element.A = Dictionary(O=Name.Table)
            attributes.Scope = Name(key.scope)
            first = canonical.setdefault(key.cell, element)
            if "/ID" in element and "/ID" in first:
                renamed[bytes(element.ID)] = first.ID
        for element in self.cell_elements:
            attributes = element.get("/A")
            if not isinstance(attributes, Dictionary) or "/Headers" not in attributes:
                continue
            names, seen = [], set()
            for name in attributes.Headers:
                name = renamed.get(bytes(name), name)
                if bytes(name) not in seen:
                    seen.add(bytes(name))
                    names.append(name)
            attributes.Headers = Array(names)

    # --- the parent tree, the ID tree and the artifacts -------------------------------

    def rebuild_trees(self) -> dict[int, set[int]]:
        """Rebuild the ParentTree (and the IDTree) from the elements the structure tree
        reaches; return, for each page, the identifiers of the marked content it reaches."""
        reached: dict[int, dict[int, object]] = {}
        identifiers: dict[bytes, object] = {}
        seen: set[tuple[int, int]] = set()
        stack = list(self._kids(self.root))
        while stack:
            node = stack.pop()
            if not isinstance(node, Dictionary) or "/S" not in node:
                continue
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if "/ID" in node:
                identifiers[bytes(node.ID)] = node
            page = None
            for kid in self._kids(node):
                if isinstance(kid, int):
                    if page is None:
                        page = self._page(node.get("/Pg"))
                    if page is not None:
                        reached.setdefault(page, {})[kid] = node
                elif isinstance(kid, Dictionary) and "/S" not in kid:
                    if kid.get("/Type") == Name.MCR:  # (an OBJR is an annotation)
                        found = self._page(kid.get("/Pg", node.get("/Pg")))
                        if found is not None:
                            reached.setdefault(found, {})[int(kid.MCID)] = node
                else:
                    stack.append(kid)

        old = self.root.get("/ParentTree")
        nums = list(old.get("/Nums", Array())) if isinstance(old, Dictionary) else []
        entries = dict(zip(nums[::2], nums[1::2], strict=False))
        new_nums = []
        for page_index, page in enumerate(self.pdf.pages):
            key = page.obj.get("/StructParents")
            mcids = reached.get(page_index, {})
            if key is None:
                if not mcids:
                    continue
                key = page.obj.StructParents = max([*map(int, entries), -1]) + 1
            array = [None] * (max(mcids) + 1 if mcids else 0)
            for mcid, element in mcids.items():
                array[mcid] = element
            entries[int(key)] = Array(array)
        for key in sorted(int(k) for k in entries):
            new_nums.extend([key, entries[key]])
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(new_nums)))
        self.root.ParentTreeNextKey = max([*map(int, entries), -1]) + 1
        if identifiers:
            names = []
            for name in sorted(identifiers):
                names.extend([pikepdf.String(name), identifiers[name]])
            self.root.IDTree = Dictionary(Names=Array(names))
        return {index: set(mcids) for index, mcids in reached.items()}

    def mark_artifacts(self, reached: dict[int, set[int]]) -> int:
        """Marked content no structure element reaches becomes pagination artifacts;
        returns how many sequences changed.

        WeasyPrint writes each page's marked content as ``/Tag <</MCID n>> BDC``, numbered
        from 0, each once. A page whose stream shows exactly that is rewritten by a
        regular expression on its bytes (a tenth of the time of parsing it); any other
        page (a text string that happened to look like one, a stream from elsewhere) is
        parsed and rewritten operator by operator."""
        changed = 0
        for index, page in enumerate(self.pdf.pages):
            keep = reached.get(index, set())
            data = self._page_stream(page)
            found = [int(m) for m in _MARKED.findall(data)] if data is not None else None
            if found is not None and sorted(found) == list(range(self.written.get(index, -1))):
                drop = set(found) - keep
                if drop:
                    page.Contents = self.pdf.make_stream(
                        _MARKED.sub(
                            lambda m, drop=drop: _PAGINATION if int(m[1]) in drop else m[0], data
                        )
                    )
                changed += len(drop)
            else:
                changed += self._mark_parsed(page, keep)
        return changed

    @staticmethod
    def _page_stream(page) -> bytes | None:
        contents = page.obj.get("/Contents")
        if isinstance(contents, pikepdf.Stream):
            return contents.read_bytes()
        return None

    def _mark_parsed(self, page, keep: set[int]) -> int:
        changed = 0
        instructions = pikepdf.parse_content_stream(page)
        for n, instruction in enumerate(instructions):
            if instruction.operator != _BDC:
                continue
            operands = instruction.operands
            if len(operands) != 2 or not isinstance(operands[1], Dictionary):
                continue
            mcid = operands[1].get("/MCID")
            if mcid is None or int(mcid) in keep:
                continue
            instructions[n] = pikepdf.ContentStreamInstruction([ARTIFACT, PAGINATION], _BDC)
            changed += 1
        if changed:
            page.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        return changed


@contextlib.contextmanager
def _no_collection():
    """Python's garbage collector held off while the tags are put right. The laid-out
    document (millions of objects) is still alive then, and the many small objects the
    retagger makes set off collections that walk all of it again and again: on a 70-page
    tracker they were two thirds of this step's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def retag(pdf: bytes, cells: dict[int, Cell]) -> bytes:
    """``pdf`` (WeasyPrint's tagged output) with the tags put right: see the module's
    docstring. ``cells`` is :func:`table_cells` of the document that wrote it. A PDF
    without a structure tree keeps its tags as they are.

    The PDF is written again with its streams compressed and its objects in object streams,
    so WeasyPrint may write it uncompressed (``uncompressed_pdf=True``): compressing once,
    here, is cheaper than WeasyPrint compressing and pikepdf reading the streams back."""
    with _no_collection(), pikepdf.open(io.BytesIO(pdf)) as document:
        if "/StructTreeRoot" in document.Root:
            retagger = _Retagger(document, cells)
            retagger.merge_tables()
            retagger.headers()
            retagger.write_kids()
            retagger.mark_artifacts(retagger.rebuild_trees())
        output = io.BytesIO()
        document.save(
            output,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return output.getvalue()
