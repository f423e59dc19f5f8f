"""The record: reviews, agencies, themes, recommendations, progress updates and sign-off, with their history."""
