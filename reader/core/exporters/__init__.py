"""Ways to take articles and highlights out of Readmark: Markdown, Web Annotation JSON-LD."""
