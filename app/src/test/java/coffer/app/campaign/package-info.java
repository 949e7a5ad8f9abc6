/**
 * The kill -9 campaign (docs/reliability.md): random kill moments during image backup, instance backup, gc,
 * restore and server jobs, each followed by the checks that make a kill harmless. Test code: it drives the real
 * command line and server as processes of their own.
 */
package coffer.app.campaign;
