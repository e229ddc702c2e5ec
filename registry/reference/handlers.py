"""Change requests for reference data: file plan codes, places, categories and unit types,
each a dated record (``registry.reference.dated.dated_handler``)."""

from __future__ import annotations

from registry.reference import code_tables, dated, file_plan, places
from schemas.reference import (
    CategoryInputSchema,
    CategoryUpdateSchema,
    FilePlanCodeInputSchema,
    FilePlanCodeUpdateSchema,
    PlaceInputSchema,
    PlaceUpdateSchema,
    UnitTypeInputSchema,
    UnitTypeUpdateSchema,
)

FILE_PLAN_CODE = dated.dated_handler(
    file_plan.KIND,
    schemas=(FilePlanCodeInputSchema, FilePlanCodeUpdateSchema),
    key_for=file_plan.key_for,
    values=file_plan.values,
    scopes=file_plan.scopes,
    checks=(file_plan.check_code,),
)
PLACE = dated.dated_handler(
    places.KIND,
    schemas=(PlaceInputSchema, PlaceUpdateSchema),
    key_for=places.key_for,
    values=places.values,
    scopes=dated.everywhere,
    checks=(places.check_place,),
)
CATEGORY = dated.dated_handler(
    code_tables.CATEGORY,
    schemas=(CategoryInputSchema, CategoryUpdateSchema),
    key_for=code_tables.key_for,
    values=code_tables.values,
    scopes=dated.everywhere,
    checks=(code_tables.parent_exists(code_tables.CATEGORY),),
)
UNIT_TYPE = dated.dated_handler(
    code_tables.UNIT_TYPE,
    schemas=(UnitTypeInputSchema, UnitTypeUpdateSchema),
    key_for=code_tables.key_for,
    values=code_tables.values,
    scopes=dated.everywhere,
    checks=(code_tables.parent_exists(code_tables.CATEGORY),),
)
HANDLERS = (FILE_PLAN_CODE, PLACE, CATEGORY, UNIT_TYPE)
