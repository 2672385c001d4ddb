package com.careledger.patient.domain;

import static com.careledger.db.app.Tables.FIND_PATIENTS_BY_NATIONAL_ID;
import static org.jooq.Records.mapping;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.val;

import java.util.List;
import java.util.UUID;

import com.careledger.db.public_.enums.NationalIdKind;
import org.jooq.DSLContext;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Health-card PINs and national ids, through the SECURITY DEFINER functions of R__0004_people_and_health_cards.sql
 * ({@code app.set_card_pin}, {@code app.verify_card_pin}, {@code app.set_national_id} and the like) with the keys
 * of {@link HealthCardKeys} as bind parameters. Who may do what is decided by the database.
 */
@Repository
@Transactional
public class HealthCardRepository {

    /** A patient record found by a national id: only of facilities the user may see. */
    public record NationalIdMatch(UUID patientId, UUID facilityId, String registrationNumber, String fullName,
                                  String cardNumber, String last4) {
    }

    private final DSLContext db;
    private final HealthCardKeys keys;

    public HealthCardRepository(DSLContext db, HealthCardKeys keys) {
        this.db = db;
        this.keys = keys;
    }

    public void setPin(UUID card, String pin) {
        db.select(field("app.set_card_pin({0}, {1}, {2})", card(card), val(pin), val(keys.requireCardPinKey()))).fetch();
    }

    /** True when the PIN is right; a wrong PIN counts towards the card's lock and answers false. */
    public boolean verifyPin(UUID card, String pin) {
        return Boolean.TRUE.equals(db.select(field("app.verify_card_pin({0}, {1}, {2})", SQLDataType.BOOLEAN,
                card(card), val(pin), val(keys.requireCardPinKey()))).fetchOne(0, Boolean.class));
    }

    public void setNationalId(UUID card, String kind, String value) {
        db.select(field("app.set_national_id({0}, {1}::national_id_kind, {2}, {3}, {4})", card(card), val(kind), val(value),
                val(keys.requireNationalIdLookupKey()), val(keys.requireNationalIdEncryptionKey()))).fetch();
    }

    @Transactional(readOnly = true)
    public List<NationalIdMatch> findByNationalId(String kind, String value) {
        var f = FIND_PATIENTS_BY_NATIONAL_ID.call(
                field("{0}::national_id_kind", SQLDataType.VARCHAR.asEnumDataType(NationalIdKind.class), val(kind)),
                val(value), val(keys.requireNationalIdLookupKey()));
        return db.select(f.PATIENT_ID, f.FACILITY_ID, f.REGISTRATION_NUMBER, f.FULL_NAME, f.CARD_NUMBER, f.LAST4)
                .from(f)
                .fetch(mapping(NationalIdMatch::new));
    }

    private static org.jooq.Field<UUID> card(UUID card) {
        return val(card, SQLDataType.UUID);
    }
}
