"""The built-in municipal checklists, one YAML file each (format: docs/checklist-format.md)."""
