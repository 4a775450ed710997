"""双随机、一公开 (random inspection sampling): the inspection matters (检查事项清单) as data,
the population (检查对象名录库) with its grades read through `xinyong.grading.reads`, the
department's inspectors (执法检查人员名录库) and their declared conflicts (回避), draws by grade
with a recorded seed, results recorded and published as records of the catalog type
`inspection_result` (抽查结果公示), and the share of draws that used grades (the 80 %
indicator). Owns the tables inspection_draw, inspection_task and inspection_avoidance."""

from xinyong.inspections.avoidance import (
    Declaration,
    declare,
    declared_at,
    list_declarations,
    withdraw,
)
from xinyong.inspections.draws import (
    Candidate,
    Inspector,
    Sample,
    draw,
    get_draw,
    grade_share,
    inspectors,
    list_draws,
    population,
    sample,
)
from xinyong.inspections.model import (
    MAX_SEED,
    RESULT_TYPE,
    Matter,
    matter,
    matters,
    result_rules,
    results,
    sampling,
)
from xinyong.inspections.publishing import (
    PublishedResult,
    published_results,
    record_result,
    result_row,
)
from xinyong.inspections.tables import InspectionAvoidance, InspectionDraw, InspectionTask

__all__ = ["MAX_SEED", "RESULT_TYPE", "Candidate", "Declaration", "InspectionAvoidance",
           "InspectionDraw", "InspectionTask", "Inspector", "Matter", "PublishedResult",
           "Sample", "declare", "declared_at", "draw", "get_draw", "grade_share",
           "inspectors", "list_declarations", "list_draws", "matter", "matters", "population",
           "published_results", "record_result", "result_row", "result_rules", "results",
           "sample", "sampling", "withdraw"]
