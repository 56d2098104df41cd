"""Word: every answer's text and citations (compose), a several-part answer joined (joined), and every
refusal from its data file (refusals)."""
