"""Collection (归集): file uploads and API pushes validated against the catalog."""

from xinyong.ingest.errorfile import ErrorFile
from xinyong.ingest.quality import ProviderQuality, provider_quality
from xinyong.ingest.readers import json_rows, open_rows
from xinyong.ingest.service import BatchInput, BatchSummary, ingest
from xinyong.ingest.tables import Batch, Provider, Record, RecordVersion
from xinyong.ingest.template import write_template

__all__ = ["Batch", "BatchInput", "BatchSummary", "ErrorFile", "Provider", "ProviderQuality",
           "Record", "RecordVersion", "ingest", "json_rows", "open_rows", "provider_quality",
           "write_template"]
