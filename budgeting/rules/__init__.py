"""The rules of participatory budgeting as pure functions.

No database, no Django models: plain values in, plain values out, so each
rule can be tested exhaustively and compared with ``pabutools``.
"""
