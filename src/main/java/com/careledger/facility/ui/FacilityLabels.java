package com.careledger.facility.ui;

import com.careledger.db.public_.enums.FacilityStatus;
import com.careledger.db.public_.enums.FacilityType;

/** The translation keys of facility types and statuses: facility.type.&lt;type&gt;, facility.status.&lt;status&gt;. */
final class FacilityLabels {

    private FacilityLabels() {
    }

    static String type(FacilityType type) {
        return "facility.type." + type.getLiteral();
    }

    static String status(FacilityStatus status) {
        return "facility.status." + status.getLiteral();
    }
}
