"""Positions: per actor, issue and period, with uncertainty; shifts, roll-ups, disagreements, and actor networks."""
