package com.careledger.facility.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.careledger.db.public_.enums.FacilityStatus;
import com.careledger.db.public_.enums.FacilityType;

/** A tenant of the platform as the portal lists it. */
public record Facility(UUID id, String name, FacilityType type, FacilityStatus status, String city,
                       OffsetDateTime createdAt) {
}
