"""People's reviews of the machine's statuses: the review records (a Turtle file the user keeps), applying them
over the machine's follow-through, making them (set, accept), the review worksheet, and scoring the machine
against them.
"""
