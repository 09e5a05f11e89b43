"""Structural checks of a .pptx zip package that the validators leave out."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from urllib.parse import unquote
from xml.etree import ElementTree

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
OFFICE_DOCUMENT = R_NS + "/officeDocument"
EXTENDED_PROPERTIES = R_NS + "/extended-properties"
PML = "application/vnd.openxmlformats-officedocument.presentationml."
SHAPE_TREE_TYPES = (PML + "slide+xml", PML + "notesSlide+xml")

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
SLIDE_ID_RANGE = range(256, 2147483648)
MASTER_ID_MIN = 2147483648
MASTER_ID_MAX = 4294967295
APP_VERSION = re.compile(r"^\d+\.\d{4}$")


class Package:
    """Read access to the entries of a zip package, with parsed XML and relationships."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        """Wrap an open zip archive."""
        self.archive = archive
        self.infos = archive.infolist()
        self.names = [info.filename for info in self.infos]
        self._folded = {name.lower(): name for name in self.names}
        self._rels: dict[str, list[ElementTree.Element]] = {}
        self._types: tuple[dict[str, str], dict[str, str]] | None = None

    def find(self, name: str) -> str | None:
        """Return the entry name matching name case-insensitively, if any."""
        return self._folded.get(name.lower())

    def xml(self, name: str) -> ElementTree.Element:
        """Parse an entry as XML."""
        return ElementTree.fromstring(self.archive.read(name))

    def relationships(self, part: str) -> list[ElementTree.Element]:
        """Return the relationship elements of a part ('' for the package itself)."""
        if part not in self._rels:
            entry = self.find(rels_name(part))
            found = self.xml(entry).iter(f"{{{REL_NS}}}Relationship") if entry else []
            self._rels[part] = list(found)
        return self._rels[part]

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return (defaults by lower-case extension, overrides by lower-case part name)."""
        if self._types is None:
            self._types = self._read_content_types()
        return self._types

    def _read_content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """Parse `[Content_Types].xml`."""
        root = self.xml(CONTENT_TYPES)
        defaults = {
            el.get("Extension", "").lower(): el.get("ContentType", "")
            for el in root.iter(f"{{{CT_NS}}}Default")
        }
        overrides = {
            el.get("PartName", "").lower(): el.get("ContentType", "")
            for el in root.iter(f"{{{CT_NS}}}Override")
        }
        return defaults, overrides

    def content_type(self, name: str) -> str | None:
        """Return the content type of an entry, or None if it has none."""
        defaults, overrides = self.content_types()
        if "/" + name.lower() in overrides:
            return overrides["/" + name.lower()]
        base = posixpath.basename(name)
        extension = base.rsplit(".", 1)[1].lower() if "." in base else ""
        return defaults.get(extension)

    def target(self, part: str, relationship: ElementTree.Element) -> str | None:
        """Resolve an internal relationship's target to an entry name (None if external)."""
        if relationship.get("TargetMode") == "External":
            return None
        target = unquote(relationship.get("Target", "").split("#", 1)[0])
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def related(self, part: str, kind: str) -> list[str]:
        """Return the entry names that part points to with relationships of type kind."""
        found = []
        for rel in self.relationships(part):
            target = self.target(part, rel)
            if rel.get("Type") == kind and target is not None:
                found.append(self.find(target) or target)
        return found


