"""The one exception type for the user's mistakes."""


class McugenError(Exception):
    """A problem with the user's model, flags or board: one line, shown as is, exit code 2."""
