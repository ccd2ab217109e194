"""The pure core: corpus, index, answers and summaries. Nothing below here imports telegram."""
