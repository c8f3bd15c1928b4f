from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Why something is refused: a stable code clients rely on, and a
    message for the person refused. Rule functions return one (or None);
    nothing derives a code from the message."""

    code: str
    message: str
