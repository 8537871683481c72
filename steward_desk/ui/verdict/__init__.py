"""The verdict form: checklist, ruling, precedents and conflict of interest, beside the footage."""
