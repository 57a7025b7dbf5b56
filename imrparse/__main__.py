"""`python -m imrparse` runs the imrparse command."""

from .entry import main

main()
