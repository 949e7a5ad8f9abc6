/**
 * The API fuzzer ({@link coffer.server.api.fuzz.ApiFuzzIT}): the operations of the served OpenAPI document
 * ({@link coffer.server.api.fuzz.OpenApiOperations}), the generated inputs ({@link coffer.server.api.fuzz.FuzzValues})
 * and a raw HTTP/1.1 client that sends malformed request targets byte for byte ({@link coffer.server.api.fuzz.RawHttp}).
 *
 * <p>Inputs come from QuickTheories (Maven Central {@code org.quicktheories:quicktheories}, Apache-2.0, no
 * dependencies, runs inside plain JUnit 5 tests): seeded generation, shrinking of a failing input and the seed
 * in the failure, rather than a hand-made generator. Its last release is 0.26 (2019); it needs nothing newer
 * and is small enough to replace if it ever must be. jqwik was used before; its author asks that AI agents not
 * use it, and the project respects that. docs/server.md ("API fuzzing") says how to run and replay.
 */
package coffer.server.api.fuzz;
