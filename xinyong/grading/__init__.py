"""Credit grading (信用分级分类) of organisations. This first part is the queue of subjects
whose grade must be re-evaluated because something behind it changed (a repair, a broken
commitment); the grading rules themselves come with their own issue. No grading of natural
persons' behaviour is built, by design."""

from xinyong.grading.tables import GradeReevaluation, request_reevaluation

__all__ = ["GradeReevaluation", "request_reevaluation"]
