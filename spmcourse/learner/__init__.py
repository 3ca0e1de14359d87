"""The self-study learner's path: ``workspace`` (their own copies of assignments, state that survives damage),
``selfgrade`` (grade one's own work with the course's grader, attempt history), ``progress`` (the progress page).
"""
