/**
 * The operation records: every request Coffer takes — a query, a change, or a long operation run as a job —
 * is one record, with one result record, from the command line's flags through the API's request body and
 * the job row to the handler (docs/design/operations.md says how to add one). {@link coffer.engine.operation.Operations}
 * is the one entry point; its implementations are the in-process ones ({@code offline} on a vault,
 * {@code hosted} on the catalog) and the command line's HTTP client of the server.
 *
 * <p><b>Validation.</b> Each record checks its values once, in its compact constructor, and reports every
 * problem at once ({@link coffer.engine.error.Problems}: {@code field: what is wrong, with the value}), so a
 * record that exists is valid wherever it came from (flags, a request body, a job row). Chosen over Jakarta
 * Bean Validation (Hibernate Validator): the rules are few and mostly cross-field ("exactly one of to and
 * inPlace"), which annotations express poorly; messages and codes stay the project's own (the seed's codes
 * such as {@code PolicyHasPermanentRetention}); nothing runs by reflection at start-up (the command line starts
 * in ~0.1 s from its AOT cache), and no expression-language runtime joins the launcher. Type errors, unknown
 * fields and malformed JSON are found first by Jackson ({@link coffer.engine.json.CofferJson}, the one
 * strict mapper) and named by field.
 *
 * <p>Records are immutable and thread-safe. Must not know HTTP, picocli or SQL.
 */
package coffer.engine.operation;

import coffer.engine.json.CofferJson;
