"""Errors a use case reports to the user: a template code plus the values the text needs."""


class ServiceError(Exception):
    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


class AccessDenied(ServiceError):
    """The actor's role or branch does not allow this; refused, logged, nothing changed."""


class NotFound(ServiceError):
    pass
