package coffer.server.console;

import coffer.engine.live.GuestNames;
import gg.jte.TemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;

/**
 * The templates' HTML output, with Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069) in shown text
 * written as their escape ({@code &#92;u202e}) instead of the character: a domain name, a guest's file name, a job's
 * message or any other text a guest or caller controls cannot reorder what follows it and look like another (a file
 * named x, U+202E, {@code gnp.exe} shown as {@code xexe.png}). Shown text only: an element's content (an
 * {@code <option>}'s too: every option whose text is a name has a value attribute) and the {@code title},
 * {@code aria-label}, {@code alt} and {@code placeholder} attributes; a form's values (other attributes, a
 * {@code <textarea>}'s content) and links are left exact so that a change names what it was shown. In an element's
 * content (not an option's or the title's) the escape is a {@code <span class="ctl">} (styled apart), so a name holding
 * the six characters {@code &#92;u202e} does not look like one holding the control. Everything is then HTML-escaped by
 * jte as before. The same escape as the command line's (coffer.engine.live.GuestNames: its tables' text, guest names).
 * Not thread-safe: one per rendering.
 */
final class BidiSafeOutput extends OwaspHtmlTemplateOutput {
    private String tag;
    private String attribute;

    BidiSafeOutput(TemplateOutput output) {
        super(output);
    }

    /** Whether {@code c} is one of the bidirectional embedding, override and isolate controls. */
    static boolean isBidiControl(int c) {
        return GuestNames.isBidiControl(c);
    }

    /** {@code text} with each bidirectional control as {@code &#92;uNNNN} (lower-case hex): the command line's escape. */
    static String escape(String text) {
        return GuestNames.escapeBidi(text);
    }

    @Override
    public void setContext(String tagName, String attributeName) {
        this.tag = tagName;
        this.attribute = attributeName;
        super.setContext(tagName, attributeName);
    }

    @Override
    public void writeUserContent(String value) {
        if (value == null || value.chars().noneMatch(BidiSafeOutput::isBidiControl) || !shown()) {
            super.writeUserContent(value);
            return;
        }
        if (attribute != null || "option".equals(tag) || "title".equals(tag)) {
            super.writeUserContent(escape(value)); // no markup inside an attribute, an option or the title
            return;
        }
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isBidiControl(c)) {
                super.writeUserContent(value.substring(from, i));
                writeContent("<span class=\"ctl\">");
                super.writeUserContent(GuestNames.unicodeEscape(c));
                writeContent("</span>");
                from = i + 1;
            }
        }
        super.writeUserContent(value.substring(from));
    }

    /**
     * Whether a value written now is shown text rather than a form's value or a link. An {@code <option>}'s text is
     * shown text: the console's templates give a value attribute to every option whose text is a name (a region's, an
     * instance's, a disk's), so its text is never what the form sends.
     */
    private boolean shown() {
        if (attribute == null) {
            return !"textarea".equals(tag);
        }
        return switch (attribute) {
            case "title", "aria-label", "alt", "placeholder" -> true;
            default -> false;
        };
    }
}
