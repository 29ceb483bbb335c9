"""Evaluation against gold: attribution spans (PolNeAR) and (document, actor, issue, stance) positions."""
