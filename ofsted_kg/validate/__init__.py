"""Validate: the SHACL shapes over a graph or a store, by pyshacl or by the shapes compiled to SPARQL.
"""
