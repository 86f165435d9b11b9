"""The build: files -> extract (in worker processes) -> report graphs -> store -> derive per authority, incremental
(a report already stored is not read again; only the authorities whose reports changed are derived again).
"""
