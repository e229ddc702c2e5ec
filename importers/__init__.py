"""Bringing outside data in: parsers turn files (CSV, XLSX, XML, HTML) into plain records, then
call the registry's services. Nothing here writes to the database directly."""
