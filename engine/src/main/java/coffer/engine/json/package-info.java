/**
 * Coffer's one JSON form ({@link coffer.engine.json.CofferJson}): the strict mapper the operation records, the
 * API, the job rows, the catalog's documents and the manifest's point facts are read and written with, and the
 * translation of what it finds into errors naming the field. A library (Jackson), configured here once.
 */
package coffer.engine.json;
