-- Coffer catalog, version 4: why a point's consistency is lower than asked (from its manifest's facts), so a
-- server shows the same point as the command line offline (docs/design/operations.md).
ALTER TABLE points ADD COLUMN consistency_reason TEXT;
