package coffer.server.console.page;

import coffer.engine.error.Problems;
import io.javalin.http.Context;

import java.util.List;

/**
 * A submitted form's fields as the operation records' types: blank is absent (null), numbers are checked and a
 * bad one is named with its field (InvalidArgument, as the API names a bad JSON value). One per request; not
 * thread-safe.
 */
final class Form {
    private final Context ctx;

    Form(Context ctx) {
        this.ctx = ctx;
    }

    String text(String name) {
        String value = ctx.formParam(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    boolean checked(String name) {
        return ctx.formParam(name) != null;
    }

    List<String> all(String name) {
        return ctx.formParams(name).stream().filter(v -> !v.isBlank()).map(String::strip).toList();
    }

    /** Every value given as it is, not stripped (guest paths: a name may end in a space); empty ones left out. */
    List<String> exact(String name) {
        return ctx.formParams(name).stream().filter(v -> !v.isEmpty()).toList();
    }

    /** A comma- or space-separated list ("vda, vdb"); empty when blank. */
    List<String> list(String name) {
        String value = text(name);
        return value == null ? List.of() : List.of(value.split("[,\\s]+"));
    }

    Integer whole(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw Problems.invalid(name, "expected a whole number, got '" + value + "'");
        }
    }
}
