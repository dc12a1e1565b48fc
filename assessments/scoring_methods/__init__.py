"""The scoring methods a questionnaire version can choose from; `scoring.assess` runs its own."""
