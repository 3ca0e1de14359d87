"""Errors the course's tools raise for problems a user can fix."""


class CourseError(Exception):
    """A problem the user can fix; its message says how. The CLI prints it without a traceback."""
