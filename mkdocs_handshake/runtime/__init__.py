"""Process plumbing every stage may use: progress reports for long parses,
the second process that parses and renders ahead, and the garbage-collector
setting for a parse.

May import: nothing else of the package (only the standard library).
Must not import: any other folder; everything else sits above it.
"""
