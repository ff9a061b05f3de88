package io.kommomcp.tools.account;

import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolSet;
import io.kommomcp.kommo.KommoAccount;
import io.kommomcp.kommo.KommoAccount.AccountInfo;
import io.kommomcp.kommo.KommoAccount.UserRights;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.LossReason;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The account: its settings, its users and their rights, and its loss reasons. */
@ToolSet
@ApplicationScoped
public class AccountTools {

    @Inject
    KommoAccount account;

    @Inject
    KommoMetadata metadata;

    public record UsersArgs(
            @Describe(min = 1) Integer page,
            @Describe(value = "Default 50.", min = 1, max = 250) Integer limit) {
    }

    public record AccountView(AccountInfo account) implements Rendered {

        @Override
        public String toText() {
            return "Account " + account.name() + " (" + account.subdomain() + ", id " + account.id() + "), currency "
                    + account.currency() + ", loss reasons " + (Boolean.TRUE.equals(account.lossReasonsEnabled())
                            ? "on" : "off") + ", task types: " + String.join(", ", account.taskTypes().stream()
                                    .map(t -> t.name() + " (" + t.id() + ")").toList()) + ".";
        }
    }

    public record UserView(long id, String name, String email, boolean admin, boolean active,
            Map<String, Map<String, String>> rights, List<String> roles, List<String> groups) {
    }

    public record UserPage(List<UserView> users, int page, boolean hasMore, Integer nextPage) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Users (rights: A all, G group, M own, D denied):");
            users.forEach(u -> sb.append("\n- ").append(u.name()).append(" <").append(u.email()).append("> (")
                    .append(u.id()).append(')').append(u.admin() ? ", admin" : "")
                    .append(u.active() ? "" : ", deactivated").append(u.rights().containsKey("leads")
                            ? ", leads " + u.rights().get("leads") : ""));
            if (hasMore) {
                sb.append("\nMore on page ").append(nextPage).append('.');
            }
            return sb.toString();
        }
    }

    public record LossReasonList(List<LossReason> lossReasons) implements Rendered {

        @Override
        public String toText() {
            return lossReasons.isEmpty() ? "The account has no loss reasons." : "Loss reasons: " + String.join(", ",
                    lossReasons.stream().map(l -> l.name() + " (" + l.id() + ")").toList()) + ".";
        }
    }

    @Tool(name = "account_get", title = "Account information", role = Roles.READER, readOnly = true,
            description = "The Kommo account: name, subdomain, country, currency, time zone, settings, API user, task"
                    + " types (ids for tasks_create).")
    public AccountView get(Caller caller) {
        return new AccountView(account.account(caller));
    }

    @Tool(name = "users_list", title = "List users", role = Roles.READER, readOnly = true,
            description = "The account's users: e-mail, admin and active flags, roles, groups, rights per entity"
                    + " type; paged (next_page).")
    public UserPage users(UsersArgs a, Caller caller) {
        int page = a.page() == null ? 1 : a.page();
        Page<UserRights> p = account.users(caller, page, a.limit() == null ? 50 : a.limit());
        return new UserPage(p.items().stream().map(u -> new UserView(u.user().id(), u.user().name(),
                u.user().email(), Boolean.TRUE.equals(u.user().isAdmin()), !Boolean.FALSE.equals(u.user().isActive()),
                u.rights(), u.roles(), u.groups())).toList(), page, p.hasMore(), p.hasMore() ? page + 1 : null);
    }

    @Tool(name = "loss_reasons_list", title = "List loss reasons", role = Roles.READER, readOnly = true,
            description = "Loss reasons with ids, for advance_sales_stage (id or name) and leads_move (id, stage"
                    + " 143).")
    public LossReasonList lossReasons(Caller caller) {
        return new LossReasonList(metadata.lossReasons(caller));
    }
}
