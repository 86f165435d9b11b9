"""Validate at scale: the bundled SHACL shapes compiled to SPARQL, run inside the store.

pyshacl walks the graph from Python and needs minutes for a million triples;
the same constraints written as SPARQL run inside Oxigraph (or a server) in
seconds.  This compiler covers exactly the SHACL features our shapes use —
targets by class or object-of, min/max count, class, datatype, in, pattern,
min length, min/max inclusive, lessThanOrEquals, qualified value shapes with
a class, ``sh:or`` of datatypes or of required properties, and SHACL-SPARQL
constraints — and refuses any other, so a new shape can never be skipped
silently.  pyshacl stays the reference: tests check both give the same
results on every conforming and violating fixture.  (Unlike pyshacl it does
not flag ill-formed lexical forms under sh:datatype, nor follow
rdfs:subClassOf triples in the data, which our graphs never hold.)
"""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ofsted_kg.stores import MemoryStore, Store
from ofsted_kg.validate.violations import SH, Violation, load_shapes, short

SUPPORTED_PROPERTY = {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["in"], SH.pattern, SH.flags,
                      SH.minLength, SH.minInclusive, SH.maxInclusive, SH.lessThanOrEquals, SH["or"], SH.message,
                      SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, RDF.type}
SUPPORTED_NODE = {SH.targetClass, SH.targetObjectsOf, SH.property, SH["class"], SH["or"], SH.sparql, RDF.type}
# Class membership is rdf:type itself.  SHACL would also follow rdfs:subClassOf triples in the data graph, but
# ours never carries the ontology, and Virtuoso 7.2 answers rdf:type/rdfs:subClassOf* wrongly (every node
# failed every class check there), so the plain form is both exact here and portable.
TYPE_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class UnsupportedShape(ValueError):
    """A SHACL feature this compiler does not translate (use the pyshacl engine)."""


def n3(node: Node) -> str:
    return node.n3()


def compile_shapes(shapes: Graph | None = None) -> list[tuple[str, str, str, str]]:
    """(node shape, path, message, SELECT ?this [?value] ...) for every constraint of every node shape."""
    shapes = shapes if shapes is not None else load_shapes()
    out = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        _check(shapes, shape, SUPPORTED_NODE)
        target = _target(shapes, shape)
        if target is None:
            continue
        name = short(shape)
        out += [(name, "", msg, q) for msg, q in _node_constraints(shapes, shape, target)]
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            _check(shapes, prop, SUPPORTED_PROPERTY)
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef):
                raise UnsupportedShape(f"{name}: only simple predicate paths are compiled")
            custom = shapes.value(prop, SH.message)
            for msg, query in _property_constraints(shapes, prop, target, path):
                out.append((name, short(path), str(custom) if custom else msg, query))
    return out


def _check(shapes: Graph, node: Node, allowed: set) -> None:
    extra = {p for p in shapes.predicates(node, None)} - allowed
    if extra:
        raise UnsupportedShape(f"{short(node)}: SHACL features not compiled: {sorted(short(p) for p in extra)}")


def _target(shapes: Graph, shape: Node) -> str | None:
    parts = [f"?this {TYPE_OF} {n3(c)} ." for c in shapes.objects(shape, SH.targetClass)]
    parts += [f"?s {n3(p)} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    if len(parts) > 1:
        raise UnsupportedShape(f"{short(shape)}: one target per shape is compiled")
    return parts[0] if parts else None


def _node_constraints(shapes: Graph, shape: Node, target: str) -> Iterator[tuple[str, str]]:
    for cls in shapes.objects(shape, SH["class"]):
        yield (f"not an instance of {short(cls)}",
               f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {TYPE_OF} {n3(cls)} }} }}")
    for alternatives in shapes.objects(shape, SH["or"]):
        tests = []
        for alt in Collection(shapes, alternatives):
            path, low = shapes.value(alt, SH.path), shapes.value(alt, SH.minCount)
            if path is None or low is None or int(low) != 1 or set(shapes.predicates(alt)) - {SH.path, SH.minCount}:
                raise UnsupportedShape(f"{short(shape)}: sh:or of anything but required properties")
            tests.append(f"EXISTS {{ ?this {n3(path)} ?v }}")
        yield ("none of the alternatives of sh:or holds",
               f"SELECT DISTINCT ?this WHERE {{ {target} FILTER(!({' || '.join(tests)})) }}")
    for constraint in shapes.objects(shape, SH.sparql):
        select = str(shapes.value(constraint, SH.select)).replace("$this", "?this")
        message = str(shapes.value(constraint, SH.message) or "SPARQL constraint not met")
        yield (message.split("{")[0].strip() or message, _prefixes(shapes, constraint) + _inject_target(select, target))


def _inject_target(select: str, target: str) -> str:
    head, _, body = select.partition("{")
    return f"{head}{{ {target} {body}"


