"""Weekly runs: a state folder that keeps the records received so far, the frozen match
model, analysts' judgements, every id issued and what each recipient was sent, so that
each run recognises what it reported before and says what changed (docs/weekly.md)."""
