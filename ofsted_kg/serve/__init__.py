"""A read-only SPARQL endpoint and the site, served over HTTP (``ofsted-kg serve``).
"""
