"""Layer 4: the data package. One loader for every table under ``data/``; it validates on load.

The rules come from ``data/datapackage.json`` (Frictionless Table Schema): field types, required fields, enums,
patterns, minimum/maximum, unique fields, primary keys and foreign keys. Fields of type ``list`` hold several
values separated by ``delimiter``. Three non-standard field properties carry rules Table Schema cannot say (a
standard validator such as frictionless ignores them): ``x-references`` (a list field's values must be ids in
another table; foreign keys cannot follow lists), ``x-item-pattern`` (a pattern for each value of a list) and
``x-calendar-date`` (a ``YYYY-MM-DD`` or ``YYYY-MM`` string that must be a real date).

The kit owns its tables. The Table Schemas of the register's tables (claims, sources, their links, the article's
lines, developments, sweeps, calls, readings, findings, ...) ship with the package (``briefing/schemas/<name>.json``);
a briefing's ``datapackage.json`` describes its own datasets and names each kit table it has by ``name`` alone (no
``path``, no ``schema``), with whatever is its own (a description, the second reading's draw). :func:`assemble`
merges the two into the package every reader sees (loader, validation, the cache, Frictionless, the published
``data/datapackage.json``), and fills the enums that are the briefing's own vocabulary from its configuration
(field property ``x-enum``: its sections, article parts, themes, chapter pages, a dataset's labels, or the
package's resources).

Any broken rule raises :class:`DataError`, whose message names the file, the row (and its id), the field and the
rule, e.g. ``data/claims.csv: row 12 (id c012), field 'verdict': enum: 'maybe' is not one of ...``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd

from . import config, paths
from .paths import record_read
from .values import digest, first_day, id_list

DATE_OR_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
KIT_SCHEMAS = Path(__file__).parent / "schemas"


class DataError(ValueError):
    """A data file broke a rule. ``str(err)`` names file, row/id, field and rule."""

    def __init__(self, file: str, rule: str, message: str, *, row: int | None = None, key: str | None = None,
                 field: str | None = None):
        self.file, self.rule, self.row, self.key, self.field = file, rule, row, key, field
        where = file
        if row is not None:
            where += f": row {row}" + (f" (id {key})" if key else "")
        elif key is not None:
            where += f": id {key}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {rule}: {message}")


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(str(path), "json", f"line {err.lineno}: {err.msg}") from err


def kit_tables(schemas: Path = KIT_SCHEMAS) -> dict[str, dict]:
    """The kit's tables as shipped, by name: each a resource with its Table Schema, enums from configuration not
    yet filled."""
    return {p.stem: _json(p) for p in sorted(schemas.glob("*.json"))}


def _config_values(briefing: config.Briefing, resources: list[dict]) -> dict[str, list[str]]:
    """The values an ``x-enum`` names, from the briefing's configuration (and, for ``resources``, its package)."""
    first, *after = config.RESERVED_PARTS  # the opening comes before the first heading; the rest follow the text
    return {"sections": list(briefing.sections),
            "article_parts": [first, *(k for k, s in briefing.sections.items() if s.headings), *after],
            "themes": list(briefing.themes),
            "chapters": list(briefing.chapter_labels),
            "resources": [r["name"] for r in resources]}


def _fill_enums(res: dict, values: dict[str, list[str]], briefing: config.Briefing) -> None:
    for field in res["schema"]["fields"]:
        source = field.pop("x-enum", None)
        if source is None:
            continue
        if source == "labels":  # the values briefing.yml labels for this field (datasets: resource.field)
            labels = briefing.datasets.get((res["name"], field["name"]), ({}, None))[0]
            if not labels:
                raise DataError(briefing.file, "required", f"the kit's table {res['name']} takes the values of "
                                f"its field '{field['name']}' from the labels given here; there are none",
                                field=f"datasets.{res['name']}.{field['name']}")
            found = list(labels)
        elif source in values:
            found = values[source]
        else:
            raise DataError(str(KIT_SCHEMAS / f"{res['name']}.json"), "x-enum", f"'{source}' is not one of "
                            f"{', '.join([*values, 'labels'])}", field=field["name"])
        constraints = field.setdefault("constraints", {})
        constraints["enum"] = [*constraints.get("enum", []), *found]


