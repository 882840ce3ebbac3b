"""Word templates of the review documents (docxtpl) and the script that builds them: build_templates.py."""
