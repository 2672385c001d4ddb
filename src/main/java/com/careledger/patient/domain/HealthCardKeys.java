package com.careledger.patient.domain;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Keys for health-card PINs and national ids, from the app's configuration (environment variables
 * CARELEDGER_CRYPTO_CARD_PIN_KEY, CARELEDGER_CRYPTO_NATIONAL_ID_LOOKUP_KEY,
 * CARELEDGER_CRYPTO_NATIONAL_ID_ENCRYPTION_KEY). The database never stores them: every call passes
 * them as bind parameters, and the database refuses one shorter than 32 characters. They are never
 * printed: {@link #toString()} hides them.
 *
 * @param cardPinKey               keys the HMAC under the PIN's bcrypt hash
 * @param nationalIdLookupKey      keys the hash national ids are looked up by
 * @param nationalIdEncryptionKey  encrypts national ids (must differ from the lookup key)
 */
@ConfigurationProperties("careledger.crypto")
public record HealthCardKeys(@Nullable String cardPinKey, @Nullable String nationalIdLookupKey,
                             @Nullable String nationalIdEncryptionKey) {

    String requireCardPinKey() {
        return require(cardPinKey, "careledger.crypto.card-pin-key");
    }

    String requireNationalIdLookupKey() {
        return require(nationalIdLookupKey, "careledger.crypto.national-id-lookup-key");
    }

    String requireNationalIdEncryptionKey() {
        return require(nationalIdEncryptionKey, "careledger.crypto.national-id-encryption-key");
    }

    private static String require(@Nullable String key, String property) {
        if (key == null || key.isBlank()) {
            throw new IllegalStateException(property + " is not configured: health-card PINs and national ids need it");
        }
        return key;
    }

    @Override
    public String toString() {
        return "HealthCardKeys[configured: pin=" + (cardPinKey != null) + ", lookup=" + (nationalIdLookupKey != null)
                + ", encryption=" + (nationalIdEncryptionKey != null) + "]";
    }
}
