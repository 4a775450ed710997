"""Monitoring (信用监测): indicators as data computed per period and kept, the departments'
and counties' scorecard (考核) with the records behind a shortfall. See decision 0018."""

from xinyong.monitoring.drill import DrillTable, as_text, drill
from xinyong.monitoring.export import scorecard_xlsx
from xinyong.monitoring.model import (
    DIMENSION_LABELS,
    Indicator,
    format_value,
    load_indicators,
)
from xinyong.monitoring.period import Period
from xinyong.monitoring.service import (
    SCOPES,
    ComputeResult,
    Figure,
    Scorecard,
    compute,
    department_names,
    figures,
    indicator,
    scorecard,
    stored_periods,
    trend,
)
from xinyong.monitoring.tables import IndicatorValue, MonitoringWarning

__all__ = ["DIMENSION_LABELS", "SCOPES", "ComputeResult", "DrillTable", "Figure", "Indicator",
           "IndicatorValue", "MonitoringWarning", "Period", "Scorecard", "as_text", "compute",
           "department_names", "drill", "figures", "format_value", "indicator",
           "load_indicators", "scorecard", "scorecard_xlsx", "stored_periods", "trend"]
