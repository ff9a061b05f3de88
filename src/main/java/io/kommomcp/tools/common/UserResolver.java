package io.kommomcp.tools.common;

import java.util.List;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.wire.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Finds an account user the way people name them: by id, e-mail or name, from the tenant's schema cache. */
@ApplicationScoped
public class UserResolver {

    @Inject
    KommoMetadata metadata;

    /** A user by id, e-mail or name (exact, ignoring case and accents; else a unique partial match). */
    public User resolve(Caller caller, String ref) {
        String r = ref == null ? "" : ref.strip();
        if (r.isEmpty()) {
            throw new ToolException("Name the user by id, name or e-mail.");
        }
        List<User> users = metadata.users(caller);
        List<User> found;
        if (r.matches("\\d+")) {
            found = users.stream().filter(u -> u.id() == Long.parseLong(r)).toList();
        } else if (r.contains("@")) {
            found = users.stream().filter(u -> u.email() != null && u.email().equalsIgnoreCase(r)).toList();
        } else {
            String f = Names.fold(r);
            found = users.stream().filter(u -> Names.fold(u.name()).equals(f)).toList();
            if (found.isEmpty()) {
                found = users.stream().filter(u -> Names.fold(u.name()).contains(f)).toList();
            }
        }
        if (found.isEmpty()) {
            throw new ToolException("No user of this account matches '" + r + "'. The users are: "
                    + String.join(", ", users.stream().limit(30).map(UserResolver::describe).toList())
                    + (users.size() > 30 ? ", ..." : "") + ".");
        }
        if (found.size() > 1) {
            throw new ToolException("'" + r + "' matches several users: " + String.join(", ", found.stream()
                    .map(UserResolver::describe).toList()) + ". Name one by id or e-mail.");
        }
        User u = found.get(0);
        if (Boolean.FALSE.equals(u.isActive())) {
            throw new ToolException(u.name() + " (user " + u.id() + ") is deactivated in Kommo and cannot be"
                    + " made responsible.");
        }
        return u;
    }

    private static String describe(User u) {
        return u.name() + " <" + u.email() + "> (" + u.id() + ")";
    }
}
