"""The KAYSİS DETSİS SOAP service (``DETSISServis.asmx``): the national contract, answered from
the registry so that every EBYS built against it works by changing one address."""
