"""Lesson page `boucle_entrainement`: its objective and introduction; the interactive part comes with its own issue."""

from components.lesson_intro import lesson_in_preparation, lesson_intro

lesson_intro("boucle_entrainement")
lesson_in_preparation()
