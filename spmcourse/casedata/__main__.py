"""``python -m spmcourse.casedata [--out-dir DIR]`` regenerates the case-study CSV files."""
from spmcourse.casedata import main

if __name__ == "__main__":  # the package's doctest walk imports this module: it must not regenerate then
    raise SystemExit(main())
