"""Reading budget disclosures (PDF or text form) into a typed model and writing the stores."""
