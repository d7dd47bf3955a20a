"""callqa: offline post-loan call quality checks.

Data flows one way: audio -> transcript -> conversation (speakers, roles) ->
analysis (findings, script answers, risk signals, PII spans) -> store.
Each stage lives in a module named for what it does.
"""

__version__ = "0.1.0"
