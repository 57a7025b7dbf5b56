"""`python -m imrparse` runs the imrparse command."""

from .cli import main

main()
