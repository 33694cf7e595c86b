"""Lesson page `fonction_de_cout`: its objective and introduction; the interactive part comes with its own issue."""

from components.lesson_intro import lesson_in_preparation, lesson_intro

lesson_intro("fonction_de_cout")
lesson_in_preparation()
