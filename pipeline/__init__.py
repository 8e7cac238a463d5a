"""Project reports pipeline: raw Czech, Slovak and English reports to validated records."""