def assemble(own: dict, briefing: config.Briefing, file: str = "datapackage.json",
             kit: dict[str, dict] | None = None) -> dict:
    """The data package of a briefing: its own descriptor ``own`` (read from ``file``) with each kit table it names
    completed from the kit's schema, and every enum the kit takes from configuration filled from ``briefing``."""
    kit = kit_tables() if kit is None else kit
    merged = {k: v for k, v in own.items() if k != "resources"}
    resources = []
    for res in own.get("resources", []):
        name = res.get("name")
        if name in kit:
            own_keys = sorted({"path", "schema"} & set(res))
            if own_keys:
                raise DataError(file, "kit table", f"'{name}' is a table of the kit: name it without "
                                f"{' or '.join(own_keys)} (its schema ships with the kit, briefing/schemas/"
                                f"{name}.json)", key=name)
            resources.append({**copy.deepcopy(kit[name]), **res})
        elif "path" not in res:
            raise DataError(file, "kit table", f"resource '{name}' has no path, and the kit has no table of that "
                            f"name ({', '.join(kit)})", key=name)
        else:
            resources.append(res)
    values = _config_values(briefing, resources)
    for res in resources:
        if res["name"] in kit:
            _fill_enums(res, values, briefing)
    merged["resources"] = resources
    return merged


def briefing_of(path: Path, briefing: config.Briefing | None = None) -> config.Briefing:
    """The configuration of the briefing whose ``datapackage.json`` is at ``path``: ``briefing`` when given, else
    the current one, or the one in the package's parent folder when that is another briefing's."""
    if briefing is not None:
        return briefing
    current, folder = config.current(), Path(path).resolve().parent.parent
    if folder == current.root.resolve() or not (folder / config.CONFIG_NAME).is_file():
        return current
    return config.at(folder)


def descriptor(path: Path | None = None, briefing: config.Briefing | None = None) -> dict:
    """The merged data package of the briefing whose ``datapackage.json`` is at ``path`` (the current briefing's by
    default; :func:`assemble`), with that briefing's configuration unless ``briefing`` is given."""
    path = Path(path or paths.datapackage())
    return assemble(_json(path), briefing_of(path, briefing), _display(path, path.parent))


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base.parent))
    except ValueError:
        return str(path)


def _parse(value: str, field: dict):
    """Turn one CSV cell into a Python value, or raise ValueError(rule, message)."""
    ftype = field.get("type", "string")
    if ftype in ("string", "list"):
        return value
    if ftype == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError("type", f"'{value}' is not an integer")
        return int(value)
    if ftype == "number":
        try:
            return float(value)
        except ValueError:
            raise ValueError("type", f"'{value}' is not a number") from None
    if ftype == "boolean":
        if value not in ("true", "false"):
            raise ValueError("type", f"'{value}' is not a boolean (true or false)")
        return value == "true"
    if ftype == "date":
        try:
            return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _bad_date(value)
        except ValueError:
            raise ValueError("date", f"'{value}' is not a real calendar date (YYYY-MM-DD)") from None
    raise ValueError("schema", f"unsupported field type '{ftype}'")


def _bad_date(value: str):
    raise ValueError(value)


def _check_date_or_month(value: str) -> None:
    """``YYYY-MM-DD`` or ``YYYY-MM``, and a date that exists (no 2025-02-30)."""
    if not DATE_OR_MONTH.match(value):
        raise ValueError("date", f"'{value}' is not an ISO date (YYYY-MM-DD) or month (YYYY-MM)")
    try:
        first_day(value)
    except ValueError:
        raise ValueError("date", f"'{value}' is not a real calendar date") from None


def _check_constraints(value, raw: str, field: dict) -> None:
    c = field.get("constraints", {})
    if field.get("type") == "list":
        for item in (v.strip() for v in raw.split(field.get("delimiter", ";"))):
            if "x-item-pattern" in field and not re.fullmatch(field["x-item-pattern"], item):
                raise ValueError("pattern", f"'{item}' does not match {field['x-item-pattern']}")
    if "enum" in c and raw not in c["enum"]:
        raise ValueError("enum", f"'{raw}' is not one of {', '.join(c['enum'])}")
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        raise ValueError("pattern", f"'{raw}' does not match {c['pattern']}")
    if "minimum" in c and value < c["minimum"]:
        raise ValueError("minimum", f"{value} is below the minimum {c['minimum']}")
    if "maximum" in c and value > c["maximum"]:
        raise ValueError("maximum", f"{value} is above the maximum {c['maximum']}")
    if "maxLength" in c and len(raw) > c["maxLength"]:
        raise ValueError("maxLength", f"{len(raw)} characters, more than {c['maxLength']}")
    if field.get("x-calendar-date"):
        _check_date_or_month(raw)


