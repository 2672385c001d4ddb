package com.careledger.patient.domain;

import static com.careledger.db.app.Tables.FIND_PATIENTS_BY_NATIONAL_ID;
import static com.careledger.db.app.Tables.READ_HEALTH_CARD;
import static org.jooq.Records.mapping;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.val;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.careledger.db.public_.enums.NationalIdKind;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Health cards, their PINs and national ids, through the SECURITY DEFINER functions of
 * R__0004_people_and_health_cards.sql ({@code app.read_health_card}, {@code app.set_card_pin},
 * {@code app.verify_card_pin}, {@code app.set_national_id} and the like) with the keys of {@link HealthCardKeys} as
 * bind parameters. Who may do what is decided by the database. Clinical data and insurance are read only through
 * {@code app.read_health_card}, never from the tables: the function records the read in the audit log in the same
 * transaction (which must therefore be read-write), so the portal shows no health information unrecorded
 * ({@code PhiReadAuditTest} checks that no code reads the clinical tables directly).
 */
@Repository
@Transactional
public class HealthCardRepository {

    /** A patient record found by a national id: only of facilities the user may see. */
    public record NationalIdMatch(UUID patientId, UUID facilityId, String registrationNumber, String fullName,
                                  String cardNumber, String last4) {
    }

    /**
     * A health card as its reader may see it: insurance (JSON array as text) for whoever sees the card; the clinical
     * record only when {@code clinicalShown} (its holder, clinical staff where it is registered), null otherwise.
     */
    public record HealthCardView(UUID cardId, String cardNumber, String holderName, String insurance,
                                 boolean clinicalShown, @Nullable String bloodGroup, @Nullable String medicalHistory,
                                 @Nullable String allergies, @Nullable String chronicConditions) {
    }

    private final DSLContext db;
    private final HealthCardKeys keys;

    public HealthCardRepository(DSLContext db, HealthCardKeys keys) {
        this.db = db;
        this.keys = keys;
    }

    /**
     * The card as the signed-in user may see it, empty when they may not see it; the read (who, which card, which
     * fields, the reason) is recorded in the audit log. {@code purpose}: staff's reason, at most 200 characters, or
     * null; a patient gives none.
     */
    public Optional<HealthCardView> read(UUID card, @Nullable String purpose) {
        var c = READ_HEALTH_CARD.call(card(card), val(purpose, SQLDataType.CLOB));
        return db.select(c.CARD_ID, c.CARD_NUMBER, c.HOLDER_NAME, c.INSURANCE, c.CLINICAL_SHOWN, c.BLOOD_GROUP,
                        c.MEDICAL_HISTORY, c.ALLERGIES, c.CHRONIC_CONDITIONS)
                .from(c)
                .fetchOptional(r -> new HealthCardView(r.get(c.CARD_ID), r.get(c.CARD_NUMBER), r.get(c.HOLDER_NAME),
                        text(r.get(c.INSURANCE)), Boolean.TRUE.equals(r.get(c.CLINICAL_SHOWN)), r.get(c.BLOOD_GROUP),
                        text(r.get(c.MEDICAL_HISTORY)), text(r.get(c.ALLERGIES)), text(r.get(c.CHRONIC_CONDITIONS))));
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

    private static @Nullable String text(@Nullable JSONB json) {
        return json == null ? null : json.data();
    }

    private static org.jooq.Field<UUID> card(UUID card) {
        return val(card, SQLDataType.UUID);
    }
}
