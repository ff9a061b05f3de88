package io.kommomcp.tools.parties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.FieldValue.Value;
import io.kommomcp.tools.parties.PartyInputs.Email;
import io.kommomcp.tools.parties.PartyInputs.EmailKind;
import io.kommomcp.tools.parties.PartyInputs.Phone;
import io.kommomcp.tools.parties.PartyInputs.PhoneKind;

class PartyInputsTest {

    @Test
    void theSameLineWrittenDifferentlyIsTheSamePhone() {
        assertTrue(PartyInputs.samePhone("+44 (20) 7946-0991", "00442079460991"));
        assertTrue(PartyInputs.samePhone("+44 20 7946 0991", "020 7946 0991"));
        assertFalse(PartyInputs.samePhone("+44 20 7946 0991", "+44 20 7946 0992"));
        assertFalse(PartyInputs.samePhone("1234", "1234"), "too short to say");
    }

    @Test
    void phonesAndEmailsBecomeKommosWriteShapeWithTheirKinds() {
        List<FieldValue> cfs = PartyInputs.customFields(List.of(new Phone(" +1 555 0100 ", PhoneKind.MOB)),
                List.of(new Email("a@b.example", null)), Map.of("POSITION", "CTO"));
        assertEquals("PHONE", cfs.get(0).fieldCode());
        assertEquals(List.of(Value.coded("+1 555 0100", "MOB")), cfs.get(0).values());
        assertEquals(List.of(Value.coded("a@b.example", "WORK")), cfs.get(1).values(),
                "WORK by default");
        assertEquals(List.of(Value.of("CTO")), cfs.get(2).values());
    }

    @Test
    void anEmptyListOrBlankTextClearsTheField() {
        List<FieldValue> cfs = PartyInputs.customFields(List.of(), null, Map.of("POSITION", " "));
        assertTrue(cfs.get(0).values() == null || cfs.get(0).values().isEmpty());
        assertNull(cfs.get(1).values(), "no values is what clears a field");
        assertEquals("POSITION", cfs.get(1).fieldCode());
    }

    @Test
    void badNumbersAndAddressesAreRefusedWithTheReason() {
        ToolException phone = assertThrows(ToolException.class, () -> PartyInputs.customFields(
                List.of(new Phone("call me", null)), null, Map.of()));
        assertTrue(phone.getMessage().contains("is not a phone number"));
        assertThrows(ToolException.class, () -> PartyInputs.customFields(List.of(new Phone("12", null)), null,
                Map.of()));
        ToolException email = assertThrows(ToolException.class, () -> PartyInputs.customFields(null,
                List.of(new Email("x@y", EmailKind.PRIV)), Map.of()));
        assertTrue(email.getMessage().contains("is not an e-mail address"));
    }
}
