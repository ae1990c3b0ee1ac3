"""HTML helpers of the page tests: a tiny HTML tree (stdlib parser), an element's inner HTML, the parts of an
HTMX answer. The browser tests import these too."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- HTML --------------------------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)
    start: int = 0  # offsets in the source: after the start tag, before the end tag
    end: int = 0
    outer_start: int = 0  # before the start tag, after the end tag
    outer_end: int = 0

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        """Descendants with `tag` (any when None) whose attributes contain `attrs` (`class_` matches one class)."""
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if all(_attr_matches(node, key, value) for key, value in attrs.items()):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs) -> "Node | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


def _attr_matches(node: Node, key: str, value: str) -> bool:
    if key == "class_":
        return value in node.attrs.get("class", "").split()
    return node.attrs.get(key.replace("_", "-")) == value


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_offsets = [0]
        for line in source.splitlines(keepends=True):
            self.line_offsets.append(self.line_offsets[-1] + len(line))
        self.root = Node("#root", {})
        self.stack = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        start_tag = self.get_starttag_text() or ""
        node.outer_start = self._offset()
        node.start = node.outer_start + len(start_tag)
        node.end = node.outer_end = node.start  # void elements
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                self.stack[index].end = self._offset()
                self.stack[index].outer_end = self.source.index(">", self.stack[index].end) + 1
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(source: str | bytes) -> Node:
    if isinstance(source, bytes):
        source = source.decode()
    builder = _TreeBuilder(source)
    builder.feed(source)
    builder.close()
    builder.root.source = source
    return builder.root


def inner_html(source: str | bytes, element_id: str) -> str:
    """The source between the start and end tags of the element with `element_id`."""
    if isinstance(source, bytes):
        source = source.decode()
    node = parse(source).find(id=element_id)
    assert node is not None, f"no element #{element_id}"
    return source[node.start : node.end]


def split_oob(source: str | bytes) -> tuple[str, dict[str, str]]:
    """An HTMX answer → (its main part, {id: inner HTML} of its top-level out-of-band elements)."""
    if isinstance(source, bytes):
        source = source.decode()
    oob = [node for node in parse(source).children if isinstance(node, Node) and "hx-swap-oob" in node.attrs]
    main, cursor = [], 0
    for node in oob:
        main.append(source[cursor : node.outer_start])
        cursor = node.outer_end
    main.append(source[cursor:])
    return "".join(main), {node.attrs["id"]: source[node.start : node.end] for node in oob}


# --- Figures ------------------------------------------------------------------------------------------------------


def panel_figures(panel: Node) -> dict:
    """What a figure panel (`includes/figures/panel.html`, or the embeds' compact one) shows, as numbers: the three
    shares, the counts, the missing cause and the source line. Two renderings of one figure give equal dicts."""
    import re

    def digits(text: str) -> int | None:
        found = re.sub(r"\D", "", text)
        return int(found) if found else None

    shares = {
        li.attrs["data-share"]: digits(li.find(class_="fig-legend__rate").text)
        for li in panel.find_all("li", class_="fig-legend__item")
    }
    counts = {dd.attrs["data-count"]: digits(dd.text) for dd in panel.find_all("dd") if "data-count" in dd.attrs}
    missing = panel.find(class_="fig-missing")
    source = panel.find(class_="fig-source")
    return {
        "shares": shares,
        "counts": counts,
        "missing": missing.attrs["data-missing"] if missing else None,
        "source": source.text if source else None,
    }