def _prefixes(shapes: Graph, constraint: Node) -> str:
    out = []
    for owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(owner, SH.declare):
            out.append(f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>\n")
    return "".join(sorted(out))


def _property_constraints(shapes: Graph, prop: Node, target: str, path: URIRef) -> Iterator[tuple[str, str]]:
    p = n3(path)
    value = f"{target} ?this {p} ?value ."
    low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if low is not None:
        yield (f"fewer than {low} values", f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?value }} }} "
                                           f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(low)})")
    if high is not None:
        yield (f"more than {high} values", f"SELECT ?this WHERE {{ {value} }} GROUP BY ?this "
                                           f"HAVING (COUNT(DISTINCT ?value) > {int(high)})")
    checks = list(_value_filters(shapes, prop))
    for message, condition in checks:
        yield message, f"SELECT DISTINCT ?this ?value WHERE {{ {value} {condition} }}"
    qualified = shapes.value(prop, SH.qualifiedValueShape)
    if qualified is not None:
        cls = shapes.value(qualified, SH["class"])
        if cls is None or set(shapes.predicates(qualified)) - {SH["class"]}:
            raise UnsupportedShape("qualified value shapes other than a single sh:class")
        q_low, q_high = shapes.value(prop, SH.qualifiedMinCount), shapes.value(prop, SH.qualifiedMaxCount)
        having = " || ".join(x for x in (f"COUNT(DISTINCT ?value) < {int(q_low)}" if q_low is not None else "",
                                        f"COUNT(DISTINCT ?value) > {int(q_high)}" if q_high is not None else "") if x)
        yield (f"wrong number of values of class {short(cls)}",
               f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?value . ?value {TYPE_OF} {n3(cls)} }} }} "
               f"GROUP BY ?this HAVING ({having})")


def _value_filters(shapes: Graph, prop: Node) -> Iterator[tuple[str, str]]:
    """(message, graph pattern that holds for a bad ?value) for each value-level constraint."""
    for cls in shapes.objects(prop, SH["class"]):
        yield f"value is not an instance of {short(cls)}", f"FILTER NOT EXISTS {{ ?value {TYPE_OF} {n3(cls)} }}"
    for dt in shapes.objects(prop, SH.datatype):
        yield (f"value is not a literal of datatype {short(dt)}",
               f"FILTER(!isLiteral(?value) || DATATYPE(?value) != {n3(dt)})")
    for options in shapes.objects(prop, SH["or"]):
        types = [shapes.value(alt, SH.datatype) for alt in Collection(shapes, options)]
        if None in types:
            raise UnsupportedShape("property sh:or of anything but datatypes")
        yield (f"value is not of datatype {' or '.join(short(t) for t in types)}",
               f"FILTER(!isLiteral(?value) || DATATYPE(?value) NOT IN ({', '.join(n3(t) for t in types)}))")
    for members in shapes.objects(prop, SH["in"]):
        allowed = ", ".join(n3(m) for m in Collection(shapes, members))
        yield "value is not among the allowed values", f"FILTER(?value NOT IN ({allowed}))"
    for pattern in shapes.objects(prop, SH.pattern):
        flags = shapes.value(prop, SH.flags)
        arg = f", {n3(Literal(str(flags)))}" if flags else ""
        yield (f"value does not match {pattern}",
               f"FILTER(isBlank(?value) || !REGEX(STR(?value), {n3(Literal(str(pattern)))}{arg}))")
    for length in shapes.objects(prop, SH.minLength):
        yield f"value is shorter than {length}", f"FILTER(isBlank(?value) || STRLEN(STR(?value)) < {int(length)})"
    for bound, op, word in ((SH.minInclusive, "<", "less"), (SH.maxInclusive, ">", "greater")):
        for limit in shapes.objects(prop, bound):
            yield (f"value is {word} than {limit}",
                   f"FILTER(!isLiteral(?value) || !COALESCE(!(?value {op} {n3(limit)}), false))")
    for other in shapes.objects(prop, SH.lessThanOrEquals):
        yield (f"value is not less than or equal to the value of {short(other)}",
               f"?this {n3(other)} ?other . FILTER(!COALESCE(?value <= ?other, false))")


def validate_sparql(store: Store, shapes: Graph | None = None, jobs: int = 1) -> list[Violation]:
    """Every compiled constraint run as SPARQL over ``store``, ``jobs`` at a time.

    Threads suffice: Oxigraph evaluates queries without holding Python's lock."""
    def run(item: tuple[str, str, str, str]) -> set[Violation]:
        shape, path, message, query = item
        return {Violation(str(row["this"]), path, shape, message, "Violation") for row in store.select(query)[1]}

    if isinstance(store, MemoryStore):
        jobs = 1  # rdflib's SPARQL parser (pyparsing) is not safe to use from several threads
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        found = set().union(*pool.map(run, compile_shapes(shapes)))
    return sorted(found, key=lambda v: (v.focus, v.path, v.shape, v.message))



