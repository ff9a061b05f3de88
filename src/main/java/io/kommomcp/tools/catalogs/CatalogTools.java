package io.kommomcp.tools.catalogs;

import static io.kommomcp.tools.common.ToolValues.putIf;
import static io.kommomcp.tools.common.ToolValues.valuesOf;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.CatalogWrites;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.RecordWrites.LinkTo;
import io.kommomcp.kommo.KommoCatalogs;
import io.kommomcp.kommo.KommoCatalogs.Catalog;
import io.kommomcp.kommo.KommoCatalogs.Element;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.wire.Link;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Catalogs (Kommo's lists) and their elements, products above all, and the products of a lead with quantities. */
@ToolSet
@ApplicationScoped
public class CatalogTools {

    @Inject
    KommoCatalogs catalogs;

    @Inject
    KommoParties parties;

    public record ListElementsArgs(
            @Describe(value = "From catalogs_list.", required = true, min = 1) Long catalogId,
            @Describe("Text in the name, SKU or description.") String text,
            @Describe(min = 1) Integer page,
            @Describe(value = "Default 50.", min = 1, max = 250) Integer limit) {
    }

    public record ElementArgs(
            @Describe(required = true, min = 1) Long catalogId,
            @Describe(required = true, min = 1) Long elementId) {
    }

    public record CreateElementArgs(
            @Describe(required = true, min = 1) Long catalogId,
            @Describe(required = true) String name,
            String sku,
            @Describe("Unit price, >= 0.") BigDecimal price,
            String description) {
    }

    public record UpdateElementArgs(
            @Describe(required = true, min = 1) Long catalogId,
            @Describe(required = true, min = 1) Long elementId,
            String name,
            @Describe("Empty text clears it.") String sku,
            @Describe("Unit price, >= 0.") BigDecimal price,
            @Describe("Empty text clears it.") String description) {
    }

    public record LeadArgs(@Describe(required = true, min = 1) Long leadId) {
    }

    public record AddProductArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe(required = true, min = 1) Long catalogId,
            @Describe(required = true, min = 1) Long elementId,
            @Describe(value = "Default 1.", min = 1, max = 1_000_000) Long quantity) {
    }

    public record RemoveProductArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe(required = true, min = 1) Long elementId) {
    }

    public record CatalogView(long id, String name, String type, boolean canAddElements) {
    }

    public record CatalogList(List<CatalogView> catalogs) implements Rendered {

        @Override
        public String toText() {
            return catalogs.isEmpty() ? "The account has no catalogs." : "Catalogs: " + String.join(", ", catalogs
                    .stream().map(c -> c.name() + " (" + c.type() + ", id " + c.id() + ")").toList()) + ".";
        }
    }

    public record ElementView(long id, long catalogId, String name, String sku, String price, String description) {
    }

    public record ElementPage(List<ElementView> elements, int page, boolean hasMore, Integer nextPage)
            implements Rendered {

        @Override
        public String toText() {
            if (elements.isEmpty()) {
                return "No elements match.";
            }
            StringBuilder sb = new StringBuilder("Elements:");
            elements.forEach(e -> sb.append("\n- ").append(e.id()).append(" \"").append(e.name()).append('"')
                    .append(e.sku() == null ? "" : ", SKU " + e.sku()).append(e.price() == null ? ""
                            : ", price " + e.price()));
            if (hasMore) {
                sb.append("\nMore on page ").append(nextPage).append('.');
            }
            return sb.toString();
        }
    }

    public record ElementChanged(long elementId, String action, Map<String, Object> changed) implements Rendered {

        @Override
        public String toText() {
            return "Element " + elementId + " " + action + ": " + changed + ".";
        }
    }

    public record LeadProduct(long elementId, long catalogId, String name, String sku, String price, Long quantity) {
    }

    public record LeadProducts(long leadId, List<LeadProduct> products, String note) implements Rendered {

        @Override
        public String toText() {
            if (products.isEmpty()) {
                return "Lead " + leadId + " has no products." + (note == null ? "" : " " + note);
            }
            return "Products of lead " + leadId + ": " + String.join("; ", products.stream().map(p -> p.quantity()
                    + " x " + p.name() + (p.price() == null ? "" : " at " + p.price())).toList()) + "."
                    + (note == null ? "" : " " + note);
        }
    }

    @Tool(name = "catalogs_list", title = "List catalogs", role = Roles.READER, readOnly = true,
            description = "The account's catalogs (Kommo's lists: products, invoices, suppliers, custom) with their"
                    + " ids.")
    public CatalogList list(Caller caller) {
        return new CatalogList(catalogs.catalogs(caller).stream().map(c -> new CatalogView(c.id(), c.name(),
                c.type(), c.canAddElements())).toList());
    }

    @Tool(name = "catalog_elements_list", title = "List catalog elements", role = Roles.READER, readOnly = true,
            description = "Elements of a catalog (products with SKU and price); paged (next_page).")
    public ElementPage elements(ListElementsArgs a, Caller caller) {
        int page = a.page() == null ? 1 : a.page();
        Page<Element> p = catalogs.elements(caller, a.catalogId(), a.text(), null, page,
                a.limit() == null ? 50 : a.limit());
        return new ElementPage(p.items().stream().map(CatalogTools::view).toList(), page, p.hasMore(),
                p.hasMore() ? page + 1 : null);
    }

    @Tool(name = "catalog_elements_get", title = "Get a catalog element", role = Roles.READER, readOnly = true,
            description = "One catalog element (a product).")
    public ElementView element(ElementArgs a, Caller caller) {
        return view(existing(caller, a.catalogId(), a.elementId()));
    }

    @Tool(name = "catalog_elements_create", title = "Create a catalog element", role = Roles.WRITER,
            readOnly = false,
            description = "Adds an element (a product) to a catalog. Each call adds another: search first"
                    + " (catalog_elements_list).")
    public Proposal<ElementChanged> create(CreateElementArgs a, Caller caller) {
        String name = a.name().strip();
        if (name.length() > 255) {
            throw new ToolException("name must be at most 255 characters.");
        }
        List<FieldValue> fields = fields(a.sku(), a.price(), a.description());
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("name", name);
        putIf(after, "sku", blankToNull(a.sku()));
        putIf(after, "price", a.price() == null ? null : a.price().toPlainString());
        putIf(after, "description", blankToNull(a.description()));
        after.put("catalog_id", a.catalogId());
        return Proposal.of("add \"" + name + "\" to catalog " + a.catalogId(), new CatalogWrites.CreateElements(
                a.catalogId(), List.of(new CatalogWrites.NewElement(name, fields)))).then(done -> new ElementChanged(
                        done.id(0), "created", after));
    }

    @Tool(name = "catalog_elements_update", title = "Update a catalog element", role = Roles.WRITER,
            readOnly = false, idempotent = true,
            description = "Changes only the fields given. Kommo cannot delete elements here.")
    public Proposal<ElementChanged> update(UpdateElementArgs a, Caller caller) {
        String name = a.name() == null ? null : a.name().strip();
        if (name != null && (name.isEmpty() || name.length() > 255)) {
            throw new ToolException("name must be 1-255 characters.");
        }
        List<FieldValue> fields = fields(a.sku(), a.price(), a.description());
        if (name == null && fields.isEmpty()) {
            throw new ToolException("Nothing to change: pass name, sku, price or description.");
        }
        ElementView before = view(existing(caller, a.catalogId(), a.elementId()));
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> now = new LinkedHashMap<>();
        if (name != null) {
            was.put("name", before.name());
            now.put("name", name);
        }
        if (a.sku() != null) {
            was.put("sku", before.sku());
            now.put("sku", blankToNull(a.sku()));
        }
        if (a.price() != null) {
            was.put("price", before.price());
            now.put("price", a.price().toPlainString());
        }
        if (a.description() != null) {
            was.put("description", before.description());
            now.put("description", blankToNull(a.description()));
        }
        return Proposal.of("update element " + a.elementId() + " of catalog " + a.catalogId(),
                new CatalogWrites.UpdateElements(a.catalogId(), List.of(new CatalogWrites.ElementChange(a.elementId(),
                        name, fields, was)))).then(done -> new ElementChanged(a.elementId(), "updated", now));
    }

    @Tool(name = "leads_products", title = "A lead's products", role = Roles.READER, readOnly = true,
            description = "The products (catalog elements) on a lead, with quantity, SKU and unit price.")
    public LeadProducts products(LeadArgs a, Caller caller) {
        return products(caller, a.leadId(), null);
    }

    @Tool(name = "leads_add_product", title = "Add a product to a lead", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Puts a product (catalog element) on a lead; one it has already gets the new quantity"
                    + " instead of a second line.")
    public Proposal<LeadProducts> addProduct(AddProductArgs a, Caller caller) {
        long quantity = a.quantity() == null ? 1 : a.quantity();
        Element e = existing(caller, a.catalogId(), a.elementId());
        Optional<Link> current = parties.products(caller, a.leadId()).stream()
                .filter(l -> l.toEntityId() == a.elementId()).findFirst();
        String note = current.isPresent() ? "\"" + e.name() + "\" was on the lead already; its quantity went from "
                + current.get().quantity() + " to " + quantity + "." : "Added " + quantity + " x \"" + e.name()
                        + "\".";
        return Proposal.of("put " + quantity + " x \"" + e.name() + "\" on lead " + a.leadId(),
                new RecordWrites.Link(EntityType.LEADS, IdRef.of(a.leadId()), List.of(LinkTo.catalogElement(
                        a.catalogId(), a.elementId(), quantity)))).then(done -> products(caller, a.leadId(), note));
    }

    @Tool(name = "leads_remove_product", title = "Remove a product from a lead", role = Roles.WRITER,
            readOnly = false, destructive = true, idempotent = true,
            description = "Takes a product off a lead, not out of its catalog. Refused when the lead lacks it.")
    public Proposal<LeadProducts> removeProduct(RemoveProductArgs a, Caller caller) {
        Optional<Link> current = parties.products(caller, a.leadId()).stream()
                .filter(l -> l.toEntityId() == a.elementId()).findFirst();
        if (current.isEmpty()) {
            throw new ToolException("Lead " + a.leadId() + " has no product " + a.elementId() + " (see"
                    + " leads_products). Nothing was changed.");
        }
        return Proposal.of("take product " + a.elementId() + " off lead " + a.leadId(), new RecordWrites.Unlink(
                EntityType.LEADS, a.leadId(), List.of(LinkTo.catalogElement(current.get().catalogId() == null ? 0
                        : current.get().catalogId(), a.elementId(), current.get().quantity())))).then(done -> products(
                                caller, a.leadId(), "Removed product " + a.elementId() + "."));
    }

    private LeadProducts products(Caller caller, long leadId, String note) {
        List<Link> links = parties.products(caller, leadId);
        Map<Long, List<Long>> byCatalog = new LinkedHashMap<>();
        links.forEach(l -> byCatalog.computeIfAbsent(l.catalogId(), k -> new ArrayList<>()).add(l.toEntityId()));
        Map<Long, Element> found = new LinkedHashMap<>();
        byCatalog.forEach((catalogId, ids) -> catalogs.elements(caller, catalogId, null, ids, 1, ids.size())
                .items().forEach(e -> found.put(e.id(), e)));
        return new LeadProducts(leadId, links.stream().map(l -> {
            Element e = found.get(l.toEntityId());
            ElementView v = e == null ? null : view(e);
            return new LeadProduct(l.toEntityId(), l.catalogId() == null ? 0 : l.catalogId(),
                    v == null ? null : v.name(), v == null ? null : v.sku(), v == null ? null : v.price(),
                    l.quantity());
        }).toList(), note);
    }

    private Element existing(Caller caller, long catalogId, long elementId) {
        return catalogs.element(caller, catalogId, elementId).orElseThrow(() -> new ToolException("Catalog "
                + catalogId + " has no element " + elementId + ". Find elements with catalog_elements_list."));
    }

    /** SKU, PRICE and DESCRIPTION by field code; empty text clears a field, null leaves it. */
    private static List<FieldValue> fields(String sku, BigDecimal price, String description) {
        List<FieldValue> out = new ArrayList<>();
        if (price != null && price.signum() < 0) {
            throw new ToolException("price must be 0 or more.");
        }
        text(out, "SKU", sku);
        text(out, "PRICE", price == null ? null : price.stripTrailingZeros().toPlainString());
        text(out, "DESCRIPTION", description);
        return out;
    }

    private static void text(List<FieldValue> out, String code, String value) {
        if (value != null) {
            out.add(FieldValue.byCode(code, value.isBlank() ? null : List.of(FieldValue.Value.of(value.strip()))));
        }
    }

    private static ElementView view(Element e) {
        return new ElementView(e.id(), e.catalogId(), e.name(), first(valuesOf(e.customFields(), "SKU")),
                first(valuesOf(e.customFields(), "PRICE")), first(valuesOf(e.customFields(), "DESCRIPTION")));
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
