"""Credit grading (信用分级分类) of organisations: evaluation models as data, the evaluation
written once as Ibis expressions (run on the configured database or on Apache Spark), results
kept with their model version and each indicator's contribution, and the queue of subjects to
re-evaluate because something behind their grade changed (a repair, a listing, a new penalty).
No grade of natural persons, by design."""

from xinyong.grading.model import (
    DEFAULT_MODEL,
    EvaluationModel,
    default_models,
    load_model_file,
    load_models,
    model_by_key,
    model_for,
)
from xinyong.grading.service import compiled_sql, consume_queue, run, spark_session
from xinyong.grading.tables import GradeReevaluation, GradeResult, GradeRun, request_reevaluation

__all__ = ["DEFAULT_MODEL", "EvaluationModel", "GradeReevaluation", "GradeResult", "GradeRun",
           "compiled_sql", "consume_queue", "default_models", "load_model_file", "load_models",
           "model_by_key", "model_for", "request_reevaluation", "run", "spark_session"]
