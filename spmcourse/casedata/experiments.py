"""Seeded generators for the experiment datasets (module 03, product analysis).

``swap_experiment``: an A/B test of "swap suggestions" in the Kestrel Shifts mobile app, November 2025. Employees
of Growth and Scale customers were assigned at random to the current app (``control``) or to a version that
suggests colleagues who could take a shift (``treatment``). The primary metric is whether the employee requested
a shift swap within 14 days; the guardrail is whether they turned push notifications off within 14 days.

The data is built so that the lesson's findings hold (``tests/content/test_analytics.py`` asserts them):

- within every segment the treatment raises the swap-request rate, but pooled over segments it looks *lower*
  (Simpson's paradox), because most Enterprise users, who swap far more often, were kept in control: the
  feature flag was on for only a fifth of the Enterprise tenants (:data:`ENTERPRISE_TREATMENT_SHARE`);
- the guardrail rises in the treatment by about the same amount in every segment, so pooling does not hide it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-11-03")
DAYS = 28                                   # 3 to 30 November 2025
#: Users entering the experiment per segment.
USERS = {"SMB": 3_600, "Mid-Market": 4_200, "Enterprise": 6_200}
#: Planned share of treatment: 50 % everywhere.  Actual share for Enterprise, whose admins had to enable betas.
PLANNED_TREATMENT_SHARE = 0.5
ENTERPRISE_TREATMENT_SHARE = 0.2
#: True swap-request rates within 14 days: (control, treatment).
SWAP_RATE = {"SMB": (0.070, 0.085), "Mid-Market": (0.140, 0.160), "Enterprise": (0.300, 0.325)}
#: True rates of turning push notifications off within 14 days: (control, treatment).
NOTIFICATIONS_OFF_RATE = {"SMB": (0.030, 0.042), "Mid-Market": (0.028, 0.040), "Enterprise": (0.026, 0.038)}


def swap_experiment(seed: int) -> pd.DataFrame:
    """One row per employee who entered the swap-suggestion experiment, in order of assignment.

    ``seed`` is the dataset's fixed seed, ``casedata._SEEDS["swap_experiment"]``.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for segment, users in USERS.items():
        share = ENTERPRISE_TREATMENT_SHARE if segment == "Enterprise" else PLANNED_TREATMENT_SHARE
        treated = rng.random(users) < share
        day = rng.integers(0, DAYS, users)
        second = rng.integers(0, 86_400, users)
        control_rate, treatment_rate = SWAP_RATE[segment]
        swap = rng.random(users) < np.where(treated, treatment_rate, control_rate)
        off_control, off_treatment = NOTIFICATIONS_OFF_RATE[segment]
        off = rng.random(users) < np.where(treated, off_treatment, off_control)
        parts.append(pd.DataFrame({"moment": day * 86_400 + second, "segment": segment,
                                   "variant": np.where(treated, "treatment", "control"),
                                   "requested_swap": swap, "notifications_off": off}))
    frame = pd.concat(parts, ignore_index=True).sort_values("moment", kind="stable").reset_index(drop=True)
    assigned = START + pd.to_timedelta(frame.pop("moment") // 86_400, unit="D")
    frame.insert(0, "assigned_date", assigned.dt.strftime("%Y-%m-%d"))
    frame.insert(0, "user_id", [f"X{i:05d}" for i in range(1, len(frame) + 1)])
    return frame
