"""Measure the follow-through against hand-made gold: the gold's tables and scoring rules, the
leave-one-authority-out fit of the parameters, and the figures ``ofsted-kg evaluate`` prints.
"""
