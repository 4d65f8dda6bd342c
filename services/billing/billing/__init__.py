"""billing: taxes, invoices, retainers, credit notes, offline payments; see ../README.md."""
