"""View: tidy tables from the graph, CSV and workbook exports, the data-to-insight summary, the
recommendation network, pictures, survival estimates, comparisons of two graphs, and explanations.
"""
