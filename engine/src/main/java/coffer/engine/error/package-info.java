/** The error catalogue: stable codes with HTTP status, exit code and remedy, and the mapping from lower layers' exceptions. */
package coffer.engine.error;
