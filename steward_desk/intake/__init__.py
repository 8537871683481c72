"""Importers: ACC server result files, incident-report form exports and footage links.

Each parser takes bytes (or text) plus the name of where they came from and returns plain
frozen dataclasses, or raises a typed error from `intake.errors` naming the file, the key or
line, and what was expected. Storing what they return is the storage layer's job.
"""
