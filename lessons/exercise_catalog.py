"""Every lesson's exercises, in the chapter's order: for the home page's progress and the tests."""

from components.exercise import Exercise
from lessons.autograd.exercises import EXERCISES as AUTOGRAD
from lessons.boucle_entrainement.exercises import EXERCISES as TRAINING_LOOP
from lessons.fonction_de_cout.exercises import EXERCISES as LOSS
from lessons.optimiseur.exercises import EXERCISES as OPTIMIZER
from lessons.tenseurs.exercises import EXERCISES as TENSORS

ALL_EXERCISES: tuple[Exercise, ...] = (*TENSORS, *AUTOGRAD, *LOSS, *OPTIMIZER, *TRAINING_LOOP)
