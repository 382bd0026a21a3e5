"""The findings layer: what the coverage says, each finding traced to its line.

``actors`` (people, places, organisations), ``claims`` (numeric claims with unit, qualifier,
speaker), ``passages`` (shared wording across outlets), ``quotations`` (statements two outlets
share in other words) and ``framing`` (each outlet's share of the topics). ``words`` (tokens
with offsets, proclitic readings) serves the first three; ``names`` is how ``actors`` reads names.
"""
