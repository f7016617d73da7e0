"""Token prices for cost estimates: USD per million input / output tokens, per model id.

The built-in :data:`DEFAULT_PRICES` are **examples** for the report's arithmetic, not a price list:
providers change prices often. Pass your own table with ``--prices FILE`` (JSON or YAML)::

    {"my-model": {"input": 0.5, "output": 1.5}, "gpt-4o": {"input": 2.5, "output": 10}}

A model id matches an entry exactly or, failing that, by the longest entry that is a prefix of it
followed by a separator (``"gpt-4o-2024-08-06"`` uses ``"gpt-4o"``). Unknown models have no price;
summaries then list them as unpriced instead of guessing.

Example:
    >>> cost_usd("gpt-4o-mini-2024-07-18", 1_000_000, 0, DEFAULT_PRICES)
    0.15
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

EXAMPLE_NOTE = "example price, check your provider"
SEPARATORS = "-:@/._"
"""A prefix entry matches a longer id only at one of these (``gpt-4o`` matches ``gpt-4o-2024``)."""


class ModelPrice(BaseModel):
    """Price of one model in USD per million tokens."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0, description="USD per 1M input tokens.")
    output: float = Field(ge=0, description="USD per 1M output tokens.")
    note: str = ""


PriceTable = dict[str, ModelPrice]
"""Model id (or id prefix) -> price."""

DEFAULT_PRICES: PriceTable = {
    name: ModelPrice(input=i, output=o, note=EXAMPLE_NOTE)
    for name, (i, o) in {
        "gpt-4o": (2.50, 10.00),
        "gpt-4o-mini": (0.15, 0.60),
        "gpt-4.1": (2.00, 8.00),
        "gpt-4.1-mini": (0.40, 1.60),
        "claude-3-5-sonnet": (3.00, 15.00),
        "claude-3-5-haiku": (0.80, 4.00),
        "claude-sonnet-4": (3.00, 15.00),
        "scripted": (0.0, 0.0),
        "replay": (0.0, 0.0),
        "oracle": (0.0, 0.0),
    }.items()
}
"""Example prices (USD / 1M tokens) labelled as such; override with :func:`load_prices`."""


class PriceFileError(ValueError):
    """A price file cannot be read or has the wrong shape."""


def parse_prices(data: Any, source: str = "<prices>") -> PriceTable:
    """Validate a price mapping (optionally wrapped in ``{"prices": {...}}``).

    Raises:
        PriceFileError: If the data is not ``{model: {input, output}}``.
    """
    if isinstance(data, Mapping) and set(data) == {"prices"}:
        data = data["prices"]
    if not isinstance(data, Mapping):
        raise PriceFileError(f"{source}: expected a mapping of model id -> {{input, output}}")
    table: PriceTable = {}
    for name, entry in data.items():
        try:
            table[str(name)] = ModelPrice.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise PriceFileError(f"{source}: model {name!r}: {where}: {first['msg']}") from None
    return table


def load_prices(path: str | Path, *, base: Mapping[str, ModelPrice] | None = None) -> PriceTable:
    """Read a JSON or YAML price file; its entries override ``base`` (default: no base).

    Raises:
        PriceFileError: If the file is missing, unparsable or malformed (names the file).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceFileError(f"cannot read price file {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PriceFileError(f"price file {path} is not valid JSON/YAML: {exc}") from None
    table = dict(base or {})
    table.update(parse_prices(data, str(path)))
    return table


def price_for(model: str | None, table: Mapping[str, ModelPrice]) -> ModelPrice | None:
    """The entry for ``model``: exact id, else the longest prefix entry, else None.

    A prefix counts only when the id continues with a separator (``-:@/._``), so ``"m"`` does not
    price ``"mystery"``.
    """
    if not model:
        return None
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name) and model[len(name)] in SEPARATORS]
    return table[max(prefixes, key=len)] if prefixes else None


def cost_usd(
    model: str | None, tokens_in: int, tokens_out: int, table: Mapping[str, ModelPrice]
) -> float | None:
    """Estimated USD for the given tokens, or None if the model has no price (0 tokens cost 0)."""
    if tokens_in == 0 and tokens_out == 0:
        return 0.0
    price = price_for(model, table)
    if price is None:
        return None
    return (tokens_in * price.input + tokens_out * price.output) / 1_000_000


def table_to_data(table: Mapping[str, ModelPrice]) -> dict[str, dict[str, Any]]:
    """A price table as plain JSON data (for the manifest and summary)."""
    return {name: price.model_dump() for name, price in table.items()}
