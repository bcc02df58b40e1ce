"""Rider drafting: parameters, plain-language requests, the clause library, assembly and export."""
