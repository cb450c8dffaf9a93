"""Pure domain rules: value types, validation, enums. Imports nothing else of ours."""
