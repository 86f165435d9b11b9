"""Link and follow through: which earlier visits a report names, whether each recommendation was
addressed at each later visit (evidence, status, confidence), and which recommendations repeat earlier ones.

Every weight and threshold is in the fitted parameter file (:mod:`ofsted_kg.derive.parameters`).
"""
