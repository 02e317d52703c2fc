-- 021_units_nfc.sql: the unit tree's names in NFC (issue 15, part 2).
--
-- 014_search.sql brought every stored text to NFC but the unit tree of
-- 013_units.sql: units imported from a CSV saved on a Mac (or typed with
-- a composite-Unicode keyboard) kept their decomposed names, so "Hoà"
-- could be two strings on the boards and in the type-ahead.  unit_import()
-- (sql/functions/080_units.sql) now normalises what it stores; this
-- brings the rows already there to NFC.  name_fold needs nothing: fold()
-- normalises before folding, so it is the same for both spellings.

SET search_path = netdep, pg_catalog;

UPDATE units SET name = normalize(name, NFC)
 WHERE name IS NOT NFC NORMALIZED;
UPDATE units SET short_name = normalize(short_name, NFC)
 WHERE short_name IS NOT NFC NORMALIZED;
