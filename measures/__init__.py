"""What holds a claim against the data: metric functions over ingested data, stored measure
results, series views and charts, then-vs-now. Uses claims and ingest; nothing imports it back
except editorial."""
