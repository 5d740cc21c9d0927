"""Performance benchmark of the Protocol Registry: `python -m bench --help`.

Seeds a throw-away database with realistic volume, measures the public pages, the
exports, the payload encryption, the audit log and retention, and prints one table.
Not part of the test suite.
"""
