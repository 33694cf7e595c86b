"""Pieces shared by the lessons. Components never import lessons."""
