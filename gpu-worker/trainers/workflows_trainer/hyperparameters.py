"""Declared hyperparameters: each has a default and a parser, so a typo or a wrong type fails before training starts.

Values arrive as the platform passes them (JSON from the pipeline's YAML); a parser returns the value the trainer uses
or raises ValueError saying what it expected. Errors name the key and list the accepted ones.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import BadSpec
from .events import as_json

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Hyperparameter:
    """One accepted key: its default and how a given value is checked."""

    name: str
    default: Any
    expected: str
    parse: Parser


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def integer(minimum: int) -> Parser:
    """Whole numbers; 60.0 counts as 60 because some JSON writers print every number with a fraction."""

    def parse(value: Any) -> int:
        if not _is_number(value) or float(value) != int(value) or int(value) < minimum:
            raise ValueError
        return int(value)

    return parse


def odd_integer(minimum: int) -> Parser:
    """Odd sizes only: an odd kernel pads symmetrically, so the image keeps its size and its centre."""
    whole = integer(minimum)

    def parse(value: Any) -> int:
        number = whole(value)
        if number % 2 == 0:
            raise ValueError
        return number

    return parse


def number(minimum: float, maximum: float | None = None, exclusive_minimum: bool = False, exclusive_maximum: bool = False) -> Parser:
    """Real numbers within bounds."""

    def parse(value: Any) -> float:
        if not _is_number(value):
            raise ValueError
        result = float(value)
        too_low = result <= minimum if exclusive_minimum else result < minimum
        too_high = maximum is not None and (result >= maximum if exclusive_maximum else result > maximum)
        if too_low or too_high or result != result:
            raise ValueError
        return result

    return parse


def optional(parse_value: Parser) -> Parser:
    """null means "not set", for options whose absence selects another behaviour."""
    return lambda value: None if value is None else parse_value(value)


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError
    return value


def choice(*options: str) -> Parser:
    """Case-insensitive names, stored lower-case."""

    def parse(value: Any) -> str:
        if not isinstance(value, str) or value.lower() not in options:
            raise ValueError
        return value.lower()

    return parse


def integer_list(minimum_length: int, minimum: int) -> Parser:
    """Layer sizes and channel counts."""
    item = integer(minimum)

    def parse(value: Any) -> list[int]:
        if not isinstance(value, list) or len(value) < minimum_length:
            raise ValueError
        return [item(element) for element in value]

    return parse


def class_weights(value: Any) -> str | list[float] | None:
    """null (all 1), "balanced" (inverse class frequency in the train part) or one positive weight per class."""
    if value is None:
        return None
    if isinstance(value, str) and value.lower() == "balanced":
        return "balanced"
    if isinstance(value, list) and value:
        return [number(0.0, exclusive_minimum=True)(weight) for weight in value]
    raise ValueError


def resolve(declared: Sequence[Hyperparameter], given: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared key with the given value or its default; unknown keys and bad values are bad specs."""
    by_name = {parameter.name: parameter for parameter in declared}
    accepted = ", ".join(sorted(by_name))
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise BadSpec(f"unknown hyperparameter {', '.join(repr(name) for name in unknown)}; accepted: {accepted}")
    effective: dict[str, Any] = {}
    for parameter in declared:
        value = given.get(parameter.name, parameter.default)
        try:
            effective[parameter.name] = parameter.parse(value)
        except (ValueError, TypeError, OverflowError):
            raise BadSpec(f"hyperparameter '{parameter.name}' is {as_json(value)} but must be {parameter.expected}") from None
    return effective


# Settings every trainer shares: how it optimizes, how long, when it stops, how it weighs classes.
COMMON: tuple[Hyperparameter, ...] = (
    Hyperparameter("learningRate", 0.001, "a number > 0", number(0.0, exclusive_minimum=True)),
    Hyperparameter("batchSize", 32, "an integer >= 1", integer(1)),
    Hyperparameter("epochs", 50, "an integer >= 1", integer(1)),
    Hyperparameter("optimizer", "adam", '"adam", "adamw" or "sgd"', choice("adam", "adamw", "sgd")),
    Hyperparameter("momentum", 0.9, "a number in [0, 1) (used by sgd)", number(0.0, 1.0, exclusive_maximum=True)),
    Hyperparameter("weightDecay", 0.0, "a number >= 0", number(0.0)),
    Hyperparameter("dropout", 0.0, "a number in [0, 1)", number(0.0, 1.0, exclusive_maximum=True)),
    Hyperparameter("earlyStoppingPatience", 10, "an integer >= 0 (0 turns early stopping off)", integer(0)),
    Hyperparameter("classWeights", None, 'null, "balanced" or a list of numbers > 0, one per class', class_weights),
)