def rels_name(part: str) -> str:
    """Return the name of the relationships entry of a part ('' for the package)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def rels_source(rels: str) -> str | None:
    """Return the part a relationships entry belongs to, or None if it is not one."""
    folder, base = posixpath.split(rels)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def zip_problems(package: Package) -> list[str]:
    """Check entry order, directory entries, names, methods and timestamps."""
    problems = []
    if package.names[:2] != [CONTENT_TYPES, ROOT_RELS]:
        problems.append(
            f"first entries are {package.names[:2]}, expected ['{CONTENT_TYPES}', '{ROOT_RELS}']"
        )
    for info in package.infos:
        name = info.filename
        if name.endswith("/"):
            problems.append(f"directory entry {name!r}")
        if name.startswith("/") or "\\" in name:
            problems.append(f"entry name {name!r} is not a relative forward-slash path")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(f"{name}: compression method {info.compress_type}, not stored/deflate")
        if info.date_time != ZIP_EPOCH:
            stamp = "{}-{:02}-{:02} {:02}:{:02}:{:02}".format(*info.date_time)
            problems.append(f"{name}: timestamp {stamp}, expected 1980-01-01 00:00:00")
    for name, count in Counter(name.lower() for name in package.names).items():
        if count > 1:
            problems.append(f"{count} entries named {name!r} (names must be unique, any case)")
    return problems


def content_type_problems(package: Package) -> list[str]:
    """Check that every entry has a content type and every Override names an entry."""
    if package.find(CONTENT_TYPES) is None:
        return [f"no {CONTENT_TYPES} entry"]
    problems = []
    _, overrides = package.content_types()
    for name in package.names:
        if name != CONTENT_TYPES and not name.endswith("/") and not package.content_type(name):
            problems.append(f"{name}: no content type (no Override and no Default for extension)")
    for part_name in overrides:
        if part_name == "/" + CONTENT_TYPES.lower():
            problems.append(f"Override for {CONTENT_TYPES} itself")
        elif package.find(part_name.lstrip("/")) is None:
            problems.append(f"Override for {part_name}, which is not in the package")
    return problems


def relationship_problems(package: Package) -> list[str]:
    """Check relationship sources, internal targets and every r: reference in XML parts."""
    problems = []
    for name in package.names:
        source = rels_source(name)
        if source is None:
            continue
        if source and package.find(source) is None:
            problems.append(f"{name}: relationships of {source}, which is not in the package")
        for rel in package.relationships(source):
            target = package.target(source, rel)
            if target is not None and package.find(target) is None:
                problems.append(
                    f"{name}: {rel.get('Id')} targets {rel.get('Target')} -> {target}, "
                    "which is not in the package"
                )
    for name in package.names:
        if name.endswith(".xml") and name != CONTENT_TYPES:
            problems.extend(_reference_problems(package, name))
    return problems


def _reference_problems(package: Package, part: str) -> list[str]:
    """Check that every r: attribute of a part names one of its relationships."""
    ids = {rel.get("Id") for rel in package.relationships(part)}
    problems = []
    for element in package.xml(part).iter():
        for attribute, value in element.attrib.items():
            if attribute.startswith(f"{{{R_NS}}}") and value and value not in ids:
                local = attribute.split("}", 1)[1]
                tag = element.tag.split("}", 1)[-1]
                problems.append(f"{part}: <{tag} r:{local}={value!r}> has no such relationship")
    return problems


def id_problems(package: Package) -> list[str]:
    """Check slide ids and slide master and layout ids in range and unique."""
    main = package.related("", OFFICE_DOCUMENT)
    if len(main) != 1 or package.find(main[0]) is None:
        return [f"expected one officeDocument relationship to an existing part, found {main}"]
    presentation = package.xml(main[0])
    slide_ids = _ids(presentation, "sldId")
    problems = [
        f"{main[0]}: slide id {value} is outside 256..2147483647"
        for value in slide_ids
        if value not in SLIDE_ID_RANGE
    ]
    problems += _duplicates(slide_ids, f"{main[0]}: slide id")
    master_ids = _ids(presentation, "sldMasterId")
    rels = {rel.get("Id"): rel for rel in package.relationships(main[0])}
    for element in presentation.iter(f"{{{P_NS}}}sldMasterId"):
        rel = rels.get(element.get(f"{{{R_NS}}}id"))
        master = package.find(package.target(main[0], rel) or "") if rel is not None else None
        if master is not None:
            master_ids += _ids(package.xml(master), "sldLayoutId")
    problems += [
        f"slide master or layout id {value} is outside 2147483648..4294967295"
        for value in master_ids
        if not MASTER_ID_MIN <= value <= MASTER_ID_MAX
    ]
    problems += _duplicates(master_ids, "slide master or layout id")
    return problems


def _ids(root: ElementTree.Element, tag: str) -> list[int]:
    """Return the integer id attributes of all p:tag elements under root."""
    values = []
    for element in root.iter(f"{{{P_NS}}}{tag}"):
        raw = element.get("id", "")
        values.append(int(raw) if raw.isdigit() else -1)
    return values


def _duplicates(values: list[int], what: str) -> list[str]:
    """Describe each value that occurs more than once."""
    return [
        f"{what} {value} is used {count} times"
        for value, count in Counter(values).items()
        if count > 1
    ]


def shape_id_problems(package: Package) -> list[str]:
    """Check that shape ids are unique within every slide and notes slide."""
    problems = []
    for name in package.names:
        if package.content_type(name) not in SHAPE_TREE_TYPES:
            continue
        ids = [element.get("id", "") for element in package.xml(name).iter(f"{{{P_NS}}}cNvPr")]
        for value, count in Counter(ids).items():
            if count > 1:
                problems.append(f"{name}: shape id {value} is used {count} times")
    return problems


def app_version_problems(package: Package) -> list[str]:
    """Check that the extended properties part exists and its AppVersion reads XX.YYYY."""
    parts = package.related("", EXTENDED_PROPERTIES)
    if len(parts) != 1 or package.find(parts[0]) is None:
        return [f"expected one extended-properties part (docProps/app.xml), found {parts}"]
    versions = [el.text or "" for el in package.xml(parts[0]).iter(f"{{{EP_NS}}}AppVersion")]
    if len(versions) != 1:
        return [f"{parts[0]}: expected one AppVersion element, found {len(versions)}"]
    if not APP_VERSION.match(versions[0]):
        return [f"{parts[0]}: AppVersion {versions[0]!r} does not match XX.YYYY"]
    return []
