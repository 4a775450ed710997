"""Departments (部门): the organisations staff accounts belong to, each with a code (its USCC),
a name, a class from the catalog's list of department classes and a region. Managed on their
own (`xinyong departments`, /api/v1/departments); creating an account names an existing
department and never changes it. Every change is audited."""

from xinyong.departments.rules import region_of, validate_region
from xinyong.departments.service import (
    DepartmentChange,
    NewDepartment,
    add_department,
    find_department,
    get_department,
    list_departments,
    update_department,
)
from xinyong.departments.tables import Department

__all__ = ["Department", "DepartmentChange", "NewDepartment", "add_department",
           "find_department", "get_department", "list_departments", "region_of",
           "update_department", "validate_region"]
