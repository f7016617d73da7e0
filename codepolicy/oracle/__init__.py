"""The oracle planner: each task family's reference program, bound to an episode's variables."""

from codepolicy.oracle.planner import OracleError, oracle_problem, oracle_program, oracle_source

__all__ = ["OracleError", "oracle_problem", "oracle_program", "oracle_source"]
