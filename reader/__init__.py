"""The public pages: thin views over claims (people, topics, sources, evidence) and measures
(results and charts), behind one urlconf. Nothing imports this package back."""
