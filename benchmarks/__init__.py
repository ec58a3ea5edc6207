"""Measurement of the digest (quality on public data, build cost, search cost); not packaged."""
