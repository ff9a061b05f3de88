package io.kommomcp.webhooks;

/**
 * A request body that is not a Kommo webhook delivery: empty, JSON, bad percent-encoding, over a size limit, or
 * with neither an account nor any event group. The message is a short reason meant for a 400 response and a log
 * line; it never repeats more than a short, sanitised piece of the body.
 *
 * <p>Why checked: the caller answers Kommo over HTTP within 2 s (API.md §20.2) and must decide, for every delivery,
 * between accepting it and refusing it; the compiler makes sure that decision is written down.
 */
public class MalformedWebhook extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedWebhook(String reason) {
        super(reason);
    }

    public MalformedWebhook(String reason, Throwable cause) {
        super(reason, cause);
    }
}
