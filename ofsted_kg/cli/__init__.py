"""The ofsted-kg command line: one module per verb, each one click command."""
