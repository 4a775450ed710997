"""The catalog (公共信用信息目录): every record type the platform accepts, declared as data."""

from xinyong.catalog.loader import Catalog, default_catalog, load_catalog
from xinyong.catalog.model import DepartmentClass, FieldSpec, LegalBasis, RecordType

__all__ = ["Catalog", "DepartmentClass", "FieldSpec", "LegalBasis", "RecordType",
           "default_catalog", "load_catalog"]
