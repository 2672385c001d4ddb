package com.careledger.facility.ui;

import com.careledger.db.public_.enums.FacilityStatus;
import com.careledger.db.public_.enums.FacilityType;

/** How facility types and statuses read on screen. */
final class FacilityLabels {

    private FacilityLabels() {
    }

    static String type(FacilityType type) {
        return switch (type) {
            case hospital -> "Hospital";
            case clinic -> "Clinic";
            case lab -> "Lab";
            case ivf_centre -> "IVF centre";
            case medical_store -> "Medical store";
            case blood_bank -> "Blood bank";
            case diagnostic_centre -> "Diagnostic centre";
        };
    }

    static String status(FacilityStatus status) {
        return switch (status) {
            case onboarding -> "Onboarding";
            case active -> "Active";
            case suspended -> "Suspended";
        };
    }
}
