package coffer.engine.catalog;

import java.util.Locale;

/**
 * A name with its case folded, as the instance name filter compares names (docs/api.md, "Lists"): upper case, then
 * lower case, in the root locale (so {@code ß} and {@code SS} fold alike), and a final sigma as any sigma. Computed here
 * rather than by the database's {@code LOWER}, which folds only A to Z on SQLite and follows the collation on
 * PostgreSQL: the catalog stores each instance's folded name ({@code instances.name_folded}, V29) and folds the filter
 * with the same function, so both databases match the same instances. Stateless.
 */
final class FoldedName {
    private FoldedName() {
    }

    static String of(String text) {
        return text.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).replace('\u03c2', '\u03c3');
    }
}
