/**
 * The console's pages (docs/console.md): each class registers a section's pages and changes with
 * {@link coffer.server.console.Console}, calls {@link coffer.engine.operation.Operations} with the section's
 * operation records, and hands a model record to its jte template (src/main/jte). Form fields are read into the
 * operation records here ({@link Form}); the records check them, so the console shows the API's validation
 * messages and codes. No page keeps state.
 */
package coffer.server.console.page;
