"""The static HTML site (``ofsted-kg report``): page models built from the tables, rendered by jinja2 templates.
"""
