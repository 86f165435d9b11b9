"""ofsted-kg: Ofsted children's services reports into an RDF knowledge graph of recommendations and their follow-through."""
__version__ = "0.1.0"