def _read_rows(path: Path, shown: str, schema: dict) -> list[dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DataError(shown, "missing", "the file does not exist") from None
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise DataError(shown, "encoding", f"byte {err.start} (line {line}) is not valid UTF-8") from None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(shown, "header", "the file is empty") from None
    expected = [f["name"] for f in schema["fields"]]
    if header != expected:
        missing = [f for f in expected if f not in header]
        extra = [f for f in header if f not in expected]
        raise DataError(shown, "header", f"columns {header} do not match the schema {expected}"
                        f" (missing {missing}, unexpected {extra})")
    rows = []
    for n, cells in enumerate(reader, start=1):
        if len(cells) != len(header):
            raise DataError(shown, "columns", f"{len(cells)} cells, the header has {len(header)}", row=n)
        rows.append(dict(zip(header, cells)))
    return rows


def _key_of(row: dict[str, str], schema: dict) -> str | None:
    pk = schema.get("primaryKey")
    if not pk:
        return None
    pk = [pk] if isinstance(pk, str) else pk
    return "/".join(row.get(k, "") for k in pk)


class Package:
    """The data package: its descriptor and validated tables, loaded lazily and cached per file state."""

    def __init__(self, path: Path | None = None, briefing: config.Briefing | None = None):
        self.path = Path(path or paths.datapackage())
        self.base = self.path.parent
        self.descriptor = descriptor(self.path, briefing)
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}
        self._raw: dict[str, tuple[list[dict], list[dict]]] = {}

    # -- reading -------------------------------------------------------------------------------------------------
    def resource(self, name: str) -> dict:
        try:
            return self.resources[name]
        except KeyError:
            raise DataError(str(self.path), "resource", f"no resource named '{name}'") from None

    def file_of(self, name: str) -> str:
        return _display(self.base / self.resource(name)["path"], self.base)

    def _validated(self, name: str) -> tuple[list[dict], list[dict]]:
        """Rows as raw strings and as parsed values, after every single-table rule has passed."""
        if name in self._raw:
            return self._raw[name]
        res = self.resource(name)
        schema = res["schema"]
        path = self.base / res["path"]
        shown = _display(path, self.base)
        raw_rows = _read_rows(path, shown, schema)
        fields = schema["fields"]
        parsed_rows = []
        seen_unique: dict[str, dict[str, int]] = {}
        for n, row in enumerate(raw_rows, start=1):
            key = _key_of(row, schema)
            parsed = {}
            for field in fields:
                name_ = field["name"]
                raw = row[name_]
                if raw.strip() != raw:
                    raise DataError(shown, "whitespace", "leading or trailing spaces", row=n, key=key, field=name_)
                if raw == "":
                    if field.get("constraints", {}).get("required"):
                        raise DataError(shown, "required", "the field is empty", row=n, key=key, field=name_)
                    parsed[name_] = None
                    continue
                try:
                    value = _parse(raw, field)
                    _check_constraints(value, raw, field)
                except ValueError as err:
                    rule, msg = err.args if len(err.args) == 2 else ("type", str(err))
                    raise DataError(shown, rule, msg, row=n, key=key, field=name_) from None
                if field.get("constraints", {}).get("unique"):
                    first = seen_unique.setdefault(name_, {}).setdefault(raw, n)
                    if first != n:
                        raise DataError(shown, "unique", f"'{raw}' already used in row {first}", row=n, key=key,
                                        field=name_)
                parsed[name_] = value
            parsed_rows.append(parsed)
        pk = schema.get("primaryKey")
        if pk:
            seen: dict[str, int] = {}
            for n, row in enumerate(raw_rows, start=1):
                key = _key_of(row, schema)
                if key in seen:
                    raise DataError(shown, "primary key", f"duplicate id '{key}' (first in row {seen[key]})",
                                    row=n, key=key, field="/".join([pk] if isinstance(pk, str) else pk))
                seen[key] = n
        if "hash" in res:
            self._check_hash(res, path, shown)
        self._raw[name] = (raw_rows, parsed_rows)
        return self._raw[name]

    def _check_hash(self, res: dict, path: Path, shown: str) -> None:
        algo, _, expected = res["hash"].partition(":")
        actual = digest(path, algo)
        if actual != expected:
            raise DataError(shown, "hash", f"{algo} is {actual}, the data package records {expected}")

    def _check_references(self, name: str) -> None:
        res = self.resource(name)
        schema = res["schema"]
        raw_rows, _ = self._validated(name)
        shown = self.file_of(name)
        refs = []
        for fk in schema.get("foreignKeys", []):
            refs.append((fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"], None))
        for field in schema["fields"]:
            if "x-references" in field:
                r = field["x-references"]
                refs.append((field["name"], r["resource"], r["field"], field.get("delimiter", ";")))
        for local, target, target_field, delimiter in refs:
            local = local if isinstance(local, str) else local[0]
            target_field = target_field if isinstance(target_field, str) else target_field[0]
            target_rows = raw_rows if target in ("", name) else self._validated(target)[0]
            known = {r[target_field] for r in target_rows}
            for n, row in enumerate(raw_rows, start=1):
                value = row[local]
                if not value:
                    continue
                for item in ([v.strip() for v in value.split(delimiter)] if delimiter else [value]):
                    if item not in known:
                        raise DataError(shown, "foreign key",
                                        f"'{item}' is not an id in {self.file_of(target or name)}",
                                        row=n, key=_key_of(row, schema), field=local)

    # -- public --------------------------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A validated table as a typed DataFrame (strings, nullable integers/floats/booleans, dates)."""
        record_read(name)
        self._check_references(name)
        _, rows = self._validated(name)
        fields = self.resource(name)["schema"]["fields"]
        df = pd.DataFrame(rows, columns=[f["name"] for f in fields])
        for f in fields:
            col, ftype = f["name"], f.get("type", "string")
            if ftype == "integer":
                df[col] = df[col].astype("Int64")
            elif ftype == "number":
                df[col] = df[col].astype("Float64")
            elif ftype == "boolean":
                df[col] = df[col].astype("boolean")
            elif ftype == "date":
                df[col] = pd.to_datetime(df[col])
            else:
                df[col] = df[col].astype("string")
        return df

    def validate(self) -> dict[str, int]:
        """Validate every tabular resource and its references; return the row count of each."""
        counts = {}
        for name, res in self.resources.items():
            if "schema" in res:
                counts[name] = len(self.table(name))
            elif "hash" in res:
                path = self.base / res["path"]
                self._check_hash(res, path, _display(path, self.base))
        return counts

    def sources_of(self, name: str) -> list[str]:
        """Every source id cited by a table's rows (field ``source_id``), in first-seen order."""
        if "schema" not in self.resource(name):
            return []
        df = self.table(name)
        if "source_id" not in df:
            return []
        return list(dict.fromkeys(sid for value in df["source_id"].dropna() for sid in id_list(value)))


_PACKAGES: dict[tuple, tuple[config.Briefing, Package]] = {}


def package(path: Path | None = None, briefing: config.Briefing | None = None) -> Package:
    """The data package (of the current briefing, ``config.current()``, unless ``briefing`` is given), cached
    until any file under ``data/`` changes."""
    path = path or paths.datapackage()
    briefing = briefing_of(path, briefing)
    base = Path(path).parent
    stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in base.rglob("*") if p.is_file()))
    key = (str(path), stamp, id(briefing))  # a configuration is a value without a hash: cached by identity
    if key not in _PACKAGES:
        while len(_PACKAGES) >= 4:
            del _PACKAGES[next(iter(_PACKAGES))]
        _PACKAGES[key] = (briefing, Package(Path(path), briefing))  # holding the briefing keeps its id unique
    return _PACKAGES[key][1]


def load(name: str, path: Path | None = None) -> pd.DataFrame:
    """The one loader: a validated, typed table from the data package."""
    return package(path).table(name)


def load_geojson(name: str, path: Path | None = None) -> dict:
    """A GeoJSON file of the data package (a resource of format ``geojson``: the locator map's basemap), checked to
    be a FeatureCollection whose features all have a geometry; an error names the file and the rule."""
    import json

    pkg = package(path)
    res = pkg.resource(name)
    shown = pkg.file_of(name)
    if res.get("format") != "geojson":
        raise DataError(shown, "format", f"resource '{name}' is not GeoJSON (format {res.get('format')!r})")
    data = json.loads((pkg.base / res["path"]).read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise DataError(shown, "geojson", "not a FeatureCollection")
    for n, feature in enumerate(data.get("features", [])):
        if not isinstance(feature.get("geometry"), dict) or "coordinates" not in feature["geometry"]:
            raise DataError(shown, "geojson", f"feature {n} has no geometry")
    record_read(name)
    return data
