"""The one exception type for the user's mistakes."""


class McugenError(Exception):
    """A problem with the user's model, flags or board: one line, shown as is, exit code 2.

    detail: more lines printed after it (a compiler's own messages), rarely needed."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail
