"""One error type for everything cqkg reports to a user.

A ``CqkgError`` carries a one-line message, the HTTP status the web layer answers
with, and the exit code the CLI ends with (0 conforms, 1 violations, 2 error).
"""


class CqkgError(Exception):
    """A failure reported to a user as one line, never as a traceback."""

    http_status = 500
    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputSyntaxError(CqkgError):
    """An input file (Turtle, TriG, SPARQL) is malformed; the message has file:line:column."""

    http_status = 400


class InputMissingError(CqkgError):
    """A file or folder the build or a command needs does not exist."""

    http_status = 404


class ValidationFailed(CqkgError):
    """The data does not conform to the SHACL shapes."""

    http_status = 500
    exit_code = 1


class QueryError(CqkgError):
    """A SPARQL query is malformed or not allowed."""

    http_status = 400


class NotBuiltError(CqkgError):
    """The dataset has not been built yet."""

    http_status = 503


class NotAcceptableError(CqkgError):
    """The client accepts no media type in which this result can be written."""

    http_status = 406


class ForbiddenQueryError(CqkgError):
    """The request asks for something a read-only public endpoint does not do (update, SERVICE)."""

    http_status = 403


class QueryTimeoutError(CqkgError):
    """The query ran past the time limit and was stopped."""

    http_status = 503


class EngineFailure(CqkgError):
    """The query engine failed (not the client's fault); logged and answered with 500."""

    http_status = 500


class MemoryLimitError(CqkgError):
    """The query needed more memory than a query may use, and was stopped."""

    http_status = 503


class ServiceCallFailed(CqkgError):
    """A SERVICE endpoint on the allow-list failed; what it answered is not passed on."""

    http_status = 502


class ClientGone(CqkgError):
    """The client closed its connection while its query ran; the query was stopped."""

    http_status = 503
